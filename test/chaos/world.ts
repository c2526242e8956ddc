// The simulated AWS of a trial and the Releases on it, built from its plan: per Release one stack
// (task definition family, services, target groups, a listener, listener rule or two weighted
// Route 53 records, traffic, a health endpoint), in the shapes manifests/examples/ use.
import type { HealthCondition, Release, Step } from '../../src/api/types.js';
import type { ForwardRef, RecordKey } from '../../src/cloud/ports.js';
import type { ProfileSpec, SimWorld } from '../../src/sim/world.js';
import type { ReleasePlan, RevisionKind, TrialPlan } from './plan.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ELB = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}`;
const ZONE = { id: 'ZCHAOS0000000000000AB', name: 'chaos.test' };
const LB_ZONE = 'Z35SXDOTRQ7X7K';
export const STABLE_REVISION = 1;
export const NEW_REVISION = 2;

/** Where one Release lives in the world. */
export interface Stack {
  plan: ReleasePlan;
  cluster: string;
  family: string;
  /** blue, green (two colours) or the one rolling service. */
  services: { blue: string; green: string } | { rolling: string };
  targetGroups: { blue: string; green: string } | { rolling: string };
  /** The forward keelson writes (ALB strategies), or the record (Route 53). */
  forward?: ForwardRef;
  record?: RecordKey;
  setIdentifiers?: { blue: string; green: string };
  /** The listener carrying the rolling service's traffic, or each colour's own (Route 53). */
  listeners: string[];
  host: string;
}

const hex = (n: number, width = 16): string => n.toString(16).padStart(width, '0');

export function imageOf(family: string, revision: number): string {
  return `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${family}@sha256:${hex(revision, 64)}`;
}

export function stackOf(plan: ReleasePlan): Stack {
  const i = plan.index;
  const family = `app-${i}`;
  const cluster = `chaos-${(i % 2) + 1}`;
  const tg = (colour: string, n: number): string => `${ELB}:targetgroup/${family}-${colour}/${hex(16 * i + n)}`;
  const alb = `app/${family}-alb/${hex(i + 1)}`;
  const listener = `${ELB}:listener/${alb}/${hex(100 + i)}`;
  const host = `${family}.chaos.test`;
  if (plan.strategy === 'rolling') {
    return { plan, cluster, family, services: { rolling: `${family}-svc` }, targetGroups: { rolling: tg('svc', 0) }, forward: { listenerArn: listener }, listeners: [listener], host };
  }
  const services = { blue: `${family}-blue`, green: `${family}-green` };
  const targetGroups = { blue: tg('blue', 1), green: tg('green', 2) };
  if (plan.strategy === 'canary-route53' || plan.strategy === 'blueGreen-route53') {
    const listeners = ['blue', 'green'].map((c, n) => `${ELB}:listener/app/${family}-${c}-alb/${hex(200 + 2 * i + n)}/${hex(300 + 2 * i + n)}`);
    return {
      plan,
      cluster,
      family,
      services,
      targetGroups,
      record: { hostedZoneId: ZONE.id, recordName: host, recordType: 'A' },
      setIdentifiers: { blue: `${family}-blue`, green: `${family}-green` },
      listeners,
      host,
    };
  }
  const forward: ForwardRef = plan.strategy === 'canary-rule' ? { ruleArn: `${ELB}:listener-rule/${alb}/${hex(100 + i)}/${hex(400 + i)}` } : { listenerArn: listener };
  return { plan, cluster, family, services, targetGroups, forward, listeners: [], host };
}

export function profileOf(kind: RevisionKind): ProfileSpec {
  const good: ProfileSpec = { startup: '20s', errorRate: 0.001, latencyMs: { p50: 40, p95: 120, p99: 250 } };
  switch (kind) {
    case 'crashOnStart':
      return { ...good, crashOnStart: { exitCode: 1, after: '5s' } };
    case 'crashAfterWarmup':
      return { ...good, crashOnStart: { exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage', after: '2m' } };
    case 'errors5xx':
      return { ...good, errorRate: 0.3 };
    case 'slow':
      return { ...good, latencyMs: { p50: 600, p95: 1_500, p99: 3_000 } };
    case 'notReady':
      return { ...good, ready: false };
    default:
      // badAt100 and badUnderLoad start good; the trial turns them bad when their moment comes.
      return good;
  }
}

/** The revisions a Release goes through: 1 stable, 2 the new one, 3+ applied mid-rollout. */
export function revisionKinds(plan: TrialPlan, release: ReleasePlan): RevisionKind[] {
  const later = plan.disturbances.filter((d) => d.kind === 'newRevision' && d.release === release.index).map((d) => (d.kind === 'newRevision' ? d.revisionKind : 'good'));
  return ['good', release.kind, ...later];
}

export function buildWorld(plan: TrialPlan): { world: SimWorld; stacks: Stack[] } {
  const stacks = plan.releases.map(stackOf);
  const world: SimWorld = {
    seed: plan.seed,
    start: '2026-03-02T09:00:00Z',
    account: ACCOUNT,
    region: REGION,
    clusters: [...new Set(stacks.map((s) => s.cluster))],
    taskDefinitions: [],
    images: [],
    services: [],
    loadBalancers: [],
    targetGroups: [],
    listeners: [],
    rules: [],
    hostedZones: [{ id: ZONE.id, name: ZONE.name, records: [] }],
    traffic: [],
    endpoints: [],
    faults: [],
    timeline: [],
  };
  for (const s of stacks) addStack(world, s, revisionKinds(plan, s.plan));
  return { world, stacks };
}

function addStack(world: SimWorld, s: Stack, kinds: RevisionKind[]): void {
  const p = s.plan;
  kinds.forEach((kind, n) => {
    const revision = n + 1;
    const image = imageOf(s.family, revision);
    // A revision given by image is registered by keelson; the world knows its behaviour by URI.
    if (revision !== STABLE_REVISION && p.byImage) world.images?.push({ image, profile: profileOf(kind) });
    else world.taskDefinitions.push({ family: s.family, revision, containers: [{ name: 'app', image, port: 8080 }], profile: profileOf(kind) });
  });
  const td = `${s.family}:${STABLE_REVISION}`;
  const tgSettings = { healthCheck: { path: '/health/live', interval: '10s', healthyThreshold: 2, unhealthyThreshold: 2 }, deregistrationDelay: '10s' };
  const entry = s.record ? { record: s.record } : s.forward?.ruleArn ? { ruleArn: s.forward.ruleArn } : { listenerArn: s.forward?.listenerArn ?? (s.listeners[0] as string) };
  if ('rolling' in s.services && 'rolling' in s.targetGroups) {
    world.services.push({ cluster: s.cluster, name: s.services.rolling, taskDefinition: td, desiredCount: p.replicas, targetGroup: s.targetGroups.rolling });
    world.targetGroups.push({ arn: s.targetGroups.rolling, ...tgSettings });
    world.listeners?.push({ arn: s.forward?.listenerArn as string, forward: [{ targetGroupArn: s.targetGroups.rolling, weight: 1 }] });
  } else if ('blue' in s.services && 'blue' in s.targetGroups) {
    const tgs = s.targetGroups;
    world.services.push(
      { cluster: s.cluster, name: s.services.blue, taskDefinition: td, desiredCount: p.replicas, targetGroup: tgs.blue },
      { cluster: s.cluster, name: s.services.green, taskDefinition: td, desiredCount: 0, targetGroup: tgs.green },
    );
    world.targetGroups.push({ arn: tgs.blue, ...tgSettings }, { arn: tgs.green, ...tgSettings });
    const forward = [
      { targetGroupArn: tgs.blue, weight: 100 },
      { targetGroupArn: tgs.green, weight: 0 },
    ];
    if (s.record && s.setIdentifiers) {
      (['blue', 'green'] as const).forEach((colour, n) => {
        const listener = s.listeners[n] as string;
        const lbArn = `${ELB}:loadbalancer/${listener.split(':listener/')[1]?.split('/').slice(0, 3).join('/')}`;
        const dnsName = `${s.family}-${colour}-alb-${1_000 + s.plan.index}.${REGION}.elb.amazonaws.com`;
        world.loadBalancers?.push({ arn: lbArn, dnsName, hostedZoneId: LB_ZONE });
        world.listeners?.push({ arn: listener, forward: [{ targetGroupArn: tgs[colour], weight: 1 }] });
        world.hostedZones?.[0]?.records.push({
          name: s.host,
          type: 'A',
          setIdentifier: s.setIdentifiers?.[colour] as string,
          weight: colour === 'blue' ? 100 : 0,
          ttl: 30,
          aliasTarget: { dnsName: `dualstack.${dnsName}.`, hostedZoneId: LB_ZONE, evaluateTargetHealth: true },
        });
      });
    } else if (s.forward?.ruleArn) {
      world.rules?.push({ arn: s.forward.ruleArn, forward });
    } else {
      world.listeners?.push({ arn: s.forward?.listenerArn as string, forward });
    }
  }
  if (!p.quiet) world.traffic?.push({ name: p.name, ...entry, rps: p.rps, noise: 0.1 });
  world.endpoints?.push({ host: s.host, ...entry });
}

const duration = (s: number): string => `${s}s`;

function healthConditions(s: Stack): HealthCondition[] {
  const h = s.plan.health;
  return [
    { name: 'targets', targetHealth: { maxUnhealthy: 0 }, failFor: duration(h.targetsFailForS) },
    { name: 'errors', metric: { builtin: 'errorRate', max: '5%', window: '1m' }, failFor: duration(h.errorsFailForS) },
    { name: 'latency', metric: { builtin: 'latencyP95', max: '400ms', window: '1m' }, failFor: duration(h.latencyFailForS) },
    { name: 'ready', http: { url: `http://${s.host}/health/ready`, expectStatus: 200 }, failFor: duration(h.readyFailForS) },
  ];
}

function steps(plan: ReleasePlan): Step[] {
  return plan.steps.map((st) => {
    if ('setWeight' in st) return { setWeight: st.setWeight };
    if ('pauseS' in st) return { pause: { duration: duration(st.pauseS) } };
    return { analysis: { duration: duration(st.analysisS) } };
  });
}

/** The Release of a stack at a revision (1: stable, 2: the new one, 3+: later ones). */
export function releaseOf(s: Stack, revision: number): Release {
  const p = s.plan;
  const twoColourTraffic = s.record && s.setIdentifiers
    ? { route53: { ...s.record, setIdentifiers: { ...s.setIdentifiers } } }
    : { alb: { ...(s.forward?.ruleArn ? { ruleArn: s.forward.ruleArn } : { listenerArn: s.forward?.listenerArn as string }), targetGroups: { ...(s.targetGroups as { blue: string; green: string }) } } };
  const strategy: Release['spec']['strategy'] =
    'rolling' in s.services
      ? { rolling: { service: s.services.rolling } }
      : p.strategy.startsWith('canary')
        ? { canary: { services: { ...s.services }, traffic: twoColourTraffic, steps: steps(p), scaleDownDelay: '2m' } }
        : { blueGreen: { services: { ...s.services }, traffic: twoColourTraffic, ...(p.prePromotionS ? { prePromotionAnalysis: { duration: duration(p.prePromotionS) } } : {}), autoPromote: true, scaleDownDelay: '2m' } };
  return {
    apiVersion: 'keelson.dev/v1alpha1',
    kind: 'Release',
    metadata: { name: p.name, labels: { suite: 'chaos' } },
    spec: {
      cluster: s.cluster,
      revision: revision !== STABLE_REVISION && p.byImage ? { image: { container: 'app', uri: imageOf(s.family, revision) } } : { taskDefinition: `${s.family}:${revision}` },
      replicas: p.replicas,
      strategy,
      health: { interval: duration(p.health.intervalS), conditions: healthConditions(s) },
      rollback: { auto: true, bakeTime: duration(p.bakeS) },
      progressDeadline: duration(p.progressDeadlineS),
    },
  };
}
