/**
 * What the clinician is told after a write, in words: in particular the
 * second of two clinicians, whose plan met one already written.
 */
import { followUpReasonCoding } from '../../domain/followUps';
import type { PeerPlanDraft } from '../../domain/peerPlan';
import type { WriteResult } from '../../fhir/planWrite';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "just now", "2 minutes ago", "3 hours ago", "on 2025-03-01". */
export function agoWords(iso: string | undefined, now: Date): string {
  const at = iso ? Date.parse(iso) : NaN;
  if (!Number.isFinite(at)) return 'recently';
  const minutes = Math.floor((now.getTime() - at) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${plural(minutes, 'minute')} ago`;
  if (minutes < 24 * 60) return `${plural(Math.floor(minutes / 60), 'hour')} ago`;
  return `on ${new Date(at).toISOString().slice(0, 10)}`;
}

const reasonWords = (codes: readonly string[]) =>
  codes.map((c) => followUpReasonCoding(c).display ?? c).join('; ');

export function writtenMessage(
  result: WriteResult,
  draft: PeerPlanDraft,
  now: Date,
  other: { created?: string; who?: string } = {},
): string {
  const { guard } = result;
  const added = result.addedTasks;
  const peer = draft.peer?.display ?? 'the peer';
  const parts: string[] = [];
  if (guard.otherPlan) {
    parts.push(
      `A peer-support plan was written ${agoWords(other.created, now)} by ${other.who ?? 'a colleague'}, so a second one was not started.`,
    );
    parts.push(
      added > 0
        ? `Your ${plural(added, 'follow-up')} for ${peer} ${added === 1 ? 'was' : 'were'} added to it.`
        : 'None of your follow-ups needed adding to it.',
    );
    if (guard.matchedAtWrite)
      parts.push(
        'Your goals and activities were not added to their plan: add them there if they are still needed.',
      );
  } else if (result.nothingWritten && guard.alreadyWritten) {
    parts.push(
      'Your plan had already been written by your earlier attempt (the EHR’s answer to it was lost). Nothing was written twice.',
    );
  } else {
    // A plan this draft's earlier attempt left part-written (a non-atomic server) is the clinician's new plan.
    const newPlan = result.write.mode === 'new-plan' || guard.ownPlan;
    parts.push(
      `${newPlan ? 'Peer support plan written' : 'Follow-ups added to the peer support plan'}: ${plural(added, 'follow-up')} for ${peer}.`,
    );
  }
  if (guard.covered.length)
    parts.push(
      `Already covered by open follow-ups, so not added again: ${reasonWords(guard.covered)}.`,
    );
  if (result.nothingWritten && !guard.alreadyWritten) parts.push('Nothing new was written.');
  if (result.merged)
    parts.push(
      'The plan had been changed by someone else; your additions were merged into their version.',
    );
  return parts.join(' ');
}
