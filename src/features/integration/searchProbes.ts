/**
 * The Integration check's live tries of the searches the screens really send
 * — the worklist's role and owner searches, `owner:missing`, typed against
 * bare references — and what the server did with each. Servers differ here
 * in ways a CapabilityStatement never shows (Medplum matches nothing for a
 * bare id; some servers ignore `:missing`), and a wrong answer is silent: a
 * peer just sees no follow-ups. Read-only, small pages, ids never shown.
 */
import type { Bundle, FhirResource, Task } from 'fhir/r4';
import { FhirError } from '../../fhir/errors';
import { patientParam, typedReference } from '../../fhir/references';
import type { Transport } from '../../fhir/transport';
import { parseFhirUser, WORKLIST_SEARCHES } from '../../fhir/worklist';
import { isGranted, type LaunchProfile } from '../../smart/scopes';
import type { CheckContext } from './checks';

export type SearchVerdict = 'works' | 'missing' | 'failed' | 'untried';

export interface SearchFinding {
  verdict: SearchVerdict;
  /** What the server did, in words. */
  words: string;
  /** When it matters: what the app does about it (the page's "How the app adapts"). */
  adaptation?: string;
}

export interface SearchProbe {
  id: string;
  label: string;
  /** The requests as shown: ids replaced by {user}, {role}, {patient}. */
  shown: string[];
  /** The screens that send this search. */
  usedBy: LaunchProfile[];
  /** Why it is not tried in this session. */
  notTried?: string;
  run?: (send: Transport) => Promise<SearchFinding>;
}

interface Answer {
  status?: number;
  matches: FhirResource[];
  problem?: string;
}

/** One GET, no retry (the point is to see what the server does). Never throws. */
async function ask(send: Transport, type: string, params: Record<string, string>): Promise<Answer> {
  try {
    const res = await send({ url: `${type}?${new URLSearchParams(params).toString()}` });
    const bundle = res.body as Bundle | undefined;
    if (bundle?.resourceType !== 'Bundle') {
      return { status: res.status, matches: [], problem: 'did not answer with a Bundle' };
    }
    const matches = (bundle.entry ?? [])
      .filter((e) => e.search?.mode !== 'include' && e.search?.mode !== 'outcome')
      .map((e) => e.resource)
      .filter((r): r is FhirResource => r?.resourceType === type);
    return { status: res.status, matches };
  } catch (e) {
    if (e instanceof FhirError) {
      return { ...(e.status ? { status: e.status } : {}), matches: [], problem: e.message };
    }
    return { matches: [], problem: 'could not be sent' };
  }
}

const failed = (a: Answer): SearchFinding => ({
  verdict: 'failed',
  words: `Failed${a.status ? ` (${a.status})` : ''}: ${a.problem ?? 'error'}`,
});

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Typed and bare forms of one reference search, compared. */
async function compareForms(
  send: Transport,
  type: string,
  param: string,
  typed: string,
  bare: string,
  extra: Record<string, string>,
  consequence: string,
): Promise<SearchFinding> {
  const [t, b] = await Promise.all([
    ask(send, type, { [param]: typed, ...extra }),
    ask(send, type, { [param]: bare, ...extra }),
  ]);
  if (t.problem) return failed(t);
  const nt = t.matches.length;
  const nb = b.problem ? 0 : b.matches.length;
  if (nt > 0 && nb === 0) {
    return {
      verdict: 'works',
      words: `Typed (Type/id) found ${nt}; a bare id found none${b.status && b.problem ? ` (answered ${b.status})` : ''}. This server needs typed references — the app always sends them.`,
    };
  }
  if (nt > 0) return { verdict: 'works', words: `Both forms work (${nt} found).` };
  if (nb > 0) {
    return {
      verdict: 'failed',
      words: `Only the bare id found anything (${nb}); the typed reference the app sends found none.`,
      adaptation: consequence,
    };
  }
  return { verdict: 'untried', words: 'Neither form found anything here, so nothing to compare.' };
}

const TASK_SHOWN = 'code=…|peer-followup&status=requested,accepted,in-progress,on-hold';

/** What each group of probes needs to know about the session. */
interface ProbeSession {
  ctx: Omit<CheckContext, 'today'>;
  user: ReturnType<typeof parseFhirUser>;
  practitioner: string | undefined;
  granted: (type: string, perm: 's' | 'r') => boolean;
}

const noScope = (type: string) => `Not tried: no granted scope allows ${type} search.`;
const noPractitioner = 'Not tried: the signed-in user is not a Practitioner (fhirUser).';
const roleSearch = (id: string) => ({ ...WORKLIST_SEARCHES.roles(id), _count: '10' });

/** The searches to try for this session. Pure: the runs are functions of `send`. */
export function planSearchProbes(ctx: Omit<CheckContext, 'today'>): SearchProbe[] {
  const user = parseFhirUser(ctx.fhirUser);
  const s: ProbeSession = {
    ctx,
    user,
    practitioner: user?.type === 'Practitioner' ? user.id : undefined,
    granted: (type, perm) => isGranted(ctx.grantedScopes, type, perm),
  };
  return [...referenceProbes(s), ...worklistTaskProbes(s), ...chartProbes(s)];
}

/** The user's roles as the worklist finds them, and typed against bare references. */
function referenceProbes({ ctx, practitioner, granted }: ProbeSession): SearchProbe[] {
  const probes: SearchProbe[] = [];
  probes.push({
    id: 'worklist:roles',
    label: 'Worklist — the user’s PractitionerRoles',
    shown: ['GET PractitionerRole?practitioner=Practitioner/{user}&_count=10'],
    usedBy: ['worklist'],
    ...(!practitioner
      ? { notTried: noPractitioner }
      : !granted('PractitionerRole', 's')
        ? { notTried: noScope('PractitionerRole') }
        : {
            run: async (send) => {
              const a = await ask(send, 'PractitionerRole', roleSearch(practitioner));
              if (a.problem) return failed(a);
              return a.matches.length
                ? {
                    verdict: 'works',
                    words: `Works (${a.status}): ${plural(a.matches.length, 'role')} found. Follow-ups assigned to them are listed; a claim records the peer’s role.`,
                  }
                : {
                    verdict: 'missing',
                    words: `Answered (${a.status}) with no role for the signed-in user.`,
                    adaptation:
                      'The worklist lists only follow-ups owned by the user’s Practitioner, and claims record the Practitioner: follow-ups assigned to a role are not seen.',
                  };
            },
          }),
  });

  probes.push({
    id: 'references:practitioner',
    label: 'Typed or bare reference: PractitionerRole?practitioner=',
    shown: [
      'GET PractitionerRole?practitioner=Practitioner/{user}&_count=10',
      'GET PractitionerRole?practitioner={user}&_count=10',
    ],
    usedBy: ['chart', 'worklist'],
    ...(!practitioner
      ? { notTried: noPractitioner }
      : !granted('PractitionerRole', 's')
        ? { notTried: noScope('PractitionerRole') }
        : {
            run: (send) =>
              compareForms(
                send,
                'PractitionerRole',
                'practitioner',
                typedReference('Practitioner', practitioner),
                practitioner,
                { _count: '10' },
                'The worklist cannot find the user’s roles, nor the follow-ups assigned to them.',
              ),
          }),
  });

  probes.push({
    id: 'references:patient',
    label: 'Typed or bare reference: Encounter?patient=',
    shown: [
      'GET Encounter?patient=Patient/{patient}&_count=1',
      'GET Encounter?patient={patient}&_count=1',
    ],
    usedBy: ['chart'],
    ...(!ctx.patientId
      ? { notTried: 'Not tried: no patient in context (launch from a chart to check it).' }
      : !granted('Encounter', 's')
        ? { notTried: noScope('Encounter') }
        : {
            run: (send) =>
              compareForms(
                send,
                'Encounter',
                'patient',
                patientParam(ctx.patientId as string).patient,
                ctx.patientId as string,
                { _count: '1' },
                'The summary’s searches (which send typed references) find nothing for the patient.',
              ),
          }),
  });

  return probes;
}

/** The worklist's Task searches: owned by the user or their roles, and claimable. */
function worklistTaskProbes({ ctx, user, practitioner }: ProbeSession): SearchProbe[] {
  const probes: SearchProbe[] = [];
  const worklistOnly =
    'Not tried: a chart launch has no access to the user’s Tasks across patients; open the check from the peer worklist.';
  const taskProbe = ctx.profile !== 'worklist' ? { notTried: worklistOnly } : undefined;

  probes.push({
    id: 'worklist:owned',
    label: 'Worklist — Tasks owned by the user or their roles',
    shown: [`GET Task?${TASK_SHOWN}&owner=Practitioner/{user},PractitionerRole/{role}&_count=50`],
    usedBy: ['worklist'],
    ...(taskProbe ??
      (!user
        ? { notTried: 'Not tried: the EHR did not say who is signed in (no fhirUser).' }
        : {
            run: async (send) => {
              const owners = [typedReference(user.type as 'Practitioner', user.id)];
              if (practitioner) {
                const roles = await ask(send, 'PractitionerRole', roleSearch(practitioner));
                for (const r of roles.matches)
                  if (r.id) owners.push(typedReference('PractitionerRole', r.id));
              }
              const a = await ask(send, 'Task', {
                ...WORKLIST_SEARCHES.owned(owners),
                _count: '50',
              });
              if (a.problem) return failed(a);
              return {
                verdict: 'works',
                words: `Works (${a.status}): ${plural(a.matches.length, 'open follow-up')} owned by the user or ${plural(owners.length - 1, 'role')}${a.matches.length === 50 ? ' (first page)' : ''}.`,
              };
            },
          })),
  });

  probes.push({
    id: 'worklist:unowned',
    label: 'Worklist — claimable Tasks (owner:missing=true)',
    shown: [`GET Task?${TASK_SHOWN}&owner:missing=true&_count=20`],
    usedBy: ['worklist'],
    ...(taskProbe ?? {
      run: async (send) => {
        const a = await ask(send, 'Task', { ...WORKLIST_SEARCHES.unowned(), _count: '20' });
        if (a.problem) return failed(a);
        const owned = (a.matches as Task[]).filter((t) => t.owner?.reference).length;
        if (owned > 0) {
          return {
            verdict: 'failed',
            words: `The server ignored owner:missing: ${owned} of ${a.matches.length} follow-ups it returned have an owner.`,
            adaptation:
              'owner:missing is ignored, so other peers’ follow-ups reach the browser; the worklist does not show them (it drops them on arrival and never asks for their people), but ask the vendor to support :missing on Task.owner (minimum necessary).',
          };
        }
        return a.matches.length
          ? {
              verdict: 'works',
              words: `Works (${a.status}): ${plural(a.matches.length, 'unowned follow-up')}, none with an owner.`,
            }
          : {
              verdict: 'untried',
              words: `Answered (${a.status}) with no unowned follow-ups, so whether the server honours owner:missing is not confirmed.`,
            };
      },
    }),
  });

  return probes;
}

/** The chart's searches whose support differs between servers. */
function chartProbes({ ctx, granted }: ProbeSession): SearchProbe[] {
  const probes: SearchProbe[] = [];
  probes.push({
    id: 'chart:medication-administration',
    label: 'MedicationAdministration — search (doses given in clinic)',
    shown: ['GET MedicationAdministration?patient=Patient/{patient}&_count=1'],
    usedBy: ['chart'],
    ...(!ctx.patientId
      ? { notTried: 'Not tried: no patient in context (launch from a chart to check it).' }
      : !granted('MedicationAdministration', 's')
        ? {
            notTried:
              'Not tried: no granted scope allows MedicationAdministration search (the app does not ask for it yet).',
          }
        : {
            run: async (send) => {
              const a = await ask(send, 'MedicationAdministration', {
                ...patientParam(ctx.patientId as string),
                _count: '1',
              });
              if (a.problem) return failed(a);
              return { verdict: 'works', words: `Works (${a.status}).` };
            },
          }),
  });
  return probes;
}
