import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PARAMETER_SOURCES, type ParameterKey } from './parameters';

/** "group.name" of every parameter whose comment in parameters.ts says UNCONFIRMED. */
function markedUnconfirmed(): string[] {
  const text = readFileSync(fileURLToPath(new URL('./parameters.ts', import.meta.url)), 'utf8');
  const body = text.slice(text.indexOf('export const PARAMETERS'), text.indexOf('} as const;'));
  const out: string[] = [];
  let group = '';
  let comment = '';
  for (const line of body.split('\n')) {
    const g = /^ {2}(\w+): \{$/.exec(line);
    if (g?.[1]) group = g[1];
    if (/^\s*\/\*\*/.test(line) || /^\s*\*/.test(line)) comment += line;
    const p = /^ {4}(\w+|'[\w-]+'):/.exec(line);
    if (p?.[1]) {
      if (/UNCONFIRMED/.test(comment)) out.push(`${group}.${p[1].replace(/'/g, '')}`);
      comment = '';
    }
  }
  return out;
}

const sourceOf = (key: string) =>
  PARAMETER_SOURCES[key as ParameterKey] ??
  PARAMETER_SOURCES[`${key.split('.')[0]}.*` as ParameterKey];

describe('parameter sources', () => {
  it('every parameter commented UNCONFIRMED is marked unconfirmed in PARAMETER_SOURCES', () => {
    const marked = markedUnconfirmed();
    expect(marked.length).toBeGreaterThan(5);
    for (const key of marked) expect(sourceOf(key)?.unconfirmed, key).toBe(true);
  });
});
