// What ANY CloudPorts implementation must do, whatever is behind it (the simulator, the AWS
// SDK adapters against an emulator or a sandbox account). Run it with a factory that returns
// ports over a world matching the fixture description.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCloudError, type CloudError } from '../../src/cloud/errors.js';
import type { CloudPorts, EcsDeployment, ForwardRef, RecordKey, ScalingActivity, ScalingPolicyInput, TargetGroupWeight, TargetTrackingPolicy } from '../../src/cloud/ports.js';

/** The names the world behind the ports must have. */
export interface ContractFixture {
  registry: RegistryFixture;
  cluster: string;
  /** Services that exist (at least one). */
  services: string[];
  /** A service name that does not exist. */
  missingService: string;
  /** A service to update and an existing revision (`family:revision`) it does not run yet. */
  update: { service: string; toTaskDefinition: string };
  /** An existing task definition `family:revision` with containers `containers`. */
  taskDefinition: { ref: string; family: string; revision: number; containers: string[] };
  /** A listener or rule forwarding to two target groups. */
  forward: { ref: ForwardRef; targetGroups: [string, string] };
  /** A weighted record set with two set identifiers. */
  record: { key: RecordKey; setIdentifiers: [string, string] };
  /** A metric that has datapoints after `metricWarmupMs` of traffic. */
  metric: { namespace: string; metricName: string; dimensions: Record<string, string> };
  metricWarmupMs: number;
  alarm: string;
  /** A service whose desiredCount Application Auto Scaling owns, and one it does not. */
  scaled: { service: string; minCapacity: number; maxCapacity: number };
  unscaledService: string;
  /** Upper bound for a Route53 change to become INSYNC. */
  dnsSettleMs: number;
  /**
   * Application Auto Scaling: registered scalable targets the cases put policies on.
   * busy: average CPU well above 50%, so a 50% target asks for more than maxCapacity.
   * quiet/quietTwin: desiredCount 4, average CPU 30% (below 90% of a 50% target) whatever the count.
   * stepped: a step scaling policy in place on an alarm that goes to ALARM at once, asking for
   * `firstDesiredCount` from a desiredCount of 1.
   */
  autoScaling: {
    busy: { service: string; maxCapacity: number };
    quiet: { service: string; desiredCount: number };
    quietTwin: { service: string; desiredCount: number };
    stepped: { service: string; firstDesiredCount: number };
  };
  /** ECS's own deployment features (deployment alarms, the blue/green family of strategies). */
  ecsDeployments: EcsDeploymentsFixture;
  /** Upper bound for a minute's datapoint to be visible after the minute ends. */
  metricPublicationDelayMs: number;
  /**
   * A service behind a target group whose new tasks pass the load balancer's health check, with
   * the group's health-check interval and healthy threshold (at least 2), and how long a new task
   * takes to register.
   */
  newTarget: { service: string; targetGroup: string; intervalMs: number; healthyThreshold: number; registeredWithinMs: number };
}

export interface EcsDeploymentsFixture {
  /** A revision every service below runs at the start, a good one, and one whose 5xx set off the alarms. */
  stable: string;
  good: string;
  bad: string;
  /** Rolling services with deployment alarms on a 5xx alarm of their own traffic: rollback on, and off. */
  alarmedWithRollback: string;
  alarmedWithoutRollback: string;
  /**
   * A service with a load balancer advancedConfiguration: `productionRule` forwards to
   * `primaryTargetGroup` (100) and `alternateTargetGroup` (0), carries traffic, and a deployment
   * alarm with rollback watches its 5xx.
   */
  native: { service: string; productionRule: ForwardRef; primaryTargetGroup: string; alternateTargetGroup: string };
  /** Upper bound for green's tasks to be healthy after UpdateService, and for a failure to be seen. */
  settleMs: number;
}

/** ECR and container environments: a repository with tagged images, a task definition with environment and secrets. */
export interface RegistryFixture {
  repository: string;
  tags: Record<string, string>;
  missingTag: string;
  missingRepository: string;
  withEnvironment: { ref: string; container: string; environment: { name: string; value: string }[]; secrets: { name: string; valueFrom: string }[] };
}

export interface ContractSubject {
  ports: CloudPorts;
  fixture: ContractFixture;
  now(): number;
  /** Lets time pass (virtual time for the simulator). */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
  /** Only a subject that can make AWS fail on purpose (the simulator) has these. */
  faults?: ContractFaults;
}

/** Failing calls on purpose, and watching the attempts the AWS SDK makes of them. */
export interface ContractFaults {
  /** The attempts the ports' AWS clients make of one request, retries included. */
  maxAttempts: number;
  /** Throttles the next `attempts` attempts of an ECS operation (Infinity: every one). */
  throttleEcs(operation: string, attempts: number): void;
  /** Attempts made so far of an ECS operation. */
  ecsAttempts(operation: string): number;
  /** Awaits a call, letting time pass while the SDK backs off between attempts. */
  settle<T>(call: Promise<T>): Promise<T>;
}

/** Green's share of production traffic, in percent, from the rule's weights. */
function greenShare(weights: readonly TargetGroupWeight[], green: string): number {
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  const share = weights.find((w) => w.targetGroupArn === green)?.weight ?? 0;
  return total === 0 ? 0 : Math.round((share / total) * 1000) / 10;
}

async function rejection(promise: Promise<unknown>): Promise<CloudError> {
  try {
    await promise;
  } catch (err) {
    if (isCloudError(err)) return err;
    throw err;
  }
  throw new Error('expected a CloudError, the call succeeded');
}

export function describePortsContract(name: string, factory: () => Promise<ContractSubject>, options: { faults?: boolean } = {}): void {
  describe(`CloudPorts contract: ${name}`, () => {
    let subject: ContractSubject;
    let ports: CloudPorts;
    let fx: ContractFixture;

    beforeEach(async () => {
      subject = await factory();
      ports = subject.ports;
      fx = subject.fixture;
    });
    afterEach(async () => {
      await subject.close();
    });

    it('describes any number of services, reporting missing ones as failures', async () => {
      const missing = Array.from({ length: 11 }, (_, i) => `${fx.missingService}-${i}`);
      const result = await ports.ecs.describeServices(fx.cluster, [...fx.services, ...missing]);
      expect(result.services.map((s) => s.name).sort()).toEqual([...fx.services].sort());
      expect(result.failures).toHaveLength(missing.length);
      for (const f of result.failures) expect(f.reason).toBe('MISSING');
      for (const s of result.services) {
        expect(s.cluster).toBe(fx.cluster);
        expect(s.deployments.filter((d) => d.status === 'PRIMARY')).toHaveLength(1);
        expect(s.taskDefinition).toBe(s.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition);
      }
    });

    it('starts one deployment for the same update sent twice', async () => {
      const before = (await ports.ecs.describeServices(fx.cluster, [fx.update.service])).services[0];
      const first = await ports.ecs.updateService({ cluster: fx.cluster, service: fx.update.service, taskDefinition: fx.update.toTaskDefinition });
      const second = await ports.ecs.updateService({ cluster: fx.cluster, service: fx.update.service, taskDefinition: fx.update.toTaskDefinition });
      const primaryOf = (s: typeof first): string | undefined => s.deployments.find((d) => d.status === 'PRIMARY')?.id;
      expect(primaryOf(first)).not.toBe(before && primaryOf(before));
      expect(primaryOf(second)).toBe(primaryOf(first));
      expect(second.deployments).toHaveLength(first.deployments.length);
      expect(second.taskDefinition).toMatch(new RegExp(`${fx.update.toTaskDefinition}$`));
    });

    // UpdateService, forceNewDeployment: "Determines whether to force a new deployment of the
    // service", the same task definition included
    // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html).
    it('starts a new primary deployment of the same task definition when forceNewDeployment is given', async () => {
      const [before] = (await ports.ecs.describeServices(fx.cluster, [fx.update.service])).services;
      const after = await ports.ecs.updateService({ cluster: fx.cluster, service: fx.update.service, forceNewDeployment: true });
      const primary = after.deployments.find((d) => d.status === 'PRIMARY');
      expect(before?.deployments.map((d) => d.id)).not.toContain(primary?.id);
      expect(primary?.taskDefinition).toBe(before?.taskDefinition);
      expect(after.taskDefinition).toBe(before?.taskDefinition);
    });

    it('changes only the count when only desiredCount is given', async () => {
      const [before] = (await ports.ecs.describeServices(fx.cluster, [fx.update.service])).services;
      const after = await ports.ecs.updateService({ cluster: fx.cluster, service: fx.update.service, desiredCount: (before?.desiredCount ?? 0) + 1 });
      expect(after.deployments.map((d) => d.id)).toEqual(before?.deployments.map((d) => d.id));
      expect(after.desiredCount).toBe((before?.desiredCount ?? 0) + 1);
      expect(after.deployments.find((d) => d.status === 'PRIMARY')?.desiredCount).toBe(after.desiredCount);
    });

    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageIdentifier.html
    it('resolves an ECR tag to the digest it names; an unknown tag or repository is NotFound', async () => {
      const reg = fx.registry;
      for (const [tag, digest] of Object.entries(reg.tags)) {
        expect((await ports.registry.describeImageByTag(reg.repository, tag)).digest).toBe(digest);
      }
      expect((await rejection(ports.registry.describeImageByTag(reg.repository, reg.missingTag))).code).toBe('NotFound');
      expect((await rejection(ports.registry.describeImageByTag(reg.missingRepository, 'latest'))).code).toBe('NotFound');
    });

    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KeyValuePair.html
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Secret.html
    it("describes a container's environment (name, value) and secrets (name, valueFrom) apart", async () => {
      const env = fx.registry.withEnvironment;
      const td = await ports.ecs.describeTaskDefinition(env.ref);
      const container = td.containers.find((c) => c.name === env.container);
      expect(container?.environment).toEqual(env.environment);
      expect(container?.secrets).toEqual(env.secrets);
    });

    it('describes a task definition by family:revision and by ARN', async () => {
      const td = await ports.ecs.describeTaskDefinition(fx.taskDefinition.ref);
      expect(td).toMatchObject({ family: fx.taskDefinition.family, revision: fx.taskDefinition.revision, status: 'ACTIVE' });
      expect(td.containers.map((c) => c.name)).toEqual(fx.taskDefinition.containers);
      expect(await ports.ecs.describeTaskDefinition(td.arn)).toEqual(td);
    });

    // RunTask idempotency (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html):
    // the same client token and parameters return the task first started; other parameters are a
    // ConflictException. RunTask: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
    it('runs one task for a RunTask repeated with its client token, another for a new token (ECS idempotency)', async () => {
      const input = {
        cluster: fx.cluster,
        taskDefinition: fx.taskDefinition.ref,
        likeService: fx.update.service,
        overrides: [{ name: fx.taskDefinition.containers[0] as string, command: ['migrate'] }],
        clientToken: 'keelson-contract-token-1',
      };
      const first = await ports.ecs.runTask(input);
      const again = await ports.ecs.runTask(input);
      expect(again.taskArn).toBe(first.taskArn);
      const other = await ports.ecs.runTask({ ...input, clientToken: 'keelson-contract-token-2' });
      expect(other.taskArn).not.toBe(first.taskArn);
      await expect(ports.ecs.runTask({ ...input, overrides: [{ name: fx.taskDefinition.containers[0] as string, command: ['other'] }] })).rejects.toMatchObject({
        code: 'Conflict',
      });
    });

    // DescribeTasks (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html) and
    // StopTask (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopTask.html): the reason
    // given becomes the task's stoppedReason; a stopped task stays described for a while.
    it('stops a running task with the reason given, and a second stop changes nothing (StopTask)', async () => {
      const { taskArn } = await ports.ecs.runTask({ cluster: fx.cluster, taskDefinition: fx.taskDefinition.ref, likeService: fx.update.service, clientToken: 'keelson-contract-stop' });
      const [running] = await ports.ecs.describeTasks(fx.cluster, [taskArn]);
      expect(running).toMatchObject({ arn: taskArn, desiredStatus: 'RUNNING' });
      expect(await ports.ecs.stopTask(fx.cluster, taskArn, 'keelson: job ran past its timeout')).toBe('updated');
      await subject.advance(60_000);
      const [stopped] = await ports.ecs.describeTasks(fx.cluster, [taskArn]);
      expect(stopped).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedReason: 'keelson: job ran past its timeout', stopCode: 'UserInitiated' });
      expect(await ports.ecs.stopTask(fx.cluster, taskArn, 'again')).toBe('unchanged');
    });

    it('registers a revision from a base with one image replaced and the others kept', async () => {
      const base = await ports.ecs.describeTaskDefinition(fx.taskDefinition.ref);
      const [first, ...rest] = base.containers;
      const image = `${first?.image.split('@')[0]?.split(':')[0]}@sha256:${'e'.repeat(64)}`;
      const td = await ports.ecs.registerTaskDefinitionFrom(base.arn, { container: first?.name ?? '', image });
      expect(td.family).toBe(base.family);
      expect(td.revision).toBeGreaterThan(base.revision);
      expect(td.containers).toEqual([{ name: first?.name, image }, ...rest]);
    });

    it('finds a registered revision again by the tags it was registered with, and nothing by other tags', async () => {
      const base = await ports.ecs.describeTaskDefinition(fx.taskDefinition.ref);
      const [first] = base.containers;
      const image = `${first?.image.split('@')[0]?.split(':')[0]}@sha256:${'f'.repeat(64)}`;
      const tags = { 'keelson.dev/spec-hash': `contract-${subject.now()}` };
      const registered = await ports.ecs.registerTaskDefinitionFrom(base.arn, { container: first?.name ?? '', image }, tags);
      const found = await ports.ecs.findTaskDefinition(base.family, tags, { limit: 10 });
      expect(found).toMatchObject({ arn: registered.arn, family: base.family, revision: registered.revision });
      expect(found?.tags).toMatchObject(tags);
      expect(await ports.ecs.findTaskDefinition(base.family, { 'keelson.dev/spec-hash': 'never-registered' }, { limit: 10 })).toBeUndefined();
    });

    it('reads weights back exactly as set, and a repeat is unchanged', async () => {
      const [a, b] = fx.forward.targetGroups;
      const weights = [
        { targetGroupArn: a, weight: 70 },
        { targetGroupArn: b, weight: 30 },
      ];
      expect(await ports.lb.setWeights(fx.forward.ref, weights)).toBe('updated');
      const read = await ports.lb.readWeights(fx.forward.ref);
      expect(read).toEqual(weights);
      expect(read.reduce((sum, w) => sum + w.weight, 0)).toBe(100);
      expect(await ports.lb.setWeights(fx.forward.ref, weights)).toBe('unchanged');
    });

    // DescribeListeners / DescribeRules take a list of ARNs and fail as a whole when one is missing:
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeListeners.html
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeRules.html
    it('reads the weights of many listeners and rules in one call each, in the order asked; a missing ARN fails the call with NotFound', async () => {
      if (!ports.lb.readWeightsMany) throw new Error('readWeightsMany is part of the contract');
      const [a, b] = fx.forward.targetGroups;
      await ports.lb.setWeights(fx.forward.ref, [
        { targetGroupArn: a, weight: 40 },
        { targetGroupArn: b, weight: 60 },
      ]);
      const one = await ports.lb.readWeights(fx.forward.ref);
      expect(await ports.lb.readWeightsMany([fx.forward.ref, fx.forward.ref])).toEqual([one, one]);
      expect(await ports.lb.readWeightsMany([])).toEqual([]);
      const missing: ForwardRef = { listenerArn: a.replace(/targetgroup\/.*$/, 'listener/app/no-such-lb/0000000000000000/0000000000000000') };
      expect((await rejection(ports.lb.readWeightsMany([fx.forward.ref, missing]))).code).toBe('NotFound');
    });

    it('names target groups and their load balancers', async () => {
      const groups = await ports.lb.describeTargetGroups(fx.forward.targetGroups);
      expect(groups.map((g) => g.arn)).toEqual(fx.forward.targetGroups);
      for (const g of groups) expect(g.loadBalancerArns.length).toBeGreaterThan(0);
      const health = await ports.lb.describeTargetHealth(fx.forward.targetGroups[0]);
      for (const t of health) expect(['initial', 'healthy', 'unhealthy', 'unused', 'draining', 'unavailable']).toContain(t.state);
    });

    // "After your target is registered, it must pass one health check to be considered healthy";
    // HealthyThresholdCount counts for a target coming back from unhealthy.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
    it('turns a newly registered target healthy after one passed health check, not healthyThreshold of them', async () => {
      const { service, targetGroup, intervalMs, healthyThreshold, registeredWithinMs } = fx.newTarget;
      expect(healthyThreshold).toBeGreaterThanOrEqual(2);
      const known = new Set((await ports.lb.describeTargetHealth(targetGroup)).map((t) => t.id));
      const [svc] = (await ports.ecs.describeServices(fx.cluster, [service])).services;
      await ports.ecs.updateService({ cluster: fx.cluster, service, desiredCount: (svc?.desiredCount ?? 0) + 1 });
      let fresh: string | undefined;
      for (let waited = 0; fresh === undefined && waited < registeredWithinMs; waited += 1_000) {
        await subject.advance(1_000);
        fresh = (await ports.lb.describeTargetHealth(targetGroup)).find((t) => !known.has(t.id))?.id;
      }
      const stateOf = async (): Promise<string | undefined> => (await ports.lb.describeTargetHealth(targetGroup)).find((t) => t.id === fresh)?.state;
      expect(await stateOf()).toBe('initial');
      await subject.advance(intervalMs + 1_000);
      expect(await stateOf()).toBe('healthy');
    });

    // ChangeResourceRecordSets returns a ChangeInfo Id (such as /change/C2682N5HXP0BZ4) that
    // GetChange takes to name that one change batch.
    // https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
    it('gives every Route53 change batch its own id', async () => {
      const [blue, green] = fx.record.setIdentifiers;
      const ids: string[] = [];
      for (const weight of [10, 20, 30, 40]) {
        const set = await ports.dns.setWeights(fx.record.key, [
          { setIdentifier: blue, weight: 100 - weight },
          { setIdentifier: green, weight },
        ]);
        ids.push(set.changeId as string);
      }
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) {
        expect(id).toMatch(/^(\/change\/)?[A-Z0-9]+$/);
        expect(['PENDING', 'INSYNC']).toContain(await ports.dns.getChangeStatus(id));
      }
    });

    // Route 53 compares names without case (letters given in upper case or as escapes are stored in
    // lowercase), with the trailing dot implied, and reads \ooo octal escapes as their characters.
    // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html
    it('reads the same weighted records for a name in upper case, with a trailing dot, or with its letters escaped', async () => {
      const { recordName } = fx.record.key;
      const escaped = [...recordName].map((ch) => (/[a-z]/.test(ch) ? `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}` : ch)).join('');
      const expected = [...fx.record.setIdentifiers].sort();
      for (const name of [`${recordName.toUpperCase()}`, `${recordName}.`, escaped, `${escaped.toUpperCase()}.`]) {
        const records = await ports.dns.readWeightedRecords({ ...fx.record.key, recordName: name });
        expect(records.map((r) => r.setIdentifier).sort(), name).toEqual(expected);
      }
    });

    it('UPSERTs Route53 weights keeping values, with a change that becomes INSYNC', async () => {
      const before = await ports.dns.readWeightedRecords(fx.record.key);
      const [blue, green] = fx.record.setIdentifiers;
      const set = await ports.dns.setWeights(fx.record.key, [
        { setIdentifier: blue, weight: 60 },
        { setIdentifier: green, weight: 40 },
      ]);
      expect(set.result).toBe('updated');
      expect(set.changeId).toBeTruthy();
      const after = await ports.dns.readWeightedRecords(fx.record.key);
      for (const record of after) {
        const old = before.find((r) => r.setIdentifier === record.setIdentifier);
        expect({ ...record, weight: 0 }).toEqual({ ...old, weight: 0 });
      }
      expect(Object.fromEntries(after.map((r) => [r.setIdentifier, r.weight]))).toMatchObject({ [blue]: 60, [green]: 40 });
      expect(['PENDING', 'INSYNC']).toContain(await ports.dns.getChangeStatus(set.changeId as string));
      await subject.advance(fx.dnsSettleMs);
      expect(await ports.dns.getChangeStatus(set.changeId as string)).toBe('INSYNC');
      const again = await ports.dns.setWeights(fx.record.key, [{ setIdentifier: blue, weight: 60 }]);
      expect(again).toEqual({ result: 'unchanged' });
    });

    it('returns metric data per query, in order, newest first', async () => {
      await subject.advance(fx.metricWarmupMs);
      const end = subject.now();
      const results = await ports.metrics.getMetricData(
        [
          { id: 'requests', metricStat: { ...fx.metric, stat: 'Sum', period: 60 }, returnData: false },
          { id: 'perMinute', expression: 'requests / 60' },
          { id: 'raw', metricStat: { ...fx.metric, stat: 'Sum', period: 60 } },
        ],
        { start: end - fx.metricWarmupMs, end },
      );
      expect(results.map((r) => r.id)).toEqual(['perMinute', 'raw']);
      for (const r of results) {
        expect(r.values).toHaveLength(r.timestamps.length);
        expect(r.timestamps.length).toBeGreaterThan(0);
        for (let i = 1; i < r.timestamps.length; i++) expect(r.timestamps[i]).toBeLessThan(r.timestamps[i - 1] as number);
      }
      const [perMinute, raw] = results;
      expect(perMinute?.values).toEqual(raw?.values.map((v) => v / 60));
    });

    // GetMetricData: "Start time less than 15 days ago - Round down to the nearest whole minute."
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
    it('rounds StartTime down to the whole minute (data under 15 days old)', async () => {
      await subject.advance(fx.metricWarmupMs);
      const end = subject.now();
      const query = { id: 'requests', metricStat: { ...fx.metric, stat: 'Sum', period: 60 } };
      const [all] = await ports.metrics.getMetricData([query], { start: end - fx.metricWarmupMs, end });
      const minute = all?.timestamps[1] as number;
      expect(minute).toBeDefined();
      const [rounded] = await ports.metrics.getMetricData([query], { start: minute + 34_000, end });
      expect(rounded?.timestamps.at(-1)).toBe(minute);
    });

    // MetricsPort: one result per query that returns data, in the order of the queries (the
    // adapters keep that order whatever order the API answers in).
    it('returns metric results in the order of the queries, not of their ids or dependencies', async () => {
      await subject.advance(fx.metricWarmupMs);
      const end = subject.now();
      const results = await ports.metrics.getMetricData(
        [
          { id: 'zeta', expression: 'alpha * 2' },
          { id: 'alpha', metricStat: { ...fx.metric, stat: 'Sum', period: 60 } },
          { id: 'hidden', metricStat: { ...fx.metric, stat: 'SampleCount', period: 60 }, returnData: false },
          { id: 'beta', expression: 'alpha + 1' },
        ],
        { start: end - fx.metricWarmupMs, end },
      );
      expect(results.map((r) => r.id)).toEqual(['zeta', 'alpha', 'beta']);
    });

    // ELB sends its metrics to CloudWatch in 60-second intervals: a minute's datapoint exists only
    // once the minute is over, and shows up some time later.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
    it('shows a minute\'s datapoint only after the minute ends, and within the publication delay', async () => {
      await subject.advance(fx.metricWarmupMs + fx.metricPublicationDelayMs);
      const end = subject.now();
      const [requests] = await ports.metrics.getMetricData([{ id: 'requests', metricStat: { ...fx.metric, stat: 'Sum', period: 60 } }], {
        start: end - fx.metricWarmupMs - fx.metricPublicationDelayMs,
        end,
      });
      const newest = requests?.timestamps[0] as number;
      expect(newest + 60_000).toBeLessThanOrEqual(end);
      // The newest minute that ended more than the publication delay ago is there.
      expect(newest).toBeGreaterThanOrEqual(Math.floor((end - fx.metricPublicationDelayMs) / 60_000) * 60_000 - 60_000);
    });

    it('describes known alarms and leaves unknown names out', async () => {
      const alarms = await ports.metrics.describeAlarms([fx.alarm, 'no-such-alarm-anywhere']);
      expect(alarms.map((a) => a.name)).toEqual([fx.alarm]);
      expect(['OK', 'ALARM', 'INSUFFICIENT_DATA']).toContain(alarms[0]?.state);
    });

    it('tells which services Application Auto Scaling owns', async () => {
      expect(await ports.scaling.describeScalableTarget(fx.cluster, fx.scaled.service)).toMatchObject({
        resourceId: `service/${fx.cluster}/${fx.scaled.service}`,
        minCapacity: fx.scaled.minCapacity,
        maxCapacity: fx.scaled.maxCapacity,
      });
      expect(await ports.scaling.describeScalableTarget(fx.cluster, fx.unscaledService)).toBeUndefined();
    });

    // DescribeScalableTargets filters by a list of ResourceIds, 50 to a page:
    // https://docs.aws.amazon.com/autoscaling/application/APIReference/API_DescribeScalableTargets.html
    it('tells for many services at once which Application Auto Scaling owns, in the order asked', async () => {
      if (!ports.scaling.describeScalableTargets) throw new Error('describeScalableTargets is part of the contract');
      const asked = [fx.unscaledService, fx.scaled.service, ...Array.from({ length: 60 }, (_, i) => `${fx.unscaledService}-none-${i}`), fx.scaled.service];
      const targets = await ports.scaling.describeScalableTargets(asked.map((service) => ({ cluster: fx.cluster, service })));
      expect(targets).toHaveLength(asked.length);
      const single = await ports.scaling.describeScalableTarget(fx.cluster, fx.scaled.service);
      expect(targets[1]).toEqual(single);
      expect(targets.at(-1)).toEqual(single);
      expect(targets.filter((t) => t !== undefined)).toHaveLength(2);
    });

    // Application Auto Scaling, as documented:
    // https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html
    const cpu50 = (extra: Partial<TargetTrackingPolicy> = {}): ScalingPolicyInput => ({
      name: 'cpu50',
      policy: { type: 'TargetTrackingScaling', targetValue: 50, predefinedMetric: { type: 'ECSServiceAverageCPUUtilization' }, ...extra },
    });
    const desiredCount = async (service: string): Promise<number | undefined> =>
      (await ports.ecs.describeServices(fx.cluster, [service])).services[0]?.desiredCount;

    // Target tracking scales out when the metric stays above the target (3 one-minute datapoints),
    // proportionally, and never beyond maxCapacity (target-tracking-scaling-policy-overview.html).
    it('target tracking scales out when the metric stays above target, never beyond max', async () => {
      const { service, maxCapacity } = fx.autoScaling.busy;
      const put = await ports.scaling.putScalingPolicy(fx.cluster, service, cpu50());
      expect(put.alarms.map((a) => a.name).join(' ')).toMatch(/AlarmHigh.*AlarmLow/);
      await subject.advance(6 * 60_000);
      expect(await desiredCount(service)).toBe(maxCapacity);
      await subject.advance(15 * 60_000);
      expect(await desiredCount(service)).toBe(maxCapacity);
      const activities = await ports.scaling.describeScalingActivities(fx.cluster, service);
      expect(activities.map((a) => a.description)).toEqual([`Setting desired count to ${maxCapacity}.`]);
      expect(activities[0]).toMatchObject({ statusCode: 'Successful', resourceId: `service/${fx.cluster}/${service}` });
    });

    // Scale-in needs 15 datapoints below the target's lower margin, then waits ScaleInCooldown
    // (ECS default 300 s) before the next; DisableScaleIn never removes capacity; activities are
    // listed newest first (API_DescribeScalingActivities.html).
    it('target tracking scales in only after the cooldown, not at all with disableScaleIn; activities newest first', async () => {
      await ports.scaling.putScalingPolicy(fx.cluster, fx.autoScaling.quiet.service, cpu50({ scaleInCooldownSeconds: 300 }));
      await ports.scaling.putScalingPolicy(fx.cluster, fx.autoScaling.quietTwin.service, cpu50({ disableScaleIn: true }));
      await subject.advance(13 * 60_000);
      expect(await desiredCount(fx.autoScaling.quiet.service)).toBe(fx.autoScaling.quiet.desiredCount);
      await subject.advance(20 * 60_000);
      const activities = await ports.scaling.describeScalingActivities(fx.cluster, fx.autoScaling.quiet.service);
      expect(activities.length).toBeGreaterThanOrEqual(2);
      const [newest, previous] = activities as [ScalingActivity, ScalingActivity];
      expect(newest.startTime - previous.startTime).toBeGreaterThanOrEqual(300_000);
      for (let i = 1; i < activities.length; i++) expect((activities[i - 1] as ScalingActivity).startTime).toBeGreaterThanOrEqual((activities[i] as ScalingActivity).startTime);
      expect(await desiredCount(fx.autoScaling.quiet.service)).toBeLessThan(fx.autoScaling.quiet.desiredCount);
      expect(await desiredCount(fx.autoScaling.quietTwin.service)).toBe(fx.autoScaling.quietTwin.desiredCount);
      expect(await ports.scaling.describeScalingActivities(fx.cluster, fx.autoScaling.quietTwin.service)).toEqual([]);
    });

    // A scheduled action sets MinCapacity/MaxCapacity at its time and, below the new minimum,
    // scales out to it (scheduled-scaling-policy-overview.html).
    it('a scheduled action changes min/max at its time and scales out to the new minimum', async () => {
      const { service, minCapacity, maxCapacity } = fx.scaled;
      const when = new Date(Math.ceil((subject.now() + 2 * 60_000) / 1000) * 1000).toISOString().slice(0, 19);
      await ports.scaling.putScheduledAction(fx.cluster, service, { name: 'prewarm', schedule: `at(${when})`, minCapacity: minCapacity + 1, maxCapacity });
      await subject.advance(60_000);
      expect((await ports.scaling.describeScalableTarget(fx.cluster, service))?.minCapacity).toBe(minCapacity);
      await subject.advance(2 * 60_000);
      expect((await ports.scaling.describeScalableTarget(fx.cluster, service))?.minCapacity).toBe(minCapacity + 1);
      expect(await desiredCount(service)).toBeGreaterThanOrEqual(minCapacity + 1);
    });

    // A step scaling policy applies the adjustment of the step holding the alarm's breach
    // (step-scaling-policy-overview.html).
    it('a step policy applies its adjustment when its alarm is in ALARM', async () => {
      const { service, firstDesiredCount } = fx.autoScaling.stepped;
      await subject.advance(3 * 60_000 + fx.metricPublicationDelayMs);
      const activities = await ports.scaling.describeScalingActivities(fx.cluster, service);
      expect(activities.at(-1)?.description).toBe(`Setting desired count to ${firstDesiredCount}.`);
      expect(activities.at(-1)?.cause).toMatch(/in state ALARM triggered policy/);
    });

    it('rejects what does not exist with NotFound', async () => {
      const notFound = [
        ports.ecs.describeTaskDefinition('no-such-family-keelson:1'),
        ports.ecs.updateService({ cluster: fx.cluster, service: fx.missingService, desiredCount: 1 }),
        ports.lb.readWeights({ listenerArn: fx.forward.targetGroups[0].replace(/targetgroup\/.*$/, 'listener/app/no-such-lb/0000000000000000/0000000000000000') }),
        ports.lb.describeTargetHealth(fx.forward.targetGroups[0].replace(/\/[^/]+\/[^/]+$/, '/no-such-tg/0000000000000000')),
        ports.dns.getChangeStatus('/change/C0000NOSUCHCHANGE'),
        ports.dns.setWeights(fx.record.key, [{ setIdentifier: `${fx.record.setIdentifiers[0]}-no-such-record`, weight: 1 }]),
      ];
      for (const call of notFound) expect((await rejection(call)).code).toBe('NotFound');
    });

    // ---------------------------------------------------------------- ECS deployment alarms and strategies
    const POLL_MS = 10_000;
    const deploymentOf = async (service: string, taskDefinition: string): Promise<EcsDeployment | undefined> => {
      const [svc] = (await ports.ecs.describeServices(fx.cluster, [service])).services;
      return svc?.deployments.find((d) => d.taskDefinition.endsWith(`/${taskDefinition}`));
    };
    const until = async (what: string, within: number, done: () => Promise<boolean>): Promise<void> => {
      for (let waited = 0; waited <= within; waited += POLL_MS) {
        if (await done()) return;
        await subject.advance(POLL_MS);
      }
      throw new Error(`not within ${within / 1000}s: ${what}`);
    };
    /** Polls the production rule until green holds all of it; returns the shares seen and when. */
    const watchShift = async (within: number): Promise<{ share: number; at: number }[]> => {
      const { productionRule, alternateTargetGroup } = fx.ecsDeployments.native;
      const seen: { share: number; at: number }[] = [];
      await until('production traffic on green', within, async () => {
        const share = greenShare(await ports.lb.readWeights(productionRule), alternateTargetGroup);
        if (seen.at(-1)?.share !== share) seen.push({ share, at: subject.now() });
        return share === 100;
      });
      return seen;
    };

    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html:
    // an alarm in ALARM fails the deployment; with rollback the service goes back to the last
    // COMPLETED deployment (deployment-failure-detection.html).
    it('fails a rolling deployment whose deployment alarm goes into ALARM and rolls back to the last completed revision (ECS deployment-alarm-failure)', async () => {
      const { alarmedWithRollback: service, bad, stable, settleMs } = fx.ecsDeployments;
      await ports.ecs.updateService({ cluster: fx.cluster, service, taskDefinition: bad });
      await until('the deployment FAILED', settleMs, async () => (await deploymentOf(service, bad))?.rolloutState === 'FAILED');
      const [svc] = (await ports.ecs.describeServices(fx.cluster, [service])).services;
      const primary = svc?.deployments.find((d) => d.status === 'PRIMARY');
      expect(primary?.taskDefinition).toMatch(new RegExp(`/${stable}$`));
      expect(primary?.rolloutState).toBe('IN_PROGRESS');
      expect(primary?.rolloutStateReason).toMatch(/rolling back/);
      await until('the rollback COMPLETED', 3 * settleMs, async () => {
        const [after] = (await ports.ecs.describeServices(fx.cluster, [service])).services;
        return after?.deployments.length === 1 && after.deployments[0]?.rolloutState === 'COMPLETED';
      });
      const [after] = (await ports.ecs.describeServices(fx.cluster, [service])).services;
      expect(after?.taskDefinition).toMatch(new RegExp(`/${stable}$`));
    });

    // Same page: without rollback the deployment is FAILED, and a FAILED deployment launches no
    // new tasks: it stays as it is.
    it('marks a rolling deployment FAILED on its alarm and leaves it there when rollback is off (ECS deployment-alarm-failure)', async () => {
      const { alarmedWithoutRollback: service, bad, settleMs } = fx.ecsDeployments;
      await ports.ecs.updateService({ cluster: fx.cluster, service, taskDefinition: bad });
      await until('the deployment FAILED', settleMs, async () => (await deploymentOf(service, bad))?.rolloutState === 'FAILED');
      const [failedAt] = (await ports.ecs.describeServices(fx.cluster, [service])).services;
      await subject.advance(settleMs);
      const [later] = (await ports.ecs.describeServices(fx.cluster, [service])).services;
      expect(later?.taskDefinition).toMatch(new RegExp(`/${bad}$`));
      expect(later?.deployments.map((d) => d.id)).toEqual(failedAt?.deployments.map((d) => d.id));
      expect(later?.deployments.find((d) => d.status === 'PRIMARY')).toMatchObject({ rolloutState: 'FAILED', rolloutStateReason: expect.stringMatching(/alarm/i) });
    });

    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/canary-deployment.html and
    // API_CanaryConfiguration: canaryPercent of production first, the rest after canaryBakeTimeInMinutes.
    it('CANARY shifts canaryPercent of production traffic, then the rest after the canary bake (ECS canary deployments)', async () => {
      const { native, good, settleMs } = fx.ecsDeployments;
      await ports.ecs.updateService({
        cluster: fx.cluster,
        service: native.service,
        taskDefinition: good,
        deploymentConfiguration: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 }, bakeTimeInMinutes: 2 },
      });
      const seen = await watchShift(settleMs + 10 * 60_000);
      expect(seen.map((s) => s.share)).toEqual([0, 10, 100]);
      const canaryFor = (seen[2]?.at ?? 0) - (seen[1]?.at ?? 0);
      expect(canaryFor).toBeGreaterThanOrEqual(5 * 60_000 - POLL_MS);
      expect(canaryFor).toBeLessThanOrEqual(5 * 60_000 + POLL_MS);
    });

    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-linear.html and
    // API_LinearConfiguration: equal steps of stepPercent, stepBakeTimeInMinutes apart.
    it('LINEAR shifts production traffic in equal steps with the step bake between them (ECS linear deployments)', async () => {
      const { native, good, settleMs } = fx.ecsDeployments;
      await ports.ecs.updateService({
        cluster: fx.cluster,
        service: native.service,
        taskDefinition: good,
        deploymentConfiguration: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 2 }, bakeTimeInMinutes: 1 },
      });
      const seen = await watchShift(settleMs + 10 * 60_000);
      expect(seen.map((s) => s.share)).toEqual([0, 25, 50, 75, 100]);
      for (let i = 2; i < seen.length; i++) {
        const gap = (seen[i]?.at ?? 0) - (seen[i - 1]?.at ?? 0);
        expect(gap).toBeGreaterThanOrEqual(2 * 60_000 - POLL_MS);
        expect(gap).toBeLessThanOrEqual(2 * 60_000 + POLL_MS);
      }
    });

    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html:
    // production moves at once; blue keeps running for bakeTimeInMinutes, then is scaled down.
    it('BLUE_GREEN shifts all production traffic at once and keeps blue running for bakeTimeInMinutes (ECS blue/green deployments)', async () => {
      const { native, good, stable, settleMs } = fx.ecsDeployments;
      await ports.ecs.updateService({ cluster: fx.cluster, service: native.service, taskDefinition: good, deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 10 } });
      const seen = await watchShift(settleMs);
      expect(seen.map((s) => s.share)).toEqual([0, 100]);
      await subject.advance(9 * 60_000);
      const blue = await deploymentOf(native.service, stable);
      expect(blue?.runningCount).toBeGreaterThan(0);
      expect((await deploymentOf(native.service, good))?.rolloutState).toBe('IN_PROGRESS');
      await until('blue gone and green COMPLETED', settleMs, async () => {
        const [svc] = (await ports.ecs.describeServices(fx.cluster, [native.service])).services;
        return svc?.deployments.length === 1 && svc.deployments[0]?.rolloutState === 'COMPLETED';
      });
      const [svc] = (await ports.ecs.describeServices(fx.cluster, [native.service])).services;
      expect(svc?.taskDefinition).toMatch(new RegExp(`/${good}$`));
      expect(greenShare(await ports.lb.readWeights(native.productionRule), native.alternateTargetGroup)).toBe(100);
    });

    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-how-it-works.html:
    // alarms are watched during the bake; one in ALARM rolls back, production traffic returns to blue.
    it('BLUE_GREEN with a deployment alarm firing during the bake shifts production traffic back to blue (ECS blue/green workflow)', async () => {
      const { native, bad, stable, settleMs } = fx.ecsDeployments;
      await ports.ecs.updateService({ cluster: fx.cluster, service: native.service, taskDefinition: bad, deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 10 } });
      const shifted = await watchShift(settleMs);
      const shiftedAt = shifted.at(-1)?.at ?? 0;
      await until('the deployment FAILED', settleMs, async () => (await deploymentOf(native.service, bad))?.rolloutState === 'FAILED');
      expect(subject.now() - shiftedAt).toBeLessThan(10 * 60_000);
      expect(greenShare(await ports.lb.readWeights(native.productionRule), native.alternateTargetGroup)).toBe(0);
      expect(greenShare(await ports.lb.readWeights(native.productionRule), native.primaryTargetGroup)).toBe(100);
      const [svc] = (await ports.ecs.describeServices(fx.cluster, [native.service])).services;
      expect(svc?.taskDefinition).toMatch(new RegExp(`/${stable}$`));
    });

    // Route 53's ListResourceRecordSets never fails for a name without records: it answers with the
    // record sets from the next name on (API Reference, ListResourceRecordSets, StartRecordName).
    it('reads no weighted records, without an error, for a name or type that has none', async () => {
      const { recordName, recordType } = fx.record.key;
      expect(await ports.dns.readWeightedRecords({ ...fx.record.key, recordName: `no-such-record.${recordName}` })).toEqual([]);
      expect(await ports.dns.readWeightedRecords({ ...fx.record.key, recordName: recordName.slice(0, -1) })).toEqual([]);
      expect(await ports.dns.readWeightedRecords({ ...fx.record.key, recordType: recordType === 'A' ? 'AAAA' : 'A' })).toEqual([]);
      const named = await ports.dns.readWeightedRecords({ ...fx.record.key, recordName: `${recordName.toUpperCase()}.` });
      expect(named.map((r) => r.setIdentifier).sort()).toEqual([...fx.record.setIdentifiers].sort());
    });

    // The ports stand for AWS SDK clients: a throttled or transient failure is retried by the SDK
    // before the caller sees it, and the caller sees only the last attempt's outcome (AWS SDKs and
    // Tools Reference Guide, Retry behavior: https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
    if (options.faults) {
      const faultsOf = (): ContractFaults => {
        if (!subject.faults) throw new Error(`${name} was declared able to inject faults but has none`);
        return subject.faults;
      };

      it('an intermittently throttled call succeeds within maxAttempts, each attempt an AWS call (SDK retry behavior)', async () => {
        const f = faultsOf();
        f.throttleEcs('DescribeServices', f.maxAttempts - 1);
        const result = await f.settle(ports.ecs.describeServices(fx.cluster, fx.services));
        expect(result.services.map((s) => s.name).sort()).toEqual([...fx.services].sort());
        expect(f.ecsAttempts('DescribeServices')).toBe(f.maxAttempts);
      });

      it('a call throttled on every attempt fails with Throttled after exactly maxAttempts attempts (SDK retry behavior)', async () => {
        const f = faultsOf();
        f.throttleEcs('DescribeServices', Infinity);
        expect((await rejection(f.settle(ports.ecs.describeServices(fx.cluster, fx.services)))).code).toBe('Throttled');
        expect(f.ecsAttempts('DescribeServices')).toBe(f.maxAttempts);
      });

      it('a call failing with an error no retry can fix is made once (SDK retry behavior: client errors are not retried)', async () => {
        const f = faultsOf();
        expect((await rejection(f.settle(ports.ecs.describeTaskDefinition('no-such-family-keelson:1')))).code).toBe('NotFound');
        expect(f.ecsAttempts('DescribeTaskDefinition')).toBe(1);
      });
    }
  });
}
