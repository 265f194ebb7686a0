import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildApp } from './appUnderTest';

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
  const outDir = buildApp('peer-recovery-e2e-');
  project.provide('distDir', outDir);
  return () => rmSync(outDir, { recursive: true, force: true });
}
