/**
 * Can this page keep a launch's state between page loads? A SMART launch
 * leaves launch.html for the EHR's sign-in and comes back to index.html, so
 * the PKCE verifier and the state must survive in sessionStorage. Browsers
 * that block third-party storage refuse it inside a frame from another site
 * (Chromium throws a SecurityError on the first touch of `sessionStorage`),
 * which would otherwise surface later as a misleading sign-in error.
 */
export type StorageVerdict =
  | { usable: true }
  | {
      usable: false;
      /** 'blocked': the browser refuses storage here; 'unavailable': missing, full or broken. */
      reason: 'blocked' | 'unavailable';
    };

/** Writes, reads back and removes one random key; never throws. */
export function probeSessionStorage(win: Pick<Window, 'sessionStorage'> = window): StorageVerdict {
  try {
    const storage = win.sessionStorage; // the getter itself throws where storage is blocked
    if (!storage) return { usable: false, reason: 'unavailable' };
    const key = `storage-probe:${Math.random().toString(36).slice(2)}`;
    storage.setItem(key, '1');
    const readBack = storage.getItem(key);
    storage.removeItem(key);
    return readBack === '1' ? { usable: true } : { usable: false, reason: 'unavailable' };
  } catch (e) {
    const name = typeof e === 'object' && e !== null && 'name' in e ? String(e.name) : '';
    return { usable: false, reason: name === 'SecurityError' ? 'blocked' : 'unavailable' };
  }
}

/** Whether the page is inside a frame (an EHR's, usually). A cross-origin top counts as framed. */
export function isFramed(win: Pick<Window, 'self' | 'top'> = window): boolean {
  try {
    return win.self !== win.top;
  } catch {
    return true;
  }
}
