/**
 * The EHR simulator: a launcher page (choose patient, user, banner) and a
 * page that frames the app exactly as an EHR does (launch URL with iss + launch).
 */
import type { Cohort } from '../fixtures/cohort/index';
import { BEHAVIOUR_NAMES, BEHAVIOUR_WORDS, type Behaviour } from './behaviour';
import { escapeHtml, page } from './html';

export interface SimulatorOptions {
  fhirBase: string;
  /** Where the app is framed (the cross-site address when that switch is on). */
  appLaunchUrl: string;
  cohort: Cohort;
  behaviour: Behaviour;
  /** The SMART App Launcher-style plain address: `/v/r4/fhir`. */
  launcherFhirBase: string;
}

/** The message type the app posts to the EHR page around its frame (src/smart/newWindowLaunch.ts). */
const APP_MESSAGE_TYPE = 'peer-recovery-app:launch';

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
  const switches = BEHAVIOUR_NAMES.map(
    (n) =>
      `<li><input type="checkbox" id="b-${n}" name="${n}"${o.behaviour[n] ? ' checked' : ''}> <label for="b-${n}">${escapeHtml(BEHAVIOUR_WORDS[n])}</label></li>`,
  ).join('');
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
<h2>Launcher-style addresses (as on the public SMART sandbox)</h2>
<p>This sandbox also answers where the SMART App Launcher does. EHR launches: FHIR base
<code>${escapeHtml(o.launcherFhirBase)}</code> (a standalone launch there is refused with
<code>invalid_request</code>, as the launcher does). Standalone launches: an address with the
launch options in the path, <code>…/v/r4/sim/&lt;options&gt;/fhir</code>.</p>
<form method="get" action="/launcher-standalone">
  <p><label for="ls-user">Signing in as</label><br><select id="ls-user" name="user">${users}</select></p>
  <p><label for="ls-patient">Patient for the chart</label><br><select id="ls-patient" name="patient"><option value="">Pick on the sign-in page</option>${patients}</select></p>
  <p><label for="ls-profile">App launch URL</label><br><select id="ls-profile" name="profile"><option value="">Chart (launch.html)</option><option value="worklist">Peer worklist (launch.html?profile=worklist)</option></select></p>
  <p><button type="submit">Start a standalone sign-in there</button></p>
</form>
<h2>How this EHR behaves</h2>
<p>Each switch makes the sandbox behave like a stricter real EHR or browser setting. Friendly (all off) is the default.</p>
<form method="post" action="/behaviour">
  <ul class="switches">${switches}</ul>
  <p><button type="submit">Apply</button>
  <button type="submit" name="preset" value="strict">Strict: all on</button>
  <button type="submit" name="preset" value="friendly">Friendly: all off</button></p>
</form>
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
<p id="app-messages" role="status"></p>
<main>
<iframe title="SMART app" src="${escapeHtml(launchHref)}" allow="clipboard-write"></iframe>
</main>
<script>
// What the app tells the EHR around its frame (a status word, no data).
addEventListener('message', (e) => {
  if (e.data && e.data.type === '${APP_MESSAGE_TYPE}')
    document.getElementById('app-messages').textContent = 'The app says: ' + String(e.data.status);
});
</script>`,
  );
}
