import { z } from 'zod';
import { matchesIssuerPattern, parseIssuerPattern } from './issuerPattern';

/**
 * The runtime configuration, read from `public/smart-config.json` at start so
 * a health system can change issuers and client ids without rebuilding.
 */
const isHttpsOrLocal = (u: string) =>
  u.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//.test(u);
const HTTPS_MESSAGE = 'must be an https URL (plain http is allowed only for localhost)';

const httpsOrLocalUrl = z.string().url().refine(isHttpsOrLocal, { message: HTTPS_MESSAGE });

/** A FHIR base with one variable path segment, e.g. `https://launch.example.org/v/r4/sim/{options}/fhir`. */
const issuerPattern = z.string().superRefine((value, ctx) => {
  const parsed = parseIssuerPattern(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
  else if (!isHttpsOrLocal(parsed.pattern.prefix))
    ctx.addIssue({ code: 'custom', message: HTTPS_MESSAGE });
});

export const IssuerSchema = z
  .object({
    /** The FHIR base URL exactly as the EHR sends it in `iss`. */
    iss: httpsOrLocalUrl.optional(),
    /**
     * Instead of `iss`: a FHIR base with one variable path segment in braces,
     * for servers that encode options in the address (the SMART App Launcher's
     * standalone launches). See src/config/issuerPattern.ts.
     */
    issPattern: issuerPattern.optional(),
    clientId: z.string().min(1),
    /** Shown to people on the error and integration pages. */
    label: z.string().min(1),
    /** Scope syntax: detect from smart-configuration, or force v1/v2. */
    scopeSyntax: z.enum(['auto', 'v1', 'v2']).default('auto'),
  })
  .refine((i) => (i.iss === undefined) !== (i.issPattern === undefined), {
    message: 'give either iss or issPattern (one of them, not both)',
  });

export const ConfigSchema = z.object({
  issuers: z.array(IssuerSchema).min(1, 'at least one issuer must be configured'),
  /** Relative to the app's base URL. */
  redirectPath: z
    .string()
    .min(1)
    .refine((p) => !/^[a-z][a-z0-9+.-]*:/i.test(p) && !p.startsWith('//'), {
      message:
        'must be a path relative to the app (the authorization code must come back to the app)',
    })
    .default('index.html'),
  /** The issuer used for a standalone launch when none is given. */
  defaultStandaloneIss: z.string().optional(),
  /**
   * How long the app waits for one FHIR answer before it stops and says so
   * (default 20 s: src/fhir/faults.ts REQUEST_TIMEOUT_MS). Raise it for an EHR
   * that is slow by design; the other parts of a screen never wait for it.
   */
  requestTimeoutSeconds: z.number().int().min(5).max(300).optional(),
});

/** One entry of the configuration's issuer list: an exact `iss` or an `issPattern`. */
export type IssuerEntry = z.infer<typeof IssuerSchema>;
export type AppConfig = z.infer<typeof ConfigSchema>;
/** The issuer a launch goes to: its entry's settings with the concrete FHIR base of the launch. */
export type IssuerConfig = Omit<IssuerEntry, 'iss' | 'issPattern'> & { iss: string };

export type ConfigResult = { ok: true; config: AppConfig } | { ok: false; problems: string[] };

/** Validates unknown JSON into a config, with messages a person can act on. */
export function parseConfig(json: unknown): ConfigResult {
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    };
  }
  const config = parsed.data;
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const issuer of config.issuers) {
    const shown = issuer.iss ?? issuer.issPattern ?? '';
    const key = normaliseIss(shown);
    if (seen.has(key)) problems.push(`issuers: ${shown} is listed twice`);
    seen.add(key);
  }
  if (config.defaultStandaloneIss && !findIssuer(config, config.defaultStandaloneIss)) {
    problems.push('defaultStandaloneIss: must be one of the configured issuers');
  }
  return problems.length ? { ok: false, problems } : { ok: true, config };
}

/** Trailing slashes are not significant in a FHIR base URL; anything else is. */
export function normaliseIss(iss: string): string {
  return iss.trim().replace(/\/+$/, '');
}

/**
 * The configured issuer matching a launch's `iss`, compared exactly (after
 * trailing slashes) — never by prefix, so `https://ehr.example.org.evil.com`
 * cannot pass for `https://ehr.example.org`. An `issPattern` entry matches
 * with its one variable segment (see issuerPattern.ts). Exact entries win.
 */
export function findIssuer(
  config: AppConfig,
  iss: string | null | undefined,
): IssuerConfig | undefined {
  if (!iss) return undefined;
  const wanted = normaliseIss(iss);
  const exact = config.issuers.find((i) => i.iss !== undefined && normaliseIss(i.iss) === wanted);
  const entry =
    exact ??
    config.issuers.find((i) => {
      if (i.issPattern === undefined) return false;
      const parsed = parseIssuerPattern(i.issPattern);
      return parsed.ok && matchesIssuerPattern(parsed.pattern, wanted);
    });
  if (!entry) return undefined;
  const { iss: _iss, issPattern: _pattern, ...settings } = entry;
  return { ...settings, iss: exact?.iss ?? wanted };
}
