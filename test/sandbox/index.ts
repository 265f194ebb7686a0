/**
 * The local sandbox EHR: FHIR R4 server (medplum router + in-memory repository),
 * SMART App Launch 2.x authorization server (oidc-provider) and an EHR
 * simulator page, all on one localhost port. A test double: no persistence,
 * every start loads the synthetic cohort afresh.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Resource } from '@medplum/fhirtypes';
import * as cohortModule from '../fixtures/cohort/index';
import type { Cohort } from '../fixtures/cohort/index';
import { OIDC_SCOPES, readBody, SandboxAuth, sendHtml, type LaunchContext } from './auth';
import { behaviour, BEHAVIOUR_NAMES, FRIENDLY, STRICT, type Behaviour } from './behaviour';
import { BASE_RESOURCE_TYPES, SandboxFhirServer, type SandboxRepository } from './fhir';
import { escapeHtml, page } from './html';
import {
  baseMount,
  crossSiteVariant,
  encodeLauncherOptions,
  fhirMount,
  type LauncherOptions,
  type Mount,
} from './launcherAddress';
import { enumerateResourceScopes } from './scopes';
import { appLaunchHref, launchedPage, launcherPage } from './simulator';

export interface SandboxOptions {
  /** Default 4010; 0 = any free port. */
  port?: number;
  /** The app's launch URL, for the simulator. Default 'http://localhost:5173/launch.html'. */
  appLaunchUrl?: string;
  /** Allowed redirect URIs for the app's client. Default ['http://localhost:5173/index.html']. */
  redirectUris?: string[];
  /** Public client, PKCE required. Default 'peer-recovery-app'. */
  clientId?: string;
  /** Added delay per FHIR request (benchmarks). Default 0. */
  latencyMs?: number;
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /** "Today" for the cohort. Default new Date(). */
  asOf?: Date;
  /** Switch capabilities off. */
  disabled?: { transaction?: boolean; include?: boolean };
  /** Use this data instead of buildCohort(asOf) (tests with a small stand-in). */
  cohort?: Cohort;
  /** Default page size when a search has no _count. Default 50. */
  defaultPageSize?: number;
  /** Optional smart_style_url to put in token responses. */
  smartStyleUrl?: string;
  /**
   * Strict behaviours of real EHRs, one switch each (see ./behaviour.ts);
   * `STRICT` turns every one on. Default: all off (friendly).
   */
  strict?: Partial<Behaviour>;
}

export interface RequestLogEntry {
  /** Epoch ms when the request arrived. */
  at: number;
  durationMs: number;
  method: string;
  /** Path without query string (queries may carry patient ids). */
  path: string;
  /** First path segment below /fhir, e.g. "Task", "metadata"; "" for the base. */
  resourceType: string;
  status: number;
}

export interface LaunchRequest {
  user: string;
  patient?: string;
  encounter?: string;
  /** Default true. */
  needPatientBanner?: boolean;
}

export interface Sandbox {
  url: string;
  fhirBase: string;
  issuer: string;
  clientId: string;
  redirectUris: string[];
  appLaunchUrl: string;
  /** `${appLaunchUrl}?iss=<fhirBase>`: where a standalone launch starts. */
  standaloneLaunchUrl: string;
  /** The SMART App Launcher's plain address on this sandbox: `${url}/v/r4/fhir`. */
  launcherFhirBase: string;
  /** A launcher-style standalone address, options in the path: `${url}/v/r4/sim/<options>/fhir`. */
  launcherStandaloneBase(options: Partial<LauncherOptions>): string;
  /** Where the simulator frames the app (cross-site when that switch is on). */
  appLaunchUrlNow(): string;
  cohort: Cohort;
  close(): Promise<void>;
  /** Every access token issued so far becomes invalid (401); refresh tokens still work. */
  expireAllTokens(): void;
  /** Registers an EHR launch and returns its opaque id. */
  createLaunch(req: LaunchRequest): string;
  /** The URL the EHR opens for a launch: `${appLaunchUrl}?iss=…&launch=…`. */
  launchUrl(launchId: string): string;
  /** The in-memory repository (direct reads/writes bypass auth). */
  repository: SandboxRepository;
  /** The strict switches in force (live: change them with setBehaviour). */
  behaviour: Readonly<Behaviour>;
  setBehaviour(partial: Partial<Behaviour>): void;
  fhir: SandboxFhirServer;
  /** FHIR requests (not auth/simulator), in arrival order. */
  requestLog: RequestLogEntry[];
  /** Counts of FHIR requests keyed "METHOD resourceType". */
  requestCounts(): Record<string, number>;
  clearRequestLog(): void;
  /**
   * Test hook: the next `count` FHIR requests with this method whose path
   * (below /fhir, "" or "/" for the base) matches answer `status` (default 500)
   * with an OperationOutcome, without reaching the server. Rules are used in
   * the order added; each expires after `count` matches.
   */
  failNext(rule: { method: string; path: string | RegExp; count?: number; status?: number }): void;
}

function loadCohort(asOf: Date): Cohort {
  // The cohort module may still be a declared contract only; fail clearly.
  const build = (cohortModule as { buildCohort?: unknown }).buildCohort;
  if (typeof build !== 'function') {
    throw new Error(
      'test/fixtures/cohort buildCohort() is not implemented yet; pass `cohort` to startSandbox()',
    );
  }
  return (build as (d: Date) => Cohort)(asOf);
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const appLaunchUrl = opts.appLaunchUrl ?? 'http://localhost:5173/launch.html';
  // The app may be framed from the other loopback name (cross-site switch): register both.
  const redirectUris = [
    ...new Set(
      (opts.redirectUris ?? ['http://localhost:5173/index.html']).flatMap((u) => [
        u,
        crossSiteVariant(u),
      ]),
    ),
  ];
  const clientId = opts.clientId ?? 'peer-recovery-app';
  const latencyMs = opts.latencyMs ?? 0;
  const cohort = opts.cohort ?? loadCohort(opts.asOf ?? new Date());
  const allowedOrigins = [
    ...new Set(
      [appLaunchUrl, crossSiteVariant(appLaunchUrl), ...redirectUris].map((u) => new URL(u).origin),
    ),
  ];

  // One live object: the FHIR server and the authorization server read it per request.
  const live = behaviour(opts.strict);

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 4010, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  const fhirBase = `${url}/fhir`;
  const issuer = `${url}/auth`;

  const resourceTypes = new Set(BASE_RESOURCE_TYPES);
  for (const r of [...cohort.shared, ...cohort.patients.flatMap((p) => p.resources)])
    resourceTypes.add(r.resourceType);

  const fhir = new SandboxFhirServer({
    fhirBase,
    authorizeUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    revokeUrl: `${issuer}/token/revocation`,
    resourceTypes: [...resourceTypes],
    ...(opts.disabled ? { disabled: opts.disabled } : {}),
    ...(opts.defaultPageSize ? { defaultPageSize: opts.defaultPageSize } : {}),
    behaviour: live,
  });
  for (const r of [...cohort.shared, ...cohort.patients.flatMap((p) => p.resources)]) {
    if (!r.id) throw new Error(`Cohort resource without id (${r.resourceType})`);
    await fhir.load(r as unknown as Resource);
  }

  const patientChoices = cohort.patients.map((p) => ({
    id: p.key,
    name: p.name,
    scenario: p.scenario,
  }));
  const auth = new SandboxAuth({
    baseUrl: url,
    issuer,
    fhirBase,
    clientId,
    redirectUris,
    allowedOrigins,
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 3600,
    resourceScopes: enumerateResourceScopes([...resourceTypes]),
    users: cohort.users,
    patients: patientChoices,
    ...(opts.smartStyleUrl ? { smartStyleUrl: opts.smartStyleUrl } : {}),
    behaviour: live,
    mountOf: (base) => baseMount(url, base),
  });
  /** Where the simulator frames the app now: from another site when that switch is on. */
  const appLaunchUrlNow = (): string =>
    live.crossSiteApp ? crossSiteVariant(appLaunchUrl) : appLaunchUrl;
  const launcherFhirBase = `${url}/v/r4/fhir`;
  const launcherStandaloneBase = (o: Partial<LauncherOptions>): string =>
    `${url}/v/r4/sim/${encodeLauncherOptions(o)}/fhir`;

  const requestLog: RequestLogEntry[] = [];
  const failRules: { method: string; path: string | RegExp; remaining: number; status: number }[] =
    [];

  const createLaunch = (req: LaunchRequest): string => {
    if (!cohort.users.some((u) => u.id === req.user)) throw new Error(`Unknown user ${req.user}`);
    if (req.patient && !cohort.patients.some((p) => p.key === req.patient))
      throw new Error(`Unknown patient ${req.patient}`);
    const ctx: LaunchContext = {
      userId: req.user,
      needPatientBanner: req.needPatientBanner ?? true,
      ...(req.patient ? { patientId: req.patient } : {}),
      ...(req.encounter ? { encounterId: req.encounter } : {}),
      ...(opts.smartStyleUrl ? { smartStyleUrl: opts.smartStyleUrl } : {}),
    };
    return auth.createLaunch(ctx);
  };

  const setCors = (req: IncomingMessage, res: ServerResponse): void => {
    const origin = req.headers.origin;
    if (origin && allowedOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader(
        'Access-Control-Allow-Headers',
        'Authorization, Content-Type, Accept, If-Match, If-None-Exist, If-None-Match, Prefer',
      );
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
      res.setHeader(
        'Access-Control-Expose-Headers',
        'ETag, Location, Last-Modified, Content-Location, WWW-Authenticate, Retry-After',
      );
      res.setHeader('Access-Control-Max-Age', '600');
    }
  };

  const sendJson = (
    res: ServerResponse,
    status: number,
    body: unknown,
    contentType = FHIR_JSON,
  ): void => {
    res.statusCode = status;
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

  const smartConfiguration = {
    issuer,
    jwks_uri: `${issuer}/jwks`,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    revocation_endpoint: `${issuer}/token/revocation`,
    introspection_endpoint: `${issuer}/token/introspection`,
    userinfo_endpoint: `${issuer}/me`,
    token_endpoint_auth_methods_supported: ['none'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: [
      ...OIDC_SCOPES,
      'patient/*.rs',
      'patient/*.cruds',
      'user/*.rs',
      'user/*.cruds',
      'patient/*.read',
      'patient/*.write',
      'user/*.read',
      'user/*.write',
    ],
    capabilities: [
      'launch-ehr',
      'launch-standalone',
      'client-public',
      'context-ehr-patient',
      'context-ehr-encounter',
      'context-standalone-patient',
      'context-banner',
      'context-style',
      'sso-openid-connect',
      'permission-offline',
      'permission-online',
      'permission-patient',
      'permission-user',
      'permission-v1',
      'permission-v2',
    ],
  };

  const handleFhir = async (
    req: IncomingMessage,
    res: ServerResponse,
    u: URL,
    mount: Mount,
  ): Promise<void> => {
    const started = Date.now();
    const rest = mount.rest;
    const resourceType = rest.split('/').filter(Boolean)[0] ?? '';
    const finish = (status: number): void => {
      requestLog.push({
        at: started,
        durationMs: Date.now() - started,
        method: req.method ?? 'GET',
        path: u.pathname,
        resourceType,
        status,
      });
    };
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    const injected = failRules.find(
      (r) =>
        r.remaining > 0 &&
        r.method === (req.method ?? 'GET') &&
        (typeof r.path === 'string' ? r.path === rest : r.path.test(rest)),
    );
    if (injected) {
      injected.remaining -= 1;
      sendJson(res, injected.status, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'exception', details: { text: 'Injected failure' } }],
      });
      finish(injected.status);
      return;
    }

    if (rest === '/.well-known/smart-configuration' && req.method === 'GET') {
      sendJson(res, 200, smartConfiguration, 'application/json; charset=utf-8');
      finish(200);
      return;
    }
    const isMetadata = rest === '/metadata' && req.method === 'GET';
    let access: { scopes: string[]; patientId?: string } | undefined;
    if (!isMetadata) {
      const check = await auth.checkAccessToken(req.headers.authorization);
      if (!check.ok) {
        const realm = `Bearer realm="${mount.base}"`;
        res.setHeader(
          'WWW-Authenticate',
          check.reason === 'missing'
            ? realm
            : `${realm}, error="invalid_token", error_description="${check.reason === 'expired' ? 'The access token expired' : 'Unknown access token'}"`,
        );
        sendJson(res, 401, {
          resourceType: 'OperationOutcome',
          issue: [
            {
              severity: 'error',
              code: 'login',
              details: {
                text:
                  check.reason === 'missing'
                    ? 'Authorization required'
                    : `Access token ${check.reason}`,
              },
            },
          ],
        });
        finish(401);
        return;
      }
      access = { scopes: check.scopes, ...(check.patientId ? { patientId: check.patientId } : {}) };
    }

    let body: unknown;
    if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') {
      const text = await readBody(req);
      const ct = req.headers['content-type'] ?? '';
      if (ct.includes('application/x-www-form-urlencoded')) {
        body = text;
      } else if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          sendJson(res, 400, {
            resourceType: 'OperationOutcome',
            issue: [
              { severity: 'error', code: 'structure', details: { text: 'Body is not valid JSON' } },
            ],
          });
          finish(400);
          return;
        }
      }
    }
    const out = await fhir.handle(
      {
        method: req.method ?? 'GET',
        path: rest,
        searchParams: u.searchParams,
        headers: req.headers,
        body,
        base: mount.base,
      },
      access,
    );
    for (const [k, v] of Object.entries(out.headers)) res.setHeader(k, v);
    if (out.status === 304) {
      res.statusCode = 304;
      res.end();
    } else {
      sendJson(res, out.status, out.body);
    }
    finish(out.status);
  };

  const handleSimulator = async (
    req: IncomingMessage,
    res: ServerResponse,
    u: URL,
  ): Promise<boolean> => {
    const frameUrl = appLaunchUrlNow();
    const simOpts = {
      fhirBase,
      appLaunchUrl: frameUrl,
      cohort,
      behaviour: live,
      launcherFhirBase,
    };
    if (u.pathname === '/' && req.method === 'GET') {
      sendHtml(res, 200, launcherPage(simOpts));
      return true;
    }
    // The server-behaviour form: strict switches, for integration teams to try one by one.
    if (u.pathname === '/behaviour' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const preset = form.get('preset');
      Object.assign(
        live,
        preset === 'strict'
          ? STRICT
          : preset === 'friendly'
            ? FRIENDLY
            : Object.fromEntries(BEHAVIOUR_NAMES.map((n) => [n, form.get(n) === 'on'])),
      );
      res.statusCode = 303;
      res.setHeader('Location', '/');
      res.end();
      return true;
    }
    if (u.pathname === '/api/behaviour' && req.method === 'POST') {
      const input = JSON.parse(await readBody(req)) as Partial<Behaviour>;
      for (const n of BEHAVIOUR_NAMES) if (typeof input[n] === 'boolean') live[n] = input[n];
      sendJson(res, 200, live, 'application/json');
      return true;
    }
    // A standalone launch at a launcher-style address, as the public SMART sandbox's
    // "Provider Standalone Launch" gives it: the options (user, patient) are in the path.
    if (u.pathname === '/launcher-standalone' && req.method === 'GET') {
      const q = u.searchParams;
      const worklist = q.get('profile') === 'worklist';
      const iss = launcherStandaloneBase({
        launchType: 'provider-standalone',
        provider: q.get('user') ?? '',
        patient: worklist ? '' : (q.get('patient') ?? ''),
      });
      res.statusCode = 302;
      res.setHeader(
        'Location',
        appLaunchHref(frameUrl, iss, undefined, worklist ? 'worklist' : undefined),
      );
      res.end();
      return true;
    }
    if (u.pathname === '/launch' && req.method === 'GET') {
      const q = u.searchParams;
      const user = q.get('user') ?? '';
      const patient = q.get('patient') || undefined;
      const bannerParam = q.get('need_patient_banner');
      // An unchecked checkbox sends nothing: absent means false only when the form was used.
      const needPatientBanner =
        bannerParam === null
          ? q.get('form') !== '1'
          : bannerParam !== 'false' && bannerParam !== '0';
      let launch: string;
      try {
        launch = createLaunch({
          user,
          ...(patient ? { patient } : {}),
          needPatientBanner,
          ...(q.get('encounter') ? { encounter: q.get('encounter') as string } : {}),
        });
      } catch (err) {
        sendHtml(
          res,
          400,
          page(
            'Launch error',
            `<h1>Launch error</h1><p>${escapeHtml(err instanceof Error ? err.message : 'invalid launch')}</p><p><a href="/">Back</a></p>`,
          ),
        );
        return true;
      }
      const userName = cohort.users.find((x) => x.id === user)?.name ?? user;
      const patientName = patient
        ? cohort.patients.find((p) => p.key === patient)?.name
        : undefined;
      sendHtml(
        res,
        200,
        launchedPage(
          simOpts,
          appLaunchHref(frameUrl, fhirBase, launch, patient ? undefined : 'worklist'),
          userName,
          patientName,
        ),
      );
      return true;
    }
    // Test-control API (e2e runs the sandbox in another process).
    if (u.pathname === '/api/launch' && req.method === 'POST') {
      try {
        const input = JSON.parse(await readBody(req)) as LaunchRequest;
        const launch = createLaunch(input);
        sendJson(
          res,
          200,
          {
            launch,
            url: appLaunchHref(frameUrl, fhirBase, launch, input.patient ? undefined : 'worklist'),
          },
          'application/json',
        );
      } catch (err) {
        sendJson(
          res,
          400,
          { error: err instanceof Error ? err.message : 'invalid' },
          'application/json',
        );
      }
      return true;
    }
    if (u.pathname === '/api/expire-tokens' && req.method === 'POST') {
      auth.expireAllTokens();
      sendJson(res, 204, undefined, 'application/json');
      return true;
    }
    return false;
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', url);
    const run = async (): Promise<void> => {
      const mount = fhirMount(url, u.pathname);
      if (mount) {
        setCors(req, res);
        if (req.method === 'OPTIONS') {
          res.statusCode = 204;
          res.end();
          return;
        }
        await handleFhir(req, res, u, mount);
        return;
      }
      if (u.pathname === '/auth' || u.pathname.startsWith('/auth/')) {
        await auth.handle(req, res, u);
        return;
      }
      if (await handleSimulator(req, res, u)) return;
      sendHtml(res, 404, page('Not found', '<h1>Not found</h1><p><a href="/">Sandbox EHR</a></p>'));
    };
    run().catch((err: unknown) => {
      console.error(
        '[sandbox] request failed:',
        err instanceof Error ? err.message : 'unknown error',
      );
      if (!res.headersSent)
        sendJson(res, 500, {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'exception', details: { text: 'Internal error' } }],
        });
      else res.end();
    });
  });

  return {
    url,
    fhirBase,
    issuer,
    clientId,
    redirectUris,
    appLaunchUrl,
    standaloneLaunchUrl: appLaunchHref(appLaunchUrl, fhirBase),
    launcherFhirBase,
    launcherStandaloneBase,
    appLaunchUrlNow,
    cohort,
    repository: fhir.repo,
    fhir,
    behaviour: live,
    setBehaviour: (partial) => {
      Object.assign(live, partial);
    },
    requestLog,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
    expireAllTokens: () => auth.expireAllTokens(),
    createLaunch,
    launchUrl: (launchId: string) => appLaunchHref(appLaunchUrl, fhirBase, launchId),
    requestCounts: () => {
      const counts: Record<string, number> = {};
      for (const e of requestLog) {
        const key = `${e.method} ${e.resourceType}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    clearRequestLog: () => {
      requestLog.length = 0;
    },
    failNext: ({ method, path, count = 1, status = 500 }) => {
      failRules.push({ method: method.toUpperCase(), path, remaining: count, status });
    },
  };
}
