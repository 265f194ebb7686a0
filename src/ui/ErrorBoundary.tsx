import { Component, type ErrorInfo, type ReactNode } from 'react';
import { logEvent } from '../log';

interface Props {
  /** What failed, for the message: "This section", "The peer worklist"… */
  what: string;
  children: ReactNode;
  /** Called by Retry before the children render again (e.g. refetch the data). */
  onRetry?: () => void;
  /** A heading level for the message, when the boundary replaces a whole screen. */
  screen?: boolean;
}

interface State {
  failed: boolean;
}

/**
 * Catches a render failure below it (malformed data the checks missed, a
 * bug) so it costs that part of the screen, not the app: a clear message and
 * Retry in its place. Nothing about the data is logged, only that it happened.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override componentDidCatch(_error: unknown, _info: ErrorInfo): void {
    logEvent('ui.render-failed', { screen: this.props.screen ? 1 : 0 });
  }

  private retry = () => {
    this.props.onRetry?.();
    this.setState({ failed: false });
  };

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    const title = `${this.props.what} could not be shown.`;
    const why =
      'Something in the data, or in the app, went wrong while drawing it. Nothing was changed in the EHR.';
    return (
      <div role="alert" className="render-failure">
        {this.props.screen ? (
          <>
            <h1>{title}</h1>
            <p>{why}</p>
          </>
        ) : (
          <p>
            <strong>{title}</strong> {why}
          </p>
        )}
        <button type="button" onClick={this.retry}>
          Retry
        </button>
      </div>
    );
  }
}
