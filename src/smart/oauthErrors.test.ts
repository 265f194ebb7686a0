import { describe, expect, it } from 'vitest';
import {
  OAUTH_ERROR_CODES,
  OAUTH_ERROR_WORDS,
  oauthErrorCode,
  oauthErrorFromMessage,
} from './oauthErrors';

describe('oauthErrorCode', () => {
  it('keeps every RFC 6749 code, and has words for each', () => {
    for (const code of OAUTH_ERROR_CODES) {
      expect(oauthErrorCode(code)).toBe(code);
      expect(OAUTH_ERROR_WORDS[code]).toMatch(/\w/);
    }
  });

  it('drops anything else: other specs’ codes, look-alikes, text written into the URL', () => {
    for (const value of [
      'invalid_token', // RFC 6750, not 6749
      'login_required', // OpenID Connect
      'INVALID_REQUEST',
      ' invalid_request',
      'invalid_request: call 555-0100',
      '<script>',
      '',
      null,
      undefined,
      42,
    ])
      expect(oauthErrorCode(value), String(value)).toBeUndefined();
  });
});

describe('oauthErrorFromMessage', () => {
  it('reads the code fhirclient appends to a failed token request', () => {
    expect(
      oauthErrorFromMessage(
        '400 Bad Request\nURL: https://ehr.example.org/oauth2/token\ninvalid_grant: refresh token expired',
      ),
    ).toBe('invalid_grant');
    expect(oauthErrorFromMessage('401 Unauthorized\nURL: https://x/token\ninvalid_client')).toBe(
      'invalid_client',
    );
  });

  it('finds nothing in a status line, a URL, or a code outside the list', () => {
    expect(oauthErrorFromMessage('invalid_grant')).toBeUndefined(); // the first line is the status
    expect(oauthErrorFromMessage('400 Bad Request\nURL: https://x/invalid_grant')).toBeUndefined();
    expect(oauthErrorFromMessage('400 Bad Request\nURL: x\nsession_gone: bye')).toBeUndefined();
    expect(oauthErrorFromMessage(undefined)).toBeUndefined();
  });
});
