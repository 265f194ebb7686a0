/**
 * The sandbox at the SMART App Launcher's addresses (the public SMART
 * sandbox's software), and the simulator's cross-site framing and behaviour
 * switches.
 */
import type { Bundle } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index';
import {
  baseMount,
  crossSiteVariant,
  decodeLauncherOptions,
  encodeLauncherOptions,
  fhirMount,
} from './launcherAddress';
import { miniCohort } from './miniCohort';
import {
  authorizeUrl,
  exchangeCode,
  fhirFetch,
  followAuthorization,
  pkcePair,
  type TokenResponse,
} from './testClient';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ port: 0, cohort: miniCohort(new Date('2025-03-01T12:00:00Z')) });
});
afterAll(async () => {
  await sb?.close();
});

/** An authorization at `aud` (optionally with `launch`), picking on the sign-in page if asked. */
async function authorizeAt(
  aud: string,
  scope: string,
  launch?: string,
  pick?: { user: string; patient?: string },
) {
  const { verifier, challenge } = pkcePair();
  const flow = await followAuthorization(
    sb,
    authorizeUrl(sb, {
      response_type: 'code',
      client_id: sb.clientId,
      redirect_uri: sb.redirectUris[0],
      scope,
      state: 'st-1',
      aud,
      launch,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }),
    pick,
  );
  return { flow, verifier };
}

describe('launcher-style addresses', { timeout: 30_000 }, () => {
  it('codes launch options as the launcher does, and reads its legacy form', () => {
    const encoded = encodeLauncherOptions({
      launchType: 'provider-standalone',
      provider: 'dr-okafor',
      patient: 'alex-rivera',
    });
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeLauncherOptions(encoded)).toEqual({
      launchType: 'provider-standalone',
      provider: 'dr-okafor',
      patient: 'alex-rivera',
    });
    const legacy = Buffer.from(JSON.stringify({ h: '1', b: 'p1', e: 'u1' })).toString('base64url');
    expect(decodeLauncherOptions(legacy)).toEqual({
      launchType: 'provider-standalone',
      patient: 'p1',
      provider: 'u1',
    });
    for (const bad of ['', 'a/b', '!!', Buffer.from('[99]').toString('base64url')])
      expect(decodeLauncherOptions(bad), bad).toBeUndefined();
  });

  it('knows its FHIR bases, and nothing else', () => {
    const o = 'http://localhost:1';
    expect(fhirMount(o, '/fhir/Patient/1')).toMatchObject({ kind: 'sandbox', rest: '/Patient/1' });
    expect(fhirMount(o, '/v/r4/fhir/metadata')).toMatchObject({
      kind: 'launcher',
      rest: '/metadata',
    });
    expect(fhirMount(o, '/v/r4/sim/WzJd/fhir')).toMatchObject({
      kind: 'launcher-sim',
      base: `${o}/v/r4/sim/WzJd/fhir`,
      rest: '',
    });
    for (const path of ['/fhirx', '/v/r4/sim//fhir', '/v/r4/sim/a%2Fb/fhir', '/v/r3/fhir', '/'])
      expect(fhirMount(o, path), path).toBeUndefined();
    expect(baseMount(o, `${o}/v/r4/fhir/`)?.kind).toBe('launcher');
    expect(baseMount(o, `${o}/v/r4/fhir/Patient`)).toBeUndefined();
    expect(baseMount(o, 'http://elsewhere/v/r4/fhir')).toBeUndefined();
    expect(crossSiteVariant('http://localhost:5173/launch.html')).toBe(
      'http://127.0.0.1:5173/launch.html',
    );
  });

  it('serves the same data at each address, with links under the address asked', async () => {
    const sim = sb.launcherStandaloneBase({
      launchType: 'provider-standalone',
      provider: 'dr-okafor',
    });
    for (const base of [sb.fhirBase, sb.launcherFhirBase, sim]) {
      const config = await (await fetch(`${base}/.well-known/smart-configuration`)).json();
      expect(config).toMatchObject({ token_endpoint: `${sb.issuer}/token` });
      expect((await fetch(`${base}/metadata`)).status).toBe(200);
    }
  });

  it('a standalone launch at the plain address is sent back with invalid_request, as the launcher does', async () => {
    const { flow } = await authorizeAt(
      sb.launcherFhirBase,
      'launch/patient openid fhirUser patient/*.rs',
    );
    expect(flow.redirectedTo?.searchParams.get('error')).toBe('invalid_request');
    expect(flow.redirectedTo?.searchParams.get('state')).toBe('st-1');
    expect(flow.redirectedTo?.searchParams.get('code')).toBeNull();
  });

  it('a standalone launch at a launcher-style address signs in the options’ user and patient, no picker', async () => {
    const sim = sb.launcherStandaloneBase({
      launchType: 'provider-standalone',
      provider: 'dr-okafor',
      patient: 'alex-rivera',
    });
    const { flow, verifier } = await authorizeAt(
      sim,
      'launch/patient openid fhirUser patient/*.rs',
    );
    const code = flow.redirectedTo?.searchParams.get('code');
    expect(code).toBeTruthy();
    const token = (await (
      await exchangeCode(sb, code as string, verifier)
    ).json()) as TokenResponse;
    expect(token.patient).toBe('alex-rivera');
    const res = await fhirFetch(
      sb,
      token.access_token,
      `${sim}/Observation?patient=Patient/alex-rivera&category=laboratory&_count=2`,
    );
    expect(res.status).toBe(200);
    const bundle = (await res.json()) as Bundle;
    expect(bundle.entry?.[0]?.fullUrl?.startsWith(`${sim}/Observation/`)).toBe(true);
    expect(bundle.link?.find((l) => l.relation === 'next')?.url?.startsWith(sim)).toBe(true);
  });

  it('a peer’s standalone launch without launch/patient binds no patient, even if the options name one', async () => {
    const sim = sb.launcherStandaloneBase({
      launchType: 'provider-standalone',
      provider: 'peer-sam',
      patient: 'alex-rivera',
    });
    const { flow, verifier } = await authorizeAt(sim, 'openid fhirUser user/Task.rus');
    const token = (await (
      await exchangeCode(sb, flow.redirectedTo?.searchParams.get('code') as string, verifier)
    ).json()) as TokenResponse;
    expect(token.patient).toBeUndefined();
  });

  it('an EHR launch whose launch value is launcher options (provider-ehr) carries its user and patient', async () => {
    const launch = encodeLauncherOptions({
      launchType: 'provider-ehr',
      provider: 'peer-sam',
      patient: 'blair-chen',
    });
    const { flow, verifier } = await authorizeAt(
      sb.launcherFhirBase,
      'launch openid fhirUser user/Task.rus',
      launch,
    );
    const token = (await (
      await exchangeCode(sb, flow.redirectedTo?.searchParams.get('code') as string, verifier)
    ).json()) as TokenResponse & { id_token: string };
    // the launcher asks for a patient even for a provider's launch: the context carries one
    expect(token.patient).toBe('blair-chen');
    expect(token.scope).not.toMatch(/patient\//);
  });
});

describe('simulator', () => {
  it('offers a standalone launch at a launcher-style address, for the chart and for the worklist', async () => {
    const to = async (query: string) => {
      const res = await fetch(`${sb.url}/launcher-standalone?${query}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      return new URL(res.headers.get('location') as string);
    };
    const chart = await to('user=dr-okafor&patient=alex-rivera');
    expect(`${chart.origin}${chart.pathname}`).toBe(sb.appLaunchUrl);
    const iss = chart.searchParams.get('iss') as string;
    expect(baseMount(sb.url, iss)?.kind).toBe('launcher-sim');
    expect(decodeLauncherOptions(iss.split('/')[6] as string)).toMatchObject({
      provider: 'dr-okafor',
      patient: 'alex-rivera',
    });
    expect(chart.searchParams.has('launch')).toBe(false);
    const worklist = await to('user=peer-sam&patient=alex-rivera&profile=worklist');
    expect(worklist.searchParams.get('profile')).toBe('worklist');
  });

  it('switches behaviours from its form, and frames the app from another site when asked', async () => {
    const frameSrc = async () => {
      const html = await (
        await fetch(`${sb.url}/launch?form=1&patient=alex-rivera&user=peer-sam`)
      ).text();
      return new URL(
        (/<iframe title="SMART app" src="([^"]+)"/.exec(html)?.[1] ?? '').replace(/&#38;/g, '&'),
      );
    };
    expect((await frameSrc()).hostname).toBe('localhost');
    const post = (body: string) =>
      fetch(`${sb.url}/behaviour`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    expect((await post('crossSiteApp=on&refreshRefused=on')).status).toBe(303);
    expect(sb.behaviour).toMatchObject({
      crossSiteApp: true,
      refreshRefused: true,
      opaqueAccessTokens: false,
    });
    expect((await frameSrc()).hostname).toBe('127.0.0.1');
    // the app's redirect on the other site is registered, and its origin may call the API
    expect(sb.redirectUris).toContain(crossSiteVariant(sb.redirectUris[0] as string));
    const page = await (await fetch(`${sb.url}/`)).text();
    expect(page).toContain('id="b-crossSiteApp" name="crossSiteApp" checked');
    await post('preset=strict');
    expect(Object.values(sb.behaviour).every(Boolean)).toBe(true);
    await post('preset=friendly');
    expect(Object.values(sb.behaviour).some(Boolean)).toBe(false);
    expect((await frameSrc()).hostname).toBe('localhost');
  });
});
