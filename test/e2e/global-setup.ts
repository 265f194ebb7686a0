import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Before the browser tests: Debian's Chromium present, and a fresh production build. */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..');
  execFileSync('bash', ['scripts/ensure-chromium.sh'], { cwd: root, stdio: 'inherit' });
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
