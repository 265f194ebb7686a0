/**
 * `npm start`: the local sandbox EHR (FHIR server, SMART authorization, EHR
 * simulator with synthetic patients) and the app's dev server, together.
 * No internet needed. Friendly by default; `npm start -- --strict` makes the
 * sandbox behave like the strictest real EHRs (every switch of
 * test/sandbox/behaviour.ts), `--behaviour name,name` turns on some. The
 * simulator page can change them while it runs.
 */
import { parseArgs } from 'node:util';
import { createServer } from 'vite';
import { BEHAVIOUR_NAMES, behaviourFromArgs } from '../test/sandbox/behaviour';
import { startSandbox } from '../test/sandbox/index';

const APP_PORT = 5173;
const EHR_PORT = 4010;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { strict: { type: 'boolean' }, behaviour: { type: 'string' } },
  });
  const sandbox = await startSandbox({
    port: EHR_PORT,
    appLaunchUrl: `http://localhost:${APP_PORT}/launch.html`,
    redirectUris: [`http://localhost:${APP_PORT}/index.html`],
    strict: behaviourFromArgs(values.strict, values.behaviour),
  });
  const vite = await createServer({
    // 127.0.0.1 explicitly: the simulator can frame the app from that other
    // site (cross-site switch), and http://localhost:5173 still reaches it.
    server: { host: '127.0.0.1', port: APP_PORT, strictPort: true },
    logLevel: 'warn',
  });
  const on = BEHAVIOUR_NAMES.filter((n) => sandbox.behaviour[n]);
  await vite.listen();

  console.log(`
  Peer Recovery Support — local sandbox is running.

    Open the simulated EHR:  ${sandbox.url}/
      (pick a synthetic patient and a user, then press Launch)
    FHIR base (iss):         ${sandbox.fhirBase}
    App (launch URL):        http://localhost:${APP_PORT}/launch.html
    Sandbox behaviour:       ${on.length ? `strict (${on.join(', ')})` : 'friendly (npm start -- --strict for the strictest EHRs)'}

  Press Ctrl+C to stop.
`);

  const stop = async () => {
    await Promise.allSettled([vite.close(), sandbox.close()]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error('Could not start the sandbox:', e instanceof Error ? e.message : e);
  process.exit(1);
});
