/**
 * msw in front of the sandbox's in-memory FHIR engine: component tests make
 * real HTTP calls through fhirclient and get a real server's behaviour
 * (search semantics, paging links, conditional create, If-Match → 412).
 * Tests may also inject failures per request to exercise error states.
 */
import type { FhirResource } from 'fhir/r4';
import ClientModule from 'fhirclient/lib/Client';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { behaviour, type Behaviour } from '../sandbox/behaviour';
import { SandboxFhirServer, type FhirHttpRequest } from '../sandbox/fhir';

export const TEST_FHIR_BASE = 'http://ehr.test/fhir';

export interface Injected {
  status: number;
  /** JSON body (default `{}`). */
  body?: unknown;
  /** A raw body instead (cut-short JSON, an HTML page), sent with `contentType`. */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Never answer (until the app gives up: its deadline aborts the request). */
  hang?: boolean;
}

/** Decide, per request, to answer with a failure instead of the engine. */
export type FailureRule = (method: string, url: URL) => Injected | undefined;
/** Decide, per request, to replace the engine's answer after it handled the request (a write that commits, then answers 500). */
export type AfterRule = (
  method: string,
  url: URL,
  answer: { status: number; body: unknown },
) => Injected | undefined;

export interface TestFhir {
  engine: SandboxFhirServer;
  /** Every request the app made, in order, as "METHOD path?query". */
  requests: string[];
  failWhen(rule: FailureRule): void;
  afterWhen(rule: AfterRule): void;
  clearFailures(): void;
  close(): void;
}

function injectedResponse(i: Injected): Response | Promise<Response> {
  if (i.hang) return new Promise<Response>(() => undefined);
  if (i.raw !== undefined)
    return new HttpResponse(i.raw, {
      status: i.status,
      headers: { 'Content-Type': i.contentType ?? 'application/fhir+json', ...i.headers },
    });
  return HttpResponse.json(i.body ?? {}, { status: i.status, headers: i.headers ?? {} });
}

export async function startTestFhir(
  resources: FhirResource[],
  /** Strict behaviours of the engine (see test/sandbox/behaviour.ts); default friendly. */
  strict: Partial<Behaviour> = {},
): Promise<TestFhir> {
  const engine = new SandboxFhirServer({
    fhirBase: TEST_FHIR_BASE,
    authorizeUrl: 'http://ehr.test/auth/authorize',
    tokenUrl: 'http://ehr.test/auth/token',
    resourceTypes: [...new Set(resources.map((r) => r.resourceType))],
    behaviour: behaviour(strict),
  });
  // @types/fhir and Medplum's own R4 types describe the same JSON.
  for (const r of resources)
    await engine.load(r as unknown as Parameters<SandboxFhirServer['load']>[0]);
  const requests: string[] = [];
  let rules: FailureRule[] = [];
  let afterRules: AfterRule[] = [];

  const server = setupServer(
    http.all(`${TEST_FHIR_BASE}/*`, async ({ request }) => {
      const url = new URL(request.url);
      requests.push(
        `${request.method} ${url.pathname.slice(new URL(TEST_FHIR_BASE).pathname.length)}${url.search}`,
      );
      for (const rule of rules) {
        const injected = rule(request.method, url);
        if (injected) return injectedResponse(injected);
      }
      const text = await request.text();
      const req: FhirHttpRequest = {
        method: request.method,
        path: url.pathname.slice(new URL(TEST_FHIR_BASE).pathname.length),
        searchParams: url.searchParams,
        headers: Object.fromEntries(request.headers.entries()),
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      const res = await engine.handle(req, undefined);
      for (const rule of afterRules) {
        const injected = rule(request.method, url, { status: res.status, body: res.body });
        if (injected) return injectedResponse(injected);
      }
      return new HttpResponse(res.body === undefined ? null : JSON.stringify(res.body), {
        status: res.status,
        headers: { 'Content-Type': 'application/fhir+json', ...res.headers },
      });
    }),
  );
  server.listen({ onUnhandledRequest: 'error' });
  return {
    engine,
    requests,
    failWhen: (rule) => rules.push(rule),
    afterWhen: (rule) => afterRules.push(rule),
    clearFailures: () => {
      rules = [];
      afterRules = [];
    },
    close: () => server.close(),
  };
}

/** A fhirclient Client as after a completed launch, pointed at the test server. */
export function testClient(
  context: { patient?: string; fhirUser?: string; scope?: string } = {},
): ClientModule {
  return new Client(testEnvironment(), {
    serverUrl: TEST_FHIR_BASE,
    tokenResponse: {
      access_token: 'test-token',
      token_type: 'Bearer',
      expires_in: 3600,
      scope: context.scope ?? 'launch openid fhirUser patient/*.cruds user/*.cruds',
      patient: context.patient,
      need_patient_banner: true,
      ...(context.fhirUser ? { id_token: fakeIdToken(context.fhirUser) } : {}),
    },
  });
}

// fhirclient is CommonJS: under Node's ESM loader the class sits on `.default`.
const Client = ((ClientModule as unknown as { default?: typeof ClientModule }).default ??
  ClientModule) as typeof ClientModule;

/** The little of a browser environment a ready Client uses: storage and base64. */
function testEnvironment(): ConstructorParameters<typeof ClientModule>[0] {
  const store = new Map<string, unknown>();
  const storage = {
    get: async (key: string) => store.get(key),
    set: async (key: string, value: unknown) => {
      store.set(key, value);
      return value;
    },
    unset: async (key: string) => store.delete(key),
  };
  return {
    getStorage: () => storage,
    btoa: (s: string) => Buffer.from(s, 'binary').toString('base64'),
    atob: (s: string) => Buffer.from(s, 'base64').toString('binary'),
    options: {},
  } as unknown as ConstructorParameters<typeof ClientModule>[0];
}

/** An unsigned id_token carrying fhirUser: fhirclient only reads its claims. */
function fakeIdToken(fhirUser: string): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64({ fhirUser, sub: fhirUser })}.`;
}
