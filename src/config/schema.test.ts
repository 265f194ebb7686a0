import { describe, expect, it } from 'vitest';
import { findIssuer, parseConfig } from './schema';

const valid = {
  issuers: [{ iss: 'https://ehr.example.org/fhir/r4', clientId: 'app-1', label: 'Example EHR' }],
};

describe('parseConfig', () => {
  it('accepts a minimal valid configuration and fills defaults', () => {
    const result = parseConfig(valid);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.redirectPath).toBe('index.html');
      expect(result.config.issuers[0]?.scopeSyntax).toBe('auto');
    }
  });

  it('takes a request timeout in whole seconds, 5 to 300', () => {
    const ok = parseConfig({ ...valid, requestTimeoutSeconds: 45 });
    expect(ok.ok && ok.config.requestTimeoutSeconds).toBe(45);
    for (const bad of [2, 301, 12.5, '20']) {
      const r = parseConfig({ ...valid, requestTimeoutSeconds: bad });
      expect(r.ok ? [] : r.problems).toEqual([expect.stringMatching(/^requestTimeoutSeconds: /)]);
    }
  });

  it('names each problem with its path', () => {
    const result = parseConfig({ issuers: [{ iss: 'not a url', clientId: '' }] });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.some((p) => p.startsWith('issuers.0.iss'))).toBe(true);
      expect(result.problems.some((p) => p.startsWith('issuers.0.clientId'))).toBe(true);
      expect(result.problems.some((p) => p.startsWith('issuers.0.label'))).toBe(true);
    }
  });

  it('refuses plain http except for localhost', () => {
    const result = parseConfig({
      issuers: [{ iss: 'http://ehr.example.org/fhir', clientId: 'a', label: 'x' }],
    });
    expect(result.ok).toBe(false);
    expect(
      parseConfig({ issuers: [{ iss: 'http://localhost:4010/fhir', clientId: 'a', label: 'x' }] })
        .ok,
    ).toBe(true);
  });

  it('refuses an empty issuer list, duplicates and a default that is not configured', () => {
    expect(parseConfig({ issuers: [] }).ok).toBe(false);
    const dup = parseConfig({
      issuers: [valid.issuers[0], { ...valid.issuers[0], iss: 'https://ehr.example.org/fhir/r4/' }],
    });
    expect(dup.ok).toBe(false);
    const badDefault = parseConfig({
      ...valid,
      defaultStandaloneIss: 'https://other.example.org/fhir',
    });
    expect(badDefault.ok).toBe(false);
  });

  it('keeps the redirect on the app: an absolute or protocol-relative redirectPath is refused', () => {
    for (const redirectPath of [
      'https://evil.example/cb',
      '//evil.example/cb',
      'javascript:alert(1)',
    ]) {
      expect(parseConfig({ ...valid, redirectPath }).ok, redirectPath).toBe(false);
    }
    expect(parseConfig({ ...valid, redirectPath: 'app/index.html' }).ok).toBe(true);
  });

  it('rejects non-objects without throwing', () => {
    for (const input of [null, 42, 'x', [], undefined]) expect(parseConfig(input).ok).toBe(false);
  });
});

describe('findIssuer', () => {
  const result = parseConfig(valid);
  if (!result.ok) throw new Error('fixture invalid');
  const config = result.config;

  it('matches exactly, ignoring a trailing slash', () => {
    expect(findIssuer(config, 'https://ehr.example.org/fhir/r4')?.clientId).toBe('app-1');
    expect(findIssuer(config, 'https://ehr.example.org/fhir/r4/')?.clientId).toBe('app-1');
  });

  it('does not match by prefix, suffix, case of path, or other hosts', () => {
    for (const iss of [
      'https://ehr.example.org/fhir',
      'https://ehr.example.org/fhir/r4/other',
      'https://ehr.example.org.evil.example/fhir/r4',
      'https://evil.example/?https://ehr.example.org/fhir/r4',
      'http://ehr.example.org/fhir/r4',
      '',
    ]) {
      expect(findIssuer(config, iss), iss).toBeUndefined();
    }
    expect(findIssuer(config, null)).toBeUndefined();
  });
});
