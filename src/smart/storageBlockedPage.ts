/**
 * launch.html's page for an EHR frame in which the browser blocks the app's
 * storage: says so plainly, and offers to continue the launch in a new
 * top-level window. Plain DOM (launch.html carries no React), text only.
 */
import type { NewWindowResult } from './newWindowLaunch';

export interface StorageBlockedActions {
  /**
   * Runs in the click handler: opens the window at once (browsers allow that
   * only in direct answer to a click), then continues the launch there.
   */
  continueInNewWindow: () => { window: Window | null; result: Promise<NewWindowResult> };
  /** Tells the EHR's page what happened. */
  tell: (status: 'continued-in-new-window' | 'storage-blocked') => void;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

const WORDS = {
  title: 'This browser blocks storage for apps embedded in the EHR',
  why: "To sign in, the app keeps a short-lived key in the browser while it goes to the EHR's sign-in page and back. This browser does not allow that for an app shown inside another site's page, so the sign-in cannot finish inside this frame. The sign-in has not started.",
  offer: 'The app can continue in a window of its own; the EHR stays open here.',
  button: 'Continue in a new window',
  continued:
    'The app continues in a new window. Work there; this frame stays as it is and can be closed with the EHR.',
  show: 'Show the app window',
  blocked:
    'The new window could not be opened. Allow pop-ups for this site and press the button again, or ask your integration team to open the app in a window of its own (INTEGRATION.md, cross-site embedding).',
  windowStorage:
    'The new window cannot keep the sign-in either: this browser blocks storage for the app everywhere. Ask your integration team, or use a browser that allows it.',
  failed:
    'The sign-in could not be started in the new window. Try again; if it keeps happening, contact your integration team.',
} as const;

export function renderStorageBlocked(root: HTMLElement, actions: StorageBlockedActions): void {
  root.replaceChildren();
  root.removeAttribute('role');
  const status = el('p');
  status.setAttribute('role', 'status');
  const button = el('button', WORDS.button);
  button.type = 'button';
  root.append(el('h1', WORDS.title), el('p', WORDS.why), el('p', WORDS.offer), button, status);
  actions.tell('storage-blocked');

  button.addEventListener('click', () => {
    const { window: win, result } = actions.continueInNewWindow();
    button.disabled = true;
    result.then(
      (outcome) => {
        if (outcome === 'continued') {
          status.textContent = WORDS.continued;
          const show = el('button', WORDS.show);
          show.type = 'button';
          show.addEventListener('click', () => win?.focus());
          button.replaceWith(show);
          actions.tell('continued-in-new-window');
        } else {
          status.textContent = outcome === 'window-blocked' ? WORDS.blocked : WORDS.windowStorage;
          button.disabled = outcome !== 'window-blocked';
        }
      },
      () => {
        status.textContent = WORDS.failed;
        button.disabled = false;
        win?.close();
      },
    );
  });
}

/** For a top-level page: a new window would be no better. */
export const TOP_LEVEL_STORAGE_PROBLEM = {
  title: 'This browser does not let the app keep its sign-in',
  detail:
    "To sign in, the app keeps a short-lived key in the browser's session storage, and this browser refuses it (it may block all site storage, or be in a mode without it). Nothing was sent to the EHR.",
  action:
    'Allow site storage for this app in the browser settings, or use another browser, then launch the app again.',
};
