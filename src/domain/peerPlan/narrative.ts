/**
 * The plan in words: the CarePlan's XHTML narrative (Narrative.div) and the
 * plain text a clinician can paste into a note when the app may not write.
 */
import { displayOf } from '../core/codes';
import { priorityWords } from '../core/priority';
import { followUpReasonCoding } from '../followUps/reasons';
import type { PeerPlanDraft, PlanMode } from './draft';

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The display of a peer-activity code (the code itself if unknown). */
export const activityDisplay = (code: string): string => displayOf('peer-activity', code) ?? code;

const priorityText = (p: string): string => priorityWords(p).label.toLowerCase();

export const selectedActivities = (draft: PeerPlanDraft) =>
  draft.activities.filter((a) => a.selected);

/** The CarePlan's narrative: goals, activities and follow-ups, escaped. */
export function narrative(draft: PeerPlanDraft, peer: string | undefined): string {
  const li = (items: string[]) => items.map((i) => `<li>${escapeXml(i)}</li>`).join('');
  const goals = draft.goals.map((g) => g.text.trim()).filter(Boolean);
  const acts = selectedActivities(draft).map(
    (a) => `${activityDisplay(a.code)}${a.description ? `: ${a.description}` : ''}`,
  );
  const tasks = draft.tasks.map(
    (t) =>
      `${followUpReasonCoding(t.reason).display} (${priorityText(t.priority)}, due ${t.due}): ${t.context}`,
  );
  return [
    '<div xmlns="http://www.w3.org/1999/xhtml">',
    '<p>Peer recovery support plan.</p>',
    peer ? `<p>Peer recovery specialist: ${escapeXml(peer)}</p>` : '',
    goals.length ? `<p>Goals:</p><ul>${li(goals)}</ul>` : '',
    acts.length ? `<p>Activities:</p><ul>${li(acts)}</ul>` : '',
    tasks.length ? `<p>Follow-ups:</p><ul>${li(tasks)}</ul>` : '',
    '</div>',
  ].join('');
}

/** The plan as plain text, to paste into a note when the app may not write it. */
export function planAsText(draft: PeerPlanDraft, mode: PlanMode): string {
  const lines: string[] = [
    mode === 'add-to-plan'
      ? 'Peer recovery support: follow-ups to add'
      : 'Peer recovery support plan',
  ];
  if (draft.peer) lines.push(`Peer recovery specialist: ${draft.peer.display}`);
  const goals = draft.goals.map((g) => g.text.trim()).filter(Boolean);
  if (goals.length) lines.push('', 'Goals:', ...goals.map((g) => `- ${g}`));
  const acts = selectedActivities(draft);
  if (acts.length)
    lines.push(
      '',
      'Activities:',
      ...acts.map(
        (a) => `- ${activityDisplay(a.code)}${a.description ? `: ${a.description}` : ''}`,
      ),
    );
  if (draft.tasks.length)
    lines.push(
      '',
      'Follow-ups:',
      ...draft.tasks.map(
        (t) =>
          `- ${followUpReasonCoding(t.reason).display} — ${priorityText(t.priority)}, due ${t.due}. ${t.context.trim()}`,
      ),
    );
  return lines.join('\n');
}
