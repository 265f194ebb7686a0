/**
 * SMART App Launch scopes (v2 `.cruds` letters and v1 `.read`/`.write`/`.*`):
 * parsing, enumeration (oidc-provider only grants scopes it was told about)
 * and permission checks used by the sandbox FHIR server.
 */

export type ScopeContext = 'patient' | 'user' | 'system';
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';

export interface ResourceScope {
  context: ScopeContext;
  /** A resource type or '*'. */
  resourceType: string;
  permissions: ReadonlySet<Permission>;
}

const V2_ORDER: readonly Permission[] = ['c', 'r', 'u', 'd', 's'];
const V1_PERMISSIONS: Record<string, readonly Permission[]> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
};

const SCOPE_RE = /^(patient|user|system)\/([A-Za-z]+|\*)\.([a-z*]+)$/;

/**
 * Parses one clinical-data scope. v2 letters must appear in c-r-u-d-s order
 * (as the spec requires); fine-grained query suffixes (`?category=...`) are
 * not supported and yield undefined, so they are never granted.
 */
export function parseResourceScope(scope: string): ResourceScope | undefined {
  const m = SCOPE_RE.exec(scope);
  if (!m) return undefined;
  const [, context, resourceType, perm] = m as unknown as [string, ScopeContext, string, string];
  const v1 = V1_PERMISSIONS[perm];
  if (v1) return { context, resourceType, permissions: new Set(v1) };
  let last = -1;
  const permissions = new Set<Permission>();
  for (const ch of perm) {
    const idx = V2_ORDER.indexOf(ch as Permission);
    if (idx <= last) return undefined;
    last = idx;
    permissions.add(ch as Permission);
  }
  return permissions.size ? { context, resourceType, permissions } : undefined;
}

/** Every non-empty v2 permission string in canonical order: c, cr, cru, …, s. */
export function v2PermissionStrings(): string[] {
  const out: string[] = [];
  for (let mask = 1; mask < 32; mask++) {
    out.push(V2_ORDER.filter((_, i) => mask & (1 << i)).join(''));
  }
  return out;
}

/** All clinical scopes the authorization server may grant for these resource types (plus '*'). */
export function enumerateResourceScopes(resourceTypes: readonly string[]): string[] {
  const perms = [...v2PermissionStrings(), ...Object.keys(V1_PERMISSIONS)];
  const out: string[] = [];
  for (const ctx of ['patient', 'user', 'system'] as const) {
    for (const type of [...resourceTypes, '*']) {
      for (const p of perms) out.push(`${ctx}/${type}.${p}`);
    }
  }
  return out;
}

export interface ScopeDecision {
  allowed: boolean;
  /** True when only patient/ scopes grant it: access is limited to the token's patient compartment. */
  patientOnly: boolean;
}

/** Decides whether granted scopes allow `permission` on `resourceType`. user/ and system/ win over patient/. */
export function checkScopes(
  granted: readonly string[],
  resourceType: string,
  permission: Permission,
): ScopeDecision {
  let viaPatient = false;
  for (const s of granted) {
    const parsed = parseResourceScope(s);
    if (!parsed) continue;
    if (parsed.resourceType !== '*' && parsed.resourceType !== resourceType) continue;
    if (!parsed.permissions.has(permission)) continue;
    if (parsed.context === 'patient') viaPatient = true;
    else return { allowed: true, patientOnly: false };
  }
  return { allowed: viaPatient, patientOnly: viaPatient };
}

/** FHIR REST interaction → SMART permission letter. */
export function permissionFor(interaction: string): Permission | undefined {
  switch (interaction) {
    case 'read':
    case 'vread':
    case 'history-instance':
      return 'r';
    case 'search-type':
      return 's';
    case 'create':
      return 'c';
    case 'update':
    case 'patch':
      return 'u';
    case 'delete':
      return 'd';
    default:
      return undefined;
  }
}
