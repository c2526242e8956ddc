// The Releases the scenarios deploy, on the demo world's stacks (manifests/sim/world.yaml).
import type { Release, Step } from '../../../src/api/types.js';

export const AEP = {
  cluster: 'aep-prod',
  listener: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/aep-prod-alb/50dc6c495c0c9188/f2f7dc8efc522ab2',
  blueTg: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/aep-backend-blue/73e2d6bc24d8a067',
  greenTg: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/aep-backend-green/2453ed029918f21f',
  blue: 'aep-backend-blue',
  green: 'aep-backend-green',
};

export const AEP_STEPS: Step[] = [
  { setWeight: 10 },
  { pause: { duration: '2m' } },
  { setWeight: 50 },
  { analysis: { duration: '3m' } },
  { setWeight: 100 },
];

export function aepCanary(revision: string, change: (r: Release) => void = () => {}): Release {
  const release: Release = {
    apiVersion: 'keelson.dev/v1alpha1',
    kind: 'Release',
    metadata: { name: 'aep-backend-prod', labels: { team: 'platform' } },
    spec: {
      cluster: AEP.cluster,
      revision: { taskDefinition: revision },
      replicas: 2,
      strategy: {
        canary: {
          services: { blue: AEP.blue, green: AEP.green },
          traffic: { alb: { listenerArn: AEP.listener, targetGroups: { blue: AEP.blueTg, green: AEP.greenTg } } },
          steps: structuredClone(AEP_STEPS),
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
      progressDeadline: '10m',
    },
  };
  change(release);
  return release;
}

/** The AEP frontend, rolled by ECS on one service; `change` adjusts it for a scenario. */
export function aepFrontendRolling(revision: string, change: (r: Release) => void = () => {}): Release {
  const release: Release = {
    apiVersion: 'keelson.dev/v1alpha1',
    kind: 'Release',
    metadata: { name: 'aep-frontend-prod' },
    spec: {
      cluster: 'aep-prod',
      revision: { taskDefinition: revision },
      replicas: 3,
      strategy: { rolling: { service: 'aep-frontend-prod-svc' } },
      health: { interval: '15s', conditions: [{ name: 'errors', metric: { builtin: 'errorRate', max: 5 }, failFor: '1m' }] },
      rollback: { bakeTime: '5m' },
    },
  };
  change(release);
  return release;
}

/** A task definition revision added to the demo world with its own behaviour. */
export function aepRevision(revision: number, profile: Record<string, unknown>) {
  return {
    family: 'aep-backend-prod',
    revision,
    containers: [{ name: 'backend', image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/navralabs/aep-backend@sha256:${String(revision).repeat(64).slice(0, 64)}`, port: 8000 }],
    profile: { startup: '30s', errorRate: 0.001, latencyMs: { p50: 40, p95: 140, p99: 260 }, ...profile },
  };
}

export const BLUE_100 = (w: { weights: { targetGroupArn: string; weight: number }[] }): boolean =>
  w.weights.some((x) => x.targetGroupArn === AEP.blueTg && x.weight === 100);

/** The demo world's web stack: its Route 53 weighted record and its two services. */
export const WEB = {
  cluster: 'web-prod',
  record: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', recordName: 'app.example.org', recordType: 'A' as const },
  setIdentifiers: { blue: 'web-blue', green: 'web-green' },
  services: { blue: 'web-blue', green: 'web-green' },
};

/** A web-prod Release on Route 53: blueGreen unless `change` says otherwise. */
export function webRelease(revision: string, change: (r: Release) => void = () => {}): Release {
  const release: Release = {
    apiVersion: 'keelson.dev/v1alpha1',
    kind: 'Release',
    metadata: { name: 'web-prod' },
    spec: {
      cluster: WEB.cluster,
      revision: { taskDefinition: revision },
      replicas: 2,
      strategy: {
        blueGreen: {
          services: { ...WEB.services },
          traffic: { route53: { ...WEB.record, setIdentifiers: { ...WEB.setIdentifiers } } },
          scaleDownDelay: '30m',
        },
      },
      health: { interval: '15s', conditions: [{ name: 'targets', targetHealth: {}, failFor: '2m' }] },
    },
  };
  change(release);
  return release;
}
