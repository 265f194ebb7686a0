import { peerPlanDraftShape, type PeerPlanDraft } from '../../domain/peerPlan';

/**
 * The unsent draft, per patient, in sessionStorage (this tab only, gone when
 * it closes) so a reload or a failed write loses nothing. The key is a hash of
 * the patient id, never a name; the draft holds only what the plan needs.
 */
const PREFIX = 'peer-plan-draft:';

/** FNV-1a, 32 bit: a short stable key, not a secret. */
export function draftKey(patientId: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < patientId.length; i++) {
    h ^= patientId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return PREFIX + (h >>> 0).toString(16).padStart(8, '0');
}

export function loadDraft(patientId: string): PeerPlanDraft | undefined {
  try {
    const raw = sessionStorage.getItem(draftKey(patientId));
    if (!raw) return undefined;
    const parsed = peerPlanDraftShape.safeParse(JSON.parse(raw));
    // A draft for another patient under a colliding key is not this patient's.
    return parsed.success && parsed.data.patientId === patientId ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Saves even an incomplete draft: only its shape is checked on load. */
export function saveDraft(draft: PeerPlanDraft): boolean {
  try {
    sessionStorage.setItem(draftKey(draft.patientId), JSON.stringify(draft));
    return true;
  } catch {
    return false; // storage full or blocked: the form still works, without the safety net
  }
}

export function clearDraft(patientId: string): void {
  try {
    sessionStorage.removeItem(draftKey(patientId));
  } catch {
    // nothing to do
  }
}
