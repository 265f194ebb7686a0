/**
 * Starts the sandbox EHR and prints its URLs.
 *   npx tsx test/sandbox/cli.ts [--port 4010] [--app-launch-url URL] [--redirect-uri URL]... [--latency-ms N] [--token-ttl S]
 */
import { parseArgs } from 'node:util';
import { startSandbox } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'app-launch-url': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'client-id': { type: 'string' },
    'latency-ms': { type: 'string' },
    'token-ttl': { type: 'string' },
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
});

console.log(`Sandbox EHR (test double, synthetic data only)
  EHR simulator:        ${sandbox.url}/
  FHIR base (iss):      ${sandbox.fhirBase}
  SMART configuration:  ${sandbox.fhirBase}/.well-known/smart-configuration
  Authorization server: ${sandbox.issuer}
  Client id:            ${sandbox.clientId} (public, PKCE S256)
  Standalone launch:    ${sandbox.standaloneLaunchUrl}`);

const stop = (): void => {
  sandbox.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
