/**
 * axe, run inside the SMART app's frame. Going through the EHR page
 * (@axe-core/playwright with .include('iframe…')) gives up on a frame whose
 * axe script takes more than 1 s to load (a fixed timeout in that library),
 * which a busy 2-core machine exceeds: the frame is then silently left out.
 * Evaluating axe in the frame itself has no such limit, and fails loudly.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Frame } from 'playwright-core';

const require = createRequire(import.meta.url);
/** The axe-core that @axe-core/playwright itself uses (no second copy to keep in step). */
const AXE_SOURCE = readFileSync(
  require.resolve('axe-core/axe.min.js', {
    paths: [path.dirname(require.resolve('@axe-core/playwright'))],
  }),
  'utf8',
);

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

type AxeWindow = { axe: { run: (context: Document, options: object) => Promise<AxeResults> } };

/** The app's page as axe sees it, with the given rule tags. */
export async function axeInFrame(frame: Frame, tags = AXE_TAGS): Promise<AxeResults> {
  await frame.evaluate(AXE_SOURCE);
  return frame.evaluate(
    (values) =>
      (window as unknown as AxeWindow).axe.run(document, { runOnly: { type: 'tag', values } }),
    tags,
  );
}

/** Serious and critical violations, one line each. */
export function seriousOrCritical(results: AxeResults): string[] {
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' > ')).join(', ')}`);
}
