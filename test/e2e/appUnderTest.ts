/**
 * The app as the browser tests and the benchmarks run it: a production build
 * in a folder of the caller's own, served as static files, beside a sandbox
 * EHR that knows the app's launch and redirect URLs. No vitest here, so
 * scripts can use it too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index';
import { serveApp, type StaticApp } from './staticServer';

const ROOT = resolve(import.meta.dirname, '../..');

/** Builds the app into a new temporary folder (concurrent runs must not share dist/). */
export function buildApp(prefix: string, logLevel: 'warn' | 'error' = 'warn'): string {
  const outDir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync(
    'npx',
    ['vite', 'build', '--logLevel', logLevel, '--outDir', outDir, '--emptyOutDir'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  return outDir;
}

/**
 * Serves a build and starts the sandbox beside it, with the runtime
 * configuration naming that sandbox as the one issuer, as an integration team
 * would deploy it.
 */
export async function serveAppWithSandbox(
  distDir: string,
  options: Omit<SandboxOptions, 'port' | 'appLaunchUrl' | 'redirectUris'> = {},
): Promise<{ app: StaticApp; sandbox: Sandbox }> {
  let config: unknown = {};
  const app = await serveApp(distDir, () => config);
  const sandbox = await startSandbox({
    ...options,
    port: 0,
    appLaunchUrl: `${app.url}/launch.html`,
    redirectUris: [`${app.url}/index.html`],
  });
  config = {
    issuers: [
      { iss: sandbox.fhirBase, clientId: sandbox.clientId, label: 'Local sandbox EHR' },
      // Its SMART App Launcher-style addresses, configured as for the public SMART sandbox.
      { iss: sandbox.launcherFhirBase, clientId: sandbox.clientId, label: 'Sandbox launcher' },
      {
        issPattern: `${sandbox.url}/v/r4/sim/{options}/fhir`,
        clientId: sandbox.clientId,
        label: 'Sandbox launcher, standalone',
      },
    ],
    redirectPath: 'index.html',
    defaultStandaloneIss: sandbox.fhirBase,
  };
  return { app, sandbox };
}
