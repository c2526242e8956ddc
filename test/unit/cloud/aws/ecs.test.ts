import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { DescribeServicesCommandOutput, DescribeTaskDefinitionCommandOutput, Service, Task } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { isCloudError } from '../../../../src/cloud/errors.js';
import { awsPortsForTest, fixture } from './helpers.js';

const ecs = mockClient(ECSClient);
const CLUSTER = 'aep-prod';
const ACCOUNT_ARN = 'arn:aws:ecs:us-east-1:123456789012';

function serviceNamed(name: string): Service {
  const [template] = fixture<DescribeServicesCommandOutput>('ecs-describe-services.json').services ?? [];
  return { ...template, serviceName: name, serviceArn: `${ACCOUNT_ARN}:service/${CLUSTER}/${name}` };
}

function stoppedTask(id: number, stoppedAtMs: number): Task {
  return {
    taskArn: `${ACCOUNT_ARN}:task/${CLUSTER}/${id.toString(16).padStart(32, '0')}`,
    taskDefinitionArn: `${ACCOUNT_ARN}:task-definition/aep-backend-prod:12`,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stoppedAt: new Date(stoppedAtMs),
    stopCode: 'EssentialContainerExited',
    stoppedReason: `task ${id} exited`,
    containers: [{ name: 'backend', exitCode: 137 }],
  };
}

beforeEach(() => {
  ecs.reset();
});

describe('AwsEcs.describeServices', () => {
  it('asks for at most 10 services per call and reports the ones ECS could not find', async () => {
    const names = Array.from({ length: 23 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    const missing = new Set(['svc-04', 'svc-21']);
    ecs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
      services: input.services.filter((n) => !missing.has(n)).map(serviceNamed),
      failures: input.services
        .filter((n) => missing.has(n))
        .map((n) => ({ arn: `${ACCOUNT_ARN}:service/${CLUSTER}/${n}`, reason: 'MISSING' })),
    }));
    const { ports } = awsPortsForTest();

    const result = await ports.ecs.describeServices(CLUSTER, names);

    const requests = ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input);
    expect(requests).toEqual([
      { cluster: CLUSTER, services: names.slice(0, 10) },
      { cluster: CLUSTER, services: names.slice(10, 20) },
      { cluster: CLUSTER, services: names.slice(20, 23) },
    ]);
    expect(result.services.map((s) => s.name)).toEqual(names.filter((n) => !missing.has(n)));
    expect(result.failures).toEqual([
      { arn: `${ACCOUNT_ARN}:service/${CLUSTER}/svc-04`, reason: 'MISSING' },
      { arn: `${ACCOUNT_ARN}:service/${CLUSTER}/svc-21`, reason: 'MISSING' },
    ]);
  });

  it('maps deployments, rollout state, target groups and the circuit breaker', async () => {
    ecs.on(DescribeServicesCommand).resolves(fixture('ecs-describe-services.json'));
    const { ports } = awsPortsForTest();

    const { services } = await ports.ecs.describeServices(CLUSTER, ['aep-backend-green']);

    expect(services).toEqual([
      {
        arn: `${ACCOUNT_ARN}:service/aep-prod/aep-backend-green`,
        name: 'aep-backend-green',
        cluster: 'aep-prod',
        status: 'ACTIVE',
        taskDefinition: `${ACCOUNT_ARN}:task-definition/aep-backend-prod:12`,
        desiredCount: 2,
        runningCount: 3,
        pendingCount: 1,
        deployments: [
          {
            id: 'ecs-svc/9223370470118479312',
            status: 'PRIMARY',
            taskDefinition: `${ACCOUNT_ARN}:task-definition/aep-backend-prod:12`,
            desiredCount: 2,
            runningCount: 1,
            pendingCount: 1,
            failedTasks: 3,
            rolloutState: 'IN_PROGRESS',
            rolloutStateReason: 'ECS deployment ecs-svc/9223370470118479312 in progress.',
            createdAt: Date.parse('2024-05-14T09:30:00.000Z'),
            updatedAt: Date.parse('2024-05-14T09:34:12.500Z'),
          },
          {
            id: 'ecs-svc/9223370470118479999',
            status: 'ACTIVE',
            taskDefinition: `${ACCOUNT_ARN}:task-definition/aep-backend-prod:11`,
            desiredCount: 2,
            runningCount: 2,
            pendingCount: 0,
            failedTasks: 0,
            rolloutState: 'COMPLETED',
            rolloutStateReason: 'ECS deployment ecs-svc/9223370470118479999 completed.',
            createdAt: Date.parse('2024-05-10T16:02:00.000Z'),
            updatedAt: Date.parse('2024-05-10T16:08:45.000Z'),
          },
        ],
        loadBalancers: [
          {
            targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/aep-green/73e2d6bc24d8a067',
            containerName: 'backend',
            containerPort: 8000,
          },
        ],
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200, circuitBreaker: { enable: true, rollback: false } },
      },
    ]);
  });

  it('makes no call for an empty list', async () => {
    const { ports } = awsPortsForTest();
    expect(await ports.ecs.describeServices(CLUSTER, [])).toEqual({ services: [], failures: [] });
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(0);
  });
});

describe('AwsEcs.updateService', () => {
  it('sends only the fields it was given and returns the updated service', async () => {
    ecs.on(UpdateServiceCommand).resolves({ service: serviceNamed('aep-backend-green') });
    const { ports } = awsPortsForTest();

    const service = await ports.ecs.updateService({ cluster: CLUSTER, service: 'aep-backend-green', desiredCount: 0 });
    await ports.ecs.updateService({ cluster: CLUSTER, service: 'aep-backend-green', taskDefinition: 'aep-backend-prod:12', forceNewDeployment: true });

    expect(ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: CLUSTER, service: 'aep-backend-green', desiredCount: 0 },
      { cluster: CLUSTER, service: 'aep-backend-green', taskDefinition: 'aep-backend-prod:12', forceNewDeployment: true },
    ]);
    expect(service.name).toBe('aep-backend-green');
    expect(service.deployments[0]?.status).toBe('PRIMARY');
  });
});

describe('AwsEcs.updateService deployment configuration', () => {
  it('sends alarms, the strategy and its configuration in the exact UpdateService request shape', async () => {
    ecs.on(UpdateServiceCommand).resolves({ service: serviceNamed('aep-backend') });
    const { ports } = awsPortsForTest();

    await ports.ecs.updateService({
      cluster: CLUSTER,
      service: 'aep-backend',
      taskDefinition: 'aep-backend-prod:12',
      deploymentConfiguration: {
        strategy: 'CANARY',
        bakeTimeInMinutes: 15,
        canaryConfiguration: { canaryPercent: 12.5, canaryBakeTimeInMinutes: 5 },
        alarms: { alarmNames: ['aep-5xx', 'aep-latency'], enable: true, rollback: true },
        circuitBreaker: { enable: true, rollback: true },
      },
    });
    await ports.ecs.updateService({
      cluster: CLUSTER,
      service: 'aep-backend',
      deploymentConfiguration: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: 2 }, maximumPercent: 150 },
    });

    expect(ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([
      {
        cluster: CLUSTER,
        service: 'aep-backend',
        taskDefinition: 'aep-backend-prod:12',
        deploymentConfiguration: {
          deploymentCircuitBreaker: { enable: true, rollback: true },
          alarms: { alarmNames: ['aep-5xx', 'aep-latency'], enable: true, rollback: true },
          strategy: 'CANARY',
          bakeTimeInMinutes: 15,
          canaryConfiguration: { canaryPercent: 12.5, canaryBakeTimeInMinutes: 5 },
        },
      },
      {
        cluster: CLUSTER,
        service: 'aep-backend',
        deploymentConfiguration: { maximumPercent: 150, strategy: 'LINEAR', linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: 2 } },
      },
    ]);
  });

  it('reads the strategy, alarms and advanced load balancer configuration back from DescribeServices', async () => {
    const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/aep-blue/73e2d6bc24d8a067';
    const alternate = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/aep-green/83e2d6bc24d8a067';
    const rule = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/aep/1/2/3';
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        {
          ...serviceNamed('aep-backend'),
          loadBalancers: [
            {
              targetGroupArn: tg,
              containerName: 'backend',
              containerPort: 8000,
              advancedConfiguration: { alternateTargetGroupArn: alternate, productionListenerRule: rule, roleArn: 'arn:aws:iam::123456789012:role/ecs-lb' },
            },
          ],
          deploymentConfiguration: {
            minimumHealthyPercent: 100,
            maximumPercent: 200,
            strategy: 'BLUE_GREEN',
            bakeTimeInMinutes: 10,
            alarms: { alarmNames: ['aep-5xx'], enable: true, rollback: false },
          },
        },
      ],
    });
    const { ports } = awsPortsForTest();

    const [service] = (await ports.ecs.describeServices(CLUSTER, ['aep-backend'])).services;

    expect(service?.loadBalancers).toEqual([
      {
        targetGroupArn: tg,
        containerName: 'backend',
        containerPort: 8000,
        advancedConfiguration: { alternateTargetGroupArn: alternate, productionListenerRule: rule, roleArn: 'arn:aws:iam::123456789012:role/ecs-lb' },
      },
    ]);
    expect(service?.deploymentConfiguration).toEqual({
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 10,
      alarms: { alarmNames: ['aep-5xx'], enable: true, rollback: false },
    });
  });
});

describe('AwsEcs task definitions', () => {
  it('describes a task definition by family:revision', async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves(fixture('ecs-describe-task-definition.json'));
    const { ports } = awsPortsForTest();

    const td = await ports.ecs.describeTaskDefinition('aep-backend-prod:11');

    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)[0]?.args[0].input).toEqual({ taskDefinition: 'aep-backend-prod:11' });
    expect(td).toEqual({
      arn: `${ACCOUNT_ARN}:task-definition/aep-backend-prod:11`,
      family: 'aep-backend-prod',
      revision: 11,
      status: 'ACTIVE',
      containers: [
        {
          name: 'backend',
          image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/aep-backend@sha256:1111111111111111111111111111111111111111111111111111111111111111',
          // environment and secrets kept apart, as ContainerDefinition has them (the plaintext-secret check reads only environment)
          environment: [{ name: 'APP_ENV', value: 'prod' }],
          secrets: [{ name: 'DATABASE_URL', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:aep/prod/db-AbCdEf' }],
          // Where a job's logs go: its stream is <awslogs-stream-prefix>/<container>/<task id>.
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': '/ecs/aep-backend-prod', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' },
          },
        },
        { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable' },
      ],
    });
  });

  it('registers a copy with one image replaced, without the read-only fields, keeping the tags', async () => {
    const base = fixture<DescribeTaskDefinitionCommandOutput>('ecs-describe-task-definition.json');
    const newImage = '123456789012.dkr.ecr.us-east-1.amazonaws.com/aep-backend@sha256:2222222222222222222222222222222222222222222222222222222222222222';
    ecs.on(DescribeTaskDefinitionCommand).resolves(base);
    ecs.on(RegisterTaskDefinitionCommand).callsFake((input: { family: string; containerDefinitions: unknown[] }) => ({
      taskDefinition: { ...input, taskDefinitionArn: `${ACCOUNT_ARN}:task-definition/${input.family}:12`, revision: 12, status: 'ACTIVE' },
    }));
    const { ports } = awsPortsForTest();

    const td = await ports.ecs.registerTaskDefinitionFrom('aep-backend-prod:11', { container: 'backend', image: newImage });

    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)[0]?.args[0].input).toEqual({
      taskDefinition: 'aep-backend-prod:11',
      include: ['TAGS'],
    });
    const sent = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]?.args[0].input;
    const original = base.taskDefinition!;
    const [backend, logRouter] = original.containerDefinitions!;
    expect(sent).toEqual({
      family: 'aep-backend-prod',
      taskRoleArn: original.taskRoleArn,
      executionRoleArn: original.executionRoleArn,
      networkMode: 'awsvpc',
      volumes: [],
      placementConstraints: [],
      runtimePlatform: original.runtimePlatform,
      requiresCompatibilities: ['FARGATE'],
      cpu: '512',
      memory: '1024',
      containerDefinitions: [{ ...backend, image: newImage }, logRouter],
      tags: [{ key: 'team', value: 'platform' }],
    });
    expect(td).toMatchObject({ family: 'aep-backend-prod', revision: 12, containers: [{ name: 'backend', image: newImage }, { name: 'log-router' }] });
  });

  it('registers from a deregistered revision without carrying over its status or dates', async () => {
    const base = fixture<DescribeTaskDefinitionCommandOutput>('ecs-describe-task-definition.json');
    const deregistered = {
      ...base,
      taskDefinition: { ...base.taskDefinition, status: 'INACTIVE' as const, deregisteredAt: new Date('2024-05-20T08:00:00.000Z'), deleteRequestedAt: new Date('2024-05-21T08:00:00.000Z') },
    };
    ecs.on(DescribeTaskDefinitionCommand).resolves(deregistered);
    ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { family: 'aep-backend-prod', revision: 13, status: 'ACTIVE' } });
    const { ports } = awsPortsForTest();

    await ports.ecs.registerTaskDefinitionFrom('aep-backend-prod:11', { container: 'backend', image: 'repo/backend:rollback' });

    const sent = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]?.args[0].input ?? {};
    for (const readOnly of ['status', 'deregisteredAt', 'deleteRequestedAt', 'registeredAt', 'registeredBy', 'revision', 'taskDefinitionArn']) {
      expect(sent).not.toHaveProperty(readOnly);
    }
  });

  it('tags a registered copy with the given tags, replacing a base tag of the same key', async () => {
    const base = fixture<DescribeTaskDefinitionCommandOutput>('ecs-describe-task-definition.json');
    ecs.on(DescribeTaskDefinitionCommand).resolves({ ...base, tags: [{ key: 'team', value: 'platform' }, { key: 'keelson.dev/spec-hash', value: 'old' }] });
    ecs.on(RegisterTaskDefinitionCommand).callsFake((input: { family: string; tags: unknown }) => ({
      taskDefinition: { family: input.family, taskDefinitionArn: `${ACCOUNT_ARN}:task-definition/${input.family}:12`, revision: 12, status: 'ACTIVE' },
      tags: input.tags,
    }));
    const { ports } = awsPortsForTest();

    const td = await ports.ecs.registerTaskDefinitionFrom('aep-backend-prod:11', { container: 'backend', image: 'repo/backend:2' }, {
      'keelson.dev/derived-from': 'aep-backend-prod:11',
      'keelson.dev/spec-hash': 'new',
    });

    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)[0]?.args[0].input.tags).toEqual([
      { key: 'team', value: 'platform' },
      { key: 'keelson.dev/derived-from', value: 'aep-backend-prod:11' },
      { key: 'keelson.dev/spec-hash', value: 'new' },
    ]);
    expect(td.tags).toEqual({ team: 'platform', 'keelson.dev/derived-from': 'aep-backend-prod:11', 'keelson.dev/spec-hash': 'new' });
  });

  it('finds a revision by its tags: the family listed newest first, bounded, each described with its tags', async () => {
    const arn = (family: string, revision: number) => `${ACCOUNT_ARN}:task-definition/${family}:${revision}`;
    ecs.on(ListTaskDefinitionsCommand).resolves({
      taskDefinitionArns: [arn('aep-backend-prod-worker', 3), arn('aep-backend-prod', 14), arn('aep-backend-prod', 13), arn('aep-backend-prod', 12)],
    });
    const tagsOf: Record<string, { key: string; value: string }[]> = {
      [arn('aep-backend-prod', 14)]: [{ key: 'keelson.dev/spec-hash', value: 'other' }],
      [arn('aep-backend-prod', 13)]: [{ key: 'team', value: 'platform' }, { key: 'keelson.dev/spec-hash', value: 'abc' }],
    };
    ecs.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
      taskDefinition: { taskDefinitionArn: input.taskDefinition, family: 'aep-backend-prod', revision: Number(input.taskDefinition.split(':').pop()), status: 'ACTIVE' },
      tags: tagsOf[input.taskDefinition] ?? [],
    }));
    const { ports } = awsPortsForTest();

    const td = await ports.ecs.findTaskDefinition('aep-backend-prod', { 'keelson.dev/spec-hash': 'abc' }, { limit: 10 });

    expect(ecs.commandCalls(ListTaskDefinitionsCommand).map((c) => c.args[0].input)).toEqual([
      { familyPrefix: 'aep-backend-prod', status: 'ACTIVE', sort: 'DESC', maxResults: 10 },
    ]);
    // Another family sharing the prefix is never described; the search stops at the first match.
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input)).toEqual([
      { taskDefinition: arn('aep-backend-prod', 14), include: ['TAGS'] },
      { taskDefinition: arn('aep-backend-prod', 13), include: ['TAGS'] },
    ]);
    expect(td).toMatchObject({ family: 'aep-backend-prod', revision: 13, tags: { team: 'platform', 'keelson.dev/spec-hash': 'abc' } });
    expect(await ports.ecs.findTaskDefinition('aep-backend-prod', { 'keelson.dev/spec-hash': 'none' }, { limit: 10 })).toBeUndefined();
  });

  it('refuses a container the task definition does not have, registering nothing', async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves(fixture('ecs-describe-task-definition.json'));
    const { ports } = awsPortsForTest();

    const failure = await ports.ecs.registerTaskDefinitionFrom('aep-backend-prod:11', { container: 'frontend', image: 'x:1' }).catch((e: unknown) => e);

    expect(isCloudError(failure, 'Invalid')).toBe(true);
    expect((failure as Error).message).toContain('"frontend"');
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
  });
});

describe('AwsEcs tasks', () => {
  it('lists stopped tasks across pages, describes them 100 at a time, newest first, honouring since and limit', async () => {
    const base = Date.parse('2024-05-14T09:00:00.000Z');
    // 150 tasks; task i stopped i seconds after base, listed in no particular order.
    const tasks = Array.from({ length: 150 }, (_, i) => stoppedTask(i, base + i * 1000)).reverse();
    const arns = tasks.map((t) => t.taskArn!);
    ecs.on(ListTasksCommand).callsFake((input: { nextToken?: string }) =>
      input.nextToken === 'page-2' ? { taskArns: arns.slice(100) } : { taskArns: arns.slice(0, 100), nextToken: 'page-2' },
    );
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: tasks.filter((t) => input.tasks.includes(t.taskArn!)),
      failures: [],
    }));
    const { ports } = awsPortsForTest();

    const stopped = await ports.ecs.listStoppedTasks(CLUSTER, 'aep-backend-green', { since: base + 100_000, limit: 3 });

    expect(ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: CLUSTER, serviceName: 'aep-backend-green', desiredStatus: 'STOPPED', maxResults: 100, nextToken: undefined },
      { cluster: CLUSTER, serviceName: 'aep-backend-green', desiredStatus: 'STOPPED', maxResults: 100, nextToken: 'page-2' },
    ]);
    expect(ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: CLUSTER, tasks: arns.slice(0, 100) },
      { cluster: CLUSTER, tasks: arns.slice(100) },
    ]);
    expect(stopped.map((t) => t.stoppedReason)).toEqual(['task 149 exited', 'task 148 exited', 'task 147 exited']);

    const recent = await ports.ecs.listStoppedTasks(CLUSTER, 'aep-backend-green', { since: base + 147_000 });
    expect(recent.map((t) => t.stoppedAt)).toEqual([base + 149_000, base + 148_000, base + 147_000]);
  });

  it('maps a stopped task with its container exit code and reason', async () => {
    ecs.on(DescribeTasksCommand).resolves(fixture('ecs-describe-tasks.json'));
    const { ports } = awsPortsForTest();
    const arn = `${ACCOUNT_ARN}:task/aep-prod/0f2b9e4a5c6d7e8f9a0b1c2d3e4f5a6b`;

    const [task] = await ports.ecs.describeTasks(CLUSTER, [arn]);

    expect(ecs.commandCalls(DescribeTasksCommand)[0]?.args[0].input).toEqual({ cluster: CLUSTER, tasks: [arn] });
    expect(task).toEqual({
      arn,
      taskDefinition: `${ACCOUNT_ARN}:task-definition/aep-backend-prod:12`,
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      startedAt: Date.parse('2024-05-14T09:31:40.000Z'),
      stoppedAt: Date.parse('2024-05-14T09:32:30.000Z'),
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [{ name: 'backend', exitCode: 1, reason: 'CannotStartContainerError: ResourceInitializationError: unable to pull secrets' }],
    });
  });

  it('runs a one-off task placed like a service, with container overrides', async () => {
    ecs.on(DescribeServicesCommand).resolves(fixture('ecs-describe-services.json'));
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: `${ACCOUNT_ARN}:task/aep-prod/feedface` }], failures: [] });
    const { ports } = awsPortsForTest();

    const result = await ports.ecs.runTask({
      cluster: CLUSTER,
      taskDefinition: 'aep-backend-prod:12',
      likeService: 'aep-backend-green',
      overrides: [{ name: 'backend', command: ['alembic', 'upgrade', 'head'], environment: { MIGRATION: '1' } }],
    });

    expect(result).toEqual({ taskArn: `${ACCOUNT_ARN}:task/aep-prod/feedface` });
    expect(ecs.commandCalls(DescribeServicesCommand)[0]?.args[0].input).toEqual({ cluster: CLUSTER, services: ['aep-backend-green'] });
    expect(ecs.commandCalls(RunTaskCommand)[0]?.args[0].input).toEqual({
      cluster: CLUSTER,
      taskDefinition: 'aep-backend-prod:12',
      count: 1,
      startedBy: 'keelson',
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
          securityGroups: ['sg-0123456789abcdef0'],
          assignPublicIp: 'DISABLED',
        },
      },
      overrides: { containerOverrides: [{ name: 'backend', command: ['alembic', 'upgrade', 'head'], environment: [{ name: 'MIGRATION', value: '1' }] }] },
    });
  });

  it('sends the client token and the startedBy it is given, so a repeated RunTask finds the same task', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: 'arn:task' }] });
    const { ports } = awsPortsForTest();

    await ports.ecs.runTask({ cluster: CLUSTER, taskDefinition: 'aep-backend-prod:12', clientToken: 'keelson-0123abcd', startedBy: 'keelson/aep-backend-prod' });

    expect(ecs.commandCalls(RunTaskCommand)[0]?.args[0].input).toMatchObject({ clientToken: 'keelson-0123abcd', startedBy: 'keelson/aep-backend-prod' });
  });

  it('stops a running task with its reason, and leaves a stopped one alone', async () => {
    const arn = `${ACCOUNT_ARN}:task/aep-prod/feedface`;
    ecs.on(DescribeTasksCommand).resolvesOnce({ tasks: [{ taskArn: arn, lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }] }).resolves({ tasks: [{ taskArn: arn, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }] });
    ecs.on(StopTaskCommand).resolves({});
    const { ports } = awsPortsForTest();

    expect(await ports.ecs.stopTask(CLUSTER, arn, 'keelson: job migrate ran past its timeout of 10m')).toBe('updated');
    expect(await ports.ecs.stopTask(CLUSTER, arn, 'again')).toBe('unchanged');

    expect(ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input)).toEqual([{ cluster: CLUSTER, task: arn, reason: 'keelson: job migrate ran past its timeout of 10m' }]);
  });

  it('copies a capacity provider strategy instead of a launch type', async () => {
    const strategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 }, { capacityProvider: 'FARGATE', weight: 1, base: 1 }];
    ecs.on(DescribeServicesCommand).resolves({ services: [{ ...serviceNamed('worker'), launchType: undefined, capacityProviderStrategy: strategy }] });
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: 'arn:task' }] });
    const { ports } = awsPortsForTest();

    await ports.ecs.runTask({ cluster: CLUSTER, taskDefinition: 'worker:3', likeService: 'worker' });

    const sent = ecs.commandCalls(RunTaskCommand)[0]?.args[0].input;
    expect(sent?.capacityProviderStrategy).toEqual(strategy);
    expect(sent).not.toHaveProperty('launchType');
    expect(sent).not.toHaveProperty('overrides');
  });

  it('reports a task ECS could not place as Unavailable with its reason', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/x', reason: 'RESOURCE:MEMORY' }] });
    const { ports } = awsPortsForTest();

    const failure = await ports.ecs.runTask({ cluster: CLUSTER, taskDefinition: 'aep-backend-prod:12' }).catch((e: unknown) => e);

    expect(isCloudError(failure, 'Unavailable')).toBe(true);
    expect((failure as Error).message).toContain('RESOURCE:MEMORY');
  });

  it('fails with NotFound when the service to copy placement from does not exist', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: `${ACCOUNT_ARN}:service/${CLUSTER}/gone`, reason: 'MISSING' }] });
    const { ports } = awsPortsForTest();

    const failure = await ports.ecs.runTask({ cluster: CLUSTER, taskDefinition: 'x:1', likeService: 'gone' }).catch((e: unknown) => e);

    expect(isCloudError(failure, 'NotFound')).toBe(true);
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0);
  });
});
