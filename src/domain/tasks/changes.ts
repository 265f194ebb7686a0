/**
 * What changed in a Task between the version a peer saw and the server's
 * current one (after a 412), in words the worklist shows before the peer
 * applies their action again.
 */
import type { Task } from 'fhir/r4';

export function describeChanges(before: Task, after: Task): string[] {
  const out: string[] = [];
  if (before.status !== after.status) out.push(`status: ${before.status} → ${after.status}`);
  const owner = (t: Task) => t.owner?.display ?? t.owner?.reference ?? 'no one';
  if (owner(before) !== owner(after)) out.push(`owner: ${owner(before)} → ${owner(after)}`);
  const notes = (t: Task) => (t.output ?? []).length + (t.note ?? []).length;
  const added = notes(after) - notes(before);
  if (added > 0)
    out.push(`${added} new note${added === 1 ? '' : 's'} or outcome${added === 1 ? '' : 's'}`);
  if ((before.statusReason?.text ?? '') !== (after.statusReason?.text ?? ''))
    out.push(`reason: ${after.statusReason?.text ?? 'removed'}`);
  if (out.length === 0) out.push('other details of the Task');
  return out;
}
