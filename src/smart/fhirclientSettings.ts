import FHIR from 'fhirclient';

/**
 * fhirclient settings every entry point needs, set in one place.
 *
 * - fullSessionStorageSupport = false: EHRs embed several instances of an app
 *   in one browser tab, and iframes of one tab share sessionStorage. By
 *   default fhirclient keeps one "current launch" key there and deletes the
 *   previous launch's state when a new one starts, so reloading an older frame
 *   would resume the newest launch — another patient. With this off, each
 *   frame keeps its own random state key in its URL (an opaque key, no
 *   patient data) and resumes its own launch.
 * - refreshTokenWithClientId = true: a public client has no secret and names
 *   itself with client_id when it refreshes (RFC 6749 §3.2.1); servers such as
 *   oidc-provider and Keycloak refuse a refresh without it.
 */
export const FHIRCLIENT_SETTINGS = {
  fullSessionStorageSupport: false,
  refreshTokenWithClientId: true,
} as const;

export function configureFhirclient(): void {
  Object.assign(FHIR.oauth2.settings, FHIRCLIENT_SETTINGS);
}
