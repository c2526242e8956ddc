import { describe, expect, it } from 'vitest';
import { WAIT_EXIT, waitVerdict } from '../../../src/cli/wait-verdict.js';
import { status } from '../../helpers/statuses.js';

describe('waitVerdict', () => {
  it('fails at once on a Stalled Release: retrying cannot fix it, a person must act', () => {
    const stalled = status('Stalled', {
      desiredRevision: 'aep-backend-prod:999',
      stableRevision: 'aep-backend-prod:11',
      conditions: [
        { type: 'Stalled', status: 'True', reason: 'RevisionNotFound', message: 'task definition aep-backend-prod:999 not found', lastTransitionTime: '2026-01-01T00:00:00.000Z' },
      ],
    });
    expect(waitVerdict(stalled, 'aep-backend-prod:999')).toEqual({
      done: true,
      exitCode: WAIT_EXIT.failed,
      message: 'stalled (RevisionNotFound): task definition aep-backend-prod:999 not found',
    });
    // Stalled on a spec the pipeline is not waiting for yet: the controller has not seen its revision.
    expect(waitVerdict(stalled, 'aep-backend-prod:12')).toMatchObject({ done: false });
  });

  it('judges nothing before the controller has seen the generation a pipeline applied, however healthy the old spec is', () => {
    const healthy = status('Healthy', { desiredRevision: 'web:11', stableRevision: 'web:11', observedGeneration: 7 });
    expect(waitVerdict(healthy, undefined)).toMatchObject({ done: true, exitCode: WAIT_EXIT.promoted });
    expect(waitVerdict(healthy, undefined, 8)).toEqual({ done: false, message: 'controller has not seen generation 8 yet (observed 7)' });
    expect(waitVerdict({ ...healthy, observedGeneration: 8 }, undefined, 8)).toMatchObject({ done: true, exitCode: WAIT_EXIT.promoted });
  });
});
