import { describe, expect, it } from 'vitest';
import { PRIORITIES, priorityWords } from './priority';

describe('request priority', () => {
  it('words for every FHIR request priority; none (or an unknown one) reads as routine', () => {
    expect(priorityWords('stat').label).toBe('Immediately (stat)');
    expect(priorityWords('asap').label).toBe('As soon as possible');
    expect(priorityWords('urgent').label).toBe('Urgent');
    expect(priorityWords('routine').label).toBe('Routine');
    expect(priorityWords(undefined)).toMatchObject({ label: 'Routine', level: 'routine' });
    expect(priorityWords('soonish')).toMatchObject({ label: 'Routine', level: 'routine' });
  });

  it('ranks stat, asap, urgent, routine, most urgent first', () => {
    const ranked = [...PRIORITIES].sort((a, b) => priorityWords(a).rank - priorityWords(b).rank);
    expect(ranked).toEqual(['stat', 'asap', 'urgent', 'routine']);
  });
});
