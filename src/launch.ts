/**
 * Entry of launch.html, the URL the EHR opens with `iss` and `launch`.
 * Kept free of React so the launch step stays small and fast.
 */
import { loadConfig } from './config/load';
import { authorize, authorizeOptions, detectScopeSyntax, planLaunch } from './smart/launch';
import { renderLaunchProblem } from './smart/launchProblem';
import { authorizeInWindow, openLaunchWindow, tellEmbeddingPage } from './smart/newWindowLaunch';
import { renderStorageBlocked, TOP_LEVEL_STORAGE_PROBLEM } from './smart/storageBlockedPage';
import { isFramed, probeSessionStorage } from './smart/storageProbe';

async function main(): Promise<void> {
  const root = document.getElementById('launch') as HTMLElement;
  const loaded = await loadConfig();
  if (!loaded.ok) {
    renderLaunchProblem(root, {
      title: 'The app is not configured correctly',
      detail: 'Its configuration file has problems:',
      items: loaded.problems,
      action: 'Ask your EHR integration team to correct smart-config.json.',
    });
    return;
  }
  const plan = planLaunch(loaded.config, window.location.search);
  if (!plan.ok) {
    renderLaunchProblem(
      root,
      plan.reason === 'unknown-issuer'
        ? {
            title: 'This EHR is not one the app is set up for',
            detail: `The launch came from ${originOf(plan.iss)}, which is not in the app's list of EHR servers. Nothing was sent to it.`,
            action:
              'If this is your EHR, ask your integration team to add it to the configuration.',
          }
        : {
            title: 'No EHR was named in the launch',
            detail:
              'Open the app from the patient chart in your EHR, or use a standalone launch link.',
            action: 'Launch the app again from the EHR.',
          },
    );
    return;
  }
  const syntax = await detectScopeSyntax(plan.issuer);
  // Before anything is kept: can this page keep the launch's state until index.html?
  if (!probeSessionStorage().usable) {
    if (!isFramed()) {
      renderLaunchProblem(root, TOP_LEVEL_STORAGE_PROBLEM);
      return;
    }
    const options = authorizeOptions(plan, loaded.config, syntax);
    renderStorageBlocked(root, {
      continueInNewWindow: () => {
        const win = openLaunchWindow();
        return { window: win, result: authorizeInWindow(win, options) };
      },
      tell: (status) => tellEmbeddingPage(status),
    });
    return;
  }
  try {
    await authorize(plan, loaded.config, syntax);
  } catch {
    renderLaunchProblem(root, {
      title: 'The EHR could not start the sign-in',
      detail: `The app could not reach the authorization service of ${plan.issuer.label}.`,
      action: 'Try launching again. If it keeps happening, contact your integration team.',
    });
  }
}

/** Only the origin of an untrusted URL is shown: the page is not a place for a link's own words. */
function originOf(url: string | undefined): string {
  try {
    return new URL(url ?? '').origin;
  } catch {
    return 'an address that is not a URL';
  }
}

void main();
