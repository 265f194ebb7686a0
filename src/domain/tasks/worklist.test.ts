import type { Patient, Task } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import { toDay } from '../core/dates';
import { buildWorklist, dueWords, parseStatusFilter, withStatusFilter } from './worklist';

const today = toDay('2025-06-10') as number;

describe('due in words', () => {
  it.each([
    ['2025-06-07', 'Overdue by 3 days', 'overdue'],
    ['2025-06-09', 'Overdue by 1 day', 'overdue'],
    ['2025-06-10', 'Due today', 'today'],
    ['2025-06-11', 'Due tomorrow', 'soon'],
    ['2025-06-13', 'Due in 3 days', 'soon'],
    ['2025-06-20', 'Due in 10 days', 'later'],
  ])('%s → %s', (date, text, level) => {
    expect(dueWords(toDay(date), today)).toEqual({ text, level });
  });
  it('no due date', () => expect(dueWords(undefined, today).text).toBe('No due date'));
});

const t = (id: string, due: string | undefined, owner?: string): Task => ({
  resourceType: 'Task',
  id,
  status: 'requested',
  intent: 'order',
  for: { reference: `Patient/p-${id}` },
  ...(owner ? { owner: { reference: owner } } : {}),
  ...(due ? { restriction: { period: { end: due } } } : {}),
});

describe('buildWorklist', () => {
  it('keeps own and claimable Tasks, sorted by due date (none last), with patients joined', () => {
    const me = [{ reference: 'Practitioner/me' }, { reference: 'PractitionerRole/me-role' }];
    const rows = buildWorklist(
      [
        { task: t('a', undefined, 'PractitionerRole/me-role') },
        { task: t('b', '2025-06-12T17:00:00-05:00', 'PractitionerRole/other') },
        { task: t('c', '2025-06-12T17:00:00-05:00') },
        {
          task: t('d', '2025-06-01T17:00:00-05:00', 'http://x/fhir/Practitioner/me'),
          etag: 'W/"2"',
        },
      ],
      [{ resourceType: 'Patient', id: 'p-d', name: [{ text: 'D' }] } as Patient],
      me,
      today,
    );
    expect(rows.map((r) => r.task.id)).toEqual(['d', 'c', 'a']);
    expect(rows[0]).toMatchObject({ mine: true, claimable: false, etag: 'W/"2"' });
    expect(rows[0]?.patient?.id).toBe('p-d');
    expect(rows[1]).toMatchObject({ mine: false, claimable: true });
  });
});

describe('priority', () => {
  it('sorts by priority (stat, asap, urgent, routine), then due date (overdue first), none last', () => {
    const p = (id: string, priority: Task['priority'], due?: string): { task: Task } => ({
      task: { ...t(id, due), ...(priority ? { priority } : {}) },
    });
    const rows = buildWorklist(
      [
        p('routine-overdue', 'routine', '2025-06-01'),
        p('urgent-later', 'urgent', '2025-06-20'),
        p('asap-nodue', 'asap'),
        p('asap-overdue', 'asap', '2025-06-08'),
        p('asap-today', 'asap', '2025-06-10'),
        p('unset-soon', undefined, '2025-06-11'),
        p('stat-later', 'stat', '2025-06-30'),
        p('urgent-overdue', 'urgent', '2025-06-05'),
      ],
      [],
      [{ reference: 'Practitioner/me' }],
      today,
    );
    expect(rows.map((r) => r.task.id)).toEqual([
      'stat-later',
      'asap-overdue',
      'asap-today',
      'asap-nodue',
      'urgent-overdue',
      'urgent-later',
      'routine-overdue',
      'unset-soon',
    ]);
    expect(rows[1]?.priority.label).toBe('As soon as possible');
  });
});

describe('status filter in the query string', () => {
  it('round-trips and keeps other parameters', () => {
    const q = withStatusFilter('?x=1', ['accepted', 'requested']);
    expect(q).toBe('?x=1&status=requested%2Caccepted');
    expect(parseStatusFilter(q)).toEqual(['requested', 'accepted']);
    expect(withStatusFilter(q, ['requested', 'accepted', 'in-progress', 'on-hold'])).toBe('?x=1');
    expect(parseStatusFilter(withStatusFilter('', []))).toEqual([]);
    expect(parseStatusFilter('?status=bogus')).toHaveLength(4);
  });
});
