import { OAUTH_ERROR_WORDS } from '../../smart/oauthErrors';
import { LaunchError } from '../../smart/session';
import { ProblemScreen } from './ProblemScreen';

/** Only the address of a server, never a query: it is shown to people and in screenshots. */
function addressOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return undefined;
  }
}

/**
 * Why the launch did not complete on index.html, with what to do for the
 * launch style used: from the chart (EHR launch) the answer is to open the
 * app again there; a standalone launch is fixed at its address or options.
 */
export function LaunchFailure({ error }: { error: unknown }) {
  if (error instanceof LaunchError && error.kind === 'no-launch') {
    return (
      <ProblemScreen
        title="The app needs to be launched from the EHR"
        detail="This page was opened directly, without a SMART launch, so it has no patient or user to show."
        action="Open the app from the patient chart in your EHR."
      />
    );
  }
  if (error instanceof LaunchError && error.kind === 'storage-blocked') {
    return (
      <ProblemScreen
        title="This browser blocks storage for apps embedded in the EHR"
        detail="The app keeps its sign-in for this session in the browser's session storage, and this browser does not allow that here, so the sign-in cannot finish."
        action="Open the app again from the chart: it will offer to continue in a new window. If this keeps happening, ask your integration team (the app's INTEGRATION.md, cross-site embedding)."
      />
    );
  }
  const details = error instanceof LaunchError ? error.details : {};
  const code = details.oauthError;
  const detail = code
    ? `The EHR's authorization server answered that ${OAUTH_ERROR_WORDS[code]}.`
    : "The EHR did not finish the app's sign-in, or the launch was interrupted or is too old.";
  const address = details.iss ? addressOf(details.iss) : undefined;
  const action =
    details.style === 'standalone'
      ? `This was a standalone launch (started outside the EHR). Check that the app's issuer address${address ? ` (${address})` : ''} is the right one and, for the SMART App Launcher, that it carries the launcher's launch options (…/sim/<options>/fhir); then start the launch again.`
      : details.style === 'ehr'
        ? 'Launch the app again from the patient chart. If it keeps happening, contact your integration team.'
        : 'Launch the app again from the EHR (for a standalone launch, check the issuer address and its launch options). If it keeps happening, contact your integration team.';
  return (
    <ProblemScreen
      title="Signing in to the EHR did not complete"
      detail={detail}
      action={action}
      {...(code ? { code } : {})}
    />
  );
}
