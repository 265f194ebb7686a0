/**
 * `npm run size`: builds the app and prints the gzip size of everything
 * index.html and launch.html load (the HTML, its scripts, preloaded chunks
 * and stylesheets). A figure to report, not a test.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildApp } from '../test/e2e/appUnderTest';

const GOALS_KB: Record<string, number> = { 'index.html': 200, 'launch.html': 60 };

const out = buildApp('peer-recovery-size-', 'error');
try {
  for (const page of Object.keys(GOALS_KB)) {
    const html = readFileSync(join(out, page), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="(?:\.?\/)?(assets\/[^"]+\.(?:js|css))"/g)].map(
      (m) => m[1] as string,
    );
    const files = [page, ...new Set(assets)];
    let total = 0;
    const rows = files.map((f) => {
      const size = gzipSync(readFileSync(join(out, f)), { level: 9 }).length;
      total += size;
      return `    ${f.padEnd(40)} ${(size / 1024).toFixed(1).padStart(7)} KB`;
    });
    const goal = GOALS_KB[page] as number;
    console.log(
      `${page}: ${(total / 1024).toFixed(1)} KB gzip (goal ≤${goal} KB) ${total / 1024 <= goal ? 'within goal' : 'OVER GOAL'}`,
    );
    console.log(rows.join('\n'));
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
