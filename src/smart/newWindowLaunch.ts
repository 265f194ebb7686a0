/**
 * Continuing a launch in a new top-level window, for EHR frames in which the
 * browser blocks the app's storage (cross-site frames with third-party
 * storage blocked).
 *
 * The frame's part of the launch completes within this one page load: it
 * never navigates, so fhirclient's state (PKCE verifier, state key) is kept in
 * memory here and handed by fhirclient (`target`) straight into the new
 * window's own sessionStorage, where a top-level page may keep it. The new
 * window goes to the EHR's sign-in and comes back to index.html there
 * (`completeInTarget`), so the app runs in that window.
 */
import BrowserAdapterModule from 'fhirclient/lib/adapters/BrowserAdapter';
import type { fhirclient } from 'fhirclient/lib/types';
import { FHIRCLIENT_SETTINGS } from './fhirclientSettings';
import { probeSessionStorage } from './storageProbe';

/** fhirclient's Storage, in memory for this page only. */
export class MemoryStorage {
  private readonly values = new Map<string, unknown>();
  async get(key: string): Promise<unknown> {
    return this.values.get(key) ?? null;
  }
  async set<T>(key: string, value: T): Promise<T> {
    this.values.set(key, value);
    return value;
  }
  async unset(key: string): Promise<boolean> {
    return this.values.delete(key);
  }
}

// fhirclient is CommonJS: depending on the bundler the class sits on `.default`.
const BrowserAdapter = ((
  BrowserAdapterModule as unknown as { default?: typeof BrowserAdapterModule }
).default ?? BrowserAdapterModule) as typeof BrowserAdapterModule;

/** fhirclient's browser adapter with its state in memory instead of sessionStorage. */
class InMemoryAdapter extends BrowserAdapter {
  private readonly memory = new MemoryStorage();
  override getStorage(): ReturnType<BrowserAdapterModule['getStorage']> {
    return this.memory as unknown as ReturnType<BrowserAdapterModule['getStorage']>;
  }
}

/** The window's name: a second click reuses the window instead of opening another. */
export const LAUNCH_WINDOW_NAME = 'peer-recovery-app';

/**
 * Opens the window. Must run in the click handler itself, before any await:
 * browsers only let a page open a window in direct answer to a click.
 */
export function openLaunchWindow(opener: Window = window): Window | null {
  try {
    const win = opener.open('', LAUNCH_WINDOW_NAME, 'popup,width=1200,height=860');
    if (win) {
      // about:blank until the sign-in page loads: say what is happening.
      win.document.title = 'Peer Recovery Support — opening';
      win.document.body.textContent = 'Opening the app…';
    }
    return win;
  } catch {
    return null;
  }
}

export type NewWindowResult = 'continued' | 'window-blocked' | 'window-storage-blocked';

/**
 * Authorizes in `win` (opened by openLaunchWindow). Refuses, without sending
 * anything, when the window could not be opened or cannot keep the state
 * either: fhirclient would otherwise fall back to navigating this frame,
 * where the state cannot survive.
 */
export async function authorizeInWindow(
  win: Window | null,
  options: fhirclient.AuthorizeParams,
): Promise<NewWindowResult> {
  if (!win || win.closed) return 'window-blocked';
  if (!probeSessionStorage(win).usable) {
    win.close();
    return 'window-storage-blocked';
  }
  const adapter = new InMemoryAdapter({ ...FHIRCLIENT_SETTINGS });
  // A window object as the target: fhirclient copies the state into it and navigates it.
  await adapter.getSmartApi().authorize({ ...options, target: win, completeInTarget: true });
  return 'continued';
}

/** What the app tells the EHR page around its frame (no data: a type and a status word). */
export const LAUNCH_MESSAGE_TYPE = 'peer-recovery-app:launch';

/**
 * Tells the EHR's page what happened to the launch in its frame. The target
 * origin is the embedding page's where the browser says it
 * (`ancestorOrigins`); the message carries nothing but a status word.
 */
export function tellEmbeddingPage(
  status: 'continued-in-new-window' | 'storage-blocked',
  win: Window = window,
): void {
  if (win.parent === win) return;
  const origin = win.location.ancestorOrigins?.[0] ?? '*';
  try {
    win.parent.postMessage({ type: LAUNCH_MESSAGE_TYPE, status }, origin);
  } catch {
    // The EHR page is not told; the frame itself still says what happened.
  }
}
