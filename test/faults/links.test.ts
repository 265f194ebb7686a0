/**
 * Fault-injection: links and redirects that try to take the session's token
 * elsewhere, through real fhirclient and fetch (msw as the network). Each URL
 * parser quirk is a case: what reached which host, with which token, and what
 * the search kept and said.
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { searchAll } from '../../src/fhir/search';
import { readResource } from '../../src/fhir/read';
import { loadStatusOf } from '../../src/fhir/narrow';
import { describeFhirError, FhirError } from '../../src/fhir/errors';
import { fhirclientTransport } from '../../src/fhir/transport';
import { TEST_FHIR_BASE, testClient } from '../msw/fhirServer';
import { faultCase } from './recorder';

let next: string = '';
let redirectTo: string = '';
const onServer: string[] = [];
const elsewhere: { url: string; auth: string | null }[] = [];
const task = (id: string) => ({
  resource: { resourceType: 'Task', id, status: 'requested', intent: 'order' },
});

const server = setupServer(
  http.all(`${TEST_FHIR_BASE}/*`, ({ request }) => {
    const url = new URL(request.url);
    onServer.push(`${request.method} ${url.pathname}${url.search}`);
    if (url.pathname.endsWith('/Patient/p1'))
      return new HttpResponse(null, { status: 302, headers: { Location: redirectTo } });
    if (url.pathname.endsWith('/Patient/p2'))
      return HttpResponse.json({ resourceType: 'Patient', id: 'p2' });
    if (url.searchParams.get('page') === '2')
      return HttpResponse.json({ resourceType: 'Bundle', type: 'searchset', entry: [task('t2')] });
    return HttpResponse.json({
      resourceType: 'Bundle',
      type: 'searchset',
      link: [{ relation: 'next', url: next }],
      entry: [task('t1')],
    });
  }),
  // Anything else: a host that would collect the token.
  http.all('*', ({ request }) => {
    elsewhere.push({ url: request.url, auth: request.headers.get('authorization') });
    return HttpResponse.json({ resourceType: 'Bundle', type: 'searchset', entry: [task('evil')] });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  onServer.length = 0;
  elsewhere.length = 0;
});
afterAll(() => server.close());

/** [case id, the link the server sends, where a browser would go (undefined = off the server)] */
const LINKS: [string, string, boolean][] = [
  ['link-tab-in-scheme', 'http\t://other.example/fhir/Task?page=2', false],
  ['link-newline-in-scheme', 'ht\ntp://other.example/fhir/Task?page=2', false],
  ['link-cr-in-authority', 'http:/\r/other.example/fhir/Task?page=2', false],
  ['link-leading-spaces', '   http://other.example/fhir/Task?page=2', false],
  ['link-trailing-space-relative', 'Task?page=2 ', true],
  ['link-backslashes', 'http:\\\\other.example\\fhir\\Task?page=2', false],
  ['link-backslash-scheme-relative', '\\\\other.example/fhir/Task?page=2', false],
  ['link-upper-case-scheme-other-host', 'HTTP://OTHER.EXAMPLE/fhir/Task?page=2', false],
  ['link-upper-case-scheme-same-host', 'HTTP://EHR.TEST/fhir/Task?page=2', true],
  ['link-userinfo-same-host', 'http://user:secret@ehr.test/fhir/Task?page=2', false],
  ['link-userinfo-host-confusion', 'http://ehr.test@other.example/fhir/Task?page=2', false],
  ['link-idn-lookalike', 'http://еhr.test/fhir/Task?page=2', false],
  ['link-explicit-default-port', 'http://ehr.test:80/fhir/Task?page=2', true],
  ['link-other-port', 'http://ehr.test:8080/fhir/Task?page=2', false],
  ['link-scheme-relative-other', '//other.example/fhir/Task?page=2', false],
  ['link-scheme-relative-same', '//ehr.test/fhir/Task?page=2', true],
  ['link-dot-segments-out', 'http://ehr.test/fhir/../admin/Task?page=2', false],
  ['link-encoded-dot-segments', 'http://ehr.test/fhir/%2e%2e/admin/Task?page=2', false],
  ['link-https-downgrade-or-scheme-change', 'https://ehr.test/fhir/Task?page=2', false],
  ['link-javascript', 'javascript:fetch("//other.example")', false],
];

describe('paging links: followed only below the FHIR base, as the parser reads them', () => {
  for (const [id, link, onBase] of LINKS) {
    faultCase(id, `Bundle.link next = ${JSON.stringify(link)}`, async (o) => {
      next = link;
      const send = fhirclientTransport(testClient());
      const result = await searchAll(
        send,
        'Task',
        {},
        {
          retry: { attempts: 1, delayMs: () => 0 },
        },
      );
      o.reached = [...onServer, ...elsewhere.map((e) => `ELSEWHERE ${e.url}`)];
      o.leaked = elsewhere.length > 0;
      const ids = result.resources.map((t) => t.id);
      if (onBase) {
        // Below the base: followed, and the second page is read.
        o.sees = `read ${ids.join(', ')}`;
        o.misread = ids.join() !== 't1,t2' || result.truncated;
      } else {
        const status = loadStatusOf(result);
        o.sees = status.state === 'truncated' ? status.reason : 'not said';
        // What was read is kept, and the stop is said.
        o.misread = ids.join() !== 't1' || result.truncatedBy !== 'off-server';
      }
    });
  }
});

describe('redirects: followed only below the FHIR base', () => {
  for (const [id, to, onBase] of [
    ['redirect-other-origin', 'http://other.example/fhir/Patient/p2', false],
    ['redirect-tab-in-scheme', 'http\t://other.example/fhir/Patient/p2', false],
    ['redirect-same-server', 'p2', true],
  ] as const) {
    faultCase(id, `302 Location: ${JSON.stringify(to)}`, async (o) => {
      redirectTo = to;
      const send = fhirclientTransport(testClient());
      const outcome = await readResource(send, 'Patient', 'p1', {
        attempts: 1,
        delayMs: () => 0,
      }).then(
        (r) => `read Patient/${r.resource.id}`,
        (e: unknown) => (e instanceof FhirError ? describeFhirError(e) : String(e)),
      );
      o.sees = outcome;
      o.reached = [...onServer, ...elsewhere.map((e) => `ELSEWHERE ${e.url}`)];
      o.leaked = elsewhere.length > 0;
      o.misread = onBase ? outcome !== 'read Patient/p2' : !/outside itself/.test(outcome);
    });
  }
});
