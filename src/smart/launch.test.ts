import { describe, expect, it } from 'vitest';
import { findIssuer, parseConfig } from '../config/schema';
import { detectScopeSyntax, planLaunch, sanitisedLaunchQuery } from './launch';

const parsed = parseConfig({
  issuers: [
    { iss: 'https://ehr.example.org/fhir', clientId: 'c1', label: 'Example' },
    { iss: 'http://localhost:4010/fhir', clientId: 'c2', label: 'Sandbox', scopeSyntax: 'v1' },
  ],
  defaultStandaloneIss: 'http://localhost:4010/fhir',
});
if (!parsed.ok) throw new Error('fixture invalid');
const config = parsed.config;

describe('planLaunch', () => {
  it('plans an EHR launch for a configured issuer with its client id', () => {
    const plan = planLaunch(config, '?iss=https%3A%2F%2Fehr.example.org%2Ffhir&launch=abc');
    expect(plan).toMatchObject({
      ok: true,
      launch: 'abc',
      profile: 'chart',
      issuer: { clientId: 'c1' },
    });
  });

  it('refuses an unknown issuer and says which one', () => {
    const plan = planLaunch(config, '?iss=https%3A%2F%2Fevil.example%2Ffhir&launch=abc');
    expect(plan).toEqual({ ok: false, reason: 'unknown-issuer', iss: 'https://evil.example/fhir' });
  });

  it('uses the default issuer for a standalone launch without iss', () => {
    expect(planLaunch(config, '')).toMatchObject({
      ok: true,
      issuer: { clientId: 'c2' },
      launch: undefined,
    });
  });

  it('never guesses an issuer for an EHR launch without iss', () => {
    expect(planLaunch(config, '?launch=abc')).toEqual({ ok: false, reason: 'missing-issuer' });
  });

  it('plans a standalone launch at an address an issuer pattern allows, for that address', () => {
    const withPattern = parseConfig({
      issuers: [
        {
          issPattern: 'https://launch.example.org/v/r4/sim/{options}/fhir',
          clientId: 'c3',
          label: 'Launcher',
        },
      ],
    });
    if (!withPattern.ok) throw new Error('fixture invalid');
    const sim = 'https://launch.example.org/v/r4/sim/WzIsInAxIiwiZHIiXQ/fhir';
    expect(
      planLaunch(withPattern.config, `?iss=${encodeURIComponent(sim)}&profile=worklist`),
    ).toMatchObject({ ok: true, profile: 'worklist', issuer: { iss: sim, clientId: 'c3' } });
    const sneaky = 'https://launch.example.org/v/r4/sim/a%2Fb/fhir';
    expect(planLaunch(withPattern.config, `?iss=${encodeURIComponent(sneaky)}`)).toMatchObject({
      ok: false,
      reason: 'unknown-issuer',
    });
  });

  it('takes the worklist profile from the launch URL', () => {
    expect(
      planLaunch(config, '?iss=http%3A%2F%2Flocalhost%3A4010%2Ffhir&launch=x&profile=worklist'),
    ).toMatchObject({
      profile: 'worklist',
    });
  });
});

describe('detectScopeSyntax', () => {
  const issuer = findIssuer(config, 'https://ehr.example.org/fhir')!;
  const answer = (status: number, body: unknown) => async () =>
    new Response(JSON.stringify(body), { status });

  it('uses v2 when the server advertises permission-v2', async () => {
    expect(await detectScopeSyntax(issuer, answer(200, { capabilities: ['permission-v2'] }))).toBe(
      'v2',
    );
  });
  it('falls back to v1 when it does not, or cannot be read', async () => {
    expect(await detectScopeSyntax(issuer, answer(200, { capabilities: ['permission-v1'] }))).toBe(
      'v1',
    );
    expect(await detectScopeSyntax(issuer, answer(404, {}))).toBe('v1');
    expect(await detectScopeSyntax(issuer, () => Promise.reject(new TypeError('offline')))).toBe(
      'v1',
    );
  });
  it('honours a forced syntax without asking', async () => {
    const forced = findIssuer(config, 'http://localhost:4010/fhir')!;
    expect(
      await detectScopeSyntax(forced, () => Promise.reject(new Error('must not be called'))),
    ).toBe('v1');
  });
});

describe('sanitisedLaunchQuery', () => {
  it('keeps iss, launch and profile and drops what fhirclient would otherwise obey', () => {
    const q = sanitisedLaunchQuery(
      '?iss=https%3A%2F%2Fehr.example.org%2Ffhir&launch=abc&clientId=other&patientId=p9&fhirServiceUrl=https%3A%2F%2Fevil.example&profile=worklist',
    );
    const params = new URLSearchParams(q);
    expect([...params.keys()].sort()).toEqual(['iss', 'launch', 'profile']);
    expect(params.get('iss')).toBe('https://ehr.example.org/fhir');
  });
  it('is empty when nothing is left', () => {
    expect(sanitisedLaunchQuery('?clientId=x')).toBe('');
  });
});
