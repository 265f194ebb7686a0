/**
 * `npm start`: the local sandbox EHR (FHIR server, SMART authorization, EHR
 * simulator with synthetic patients) and the app's dev server, together.
 * No internet needed.
 */
import { createServer } from 'vite';
import { startSandbox } from '../test/sandbox/index';

const APP_PORT = 5173;
const EHR_PORT = 4010;

async function main(): Promise<void> {
  const sandbox = await startSandbox({
    port: EHR_PORT,
    appLaunchUrl: `http://localhost:${APP_PORT}/launch.html`,
    redirectUris: [`http://localhost:${APP_PORT}/index.html`],
  });
  const vite = await createServer({
    server: { port: APP_PORT, strictPort: true },
    logLevel: 'warn',
  });
  await vite.listen();

  console.log(`
  Peer Recovery Support — local sandbox is running.

    Open the simulated EHR:  ${sandbox.url}/
      (pick a synthetic patient and a user, then press Launch)
    FHIR base (iss):         ${sandbox.fhirBase}
    App (launch URL):        http://localhost:${APP_PORT}/launch.html

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
