import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    distDir: string;
  }
}

/**
 * Before the browser tests: Debian's Chromium present, and a fresh production
 * build in a folder of this run's own (concurrent runs must not share dist/).
 */
export default function setup(project: TestProject): () => void {
  const root = resolve(import.meta.dirname, '../..');
  execFileSync('bash', ['scripts/ensure-chromium.sh'], { cwd: root, stdio: 'inherit' });
  const outDir = mkdtempSync(join(tmpdir(), 'peer-recovery-e2e-'));
  execFileSync(
    'npx',
    ['vite', 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  project.provide('distDir', outDir);
  return () => rmSync(outDir, { recursive: true, force: true });
}
