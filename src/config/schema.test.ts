import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
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

describe('issuer patterns in the configuration', () => {
  const PATTERN = 'https://launch.example.org/v/r4/sim/{options}/fhir';
  const withPattern = {
    issuers: [
      { iss: 'https://launch.example.org/v/r4/fhir', clientId: 'ehr', label: 'Launcher' },
      { issPattern: PATTERN, clientId: 'standalone', label: 'Launcher, standalone' },
    ],
    defaultStandaloneIss: 'https://launch.example.org/v/r4/sim/WzIsIiIsIiJd/fhir',
  };

  it('accepts an entry with issPattern, and a default standalone issuer it matches', () => {
    expect(parseConfig(withPattern).ok).toBe(true);
  });

  it('finds the entry for a launch’s iss and gives the launch’s own address as the issuer', () => {
    const result = parseConfig(withPattern);
    if (!result.ok) throw new Error('fixture invalid');
    const iss = 'https://launch.example.org/v/r4/sim/WzIsInBhdGllbnQtMSJd/fhir/';
    expect(findIssuer(result.config, iss)).toEqual({
      iss: 'https://launch.example.org/v/r4/sim/WzIsInBhdGllbnQtMSJd/fhir',
      clientId: 'standalone',
      label: 'Launcher, standalone',
      scopeSyntax: 'auto',
    });
    expect(findIssuer(result.config, 'https://launch.example.org/v/r4/fhir')?.clientId).toBe('ehr');
    expect(
      findIssuer(result.config, 'https://launch.example.org/v/r4/sim/a%2Fb/fhir'),
    ).toBeUndefined();
    expect(
      findIssuer(result.config, 'https://launch.example.org.evil.example/v/r4/sim/x/fhir'),
    ).toBeUndefined();
  });

  it('refuses an entry with both iss and issPattern, or neither; a bad or plain-http pattern', () => {
    const entry = { clientId: 'a', label: 'x' };
    for (const issuer of [
      { ...entry, iss: 'https://a.example/fhir', issPattern: PATTERN },
      entry,
      { ...entry, issPattern: 'https://{host}/fhir' },
      { ...entry, issPattern: 'http://launch.example.org/v/r4/sim/{options}/fhir' },
    ]) {
      const result = parseConfig({ issuers: [issuer] });
      expect(result.ok, JSON.stringify(issuer)).toBe(false);
      if (!result.ok) expect(result.problems.join(' ')).toMatch(/issuers\.0/);
    }
    expect(
      parseConfig({
        issuers: [{ ...entry, issPattern: 'http://localhost:4010/v/r4/sim/{options}/fhir' }],
      }).ok,
    ).toBe(true);
  });

  it('refuses a default standalone issuer that no entry matches', () => {
    expect(
      parseConfig({
        ...withPattern,
        defaultStandaloneIss: 'https://launch.example.org/v/r4/sim/a/b/fhir',
      }).ok,
    ).toBe(false);
  });
});

describe('the shipped configuration (public/smart-config.json)', () => {
  const shipped: unknown = JSON.parse(
    readFileSync(new URL('../../public/smart-config.json', import.meta.url), 'utf8'),
  );
  const result = parseConfig(shipped);

  it('is valid', () => {
    expect(result).toMatchObject({ ok: true });
  });

  it('allows the public SMART sandbox: its EHR launch address and, by pattern, its standalone addresses', () => {
    if (!result.ok) throw new Error('invalid');
    const launcher = 'https://launch.smarthealthit.org/v/r4';
    expect(findIssuer(result.config, `${launcher}/fhir`)).toBeDefined();
    expect(findIssuer(result.config, `${launcher}/sim/WzIsIiIsIiIsIkFVVE8iXQ/fhir`)?.iss).toBe(
      `${launcher}/sim/WzIsIiIsIiIsIkFVVE8iXQ/fhir`,
    );
    expect(findIssuer(result.config, `${launcher}/sim/a/b/fhir`)).toBeUndefined();
    expect(
      findIssuer(result.config, 'https://launch.smarthealthit.org.evil.example/v/r4/fhir'),
    ).toBeUndefined();
    // and the local sandbox's launcher-style addresses
    expect(findIssuer(result.config, 'http://localhost:4010/v/r4/sim/WzJd/fhir')).toBeDefined();
  });
});
