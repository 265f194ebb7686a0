import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLauncherOptions } from '../sandbox/launcherAddress';
import { launchFromSimulator, startStack, type Stack } from './stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

function clinician() {
  const user = stack.sandbox.cohort.users.find((u) => u.role === 'clinician');
  if (!user) throw new Error('cohort has no clinician');
  return user;
}

describe('SMART EHR launch against the local sandbox', () => {
  it('opens from the simulator through a real authorization and shows the chosen patient’s banner', async () => {
    const patient = stack.sandbox.cohort.patients.find((p) => p.key === 'stable-buprenorphine');
    expect(patient).toBeDefined();
    const { page, context } = await stack.newPage();
    const frame = await launchFromSimulator(stack, page, {
      patientKey: patient!.key,
      userId: clinician().id,
    });
    const banner = frame.getByRole('region', { name: 'Patient' });
    await banner.waitFor();
    expect(await banner.getByRole('heading', { level: 1 }).textContent()).toBe(patient!.name);
    expect(await banner.textContent()).toMatch(/MRN/);
    // the code and state were removed from the app's URL, and no patient id is in it
    const appUrl = new URL(frame.url());
    expect(appUrl.searchParams.has('code')).toBe(false);
    expect(frame.url()).not.toContain(patient!.key);
    expect(stack.foreignRequests).toEqual([]);
    await context.close();
  });

  it('does not show a banner when the EHR says it shows its own', async () => {
    const { page, context } = await stack.newPage();
    const frame = await launchFromSimulator(stack, page, {
      patientKey: 'lapsed-supply',
      userId: clinician().id,
      needPatientBanner: false,
    });
    await frame.getByRole('heading', { name: /Treatment engagement/ }).waitFor();
    expect(await frame.getByRole('region', { name: 'Patient' }).count()).toBe(0);
    await context.close();
  });

  it('ignores client id, patient or server given in the launch URL', async () => {
    const { page, context } = await stack.newPage();
    const patient = stack.sandbox.cohort.patients.find((p) => p.key === 'methadone-otp')!;
    const launchUrl = stack.sandbox.launchUrl(
      stack.sandbox.createLaunch({ user: clinician().id, patient: patient.key }),
    );
    const authorizeUrls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/auth/auth?')) authorizeUrls.push(r.url());
    });
    await page.goto(
      `${launchUrl}&clientId=someone-else&patientId=stable-buprenorphine&fhirServiceUrl=${encodeURIComponent('https://evil.example/fhir')}`,
    );
    await page.waitForURL(/\/index\.html/);
    const banner = page.getByRole('region', { name: 'Patient' });
    await banner.waitFor();
    expect(await banner.getByRole('heading', { level: 1 }).textContent()).toBe(patient.name);
    expect(authorizeUrls).toHaveLength(1);
    expect(new URL(authorizeUrls[0]!).searchParams.get('client_id')).toBe(stack.sandbox.clientId);
    expect(stack.foreignRequests.filter((h) => h.endsWith('evil.example'))).toEqual([]);
    await context.close();
  });

  it('refuses a launch from an issuer that is not configured, and contacts nothing', async () => {
    const { page, context } = await stack.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(
      `${stack.app.url}/launch.html?iss=${encodeURIComponent('https://ehr.evil.example/fhir')}&launch=abc`,
    );
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('not one the app is set up for');
    expect(await alert.textContent()).toContain('https://ehr.evil.example');
    expect(requested.filter((u) => new URL(u).hostname.endsWith('evil.example'))).toEqual([]);
    expect(new URL(page.url()).host).toBe(new URL(stack.app.url).host);
    await context.close();
  });
});

describe('standalone launch', () => {
  it('starts from the simulator’s link, lets the person pick a patient, and opens that chart', async () => {
    const { page, context } = await stack.newPage();
    const patient = stack.sandbox.cohort.patients.find((p) => p.key === 'taper-gradual')!;
    await page.goto(`${stack.sandbox.url}/`);
    await page.getByRole('link', { name: stack.sandbox.standaloneLaunchUrl }).click();
    // the authorization server asks who is signing in and for which patient (launch/patient)
    await page.getByLabel('User', { exact: true }).selectOption(clinician().id);
    await page.getByLabel('Patient', { exact: true }).selectOption(patient.key);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/index\.html/);
    const banner = page.getByRole('region', { name: 'Patient' });
    await banner.waitFor();
    expect(await banner.getByRole('heading', { level: 1 }).textContent()).toBe(patient.name);
    expect(page.url()).not.toContain(patient.key);
    await context.close();
  });
});

describe('two embedded instances in one browser tab', () => {
  it('each frame keeps its own patient, also after a reload', async () => {
    const { page, context } = await stack.newPage();
    const first = stack.sandbox.cohort.patients.find((p) => p.key === 'stable-buprenorphine')!;
    const second = stack.sandbox.cohort.patients.find((p) => p.key === 'lapsed-supply')!;
    const frameA = await launchFromSimulator(stack, page, {
      patientKey: first.key,
      userId: clinician().id,
    });
    await frameA.getByRole('region', { name: 'Patient' }).waitFor();
    // the EHR opens a second chart in the same tab: a second frame, a new launch
    const launchB = stack.sandbox.launchUrl(
      stack.sandbox.createLaunch({ user: clinician().id, patient: second.key }),
    );
    await page.evaluate((src) => {
      const f = document.createElement('iframe');
      f.title = 'second chart';
      f.src = src;
      f.style.height = '400px';
      document.body.append(f);
    }, launchB);
    const frameB = await (
      await page.waitForSelector('iframe[title="second chart"]')
    ).contentFrame();
    await frameB!.waitForURL(/\/index\.html/);
    const bannerName = (f: typeof frameA) =>
      f.getByRole('region', { name: 'Patient' }).getByRole('heading', { level: 1 });
    await bannerName(frameB!).waitFor();
    expect(await bannerName(frameB!).textContent()).toBe(second.name);
    // reloading the first frame must resume its own launch, not the newest one
    await Promise.all([
      frameA.waitForNavigation(),
      frameA.evaluate(() => window.location.reload()),
    ]);
    await bannerName(frameA).waitFor();
    expect(await bannerName(frameA).textContent()).toBe(first.name);
    expect(frameA.url()).not.toContain(first.key);
    await context.close();
  });
});

describe('an access token that expires during use', () => {
  const TTL_SECONDS = 12;
  let short: Stack;
  beforeAll(async () => {
    short = await startStack({ accessTokenTtlSeconds: TTL_SECONDS });
  });
  afterAll(async () => {
    await short?.close();
  });

  it('is refreshed without a new launch, and the chart still loads', async () => {
    const { page, context } = await short.newPage();
    const user = short.sandbox.cohort.users.find((u) => u.role === 'clinician')!;
    const frame = await launchFromSimulator(short, page, {
      patientKey: 'new-start',
      userId: user.id,
    });
    await frame.getByRole('region', { name: 'Patient' }).waitFor();
    const tokenNow = () =>
      frame.evaluate(() => {
        // each frame keeps its own state key in its URL (no shared "current launch")
        const key = new URL(window.location.href).searchParams.get('state') ?? '';
        const state = JSON.parse(sessionStorage.getItem(key) ?? '{}') as {
          tokenResponse?: { access_token?: string };
        };
        return state.tokenResponse?.access_token ?? '';
      });
    const first = await tokenNow();
    // let the token really expire at the server
    await new Promise((r) => setTimeout(r, (TTL_SECONDS + 1) * 1000));
    short.sandbox.clearRequestLog();
    await Promise.all([frame.waitForNavigation(), frame.evaluate(() => window.location.reload())]);
    await frame.getByRole('region', { name: 'Patient' }).waitFor();
    const patientReads = short.sandbox.requestLog
      .filter((r) => r.resourceType === 'Patient')
      .map((r) => r.status);
    expect(patientReads).toEqual([200]);
    const second = await tokenNow();
    expect(second).not.toBe('');
    expect(second).not.toBe(first);
    expect(await frame.getByRole('alert').count()).toBe(0);
    await context.close();
  });
});

describe('embedded from another site, with third-party storage blocked', () => {
  let cross: Stack;
  beforeAll(async () => {
    cross = await startStack({ strict: { crossSiteApp: true } });
  });
  afterAll(async () => {
    await cross?.close();
  });

  it('says so before anything is sent, continues in a new window on request, and the EHR frame is told', async () => {
    const { page, context } = await cross.newPage();
    const patient = cross.sandbox.cohort.patients.find((p) => p.key === 'stable-buprenorphine')!;
    const authorizations: string[] = [];
    context.on('request', (r) => {
      if (r.url().includes('/auth/auth?')) authorizations.push(r.url());
    });
    await page.goto(`${cross.sandbox.url}/`);
    await page.getByLabel('Patient', { exact: true }).selectOption(patient.key);
    await page.getByLabel('User', { exact: true }).selectOption('dr-okafor');
    await page.getByRole('button', { name: 'Launch', exact: true }).click();
    const frame = (await (await page.waitForSelector('iframe[title="SMART app"]')).contentFrame())!;
    // the EHR on one site, the app on another
    expect(new URL(page.url()).hostname).toBe('localhost');
    expect(new URL(frame.url()).hostname).toBe('127.0.0.1');
    await frame
      .getByRole('heading', { name: 'This browser blocks storage for apps embedded in the EHR' })
      .waitFor({ timeout: 30_000 });
    // the browser really refuses the app's storage in this frame
    expect(
      await frame.evaluate(() => {
        try {
          return `usable ${window.sessionStorage.length}`;
        } catch (e) {
          return (e as Error).name;
        }
      }),
    ).toBe('SecurityError');
    expect(authorizations).toEqual([]);
    const messages = page.locator('#app-messages');
    await expect.poll(() => messages.textContent()).toContain('storage-blocked');

    const [win] = await Promise.all([
      context.waitForEvent('page'),
      frame.getByRole('button', { name: 'Continue in a new window' }).click(),
    ]);
    await win.waitForURL(/\/index\.html/, { timeout: 30_000 });
    const banner = win.getByRole('region', { name: 'Patient' });
    await banner.waitFor();
    expect(await banner.getByRole('heading', { level: 1 }).textContent()).toBe(patient.name);
    expect(authorizations).toHaveLength(1);
    expect(new URL(authorizations[0]!).searchParams.get('code_challenge_method')).toBe('S256');
    // the frame says where the app is, and the EHR page was told
    await frame.getByText(/The app continues in a new window/).waitFor();
    await expect.poll(() => messages.textContent()).toContain('continued-in-new-window');
    // the window keeps its sign-in: a reload resumes the same patient; no patient id in its URL
    await win.reload();
    await banner.getByRole('heading', { level: 1 }).waitFor();
    expect(await banner.getByRole('heading', { level: 1 }).textContent()).toBe(patient.name);
    expect(win.url()).not.toContain(patient.key);
    expect(cross.foreignRequests).toEqual([]);
    await context.close();
  });
});

describe('the SMART App Launcher’s addresses (as on the public SMART sandbox)', () => {
  const bannerName = (page: Page) =>
    page.getByRole('region', { name: 'Patient' }).getByRole('heading', { level: 1 });

  it('standalone chart launch at a launcher-style address: the options’ user and patient, that chart', async () => {
    const { page, context } = await stack.newPage();
    const patient = stack.sandbox.cohort.patients.find((p) => p.key === 'taper-gradual')!;
    // the simulator's form gives the address as the launcher's "Provider Standalone Launch" does
    await page.goto(
      `${stack.sandbox.url}/launcher-standalone?user=dr-okafor&patient=${patient.key}`,
    );
    expect(new URL(page.url()).searchParams.get('iss')).toMatch(
      /\/v\/r4\/sim\/[A-Za-z0-9_-]+\/fhir$/,
    );
    await page.waitForURL(/\/index\.html/, { timeout: 30_000 });
    await bannerName(page).waitFor();
    expect(await bannerName(page).textContent()).toBe(patient.name);
    await context.close();
  });

  it('standalone worklist launch (launch.html?profile=worklist) at a launcher-style address: the peer’s worklist', async () => {
    const { page, context } = await stack.newPage();
    await page.goto(
      `${stack.sandbox.url}/launcher-standalone?user=peer-morales&patient=ed-visit&profile=worklist`,
    );
    await page.waitForURL(/\/index\.html/, { timeout: 30_000 });
    await page.getByRole('heading', { name: 'Peer follow-up worklist' }).waitFor();
    await page.getByRole('table').waitFor();
    await context.close();
  });

  it('EHR launch at the launcher’s address with profile=worklist: the launcher gives a patient, the app still opens the worklist', async () => {
    const { page, context } = await stack.newPage();
    const launch = encodeLauncherOptions({
      launchType: 'provider-ehr',
      provider: 'peer-morales',
      patient: 'ed-visit',
    });
    await page.goto(
      `${stack.app.url}/launch.html?iss=${encodeURIComponent(stack.sandbox.launcherFhirBase)}&launch=${launch}&profile=worklist`,
    );
    await page.waitForURL(/\/index\.html/, { timeout: 30_000 });
    await page.getByRole('heading', { name: 'Peer follow-up worklist' }).waitFor();
    expect(await page.getByRole('region', { name: 'Patient' }).count()).toBe(0);
    await context.close();
  });

  it('a standalone launch at the plain address comes back with invalid_request: the page names it and says to check the address and launch options', async () => {
    const { page, context } = await stack.newPage();
    await page.goto(
      `${stack.app.url}/launch.html?iss=${encodeURIComponent(stack.sandbox.launcherFhirBase)}`,
    );
    await page.waitForURL(/\/index\.html\?.*error=invalid_request/, { timeout: 30_000 });
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const words = (await alert.textContent()) ?? '';
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Signing in to the EHR did not complete',
    );
    expect(await alert.locator('code').textContent()).toBe('invalid_request');
    expect(words).toContain('standalone launch');
    expect(words).toContain(`${stack.sandbox.launcherFhirBase})`);
    expect(words).toContain('launch options');
    expect(words).not.toMatch(/from the patient chart/);
    // the server's own description is not repeated on the page
    expect(words).not.toContain('SyntaxError');
    await context.close();
  });
});
