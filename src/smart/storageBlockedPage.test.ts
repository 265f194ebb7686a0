// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import {
  authorizeInWindow,
  LAUNCH_MESSAGE_TYPE,
  MemoryStorage,
  tellEmbeddingPage,
  type NewWindowResult,
} from './newWindowLaunch';
import { renderStorageBlocked } from './storageBlockedPage';

const flush = () => new Promise((r) => setTimeout(r, 0));

function page(result: Promise<NewWindowResult>) {
  const root = document.createElement('main');
  document.body.replaceChildren(root);
  const win = { focus: vi.fn(), close: vi.fn() } as unknown as Window;
  const continueInNewWindow = vi.fn(() => ({ window: win, result }));
  const tell = vi.fn();
  renderStorageBlocked(root, { continueInNewWindow, tell });
  const button = () => root.querySelector('button') as HTMLButtonElement;
  const status = () => root.querySelector('[role="status"]')?.textContent ?? '';
  return { root, win, continueInNewWindow, tell, button, status };
}

describe('the page for an EHR frame whose storage the browser blocks', () => {
  it('says so, starts no sign-in until asked, and tells the EHR page', () => {
    const p = page(Promise.resolve('continued'));
    expect(p.root.querySelector('h1')?.textContent).toBe(
      'This browser blocks storage for apps embedded in the EHR',
    );
    expect(p.root.textContent).toContain('The sign-in has not started.');
    expect(p.button().textContent).toBe('Continue in a new window');
    expect(p.continueInNewWindow).not.toHaveBeenCalled();
    expect(p.tell).toHaveBeenCalledWith('storage-blocked');
  });

  it('the button continues in a new window, and the frame then says where the app is', async () => {
    const p = page(Promise.resolve('continued'));
    p.button().click();
    expect(p.continueInNewWindow).toHaveBeenCalledTimes(1);
    await flush();
    expect(p.status()).toMatch(/The app continues in a new window/);
    expect(p.tell).toHaveBeenLastCalledWith('continued-in-new-window');
    expect(p.button().textContent).toBe('Show the app window');
    p.button().click();
    expect(p.win.focus).toHaveBeenCalled();
  });

  it('a blocked pop-up: says how to allow it, and the button works again', async () => {
    const p = page(Promise.resolve('window-blocked'));
    p.button().click();
    await flush();
    expect(p.status()).toMatch(/could not be opened. Allow pop-ups/);
    expect(p.button().disabled).toBe(false);
    expect(p.tell).not.toHaveBeenCalledWith('continued-in-new-window');
  });

  it('a failure while starting: says so and closes the empty window', async () => {
    const p = page(Promise.reject(new Error('well-known unreachable')));
    p.button().click();
    await flush();
    expect(p.status()).toMatch(/could not be started/);
    expect(p.win.close).toHaveBeenCalled();
  });
});

describe('authorizeInWindow', () => {
  it('refuses without a window, and closes one that cannot keep the state either', async () => {
    expect(await authorizeInWindow(null, {})).toBe('window-blocked');
    const close = vi.fn();
    const blocked = {
      closed: false,
      close,
      get sessionStorage(): Storage {
        throw Object.assign(new Error('denied'), { name: 'SecurityError' });
      },
    } as unknown as Window;
    expect(await authorizeInWindow(blocked, {})).toBe('window-storage-blocked');
    expect(close).toHaveBeenCalled();
  });
});

describe('MemoryStorage', () => {
  it('keeps values for the page only, with fhirclient’s get/set/unset', async () => {
    const s = new MemoryStorage();
    expect(await s.get('k')).toBeNull();
    expect(await s.set('k', { a: 1 })).toEqual({ a: 1 });
    expect(await s.get('k')).toEqual({ a: 1 });
    expect(await s.unset('k')).toBe(true);
    expect(await s.unset('k')).toBe(false);
  });
});

describe('tellEmbeddingPage', () => {
  it('posts a status word, no data, to the embedding page', () => {
    const postMessage = vi.fn();
    const framed = {
      parent: { postMessage },
      location: { ancestorOrigins: ['http://localhost:4010'] },
    } as unknown as Window;
    tellEmbeddingPage('continued-in-new-window', framed);
    expect(postMessage).toHaveBeenCalledWith(
      { type: LAUNCH_MESSAGE_TYPE, status: 'continued-in-new-window' },
      'http://localhost:4010',
    );
  });

  it('does nothing for a top-level page', () => {
    const postMessage = vi.fn();
    const top = { location: {}, postMessage } as unknown as Window & { parent: Window };
    (top as { parent: Window }).parent = top;
    tellEmbeddingPage('storage-blocked', top);
    expect(postMessage).not.toHaveBeenCalled();
  });
});
