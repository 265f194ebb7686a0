import type { Task } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import { describeChanges } from './changes';

const seen: Task = {
  resourceType: 'Task',
  id: 't',
  status: 'requested',
  intent: 'order',
  owner: { reference: 'PractitionerRole/peer-a', display: 'Sam Peer' },
};

describe('describeChanges (after a 412)', () => {
  it('says the status, the owner, the notes added and the reason, in that order', () => {
    const now: Task = {
      ...seen,
      status: 'on-hold',
      owner: { reference: 'PractitionerRole/peer-b' },
      statusReason: { text: 'In hospital' },
      output: [{ type: { text: 'note' }, valueString: 'x' }],
      note: [{ text: 'called' }],
    };
    expect(describeChanges(seen, now)).toEqual([
      'status: requested → on-hold',
      'owner: Sam Peer → PractitionerRole/peer-b',
      '2 new notes or outcomes',
      'reason: In hospital',
    ]);
  });

  it('one note reads in the singular; a removed reason says so', () => {
    const before = { ...seen, statusReason: { text: 'Away' } };
    const after = { ...seen, note: [{ text: 'left a message' }] };
    expect(describeChanges(before, after)).toEqual(['1 new note or outcome', 'reason: removed']);
  });

  it('an owner taken away reads as "no one"', () => {
    const { owner: _owner, ...unowned } = seen;
    expect(describeChanges(seen, unowned)).toEqual(['owner: Sam Peer → no one']);
  });

  it('a change it does not describe still says something changed', () => {
    expect(describeChanges(seen, { ...seen, description: 'new words' })).toEqual([
      'other details of the Task',
    ]);
  });
});
