/**
 * A content-addressed cache for the two slow, deterministic jobs of the test
 * suite: validating a resource against the profiles, and recompiling the FSH
 * with SUSHI. An entry's key is the SHA-256 of every input of the job (the
 * resource, the validator's source, the compiled profiles, ValueSets and
 * CodeSystems, the FSH sources, the package versions), so a change to any of
 * them is a miss, never a stale answer. Entries live in the checkout's own
 * .cache/ (git-ignored): a fresh clone starts empty, and parallel runs in
 * separate checkouts never share one. Writes are atomic (write, then rename),
 * so two runs in one checkout at once are safe too.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE_DIR = path.join(REPO_ROOT, '.cache/fhir-profiles');

export function hashOf(...parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(String(p.length));
    h.update(':');
    h.update(p);
  }
  return h.digest('hex');
}

/** Every file under the given paths (files or folders, recursively), sorted. */
function filesUnder(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const e of readdirSync(p).sort()) walk(path.join(p, e));
    else out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}

/** The hash of some files' names (relative to the repository) and contents. */
export function fingerprint(paths: readonly string[]): string {
  const parts: (string | Buffer)[] = [];
  for (const f of filesUnder(paths)) parts.push(path.relative(REPO_ROOT, f), readFileSync(f));
  return hashOf(...parts);
}

/** The version of an installed package (part of a key: a new validator or compiler is a miss). */
export function packageVersion(name: string): string {
  const file = path.join(REPO_ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

const entryPath = (namespace: string, key: string) =>
  path.join(CACHE_DIR, namespace, key.slice(0, 2), `${key}.json`);

export function readCached<T>(namespace: string, key: string): T | undefined {
  try {
    return JSON.parse(readFileSync(entryPath(namespace, key), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function writeCached(namespace: string, key: string, value: unknown): void {
  const file = entryPath(namespace, key);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs time.
  }
}
