import { describe, expect, it } from 'vitest';
import { isGranted, scopesFor, toV1 } from './scopes';

describe('scopesFor', () => {
  it('asks an EHR chart launch for launch context and patient-level reads, in v2', () => {
    const scopes = scopesFor('chart', true, 'v2').split(' ');
    expect(scopes).toContain('launch');
    expect(scopes).not.toContain('launch/patient');
    expect(scopes).toContain('openid');
    expect(scopes).toContain('fhirUser');
    expect(scopes).toContain('patient/Observation.s');
    expect(scopes).toContain('patient/Task.cs');
    // least privilege: no user-level patient access, no wildcards, no delete
    expect(scopes.some((s) => s.startsWith('user/Patient'))).toBe(false);
    expect(scopes.some((s) => s.includes('*'))).toBe(false);
    expect(scopes.some((s) => /\.[cruds]*d[cruds]*$/.test(s))).toBe(false);
  });

  it('asks a standalone chart launch to pick a patient', () => {
    expect(scopesFor('chart', false, 'v2').split(' ')).toContain('launch/patient');
  });

  it('asks the peer worklist only for user-level Task, Patient, roles and plans', () => {
    const scopes = scopesFor('worklist', true, 'v2').split(' ');
    expect(scopes).toContain('user/Task.rus');
    expect(scopes).toContain('user/Patient.rs');
    expect(scopes.some((s) => s.startsWith('patient/'))).toBe(false);
    expect(scopes.some((s) => s.includes('Observation'))).toBe(false);
  });

  it('writes v2 permissions in c-r-u-d-s order (servers refuse others: rsu was never granted)', () => {
    for (const profile of ['chart', 'worklist'] as const) {
      for (const scope of scopesFor(profile, true, 'v2').split(' ')) {
        const perms = /\.([cruds]+)$/.exec(scope)?.[1];
        if (perms)
          expect(perms, scope).toBe([...'cruds'].filter((c) => perms.includes(c)).join(''));
      }
    }
  });

  it('converts to v1 syntax for servers without permission-v2', () => {
    const scopes = scopesFor('chart', true, 'v1').split(' ');
    expect(scopes).toContain('patient/Task.read');
    expect(scopes).toContain('patient/Task.write');
    expect(scopes).toContain('patient/Observation.read');
    expect(scopes).not.toContain('patient/Observation.write');
    expect(scopes.some((s) => /\.[cruds]+$/.test(s))).toBe(false);
  });
});

describe('toV1', () => {
  it('maps read and write letters', () => {
    expect(toV1('patient/Provenance.c')).toEqual(['patient/Provenance.write']);
    expect(toV1('user/Task.rus')).toEqual(['user/Task.read', 'user/Task.write']);
    expect(toV1('openid')).toEqual(['openid']);
  });
});

describe('isGranted', () => {
  it('reads v2 letters, v1 read/write and wildcards', () => {
    expect(isGranted('patient/Task.crus', 'Task', 'u')).toBe(true);
    expect(isGranted('patient/Task.rs', 'Task', 'c')).toBe(false);
    expect(isGranted('patient/Task.read', 'Task', 's')).toBe(true);
    expect(isGranted('patient/Task.read', 'Task', 'c')).toBe(false);
    expect(isGranted('user/*.write', 'CarePlan', 'c')).toBe(true);
    expect(isGranted('patient/*.*', 'Observation', 'd')).toBe(true);
    expect(isGranted('patient/Observation.rs', 'Task', 'r')).toBe(false);
    expect(isGranted('', 'Task', 'r')).toBe(false);
  });
});

describe('INTEGRATION.md', () => {
  it('lists exactly the scopes the app asks for, per profile and syntax', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../INTEGRATION.md', import.meta.url), 'utf8');
    const after = (heading: string) => doc.slice(doc.indexOf(heading));
    const line = (section: string, syntax: 'v1' | 'v2') =>
      new RegExp(`- ${syntax}: \`([^\`]+)\``).exec(after(section))?.[1];
    expect(line('**Chart**', 'v2')).toBe(scopesFor('chart', true, 'v2'));
    expect(line('**Chart**', 'v1')).toBe(scopesFor('chart', true, 'v1'));
    expect(line('**Worklist**', 'v2')).toBe(scopesFor('worklist', true, 'v2'));
    expect(line('**Worklist**', 'v1')).toBe(scopesFor('worklist', true, 'v1'));
  });
});
