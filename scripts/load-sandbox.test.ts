import type { Bundle, FhirResource } from 'fhir/r4';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCohort, type Cohort } from '../test/fixtures/cohort/index';
import { startSandbox, type Sandbox } from '../test/sandbox/index';
import { authorizeForTest, fhirFetch } from '../test/sandbox/testClient';
import { formatReport, parseArgs } from './load-sandbox';
import { LoadError, loadCohortInto } from './load-sandbox/load';
import {
  COHORT_SYSTEM,
  dependencyOrder,
  fixtureKey,
  idFromLocation,
  planLoad,
  referencesIn,
} from './load-sandbox/plan';

const AS_OF = new Date(2025, 5, 16, 12);
const full = buildCohort(AS_OF);
/** Loads over HTTP are checked with the whole cohort, every scenario. */
const SCENARIOS = full.patients.map((p) => p.key);
const cohort: Cohort = {
  ...full,
  patients: full.patients.filter((p) => SCENARIOS.includes(p.key)),
};
const total = cohort.shared.length + cohort.patients.reduce((n, p) => n + p.resources.length, 0);
const CLI_ARGS = (sandbox: Sandbox) => [
  '--server',
  sandbox.fhirBase,
  '--as-of',
  '2025-06-16',
  '--scenarios',
  SCENARIOS.join(','),
];

/**
 * No FHIR data at all; one user only so the sandbox's SMART server can issue
 * the loader a token (it signs in users of the cohort).
 */
const EMPTY: Cohort = {
  patients: [],
  shared: [],
  users: [
    {
      id: 'loader',
      name: 'Data loader',
      role: 'clinician',
      practitionerId: 'loader',
      practitionerRoleId: 'loader-role',
    },
  ],
};

/** Runs the CLI as `npm run sandbox:load` does, without blocking this process's sandbox. */
function runCli(
  args: string[],
  token: string | undefined,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/load-sandbox.ts', ...args], {
      env: { ...process.env, SANDBOX_TOKEN: token ?? '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function tokenFor(sandbox: Sandbox): Promise<string> {
  const t = await authorizeForTest(sandbox, {
    user: 'loader',
    scope: 'launch openid fhirUser user/*.cruds',
  });
  return t.access_token;
}

/** Every resource of the cohort's types on the server, through HTTP. */
async function everything(sandbox: Sandbox, token: string): Promise<FhirResource[]> {
  const types = new Set(
    planLoad(full).flatMap((g) => g.resources.map((r) => r.resource.resourceType)),
  );
  const out: FhirResource[] = [];
  for (const type of types) {
    const res = await fhirFetch(sandbox, token, `${type}?_count=1000`);
    const bundle = (await res.json()) as Bundle;
    out.push(...(bundle.entry ?? []).map((e) => e.resource as FhirResource));
  }
  return out;
}

describe('plan (whole cohort)', () => {
  const groups = planLoad(full);
  const total = full.shared.length + full.patients.reduce((n, p) => n + p.resources.length, 0);

  it('plans every fixture resource once, each with the cohort identifier', () => {
    const all = groups.flatMap((g) => g.resources);
    expect(all).toHaveLength(total);
    expect(new Set(all.map((r) => r.key)).size).toBe(total);
    for (const { resource } of all) {
      const ids = (resource as { identifier?: { system?: string; value?: string }[] }).identifier;
      expect(ids).toContainEqual({ system: COHORT_SYSTEM, value: resource.id });
    }
    expect(groups.map((g) => g.name)).toEqual(['shared', ...full.patients.map((p) => p.key)]);
  });

  it('orders each group so references point backwards (same group or an earlier one)', () => {
    const seen = new Set<string>();
    for (const g of groups) {
      for (const r of g.resources) {
        for (const ref of referencesIn(r.resource))
          expect(seen.has(ref), `${r.key} → ${ref}`).toBe(true);
        seen.add(r.key);
      }
    }
  });

  it('dependencyOrder moves a referenced resource first and survives cycles', () => {
    const a = {
      key: 'Task/a',
      resource: { resourceType: 'Task', id: 'a', focus: { reference: 'CarePlan/b' } },
    };
    const b = { key: 'CarePlan/b', resource: { resourceType: 'CarePlan', id: 'b' } };
    expect(dependencyOrder([a, b] as never).map((r) => r.key)).toEqual(['CarePlan/b', 'Task/a']);
    const c = {
      key: 'Task/c',
      resource: { resourceType: 'Task', id: 'c', partOf: [{ reference: 'Task/d' }] },
    };
    const d = {
      key: 'Task/d',
      resource: { resourceType: 'Task', id: 'd', partOf: [{ reference: 'Task/c' }] },
    };
    expect(dependencyOrder([c, d] as never)).toHaveLength(2);
  });

  it('reads server ids from absolute and relative locations', () => {
    expect(idFromLocation('https://x.org/fhir/Patient/123/_history/2', 'Patient')).toBe('123');
    expect(idFromLocation('Patient/abc-1', 'Patient')).toBe('abc-1');
    expect(idFromLocation('Task/1/_history/1', 'Patient')).toBeUndefined();
    expect(idFromLocation(undefined, 'Patient')).toBeUndefined();
  });
});

describe('arguments', () => {
  it('parses options, takes the token from SANDBOX_TOKEN and refuses bad input', () => {
    const a = parseArgs(['--server', 'https://x.org/fhir', '--as-of', '2025-02-03', '--dry-run'], {
      SANDBOX_TOKEN: 't',
    });
    expect(a).toMatchObject({ server: 'https://x.org/fhir', token: 't', dryRun: true });
    expect(a.asOf.getDate()).toBe(3);
    expect(() => parseArgs([], {})).toThrow(/--server/);
    expect(() => parseArgs(['--server', 'ftp://x'], {})).toThrow(/http/);
    expect(() => parseArgs(['--server', 'https://x', '--as-of', '2025-02-30'], {})).toThrow(/date/);
    expect(() => parseArgs(['--server', 'https://x', '--nope'], {})).toThrow(/unknown/);
  });
});

describe('loading into the local sandbox (empty server)', { timeout: 240_000 }, () => {
  let sandbox: Sandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, cohort: EMPTY });
    token = await tokenFor(sandbox);
  });
  afterAll(() => sandbox?.close());

  it('dry run writes nothing and sees nothing yet', async () => {
    const report = await loadCohortInto(cohort, { server: sandbox.fhirBase, token, dryRun: true });
    expect(report.mode).toBe('dry-run');
    expect(Object.values(report.counts).reduce((n, c) => n + c.found, 0)).toBe(0);
    expect(Object.values(report.counts).reduce((n, c) => n + c.created, 0)).toBe(total);
    expect(await everything(sandbox, token)).toHaveLength(0);
  });

  it('npm run sandbox:load twice: the first creates everything, the second creates nothing and finds everything; references resolve', async () => {
    // The real command, in its own process (the token through SANDBOX_TOKEN, as documented).
    const first = await runCli(CLI_ARGS(sandbox), token);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Written as transactions of conditional creates.');
    expect(first.stdout).toMatch(new RegExp(`Total\\s+${total}\\s+0\\b`));
    expect(first.stdout).toMatch(new RegExp(`Patient\\s+${cohort.patients.length}\\s+0\\b`));

    const second = await runCli(CLI_ARGS(sandbox), token);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`Total\\s+0\\s+${total}\\b`));
    expect(second.stdout).toMatch(new RegExp(`Patient\\s+0\\s+${cohort.patients.length}\\b`));
    // Only counts and scenario keys: no token, no names.
    for (const out of [first.stdout + first.stderr, second.stdout + second.stderr]) {
      expect(out).not.toContain(token);
      for (const p of cohort.patients) expect(out).not.toContain(p.name);
      expect(out).toContain('stable-buprenorphine');
    }

    const stored = await everything(sandbox, token);
    expect(stored).toHaveLength(total);
    const onServer = new Set(stored.map(fixtureKey));
    const refs = stored.flatMap((r) => referencesIn(r));
    expect(refs.length).toBeGreaterThan(total);
    for (const ref of refs) expect(onServer.has(ref), ref).toBe(true);
    // The server assigned its own ids: references were rewritten, not kept as fixture ids.
    const patient = await fhirFetch(
      sandbox,
      token,
      `Patient?identifier=${encodeURIComponent(`${COHORT_SYSTEM}|stable-buprenorphine`)}`,
    );
    const found = ((await patient.json()) as Bundle).entry ?? [];
    expect(found).toHaveLength(1);
    expect(found[0]?.resource?.id).not.toBe('stable-buprenorphine');

    const dry = await loadCohortInto(cohort, { server: sandbox.fhirBase, token, dryRun: true });
    expect(Object.values(dry.counts).reduce((n, c) => n + c.found, 0)).toBe(total);
    expect(formatReport(dry, AS_OF)).toContain('Dry run: nothing was written.');
  });

  it('exits 2 with the usage on bad arguments, and names unknown scenarios', async () => {
    const out = await runCli(['--as-of', 'tomorrow'], undefined);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('Usage: npm run sandbox:load');
    const unknown = await runCli(['--server', sandbox.fhirBase, '--scenarios', 'nope'], undefined);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown scenario nope');
  });

  it('says what to do on 401 (no token, or a bad one) and on an unreachable server', async () => {
    await expect(loadCohortInto(cohort, { server: sandbox.fhirBase })).rejects.toMatchObject({
      kind: 'auth',
      advice: expect.stringMatching(/--token/),
    });
    const bad = await loadCohortInto(cohort, { server: sandbox.fhirBase, token: 'nope' }).catch(
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(LoadError);
    expect((bad as LoadError).message).not.toContain('nope');
    await expect(
      loadCohortInto(cohort, { server: 'http://127.0.0.1:9/fhir', token }),
    ).rejects.toMatchObject({ kind: 'network' });
  });

  it('says what to do on 403 (scopes that cannot write)', async () => {
    const readOnly = await authorizeForTest(sandbox, {
      user: 'loader',
      scope: 'launch openid fhirUser user/*.rs',
    });
    await expect(
      loadCohortInto(cohort, { server: sandbox.fhirBase, token: readOnly.access_token }),
    ).rejects.toMatchObject({ kind: 'forbidden', advice: expect.stringMatching(/scopes/) });
  });
});

describe('loading into a server without transactions', { timeout: 120_000 }, () => {
  let sandbox: Sandbox;
  afterAll(() => sandbox?.close());

  it('falls back to one conditional create each, still idempotent with resolving references', async () => {
    const small: Cohort = { ...cohort, patients: cohort.patients.slice(0, 2) };
    const size = small.shared.length + small.patients.reduce((n, p) => n + p.resources.length, 0);
    sandbox = await startSandbox({ port: 0, cohort: EMPTY, disabled: { transaction: true } });
    const token = await tokenFor(sandbox);
    const first = await loadCohortInto(small, { server: sandbox.fhirBase, token });
    expect(first.mode).toBe('one-by-one');
    expect(Object.values(first.counts).reduce((n, c) => n + c.created, 0)).toBe(size);
    const second = await loadCohortInto(small, { server: sandbox.fhirBase, token });
    expect(Object.values(second.counts).reduce((n, c) => n + c.created, 0)).toBe(0);
    expect(Object.values(second.counts).reduce((n, c) => n + c.found, 0)).toBe(size);
    const stored = await everything(sandbox, token);
    expect(stored).toHaveLength(size);
    const onServer = new Set(stored.map(fixtureKey));
    for (const ref of stored.flatMap((r) => referencesIn(r)))
      expect(onServer.has(ref), ref).toBe(true);
  });
});
