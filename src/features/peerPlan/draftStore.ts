import { peerPlanDraftShape, type PeerPlanDraft } from '../../domain/peerPlan';

/**
 * The unsent draft in sessionStorage (this tab only, gone when it closes) so
 * a reload or a failed write loses nothing. It belongs to one user, on one
 * server, for one patient: the key is a hash of the three (never a name), so
 * another user or EHR in the same tab cannot reopen it and write it under
 * their own name. Old drafts expire: their suggestions were made from the
 * chart as it was then.
 */
const PREFIX = 'peer-plan-draft:';
export const DRAFT_MAX_AGE_HOURS = 12;

/** Whose draft it is. */
interface DraftOwner {
  serverUrl: string;
  fhirUser?: string;
}

/** FNV-1a, 32 bit: a short stable key, not a secret. */
export function draftKey(owner: DraftOwner, patientId: string): string {
  const text = `${owner.serverUrl}|${owner.fhirUser ?? ''}|${patientId}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return PREFIX + (h >>> 0).toString(16).padStart(8, '0');
}

export function loadDraft(
  owner: DraftOwner,
  patientId: string,
  now: Date,
): PeerPlanDraft | undefined {
  try {
    const key = draftKey(owner, patientId);
    const raw = sessionStorage.getItem(key);
    if (!raw) return undefined;
    const parsed = peerPlanDraftShape.safeParse(JSON.parse(raw));
    // A draft for another patient under a colliding key is not this patient's.
    if (!parsed.success || parsed.data.patientId !== patientId) return undefined;
    const ageHours = (now.getTime() - Date.parse(parsed.data.createdAt)) / 3_600_000;
    if (!(ageHours <= DRAFT_MAX_AGE_HOURS)) {
      sessionStorage.removeItem(key);
      return undefined;
    }
    return parsed.data;
  } catch {
    return undefined;
  }
}

/** Saves even an incomplete draft: only its shape is checked on load. */
export function saveDraft(owner: DraftOwner, draft: PeerPlanDraft): boolean {
  try {
    sessionStorage.setItem(draftKey(owner, draft.patientId), JSON.stringify(draft));
    return true;
  } catch {
    return false; // storage full or blocked: the form still works, without the safety net
  }
}

export function clearDraft(owner: DraftOwner, patientId: string): void {
  try {
    sessionStorage.removeItem(draftKey(owner, patientId));
  } catch {
    // nothing to do
  }
}
