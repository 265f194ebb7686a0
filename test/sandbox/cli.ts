/**
 * Starts the sandbox EHR and prints its URLs.
 *   npx tsx test/sandbox/cli.ts [--port 4010] [--app-launch-url URL] [--redirect-uri URL]... [--latency-ms N] [--token-ttl S]
 *                               [--strict] [--behaviour name,name]
 */
import { parseArgs } from 'node:util';
import { BEHAVIOUR_NAMES, behaviourFromArgs } from './behaviour';
import { startSandbox } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'app-launch-url': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'client-id': { type: 'string' },
    'latency-ms': { type: 'string' },
    'token-ttl': { type: 'string' },
    strict: { type: 'boolean' },
    behaviour: { type: 'string' },
  },
});

const num = (v: string | undefined): number | undefined =>
  v === undefined ? undefined : Number(v);
const port = num(values.port ?? process.env.SANDBOX_PORT);
const latencyMs = num(values['latency-ms']);
const ttl = num(values['token-ttl']);

const sandbox = await startSandbox({
  ...(port !== undefined ? { port } : {}),
  ...(values['app-launch-url'] ? { appLaunchUrl: values['app-launch-url'] } : {}),
  ...(values['redirect-uri']?.length ? { redirectUris: values['redirect-uri'] } : {}),
  ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
  ...(latencyMs !== undefined ? { latencyMs } : {}),
  ...(ttl !== undefined ? { accessTokenTtlSeconds: ttl } : {}),
  strict: behaviourFromArgs(values.strict, values.behaviour),
});
const on = BEHAVIOUR_NAMES.filter((n) => sandbox.behaviour[n]);

console.log(`Sandbox EHR (test double, synthetic data only)
  EHR simulator:        ${sandbox.url}/
  FHIR base (iss):      ${sandbox.fhirBase}
  SMART configuration:  ${sandbox.fhirBase}/.well-known/smart-configuration
  Authorization server: ${sandbox.issuer}
  Client id:            ${sandbox.clientId} (public, PKCE S256)
  Standalone launch:    ${sandbox.standaloneLaunchUrl}
  Launcher-style base:  ${sandbox.launcherFhirBase} (standalone: …/v/r4/sim/<options>/fhir)
  Strict behaviours:    ${on.length ? on.join(', ') : 'none (friendly)'}`);

const stop = (): void => {
  sandbox.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
