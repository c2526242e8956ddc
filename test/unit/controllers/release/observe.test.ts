import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../../src/cloud/errors.js';
import type { CloudPorts } from '../../../../src/cloud/ports.js';
import { evaluateHealth } from '../../../../controllers/release/health.js';
import { isUnread, type Observation } from '../../../../controllers/release/observation.js';
import { observe } from '../../../../controllers/release/observe.js';
import { TaskDefinitionCache } from '../../../../controllers/release/revision.js';
import { canaryRelease, initialStatus, service, T0, TG } from './plan-fixtures.js';

const throttled = (operation: string) => new CloudError('Throttled', `Rate exceeded (ecs:${operation})`, { service: 'ecs', operation });

/** ECS throttles every call; the load balancer and Auto Scaling answer. */
const ports = {
  ecs: {
    describeServices: async () => Promise.reject(throttled('DescribeServices')),
    listStoppedTasks: async () => Promise.reject(throttled('ListTasks')),
    describeTaskDefinition: async () => Promise.reject(throttled('DescribeTaskDefinition')),
  },
  lb: {
    readWeights: async () => [{ targetGroupArn: TG.blue, weight: 90 }, { targetGroupArn: TG.green, weight: 10 }],
    describeTargetHealth: async () => [{ id: '10.0.0.1', port: 8080, state: 'healthy' }, { id: '10.0.0.2', port: 8080, state: 'healthy' }],
  },
  scaling: { describeScalableTarget: async () => undefined },
} as unknown as CloudPorts;

const inRollout = () => ({
  ...initialStatus(),
  stableRevision: 'app:11',
  stableColour: 'blue' as const,
  rollout: { revision: 'app:12', colour: 'green' as const, generation: 1, startedAt: new Date(T0).toISOString(), stepIndex: 1, stepStartedAt: new Date(T0).toISOString(), stepReachedAt: new Date(T0).toISOString(), completedAt: null, result: null },
});

describe('observe(): each port read on its own', () => {
  it('records a throttled ECS read as a gap, leaves services unknown, and still reads the weights and targets', async () => {
    const observed = await observe(canaryRelease(), inRollout(), 'app:12', ports, new TaskDefinitionCache());
    expect(observed.unread).toEqual([
      { part: 'services', what: 'ecs:DescribeServices', code: 'Throttled', message: 'Rate exceeded (ecs:DescribeServices)' },
      { part: 'stoppedTasks', what: 'ecs:ListTasks', code: 'Throttled', message: 'Rate exceeded (ecs:ListTasks)' },
    ]);
    expect(isUnread(observed, 'services')).toBe(true);
    expect(isUnread(observed, 'traffic')).toBe(false);
    expect(observed.traffic?.weights).toEqual({ blue: 90, green: 10 });
    expect(observed.targets.green).toEqual({ healthy: 2, unhealthy: 0, total: 2 });
    expect(observed.autoscaled).toEqual({ 'app-blue': false, 'app-green': false });
  });
});

describe('health with ECS unread', () => {
  it('gives the ecs-tasks signal no data (Unknown), never a pass, when the stopped tasks could not be read', async () => {
    const release = canaryRelease('app:12', { health: { interval: '15s', conditions: [] } });
    const observed: Observation = {
      desiredRevision: 'app:12',
      services: { 'app-blue': service('app-blue', 'app:11'), 'app-green': service('app-green', 'app:12') },
      targets: {},
      autoscaled: {},
      stoppedTasks: [],
      unread: [{ part: 'stoppedTasks', what: 'ecs:ListTasks', code: 'Throttled', message: 'Rate exceeded' }],
    };
    const health = await evaluateHealth({ release, status: inRollout(), observed, ports, now: T0 + 60_000 });
    expect(health).toEqual([expect.objectContaining({ name: 'ecs-tasks', state: 'Unknown', message: expect.stringContaining('ecs:ListTasks Throttled') })]);
  });
});
