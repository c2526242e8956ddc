import { describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../src/api/types.js';
import { evidenceLines } from '../../../src/cli/wait-verdict.js';

const OOM = 'OutOfMemoryError: Container killed due to memory usage';

describe('the revert evidence keelson wait and describe print', () => {
  it("shows the metric's window apart from failFor, and each stopped container's reason", () => {
    const status: ReleaseStatus = {
      phase: 'Degraded',
      lastRevert: {
        revision: 'app:13',
        condition: 'errors',
        value: 7.5,
        threshold: '≤ 5%',
        window: '5m',
        failFor: '2m',
        failingSince: '2026-03-02T09:41:00.000Z',
        revertedAt: '2026-03-02T09:43:00.000Z',
        stoppedTasks: [
          { taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/t1', stoppedReason: 'Essential container in task exited', exitCode: 137, containers: [{ name: 'app', reason: OOM, exitCode: 137 }] },
        ],
      },
    };
    expect(evidenceLines(status)).toEqual([
      'reverted app:13 at 2026-03-02T09:43:00.000Z',
      '  condition: errors value 7.5 threshold ≤ 5% over a 5m window, failing for 2m',
      '  failing since: 2026-03-02T09:41:00.000Z',
      '  stopped task arn:aws:ecs:us-east-1:123456789012:task/prod/t1: Essential container in task exited (exit 137)',
      `    container app: ${OOM} (exit 137)`,
    ]);
  });
});
