import { afterEach, describe, expect, it } from 'vitest';
import type { CloudProvider } from '../../src/cloud/ports.js';
import { createStage, type Stage } from '../../src/rehearse/stage.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import { MemorySource } from '../../src/sources/memory.js';
import { MemoryStateStore } from '../../src/store/memory.js';
import { KilledError, killableStore, type Kill } from './support/crash.js';
import { aepCanary, aepRevision } from './support/releases.js';
import { demoWorld } from './support/scenario.js';

const stages: Stage[] = [];
afterEach(async () => {
  for (const stage of stages.splice(0)) await stage.close();
});

/** Ports of a controller that dies right after RunTask answered: the task runs, status never hears of it. */
function dieAfterRunTask(kill: Kill): (cloud: CloudProvider) => CloudProvider {
  return (cloud) => (region) => {
    const ports = cloud(region);
    return {
      ...ports,
      ecs: {
        ...ports.ecs,
        runTask: async (input) => {
          if (kill.killed) throw new KilledError('the controller was killed');
          await ports.ecs.runTask(input);
          kill.killed = true;
          throw new KilledError('killed right after RunTask');
        },
      },
    };
  };
}

describe('a controller killed between RunTask and its status write', () => {
  it('runs the migration once: the next controller finds the task by its client token', async () => {
    const world = await demoWorld((w) => w.taskDefinitions.push(aepRevision(14, { runTask: { duration: '1m', exitCode: 0 } })));
    const clock = new VirtualClock(world.start ?? '2026-01-01T00:00:00Z');
    const durable = new MemoryStateStore();
    const source = new MemorySource('crash');
    const kill: Kill = { afterWrite: 0, writes: [], killed: false };
    const killable = killableStore(durable, kill);
    const release = (rev: string) =>
      aepCanary(rev, (r) => {
        r.spec.hooks = { preDeploy: [{ name: 'migrate', job: { container: 'backend', command: ['alembic', 'upgrade', 'head'] } }] };
      });
    const first = await createStage({ world, clock, store: killable.store, source, holder: 'controller-a', wrapCloud: (cloud) => dieAfterRunTask(kill)(cloud) });
    stages.push(first);
    source.apply(release('aep-backend-prod:11'));
    await first.advance(60_000, { stepMs: 5_000 });
    source.apply(release('aep-backend-prod:14'));
    while (!kill.killed) await first.advance(5_000, { stepMs: 5_000 });

    // What the dead controller left: a run that asked for a task, with no task recorded.
    const left = await durable.getStatus('aep-backend-prod');
    expect(left?.jobs?.[0]).toMatchObject({ name: 'migrate', state: 'Starting', taskArn: null });
    await first.close();
    stages.pop();

    const second = await createStage({ world, clock, sim: first.sim, store: durable, source, holder: 'controller-b' });
    stages.push(second);
    for (let i = 0; i < 12 * 30; i++) {
      await second.advance(5_000, { stepMs: 5_000 });
      if ((await durable.getStatus('aep-backend-prod'))?.phase === 'Healthy') break;
    }

    const status = await durable.getStatus('aep-backend-prod');
    expect(status).toMatchObject({ phase: 'Healthy', stableRevision: 'aep-backend-prod:14' });
    expect(status?.jobs?.[0]).toMatchObject({ name: 'migrate', state: 'Succeeded', attempt: 1, exitCode: 0 });
    // RunTask was called twice with one token; ECS started one task.
    expect(first.sim.calls['ecs:RunTask']).toBe(2);
    const started = first.sim.events.filter((e) => e.kind === 'task.started' && e.subject.endsWith('(one-off)'));
    expect(started).toHaveLength(1);
    expect(started[0]?.detail).toContain(status?.jobs?.[0]?.taskArn?.split('/').pop());
  });
});
