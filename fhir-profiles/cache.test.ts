import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprint, hashOf, readCached, writeCached } from './cache';

const tmp = mkdtempSync(path.join(tmpdir(), 'cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the input-hash cache', () => {
  it('a key changes with any part, and parts cannot run into each other', () => {
    expect(hashOf('a', 'b')).toBe(hashOf('a', 'b'));
    expect(hashOf('a', 'b')).not.toBe(hashOf('a', 'c'));
    expect(hashOf('ab', 'c')).not.toBe(hashOf('a', 'bc'));
  });

  it('a fingerprint changes when a file under the paths changes', () => {
    const file = path.join(tmp, 'input.fsh');
    writeFileSync(file, 'Alias: $X = http://example.org');
    const before = fingerprint([tmp]);
    expect(fingerprint([tmp])).toBe(before);
    writeFileSync(file, 'Alias: $X = http://example.org/changed');
    expect(fingerprint([tmp])).not.toBe(before);
  });

  it('reads back what it wrote, and misses a key never written', () => {
    const key = hashOf('cache.test', String(process.pid), String(Date.now()));
    expect(readCached('test', key)).toBeUndefined();
    writeCached('test', key, [{ severity: 'error', message: 'x' }]);
    expect(readCached('test', key)).toEqual([{ severity: 'error', message: 'x' }]);
  });
});
