/**
 * SMART App Launch 2.x authorization server for the sandbox, built on
 * oidc-provider 8 (authorization code + PKCE S256, refresh, id_token with
 * fhirUser) with: launch contexts issued by the EHR simulator, an interaction
 * handler that logs in and consents from the launch (the EHR user is already
 * signed in), a small picker for standalone launches, and the SMART context
 * (patient, encounter, need_patient_banner) added to token responses.
 */
import {
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, {
  errors,
  type Configuration,
  type InteractionDetails,
  type KoaContextLike,
} from 'oidc-provider';
import type { CohortUser } from '../fixtures/cohort/index';
import { behaviour as friendly, type Behaviour } from './behaviour';
import { escapeHtml, page } from './html';
import { decodeLauncherOptions, type Mount } from './launcherAddress';
import { createMemoryAdapterFactory } from './memoryAdapter';
import { parseResourceScope } from './scopes';

/** Scopes handled by the authorization server itself (not by the FHIR resource server). */
export const OIDC_SCOPES = [
  'openid',
  'fhirUser',
  'profile',
  'offline_access',
  'online_access',
  'launch',
  'launch/patient',
  'launch/encounter',
];

export interface LaunchContext {
  userId: string;
  patientId?: string;
  encounterId?: string;
  needPatientBanner: boolean;
  smartStyleUrl?: string;
}

interface GrantContext extends LaunchContext {
  /** Every scope granted (OIDC + clinical), reported as `scope` in token responses. */
  scope: string;
}

export interface PatientChoice {
  id: string;
  name: string;
  scenario: string;
}

export interface AuthOptions {
  baseUrl: string;
  issuer: string;
  fhirBase: string;
  clientId: string;
  redirectUris: string[];
  allowedOrigins: string[];
  accessTokenTtlSeconds: number;
  /** All clinical scopes that may be granted (oidc-provider drops others). */
  resourceScopes: string[];
  users: CohortUser[];
  patients: PatientChoice[];
  smartStyleUrl?: string;
  /** Strict switches (refresh, token format), read live. */
  behaviour?: Behaviour;
  /** Which of the sandbox's FHIR bases a URL (an `aud`) is, if any (it answers at several). */
  mountOf?: (url: string | undefined) => Mount | undefined;
}

/** What the sandbox needs to know about an access token, whatever its format. */
interface TokenFacts {
  jti: string;
  grantId?: string;
  scope: string;
  aud: string[];
  accountId: string;
  clientId: string;
  expired: boolean;
}

export type TokenCheck =
  | {
      ok: true;
      scopes: string[];
      userId: string;
      patientId?: string;
      encounterId?: string;
      clientId: string;
    }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

const AUTH_PREFIX = '/auth';

export class SandboxAuth {
  readonly provider: Provider;
  readonly launches = new Map<string, LaunchContext>();
  private readonly grants = new Map<string, GrantContext>();
  private readonly issued = new Set<string>();
  private readonly revoked = new Set<string>();
  private readonly opts: AuthOptions;
  private readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  private readonly publicKey: KeyObject;

  constructor(opts: AuthOptions) {
    this.opts = opts;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.publicKey = createPublicKey(privateKey);
    const jwk = {
      ...privateKey.export({ format: 'jwk' }),
      kid: 'sandbox-1',
      alg: 'RS256',
      use: 'sig',
    };
    const allowedScopes = opts.resourceScopes.join(' ');
    const users = new Map(opts.users.map((u) => [u.id, u]));

    const configuration: Configuration = {
      clients: [
        {
          client_id: opts.clientId,
          token_endpoint_auth_method: 'none',
          application_type: 'web',
          redirect_uris: opts.redirectUris,
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
        },
      ],
      adapter: createMemoryAdapterFactory(),
      jwks: { keys: [jwk] },
      cookies: { keys: [randomBytes(32).toString('hex')] },
      pkce: { methods: ['S256'], required: () => true },
      scopes: OIDC_SCOPES,
      claims: { openid: ['sub'], fhirUser: ['fhirUser'], profile: ['name'] },
      // Put fhirUser in the id_token itself (SMART apps read it there).
      conformIdTokenClaims: false,
      extraParams: ['aud', 'launch'],
      features: {
        devInteractions: { enabled: false },
        revocation: { enabled: true },
        introspection: { enabled: true },
        resourceIndicators: {
          enabled: true,
          // SMART clients send `aud`, not `resource`: every token is for the FHIR base.
          defaultResource: () => opts.fhirBase,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: unknown, resource: string) => {
            if (resource !== opts.fhirBase) throw new errors.InvalidTarget();
            return {
              scope: allowedScopes,
              accessTokenTTL: opts.accessTokenTtlSeconds,
              ...(this.behaviour.opaqueAccessTokens
                ? { accessTokenFormat: 'opaque' }
                : { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
            };
          },
        },
      },
      formats: {
        customizers: {
          // A JWT access token is not stored: it carries the grant it belongs to.
          jwt: (
            _ctx: unknown,
            token: { grantId?: string },
            jwt: { payload: Record<string, unknown> },
          ) => {
            jwt.payload.sandbox_grant = token.grantId;
          },
        },
      },
      ttl: {
        AccessToken: opts.accessTokenTtlSeconds,
        AuthorizationCode: 120,
        IdToken: 3600,
        RefreshToken: 24 * 3600,
        Interaction: 3600,
        Session: 24 * 3600,
        Grant: 24 * 3600,
      },
      // An EHR keeps every launch's tokens valid while the user works: a second
      // launch of the app in the same browser (another chart, another frame)
      // must not revoke the first. oidc-provider binds non-offline tokens to
      // its browser session, whose grant the second launch replaces.
      expiresWithSession: () => false,
      issueRefreshToken: (
        _ctx: unknown,
        client: { grantTypeAllowed(t: string): boolean; clientAuthMethod?: string },
        code: { scopes: Set<string> },
      ) =>
        // Strict: like EHRs that give public clients no refresh token at all.
        !(this.behaviour.noRefreshTokenForPublicClients && client.clientAuthMethod === 'none') &&
        client.grantTypeAllowed('refresh_token') &&
        (code.scopes.has('offline_access') || code.scopes.has('online_access')),
      clientBasedCORS: (_ctx: unknown, origin: string) => opts.allowedOrigins.includes(origin),
      interactions: {
        url: (_ctx: unknown, interaction: { uid: string }) =>
          `${AUTH_PREFIX}/interaction/${interaction.uid}`,
      },
      findAccount: (_ctx: unknown, id: string) => {
        const user = users.get(id);
        if (!user) return undefined;
        return {
          accountId: id,
          claims: () => ({
            sub: id,
            fhirUser: `${opts.fhirBase}/Practitioner/${user.practitionerId}`,
            name: user.name,
          }),
        };
      },
      renderError: (ctx: KoaContextLike, out: Record<string, string>) => {
        ctx.body = page(
          'Authorization error',
          `<h1>Authorization error</h1><dl>${Object.entries(out)
            .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(String(v))}</dd>`)
            .join('')}</dl>`,
        );
      },
    };
    this.provider = new Provider(opts.issuer, configuration);
    this.provider.on('server_error', (_ctx: unknown, err: unknown) => {
      console.error('[sandbox auth] server error:', err instanceof Error ? err.message : 'unknown');
    });
    this.provider.use(async (ctx, next) => {
      await next();
      if (ctx.oidc?.route !== 'token' || ctx.status !== 200) return;
      const grantType = ctx.oidc.params?.grant_type;
      if (grantType === 'refresh_token' && this.behaviour.refreshRefused) {
        // Strict: the EHR session ended, so the refresh is refused (RFC 6749 §5.2).
        await this.forget((ctx.body as { access_token?: unknown } | undefined)?.access_token);
        ctx.status = 400;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = {
          error: 'invalid_grant',
          error_description: 'The session with the EHR has ended; launch the app again.',
        };
        return;
      }
      await this.decorateTokenResponse(ctx);
    });
    this.handler = this.provider.callback();
  }

  private get behaviour(): Behaviour {
    return this.opts.behaviour ?? friendly();
  }

  /**
   * The facts of an access token: a JWT is checked against the sandbox's key
   * and read; an opaque one is looked up.
   */
  private async readToken(value: string): Promise<TokenFacts | undefined> {
    const parts = value.split('.');
    if (parts.length === 3) {
      const [header, payload, signature] = parts as [string, string, string];
      const signed = verify(
        'RSA-SHA256',
        Buffer.from(`${header}.${payload}`),
        this.publicKey,
        Buffer.from(signature, 'base64url'),
      );
      if (!signed) return undefined;
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      if (claims.iss !== this.opts.issuer || typeof claims.jti !== 'string') return undefined;
      return {
        jti: claims.jti,
        ...(typeof claims.sandbox_grant === 'string' ? { grantId: claims.sandbox_grant } : {}),
        scope: typeof claims.scope === 'string' ? claims.scope : '',
        aud: ([] as unknown[]).concat(claims.aud).filter((a): a is string => typeof a === 'string'),
        accountId: String(claims.sub ?? ''),
        clientId: String(claims.client_id ?? ''),
        expired: typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now(),
      };
    }
    const at = await this.provider.AccessToken.find(value, { ignoreExpiration: true });
    if (!at) return undefined;
    return {
      jti: at.jti,
      grantId: at.grantId,
      scope: at.scope ?? '',
      aud: ([] as unknown[]).concat(at.aud).filter((a): a is string => typeof a === 'string'),
      accountId: at.accountId,
      clientId: at.clientId,
      expired: at.isExpired,
    };
  }

  /** Makes a token that was issued but not handed out unusable. */
  private async forget(value: unknown): Promise<void> {
    if (typeof value !== 'string') return;
    const facts = await this.readToken(value);
    if (facts) this.revoked.add(facts.jti);
  }

  /** Registers a launch (as an EHR does when a user opens the app) and returns its opaque id. */
  createLaunch(context: LaunchContext): string {
    const id = randomUUID();
    this.launches.set(id, context);
    return id;
  }

  /** Makes every access token issued so far invalid (refresh tokens keep working). */
  expireAllTokens(): void {
    for (const jti of this.issued) this.revoked.add(jti);
    this.issued.clear();
  }

  async checkAccessToken(authorization: string | undefined): Promise<TokenCheck> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return { ok: false, reason: 'missing' };
    const token = m[1] as string;
    const at = await this.readToken(token);
    if (!at) return { ok: false, reason: 'invalid' };
    if (at.expired || this.revoked.has(at.jti)) return { ok: false, reason: 'expired' };
    if (!at.aud.includes(this.opts.fhirBase)) return { ok: false, reason: 'invalid' };
    const ctx = at.grantId ? this.grants.get(at.grantId) : undefined;
    return {
      ok: true,
      scopes: at.scope.split(' ').filter(Boolean),
      userId: at.accountId,
      clientId: at.clientId,
      ...(ctx?.patientId ? { patientId: ctx.patientId } : {}),
      ...(ctx?.encounterId ? { encounterId: ctx.encounterId } : {}),
    };
  }

  /** Handles everything under /auth. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const rest = url.pathname.slice(AUTH_PREFIX.length);
    const interaction = /^\/interaction\/([^/]+)$/.exec(rest);
    if (interaction) {
      await this.handleInteraction(req, res);
      return;
    }
    if (rest === '/auth') {
      const params = req.method === 'GET' ? url.searchParams : undefined;
      if (params) {
        const aud = params.get('aud') ?? undefined;
        if (aud !== this.opts.fhirBase && !this.opts.mountOf?.(aud)) {
          sendHtml(
            res,
            400,
            page(
              'Authorization error',
              `<h1>Authorization error</h1><p>invalid_request: the <code>aud</code> parameter must be the FHIR base URL of this server (${escapeHtml(this.opts.fhirBase)}).</p>`,
            ),
          );
          return;
        }
        // Always run our interaction: each launch binds a new context, and
        // oidc-provider only keeps offline_access when prompt includes consent.
        params.set('prompt', 'login consent');
        url.search = params.toString();
      }
    }
    // oidc-provider derives its mount path from originalUrl vs url.
    const mutable = req as IncomingMessage & { originalUrl?: string };
    mutable.originalUrl = url.pathname + url.search;
    req.url = (rest || '/') + url.search;
    this.handler(req, res);
  }

  private async handleInteraction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let details: InteractionDetails;
    try {
      details = await this.provider.interactionDetails(req, res);
    } catch {
      sendHtml(
        res,
        400,
        page(
          'Sign-in expired',
          '<h1>Sign-in expired</h1><p>This authorization request is no longer valid. Launch the app again.</p>',
        ),
      );
      return;
    }
    const params = details.params;
    const requested = (params.scope ?? '').split(' ').filter(Boolean);
    const launchId = params.launch;
    const mount = this.opts.mountOf?.(params.aud);
    if (launchId) {
      // A launch the simulator registered, or launch options as the SMART App Launcher sends them.
      const launch = this.launches.get(launchId) ?? this.launchFromOptions(launchId);
      if (!launch) {
        await this.provider.interactionFinished(
          req,
          res,
          { error: 'invalid_request', error_description: 'unknown or expired launch' },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      await this.finish(req, res, details, requested, launch);
      return;
    }
    // The launcher's plain address takes no standalone launch: it needs options in the path.
    if (mount?.kind === 'launcher') {
      await this.provider.interactionFinished(
        req,
        res,
        {
          error: 'invalid_request',
          error_description: 'Invalid launch options: SyntaxError: Unexpected end of JSON input',
        },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    // Standalone launch: a simple picker stands in for the EHR's login (and patient selection).
    const wantsPatient = requested.includes('launch/patient');
    if (mount?.kind === 'launcher-sim' && req.method !== 'POST') {
      // Launch options in the address choose the user (and patient), as on the launcher.
      const options = decodeLauncherOptions(mount.options);
      if (!options) {
        await this.provider.interactionFinished(
          req,
          res,
          { error: 'invalid_request', error_description: 'Invalid launch options' },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const userId = this.userFor(options.provider);
      const patientId = this.opts.patients.find((p) => p.id === options.patient.split(',')[0])?.id;
      if (userId && (!wantsPatient || patientId)) {
        await this.finish(req, res, details, requested, {
          userId,
          ...(wantsPatient && patientId ? { patientId } : {}),
          needPatientBanner: true,
          ...(this.opts.smartStyleUrl ? { smartStyleUrl: this.opts.smartStyleUrl } : {}),
        });
        return;
      }
    }
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const userId = form.get('user') ?? '';
      const patientId = form.get('patient') ?? '';
      const userOk = this.opts.users.some((u) => u.id === userId);
      const patientOk = !wantsPatient || this.opts.patients.some((p) => p.id === patientId);
      if (userOk && patientOk) {
        await this.finish(req, res, details, requested, {
          userId,
          ...(wantsPatient ? { patientId } : {}),
          needPatientBanner: true,
          ...(this.opts.smartStyleUrl ? { smartStyleUrl: this.opts.smartStyleUrl } : {}),
        });
        return;
      }
    }
    sendHtml(res, 200, this.pickerPage(details.uid, wantsPatient));
  }

  /** A sandbox user named by a launcher provider id (the user's id or their Practitioner id). */
  private userFor(provider: string): string | undefined {
    const id = provider.split(',')[0] ?? '';
    return this.opts.users.find((u) => u.id === id || u.practitionerId === id)?.id;
  }

  /** An EHR launch whose `launch` is launcher options (provider-ehr), as the launcher sends it. */
  private launchFromOptions(launch: string): LaunchContext | undefined {
    const options = decodeLauncherOptions(launch);
    if (options?.launchType !== 'provider-ehr') return undefined;
    const userId = this.userFor(options.provider);
    if (!userId) return undefined;
    const patientId = this.opts.patients.find((p) => p.id === options.patient.split(',')[0])?.id;
    return { userId, needPatientBanner: true, ...(patientId ? { patientId } : {}) };
  }

  private async finish(
    req: IncomingMessage,
    res: ServerResponse,
    details: InteractionDetails,
    requested: string[],
    launch: LaunchContext,
  ): Promise<void> {
    const clientId = details.params.client_id ?? '';
    const oidcScopes = requested.filter((s) => OIDC_SCOPES.includes(s));
    const resourceScopes = requested.filter(
      (s) => parseResourceScope(s) !== undefined && this.opts.resourceScopes.includes(s),
    );
    const grant = new this.provider.Grant({ accountId: launch.userId, clientId });
    grant.addOIDCScope(oidcScopes.join(' '));
    if (resourceScopes.length) grant.addResourceScope(this.opts.fhirBase, resourceScopes.join(' '));
    const grantId = await grant.save();
    this.grants.set(grantId, { ...launch, scope: [...oidcScopes, ...resourceScopes].join(' ') });
    await this.provider.interactionFinished(
      req,
      res,
      { login: { accountId: launch.userId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  private async decorateTokenResponse(ctx: KoaContextLike): Promise<void> {
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body || typeof body.access_token !== 'string') return;
    const at = await this.readToken(body.access_token);
    if (!at) return;
    this.issued.add(at.jti);
    const launch = at.grantId ? this.grants.get(at.grantId) : undefined;
    if (!launch) return;
    // Report what the token really carries plus the OIDC/launch scopes oidc-provider keeps apart.
    const tokenScopes = new Set(at.scope.split(' ').filter(Boolean));
    const granted = launch.scope
      .split(' ')
      .filter((s) => tokenScopes.has(s) || OIDC_SCOPES.includes(s));
    body.scope = [...new Set([...granted, ...tokenScopes])].join(' ');
    if (launch.patientId) body.patient = launch.patientId;
    if (launch.encounterId) body.encounter = launch.encounterId;
    body.need_patient_banner = launch.needPatientBanner;
    if (launch.smartStyleUrl) body.smart_style_url = launch.smartStyleUrl;
  }

  private pickerPage(uid: string, wantsPatient: boolean): string {
    const userOptions = this.opts.users
      .map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.name)} (${u.role})</option>`)
      .join('');
    const patientOptions = this.opts.patients
      .map(
        (p) =>
          `<option value="${escapeHtml(p.id)}">${escapeHtml(p.name)} — ${escapeHtml(p.scenario)}</option>`,
      )
      .join('');
    return page(
      'Sandbox EHR sign-in',
      `<h1>Sandbox EHR sign-in</h1>
<p>Standalone launch: choose who is signing in${wantsPatient ? ' and which patient the app may use' : ''}.</p>
<form method="post" action="${AUTH_PREFIX}/interaction/${escapeHtml(uid)}">
  <p><label for="user">User</label><br><select id="user" name="user" required>${userOptions}</select></p>
  ${wantsPatient ? `<p><label for="patient">Patient</label><br><select id="patient" name="patient" required>${patientOptions}</select></p>` : ''}
  <p><button type="submit">Continue</button></p>
</form>`,
    );
  }
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(html);
}

export async function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new Error('Request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
