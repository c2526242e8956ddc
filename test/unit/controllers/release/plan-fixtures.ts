// Builders for plan() tests: a Release, a look at the cloud, a pass. Data, not behaviour.
import type { GateEvidence } from '../../../../controllers/release/evidence.js';
import type { ConditionHealth, Release, ReleaseStatus } from '../../../../src/api/types.js';
import type { EcsService } from '../../../../src/cloud/ports.js';
import type { Observation, ObservedTraffic } from '../../../../controllers/release/observation.js';
import { plan, type PlanResult } from '../../../../controllers/release/plan.js';
import { initialStatus } from '../../../../controllers/release/status.js';
import type { OperationRequest } from '../../../../src/store/store.js';

export const T0 = Date.parse('2026-03-01T12:00:00Z');
export const MIN = 60_000;
export const TG = {
  blue: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-blue/73e2d6bc24d8a067',
  green: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-green/2453ed029918f21f',
};

export function canaryRelease(revision = 'app:12', overrides: Partial<Release['spec']> = {}): Release {
  return {
    apiVersion: 'keelson.dev/v1alpha1',
    kind: 'Release',
    metadata: { name: 'app' },
    spec: {
      cluster: 'prod',
      revision: { taskDefinition: revision },
      replicas: 2,
      strategy: {
        canary: {
          services: { blue: 'app-blue', green: 'app-green' },
          traffic: { alb: { listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/alb/1/2', targetGroups: TG } },
          steps: [{ setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 50 }, { analysis: { duration: '10m' } }, { setWeight: 100 }],
          scaleDownDelay: '1h',
        },
      },
      health: { interval: '15s', conditions: [{ name: 'errors', metric: { builtin: 'errorRate', max: 5 }, failFor: '1m' }] },
      rollback: { bakeTime: '5m' },
      ...overrides,
    },
  };
}

export function rollingRelease(revision = 'web:8'): Release {
  return {
    apiVersion: 'keelson.dev/v1alpha1',
    kind: 'Release',
    metadata: { name: 'web' },
    spec: {
      cluster: 'prod',
      revision: { taskDefinition: revision },
      replicas: 3,
      strategy: { rolling: { service: 'web-svc' } },
      rollback: { bakeTime: '2m' },
    },
  };
}

export function service(name: string, revision: string, options: Partial<EcsService> & { rollout?: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' } = {}): EcsService {
  const desired = options.desiredCount ?? 2;
  const running = options.runningCount ?? desired;
  const arn = `arn:aws:ecs:us-east-1:123456789012:task-definition/${revision}`;
  return {
    arn: `arn:aws:ecs:us-east-1:123456789012:service/prod/${name}`,
    name,
    cluster: 'prod',
    status: options.status ?? 'ACTIVE',
    taskDefinition: arn,
    desiredCount: desired,
    runningCount: running,
    pendingCount: 0,
    deployments: options.deployments ?? [
      { id: `ecs-svc/${name}`, status: 'PRIMARY', taskDefinition: arn, desiredCount: desired, runningCount: running, pendingCount: 0, failedTasks: 0, rolloutState: options.rollout ?? 'COMPLETED', createdAt: T0, updatedAt: T0 },
    ],
    loadBalancers: [{ targetGroupArn: name.endsWith('green') ? TG.green : TG.blue, containerName: 'app', containerPort: 8080 }],
    deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
  };
}

export interface World {
  blue?: EcsService;
  green?: EcsService;
  weights?: { blue: number; green: number };
  traffic?: Partial<ObservedTraffic>;
  targets?: { blue?: number; green?: number; service?: number };
  autoscaled?: string[];
  desired?: string;
  services?: EcsService[];
  images?: Record<string, string>;
}

export function observation(world: World): Observation {
  const list = world.services ?? [world.blue, world.green].filter((s): s is EcsService => !!s);
  const services: Record<string, EcsService | undefined> = { 'app-blue': undefined, 'app-green': undefined };
  for (const s of list) services[s.name] = s;
  const counts = (n?: number) => (n === undefined ? undefined : { healthy: n, unhealthy: 0, total: n });
  return {
    desiredRevision: world.desired ?? 'app:12',
    images: world.images ?? {},
    services,
    traffic: { weights: world.weights ?? { blue: 100, green: 0 }, ...world.traffic },
    targets: {
      ...(counts(world.targets?.blue) ? { blue: counts(world.targets?.blue) } : {}),
      ...(counts(world.targets?.green) ? { green: counts(world.targets?.green) } : {}),
      ...(counts(world.targets?.service) ? { service: counts(world.targets?.service) } : {}),
    },
    autoscaled: Object.fromEntries((world.autoscaled ?? []).map((s) => [s, true])),
    stoppedTasks: [],
  };
}

export interface Pass {
  release?: Release;
  status?: ReleaseStatus;
  world: World;
  health?: ConditionHealth[];
  operations?: Omit<OperationRequest, 'release' | 'requestedAt'>[];
  now?: number;
  generation?: number;
  /** keelson.yaml approvers. */
  approvers?: Record<string, string[]>;
}

/** What the reconciler reads for the gates: here, a desired revision whose task definition is clean. */
export function checked(observed: { desiredRevision: string }): GateEvidence {
  return { digests: {}, plaintext: { revision: observed.desiredRevision, refused: [], allowed: [] } };
}

export function pass(p: Pass): PlanResult {
  const release = p.release ?? canaryRelease(p.world.desired ?? 'app:12');
  return plan({
    release,
    generation: p.generation ?? 1,
    sourceRevision: 'main@sha1:abc',
    status: p.status ?? initialStatus(),
    observed: observation(p.world),
    health: p.health ?? [],
    operations: (p.operations ?? []).map((op) => ({ ...op, release: release.metadata.name, requestedAt: p.now ?? T0 })),
    now: p.now ?? T0,
    evidence: checked(observation(p.world)),
    ...(p.approvers ? { approvers: p.approvers } : {}),
  });
}

export function failing(name = 'errors', value = 7.5): ConditionHealth {
  return { name, state: 'Failing', value, threshold: '<= 5', since: new Date(T0).toISOString(), badSince: new Date(T0 - MIN).toISOString() };
}

export function passing(name = 'errors', value = 0.2, checkedAt = T0): ConditionHealth {
  return { name, state: 'Passing', value, threshold: '<= 5', since: new Date(T0 - 10 * MIN).toISOString(), checkedAt: new Date(checkedAt).toISOString() };
}

/** Every condition of the fixtures' Releases (and the always-on ECS signal) passing, checked at `at`. */
export function allPassing(at: number, names: readonly string[] = ['errors']): ConditionHealth[] {
  return [...names.map((n) => passing(n, 0.2, at)), passing('ecs-tasks', 0, at)];
}

export { initialStatus };
