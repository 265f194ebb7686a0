/**
 * FHIR request priority (Task.priority, the follow-ups the engine proposes):
 * one table of rank and words, for the worklist's order and labels, the
 * composer's picker and the plan's narrative.
 */

/** In the order a picker offers them: the usual first. */
export const PRIORITIES = ['routine', 'urgent', 'asap', 'stat'] as const;
export type RequestPriority = (typeof PRIORITIES)[number];

export interface PriorityWords {
  /** 0 = most urgent. */
  rank: number;
  /** As a label: "As soon as possible". */
  label: string;
  level: RequestPriority;
}

const PRIORITY_WORDS: Readonly<Record<RequestPriority, Omit<PriorityWords, 'level'>>> = {
  stat: { rank: 0, label: 'Immediately (stat)' },
  asap: { rank: 1, label: 'As soon as possible' },
  urgent: { rank: 2, label: 'Urgent' },
  routine: { rank: 3, label: 'Routine' },
};

/** Rank and words of a priority; none (or an unknown one) is routine, as FHIR reads a missing priority. */
export function priorityWords(priority: string | undefined): PriorityWords {
  const level = priority && priority in PRIORITY_WORDS ? (priority as RequestPriority) : 'routine';
  return { ...PRIORITY_WORDS[level], level };
}
