import { describe, expect, it } from 'vitest';
import { matchesIssuerPattern, parseIssuerPattern, type IssuerPattern } from './issuerPattern';

const LAUNCHER = 'https://launch.example.org/v/r4/sim/{options}/fhir';
/** Launch options as the SMART App Launcher encodes them (base64url of a JSON array). */
const OPTIONS = Buffer.from(
  JSON.stringify([2, 'patient-1', 'provider-1', 'AUTO', 0, 0, 0]),
).toString('base64url');

function pattern(text: string): IssuerPattern {
  const parsed = parseIssuerPattern(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.pattern;
}

describe('parseIssuerPattern', () => {
  it('splits a pattern around its one variable segment', () => {
    expect(pattern(LAUNCHER)).toEqual({
      prefix: 'https://launch.example.org/v/r4/sim/',
      suffix: '/fhir',
    });
    expect(pattern('https://ehr.example.org/tenants/{tenant}/')).toEqual({
      prefix: 'https://ehr.example.org/tenants/',
      suffix: '',
    });
  });

  it('refuses patterns that would let more than one path segment vary, or anything else', () => {
    for (const bad of [
      'https://launch.example.org/v/r4/fhir', // no placeholder
      'https://launch.example.org/{a}/sim/{b}/fhir', // two
      'https://{host}/fhir', // in the host
      'https://launch.example.org:{port}/fhir', // in the port
      'https://launch.example.org/v/r4/sim-{options}/fhir', // part of a segment
      'https://launch.example.org/v/r4/sim/{options}x/fhir',
      'https://launch.example.org/v/r4/sim/{options}/fhir?x=1', // a query
      'https://launch.example.org/v/r4/sim/{options}/fhir#f',
      'https://user@launch.example.org/v/r4/sim/{options}/fhir',
      'https://launch.example.org/v/r4/../sim/{options}/fhir', // dot segment
      'https://launch.example.org/v/r4/%73im/{options}/fhir', // encoding
      'https://Launch.Example.org/v/r4/sim/{options}/fhir', // not the plain form
      '{options}',
      'not a url/{options}',
    ]) {
      expect(parseIssuerPattern(bad).ok, bad).toBe(false);
    }
  });
});

describe('matchesIssuerPattern', () => {
  const p = pattern(LAUNCHER);

  it('matches the launcher’s address with any URL-safe options segment, a trailing slash or not', () => {
    expect(matchesIssuerPattern(p, `https://launch.example.org/v/r4/sim/${OPTIONS}/fhir`)).toBe(
      true,
    );
    expect(matchesIssuerPattern(p, `https://launch.example.org/v/r4/sim/${OPTIONS}/fhir/`)).toBe(
      true,
    );
    expect(matchesIssuerPattern(p, 'https://launch.example.org/v/r4/sim/a-b_C9/fhir')).toBe(true);
  });

  it('refuses every look-alike: hosts, ports, schemes, extra or missing segments, encodings, dot segments', () => {
    for (const iss of [
      // look-alike hosts and user info
      `https://launch.example.org.evil.example/v/r4/sim/${OPTIONS}/fhir`,
      `https://evil.example/launch.example.org/v/r4/sim/${OPTIONS}/fhir`,
      `https://launch.example.org@evil.example/v/r4/sim/${OPTIONS}/fhir`,
      `https://evil.example/?https://launch.example.org/v/r4/sim/${OPTIONS}/fhir`,
      `https://launch.example.org:8443/v/r4/sim/${OPTIONS}/fhir`,
      `http://launch.example.org/v/r4/sim/${OPTIONS}/fhir`,
      `https://LAUNCH.example.org/v/r4/sim/${OPTIONS}/fhir`,
      // extra, missing or empty segments
      `https://launch.example.org/v/r4/sim/${OPTIONS}/extra/fhir`,
      `https://launch.example.org/v/r4/sim/a/b/fhir`,
      'https://launch.example.org/v/r4/sim//fhir',
      'https://launch.example.org/v/r4/sim/fhir',
      'https://launch.example.org/v/r4/fhir',
      `https://launch.example.org/v/r4/sim/${OPTIONS}/fhir/Patient`,
      `https://launch.example.org/v/r4/sim/${OPTIONS}/fhirx`,
      // encoded slashes, dot segments and other characters
      'https://launch.example.org/v/r4/sim/a%2Fb/fhir',
      'https://launch.example.org/v/r4/sim/a%2fb/fhir',
      'https://launch.example.org/v/r4/sim/%2e%2e/fhir',
      'https://launch.example.org/v/r4/sim/../fhir',
      'https://launch.example.org/v/r4/sim/./fhir',
      'https://launch.example.org/v/r4/sim/a.b/fhir',
      'https://launch.example.org/v/r4/sim/a\\b/fhir',
      'https://launch.example.org/v/r4/sim/a b/fhir',
      `https://launch.example.org/v/r4/sim/${OPTIONS}=/fhir`,
      `https://launch.example.org/v/r4/sim/${OPTIONS}/fhir?x=1`,
      `https://launch.example.org/v/r4/sim/${OPTIONS}/fhir#x`,
      `https://launch.example.org/v/r4/sim/${'a'.repeat(2049)}/fhir`,
      '',
    ]) {
      expect(matchesIssuerPattern(p, iss), iss).toBe(false);
    }
  });
});
