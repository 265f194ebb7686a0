/**
 * The production build is plain static files a strict Content-Security-Policy
 * can serve: its HTML loads only same-origin files that exist, and has no
 * inline script, inline event handler or inline style.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const dist = inject('distDir');

describe.each(['index.html', 'launch.html'])('%s of the build', (name) => {
  const html = readFileSync(join(dist, name), 'utf8');

  it('has no inline script, event handler attribute or inline style', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs = '', body = ''] of scripts) {
      expect(attrs).toMatch(/\ssrc=/);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
  });

  it('references only same-origin files that exist in the build', () => {
    const refs = [...html.matchAll(/\s(?:src|href)="([^"]+)"/gi)].map((m) => m[1] ?? '');
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref, ref).not.toMatch(/^(?:[a-z]+:)?\/\//i);
      const path = ref.split(/[?#]/)[0] ?? '';
      expect(existsSync(join(dist, path.replace(/^\.?\//, ''))), ref).toBe(true);
    }
  });
});

describe('runtime configuration', () => {
  it('ships smart-config.json beside the pages, valid JSON, to be replaced without rebuilding', () => {
    const config = JSON.parse(readFileSync(join(dist, 'smart-config.json'), 'utf8')) as {
      issuers?: unknown[];
    };
    expect(Array.isArray(config.issuers)).toBe(true);
  });
});

describe('source maps', () => {
  it('none is shipped, and no JavaScript or CSS file points to one', () => {
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' });
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    const code = files.filter((f) => /\.(js|css)$/.test(f));
    expect(code.length).toBeGreaterThan(0);
    for (const f of code)
      expect(readFileSync(join(dist, f), 'utf8'), f).not.toMatch(/sourceMappingURL/);
  });
});
