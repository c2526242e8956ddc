// A world of N canary stacks for the scale bench: per stack a task definition family, a blue
// service (2 tasks) and an idle green one, a target group each, and one ALB listener with
// blue at 100; the stacks spread over a few clusters. And N Releases at their stable revision.
import type { Release } from '../../src/api/types.js';
import type { SimWorld } from '../../src/sim/world.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ELB = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}`;

export interface ScaleStack {
  name: string;
  cluster: string;
  revision: string;
  blue: string;
  green: string;
  blueTg: string;
  greenTg: string;
  listener: string;
}

const hex = (i: number, width: number): string => i.toString(16).padStart(width, '0');

export function scaleStacks(n: number, clusters: number): ScaleStack[] {
  const perCluster = Math.ceil(n / clusters);
  return Array.from({ length: n }, (_, i) => {
    const name = `app-${String(i).padStart(5, '0')}`;
    return {
      name,
      cluster: `scale-${Math.floor(i / perCluster) + 1}`,
      revision: `${name}:1`,
      blue: `${name}-blue`,
      green: `${name}-green`,
      blueTg: `${ELB}:targetgroup/${name}-blue/${hex(2 * i, 16)}`,
      greenTg: `${ELB}:targetgroup/${name}-green/${hex(2 * i + 1, 16)}`,
      listener: `${ELB}:listener/app/${name}-alb/${hex(i, 16)}/${hex(i, 16)}`,
    };
  });
}

export function scaleWorld(stacks: readonly ScaleStack[]): SimWorld {
  return {
    seed: 7,
    start: '2026-03-02T09:00:00Z',
    account: ACCOUNT,
    region: REGION,
    clusters: [...new Set(stacks.map((s) => s.cluster))],
    taskDefinitions: stacks.map((s) => ({
      family: s.name,
      revision: 1,
      containers: [{ name: 'app', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${s.name}@sha256:${'a'.repeat(64)}`, port: 8080 }],
    })),
    services: stacks.flatMap((s) => [
      { cluster: s.cluster, name: s.blue, taskDefinition: s.revision, desiredCount: 2, targetGroup: s.blueTg },
      { cluster: s.cluster, name: s.green, taskDefinition: s.revision, desiredCount: 0, targetGroup: s.greenTg },
    ]),
    targetGroups: stacks.flatMap((s) => [{ arn: s.blueTg }, { arn: s.greenTg }]),
    listeners: stacks.map((s) => ({
      arn: s.listener,
      forward: [
        { targetGroupArn: s.blueTg, weight: 100 },
        { targetGroupArn: s.greenTg, weight: 0 },
      ],
    })),
  };
}

/** The world with a second revision of each given stack's task definition (the same image, a new tag). */
export function withSecondRevision(world: SimWorld, stacks: readonly ScaleStack[]): SimWorld {
  const second = stacks.map((s) => ({
    family: s.name,
    revision: 2,
    containers: [{ name: 'app', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${s.name}@sha256:${'b'.repeat(64)}`, port: 8080 }],
  }));
  return { ...world, taskDefinitions: [...world.taskDefinitions, ...second] };
}

/** The stack's Release at its stable revision, or at `revision` (e.g. `app-00001:2`) to start a rollout. */
export function scaleRelease(s: ScaleStack, revision = s.revision): Release {
  return {
    apiVersion: 'keelson.dev/v1alpha1',
    kind: 'Release',
    metadata: { name: s.name, labels: { team: 'scale' } },
    spec: {
      cluster: s.cluster,
      revision: { taskDefinition: revision },
      replicas: 2,
      strategy: {
        canary: {
          services: { blue: s.blue, green: s.green },
          traffic: { alb: { listenerArn: s.listener, targetGroups: { blue: s.blueTg, green: s.greenTg } } },
          steps: [{ setWeight: 10 }, { analysis: { duration: '5m' } }, { setWeight: 50 }, { setWeight: 100 }],
          scaleDownDelay: '1h',
        },
      },
      health: {
        interval: '15s',
        conditions: [
          { name: 'targets', targetHealth: { maxUnhealthy: 0 }, failFor: '3m' },
          { name: 'errors', metric: { builtin: 'errorRate', max: 5 }, failFor: '1m' },
        ],
      },
      rollback: { auto: true, bakeTime: '5m' },
    },
  };
}
