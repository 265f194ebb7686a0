/**
 * The fault-injection suite's record: each case measures what the person
 * saw and what reached or was written on the server, asserts it, and writes
 * one line to .cache/faults/ (JSON lines) whether it passed or not, so
 * `npm run faults` can print the totals: tried, handled, and the failures by
 * kind — blank, hung, doubled, lost, leaked (and misread).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

export const FAULTS_DIR =
  process.env.FAULTS_DIR ?? resolve(import.meta.dirname, '../../.cache/faults');

/** What one case observed. Every flag is set from a measurement, never assumed. */
export interface Observed {
  /** What the person sees (the relevant words on screen, or the error said). */
  sees: string;
  /** What reached the server, in short ("GET Task?… ×2"). */
  reached: string[];
  /** What was written (counts on the server after the case). */
  written: string;
  /** Nothing useful on screen: no heading, no text, or the frame emptied. */
  blank: boolean;
  /** Still "Loading…" after the app's own deadline fired, or a ready part held back by a slow one. */
  hung: boolean;
  /** Something stored twice (a plan, a follow-up, a contact attempt). */
  doubled: boolean;
  /** Something the person did or typed was neither stored nor kept to retry. */
  lost: boolean;
  /** A request or token went off the server, or the browser kept data it does not show. */
  leaked: boolean;
  /** The screen stated something the data does not support, hid a gap, or became unusable (a page 100,000 px wide). */
  misread: boolean;
}

export const BAD = ['blank', 'hung', 'doubled', 'lost', 'leaked', 'misread'] as const;

export interface FaultRecord extends Observed {
  id: string;
  fault: string;
  handled: boolean;
  error?: string;
}

function record(r: FaultRecord): void {
  mkdirSync(FAULTS_DIR, { recursive: true });
  const file = join(FAULTS_DIR, `${process.pid}.jsonl`);
  appendFileSync(file, `${JSON.stringify(r)}\n`);
}

/** One fault, one test: `run` fills `o` from what it measured; the flags must all end false. */
export function faultCase(
  id: string,
  fault: string,
  run: (o: Observed) => Promise<void>,
  timeout?: number,
): void {
  it(
    `${id}: ${fault}`,
    async () => {
      const o: Observed = {
        sees: '',
        reached: [],
        written: '',
        blank: false,
        hung: false,
        doubled: false,
        lost: false,
        leaked: false,
        misread: false,
      };
      let error: unknown;
      try {
        await run(o);
      } catch (e) {
        error = e;
      }
      const bad = BAD.filter((k) => o[k]);
      record({
        id,
        fault,
        ...o,
        sees: o.sees.replace(/\s+/g, ' ').trim().slice(0, 300),
        handled: error === undefined && bad.length === 0,
        ...(error
          ? { error: String(error instanceof Error ? error.message : error).slice(0, 300) }
          : {}),
      });
      if (error) throw error;
      expect(bad, `observed: ${bad.join(', ')}`).toEqual([]);
    },
    timeout,
  );
}
