import { describe, expect, it } from 'vitest';
import { isFramed, probeSessionStorage } from './storageProbe';

/** A Storage that works like the browser's. */
function memoryStorage(overrides: Partial<Storage> = {}): Storage {
  const data = new Map<string, string>();
  return {
    get length() {
      return data.size;
    },
    key: (i: number) => [...data.keys()][i] ?? null,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, String(v)),
    removeItem: (k: string) => void data.delete(k),
    clear: () => data.clear(),
    ...overrides,
  };
}

const domException = (name: string) => Object.assign(new Error(name), { name });

describe('probeSessionStorage', () => {
  it('is usable when a key can be written, read back and removed, and leaves nothing behind', () => {
    const storage = memoryStorage();
    expect(probeSessionStorage({ sessionStorage: storage })).toEqual({ usable: true });
    expect(storage.length).toBe(0);
  });

  it('is blocked when touching sessionStorage throws a SecurityError (a cross-site frame)', () => {
    const win = {
      get sessionStorage(): Storage {
        throw domException('SecurityError');
      },
    };
    expect(probeSessionStorage(win)).toEqual({ usable: false, reason: 'blocked' });
  });

  it('is unavailable when writing fails (quota 0, private modes) or reads back nothing', () => {
    const full = memoryStorage({
      setItem: () => {
        throw domException('QuotaExceededError');
      },
    });
    expect(probeSessionStorage({ sessionStorage: full })).toEqual({
      usable: false,
      reason: 'unavailable',
    });
    const forgetful = memoryStorage({ getItem: () => null });
    expect(probeSessionStorage({ sessionStorage: forgetful })).toEqual({
      usable: false,
      reason: 'unavailable',
    });
    expect(probeSessionStorage({ sessionStorage: undefined as unknown as Storage })).toEqual({
      usable: false,
      reason: 'unavailable',
    });
  });

  it('never throws, whatever the storage getter throws', () => {
    const hostile = {
      get sessionStorage(): Storage {
        throw 'not even an Error';
      },
    };
    expect(probeSessionStorage(hostile)).toEqual({ usable: false, reason: 'unavailable' });
  });
});

describe('isFramed', () => {
  it('is false for a top-level window and true inside a frame', () => {
    const top = {} as Window;
    expect(isFramed({ self: top, top } as Pick<Window, 'self' | 'top'>)).toBe(false);
    expect(isFramed({ self: {} as Window, top } as Pick<Window, 'self' | 'top'>)).toBe(true);
  });

  it('is true when the top window cannot even be compared (cross-origin access throws)', () => {
    const win = {
      self: {},
      get top(): Window {
        throw domException('SecurityError');
      },
    };
    expect(isFramed(win as unknown as Pick<Window, 'self' | 'top'>)).toBe(true);
  });
});
