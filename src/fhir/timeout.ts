/**
 * A deadline per request: an AbortSignal that fires after the timeout (or
 * when the caller's own signal aborts, e.g. react-query cancelling a query).
 * The clock is injected so tests fire it when they choose, never by waiting.
 */

/** Schedules `fn` after `ms`; returns a function that cancels it. */
export type Timer = (fn: () => void, ms: number) => () => void;

/** The browser's timers (Playwright's clock drives these in end-to-end tests). */
export const realTimer: Timer = (fn, ms) => {
  const id = setTimeout(fn, ms);
  return () => clearTimeout(id);
};

export interface Deadline {
  signal: AbortSignal;
  /** True once the deadline (not the caller) aborted the request. */
  readonly timedOut: boolean;
  /** Stops the timer and detaches from the caller's signal. */
  done(): void;
}

export function startDeadline(ms: number, timer: Timer = realTimer, outer?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const cancel = timer(() => {
    timedOut = true;
    controller.abort(new DOMException('The request timed out.', 'TimeoutError'));
  }, ms);
  const onOuter = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    done() {
      cancel();
      outer?.removeEventListener('abort', onOuter);
    },
  };
}
