import { describe, expect, it } from 'vitest';
import type { PeerPlanDraft, PlannedWrite } from '../../domain/peerPlan';
import type { WriteResult } from '../../fhir/planWrite';
import type { GuardReport } from '../../fhir/planWriteGuard';
import { writtenMessage } from './writeMessage';

const draft = {
  peer: { reference: 'PractitionerRole/r1', display: 'Jordan Morales' },
} as PeerPlanDraft;
const NOW = new Date('2025-06-15T12:00:00Z');

function result(mode: PlannedWrite['mode'], guard: Partial<GuardReport>, added = 2): WriteResult {
  return {
    write: { entries: [], carePlanRef: 'CarePlan/p1', mode, planUpdated: false },
    written: new Map(),
    merged: false,
    guard: { mode: 're-read', covered: [], alreadyWritten: false, ...guard },
    addedTasks: added,
  };
}

describe('what the clinician is told after a write', () => {
  it('a new plan is "written"; follow-ups added to a plan on record are "added"', () => {
    expect(writtenMessage(result('new-plan', {}), draft, NOW)).toBe(
      'Peer support plan written: 2 follow-ups for Jordan Morales.',
    );
    expect(writtenMessage(result('add-to-plan', {}, 1), draft, NOW)).toBe(
      'Follow-ups added to the peer support plan: 1 follow-up for Jordan Morales.',
    );
  });

  it('Retry completing a plan its own earlier attempt left part-written (non-atomic server) still says the plan was written', () => {
    const message = writtenMessage(
      result('add-to-plan', { alreadyWritten: true, ownPlan: true }),
      draft,
      NOW,
    );
    expect(message).toBe('Peer support plan written: 2 follow-ups for Jordan Morales.');
  });

  it('a colleague’s plan written meanwhile is named, with when and by whom', () => {
    const message = writtenMessage(
      result('add-to-plan', { otherPlan: { id: 'p9' } }, 1),
      draft,
      NOW,
      { created: '2025-06-15T11:58:00Z', who: 'Erik Lindqvist, DO' },
    );
    expect(message).toBe(
      'A peer-support plan was written 2 minutes ago by Erik Lindqvist, DO, so a second one was not started. Your 1 follow-up for Jordan Morales was added to it.',
    );
  });
});
