import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFhirId, isOnServer, resolveOnServer } from './url';

const BASE = 'https://ehr.example.org/fhir/r4';

describe('resolveOnServer: what the browser would request, and only below the FHIR base', () => {
  it('resolves relative and absolute URLs below the base to the URL that is requested', () => {
    expect(resolveOnServer('Task?page=2', BASE)).toBe(
      'https://ehr.example.org/fhir/r4/Task?page=2',
    );
    expect(resolveOnServer('https://ehr.example.org/fhir/r4/Task?page=2', BASE)).toBe(
      'https://ehr.example.org/fhir/r4/Task?page=2',
    );
    expect(resolveOnServer('https://ehr.example.org/fhir/r4', BASE)).toBe(
      'https://ehr.example.org/fhir/r4',
    );
    expect(resolveOnServer('', BASE)).toBe('https://ehr.example.org/fhir/r4/');
    // A fragment is never sent.
    expect(resolveOnServer('Patient/1#x', BASE)).toBe('https://ehr.example.org/fhir/r4/Patient/1');
  });

  // Each quirk of the WHATWG parser, as a link a server (or whatever sits in
  // front of it) might send: [link, where the browser would send it].
  const quirks: [string, string | undefined][] = [
    // tab, CR, LF anywhere are removed by the parser: these go to other.example
    ['http\t://other.example/fhir/r4/Task', undefined],
    ['https\t://other.example/fhir/r4/Task', undefined],
    ['ht\ntps://other.example/fhir/r4/Task', undefined],
    ['https:/\r/other.example/fhir/r4/Task', undefined],
    ['https://other\n.example/fhir/r4/Task', undefined],
    [
      'https://ehr.example.org/fhir/r4/Task?page=\t2',
      'https://ehr.example.org/fhir/r4/Task?page=2',
    ],
    // leading and trailing spaces and C0 controls are trimmed
    ['  https://other.example/fhir/r4/Task', undefined],
    ['\u0000https://other.example/x', undefined],
    [' Task?page=2 ', 'https://ehr.example.org/fhir/r4/Task?page=2'],
    // backslashes are slashes in http(s) URLs
    ['https:\\\\other.example\\fhir\\r4\\Task', undefined],
    ['\\\\other.example/fhir/r4/Task', undefined],
    ['https://ehr.example.org\\@other.example/fhir/r4/Task', undefined],
    ['https:\\\\ehr.example.org\\fhir\\r4\\Task', 'https://ehr.example.org/fhir/r4/Task'],
    // upper-case scheme and host are the same server
    ['HTTPS://EHR.EXAMPLE.ORG/fhir/r4/Task', 'https://ehr.example.org/fhir/r4/Task'],
    ['HTTPS://other.example/fhir/r4/Task', undefined],
    // userinfo: refused even for the right host, and `ehr@other` is other
    ['https://user:pass@ehr.example.org/fhir/r4/Task', undefined],
    ['https://ehr.example.org@other.example/fhir/r4/Task', undefined],
    ['https://ehr.example.org:@other.example/fhir/r4/Task', undefined],
    // IDN: a look-alike host is another host once encoded
    ['https://еhr.example.org/fhir/r4/Task', undefined], // Cyrillic е
    ['https://ehr.exampIe.org/fhir/r4/Task', undefined],
    // full-width dot: the parser maps it to ".", so this is the same host
    ['https://ehr.example\uFF0Eorg/fhir/r4/Task', 'https://ehr.example.org/fhir/r4/Task'],
    // explicit default port is the same origin; another port is not
    ['https://ehr.example.org:443/fhir/r4/Task', 'https://ehr.example.org/fhir/r4/Task'],
    ['https://ehr.example.org:8443/fhir/r4/Task', undefined],
    ['http://ehr.example.org/fhir/r4/Task', undefined], // downgrade to plain http
    // scheme-relative
    ['//other.example/fhir/r4/Task', undefined],
    ['//ehr.example.org/fhir/r4/Task', 'https://ehr.example.org/fhir/r4/Task'],
    // path prefix, dot segments, encoded dots
    ['https://ehr.example.org/other/Task', undefined],
    ['https://ehr.example.org/fhir/r4x/Task', undefined],
    ['https://ehr.example.org/fhir/r4/../admin', undefined],
    ['https://ehr.example.org/fhir/r4/%2e%2e/admin', undefined],
    ['../admin', undefined],
    ['/admin', undefined],
    ['/fhir/r4/Task', 'https://ehr.example.org/fhir/r4/Task'],
    // other schemes
    ['javascript:alert(1)', undefined],
    ['data:application/json,{}', undefined],
    ['blob:https://ehr.example.org/abc', undefined],
    ['file:///etc/passwd', undefined],
    ['https://[::1]/fhir/r4/Task', undefined],
  ];

  it.each(quirks)('%j → %s', (link, expected) => {
    expect(resolveOnServer(link, BASE)).toBe(expected);
    expect(isOnServer(link, BASE)).toBe(expected !== undefined);
  });

  it('what it returns is a URL the parser leaves unchanged, below the base (property)', () => {
    const pieces = fc.constantFrom(
      '\t',
      '\n',
      '\r',
      ' ',
      '\\',
      '/',
      '//',
      '@',
      ':',
      '.',
      '..',
      '%2e',
      '?',
      '#',
      'https:',
      'HTTP:',
      'other.example',
      'ehr.example.org',
      'fhir',
      'r4',
      'Task',
      ':443',
      'еhr',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        const link = parts.join('');
        const out = resolveOnServer(link, BASE);
        if (out === undefined) return;
        const u = new URL(out);
        expect(u.href).toBe(out);
        expect(u.origin).toBe('https://ehr.example.org');
        expect(u.username + u.password).toBe('');
        expect(`${u.pathname}/`.startsWith('/fhir/r4/')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('anything that is not a string is refused', () => {
    for (const v of [undefined, null, 42, {}, ['Task']])
      expect(resolveOnServer(v, BASE)).toBe(undefined);
  });

  it('a redirect Location resolves against the request it answered, then is checked the same way', () => {
    const from = 'https://ehr.example.org/fhir/r4/Task?page=2';
    expect(resolveOnServer('?page=3', BASE, from)).toBe(
      'https://ehr.example.org/fhir/r4/Task?page=3',
    );
    expect(resolveOnServer('//other.example/x', BASE, from)).toBe(undefined);
  });
});

describe('isFhirId', () => {
  it('accepts FHIR ids and refuses anything that would change the path', () => {
    for (const id of ['abc', 'A-1.2', 'x'.repeat(64)]) expect(isFhirId(id)).toBe(true);
    for (const id of ['', '.', '..', 'a/b', 'a?b', 'a b', 'x'.repeat(65), 'é', 42])
      expect(isFhirId(id)).toBe(false);
  });
});
