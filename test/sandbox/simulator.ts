/**
 * The EHR simulator: a launcher page (choose patient, user, banner) and a
 * page that frames the app exactly as an EHR does (launch URL with iss + launch).
 */
import type { Cohort } from '../fixtures/cohort/index';
import { escapeHtml, page } from './html';

export interface SimulatorOptions {
  fhirBase: string;
  appLaunchUrl: string;
  cohort: Cohort;
}

export function appLaunchHref(
  appLaunchUrl: string,
  fhirBase: string,
  launch?: string,
  /** 'worklist' when no patient is chosen: the app then asks for the peer's user-level scopes. */
  profile?: 'worklist',
): string {
  const u = new URL(appLaunchUrl);
  u.searchParams.set('iss', fhirBase);
  if (launch) u.searchParams.set('launch', launch);
  if (profile) u.searchParams.set('profile', profile);
  return u.toString();
}

export function launcherPage(o: SimulatorOptions): string {
  const patients = o.cohort.patients
    .map(
      (p) =>
        `<option value="${escapeHtml(p.key)}">${escapeHtml(p.name)} — ${escapeHtml(p.scenario)}</option>`,
    )
    .join('');
  const users = o.cohort.users
    .map(
      (u) =>
        `<option value="${escapeHtml(u.id)}">${escapeHtml(u.name)} (${u.role === 'peer' ? 'peer recovery specialist' : 'clinician'})</option>`,
    )
    .join('');
  const standalone = appLaunchHref(o.appLaunchUrl, o.fhirBase);
  return page(
    'Sandbox EHR',
    `<header><h1>Sandbox EHR</h1><p>A local test double of an EHR. All patients are synthetic.</p></header>
<main>
<h2>Open the app for a patient</h2>
<form method="get" action="/launch">
  <input type="hidden" name="form" value="1">
  <p><label for="patient">Patient</label><br>
  <select id="patient" name="patient"><option value="">No patient (e.g. a peer's worklist)</option>${patients}</select></p>
  <p><label for="user">User</label><br><select id="user" name="user" required>${users}</select></p>
  <p><input type="checkbox" id="need_patient_banner" name="need_patient_banner" value="true" checked>
  <label for="need_patient_banner">need_patient_banner (the app shows its own patient banner)</label></p>
  <p><button type="submit">Launch</button></p>
</form>
<h2>Standalone launch</h2>
<p>Apps launched outside the EHR start at <a href="${escapeHtml(standalone)}">${escapeHtml(standalone)}</a>
(issuer only, no <code>launch</code>; the app asks for <code>launch/patient</code> and a picker appears).</p>
<h2>Endpoints</h2>
<ul>
  <li>FHIR base: <code>${escapeHtml(o.fhirBase)}</code></li>
  <li><a href="${escapeHtml(o.fhirBase)}/metadata">CapabilityStatement</a></li>
  <li><a href="${escapeHtml(o.fhirBase)}/.well-known/smart-configuration">SMART configuration</a></li>
</ul>
</main>`,
  );
}

export function launchedPage(
  o: SimulatorOptions,
  launchHref: string,
  userName: string,
  patientName: string | undefined,
): string {
  return page(
    'Sandbox EHR — app',
    `<header class="ehr-bar">
  <strong>Sandbox EHR</strong>
  <span>Signed in: ${escapeHtml(userName)}</span>
  <span>${patientName ? `Patient: ${escapeHtml(patientName)}` : 'No patient selected'}</span>
  <a href="/">Back to launcher</a>
</header>
<main>
<iframe title="SMART app" src="${escapeHtml(launchHref)}" allow="clipboard-write"></iframe>
</main>`,
  );
}
