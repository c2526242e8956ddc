// EcsPort on the ECS API.
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { ECSClient, RunTaskCommandInput, Service, Task, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import { CloudError } from '../errors.js';
import type {
  DescribeServicesResult,
  EcsPort,
  EcsService,
  EcsTask,
  RunTaskInput,
  TaskDefinition,
  UpdateServiceInput,
} from '../ports.js';
import { chunk, mapLimit } from './batch.js';
import type { AwsCall } from './call.js';
import { copyWithImage, stoppedTime, toDeploymentConfiguration, toEcsService, toTask, toTaskDefinition } from './ecs-mapping.js';

/** ECS limits: services per DescribeServices, tasks per DescribeTasks and per ListTasks page. */
const SERVICES_PER_CALL = 10;
const TASKS_PER_CALL = 100;
/** DescribeServices calls in flight at once for one describeServices. */
const PARALLEL_CALLS = 4;
/** Shown in the console's "Started by" for tasks keelson runs. */
const STARTED_BY = 'keelson';

export class AwsEcs implements EcsPort {
  constructor(
    private readonly client: ECSClient,
    private readonly call: AwsCall,
  ) {}

  async describeServices(cluster: string, services: readonly string[]): Promise<DescribeServicesResult> {
    const pages = await mapLimit(chunk(services, SERVICES_PER_CALL), PARALLEL_CALLS, (names) =>
      this.call('DescribeServices', () => this.client.send(new DescribeServicesCommand({ cluster, services: names }))),
    );
    return {
      services: pages.flatMap((p) => (p.services ?? []).map((s) => toEcsService(s, cluster))),
      failures: pages.flatMap((p) => (p.failures ?? []).map((f) => ({ arn: f.arn ?? '', reason: f.reason ?? '' }))),
    };
  }

  async updateService(input: UpdateServiceInput): Promise<EcsService> {
    const request: UpdateServiceCommandInput = { cluster: input.cluster, service: input.service };
    if (input.taskDefinition !== undefined) request.taskDefinition = input.taskDefinition;
    if (input.desiredCount !== undefined) request.desiredCount = input.desiredCount;
    if (input.forceNewDeployment !== undefined) request.forceNewDeployment = input.forceNewDeployment;
    if (input.deploymentConfiguration !== undefined) request.deploymentConfiguration = toDeploymentConfiguration(input.deploymentConfiguration);
    const out = await this.call('UpdateService', () => this.client.send(new UpdateServiceCommand(request)));
    if (!out.service) throw this.missing('UpdateService', `service ${input.service} in ${input.cluster}`);
    return toEcsService(out.service, input.cluster);
  }

  async describeTaskDefinition(ref: string): Promise<TaskDefinition> {
    const out = await this.call('DescribeTaskDefinition', () =>
      this.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref })),
    );
    if (!out.taskDefinition) throw this.missing('DescribeTaskDefinition', `task definition ${ref}`);
    return toTaskDefinition(out.taskDefinition);
  }

  async registerTaskDefinitionFrom(
    base: string,
    change: { container: string; image: string },
    tags: Record<string, string> = {},
  ): Promise<TaskDefinition> {
    const described = await this.call('DescribeTaskDefinition', () =>
      this.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: base, include: ['TAGS'] })),
    );
    if (!described.taskDefinition) throw this.missing('DescribeTaskDefinition', `task definition ${base}`);
    const input = copyWithImage(described.taskDefinition, described.tags ?? [], change, tags);
    if (!input) {
      throw new CloudError('Invalid', `task definition ${base} has no container named "${change.container}"`, {
        service: 'ecs',
        operation: 'RegisterTaskDefinition',
      });
    }
    const out = await this.call('RegisterTaskDefinition', () => this.client.send(new RegisterTaskDefinitionCommand(input)));
    return toTaskDefinition(out.taskDefinition, out.tags);
  }

  async findTaskDefinition(family: string, tags: Record<string, string>, options: { limit: number }): Promise<TaskDefinition | undefined> {
    const listed = await this.call('ListTaskDefinitions', () =>
      this.client.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE', sort: 'DESC', maxResults: options.limit })),
    );
    // familyPrefix is a prefix: `web` lists `web-admin` too.
    const arns = (listed.taskDefinitionArns ?? []).filter((arn) => arn.split('task-definition/')[1]?.split(':')[0] === family);
    for (const arn of arns) {
      const out = await this.call('DescribeTaskDefinition', () =>
        this.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] })),
      );
      const td = toTaskDefinition(out.taskDefinition, out.tags);
      if (Object.entries(tags).every(([key, value]) => td.tags?.[key] === value)) return td;
    }
    return undefined;
  }

  async listStoppedTasks(cluster: string, service: string, options: { since?: number; limit?: number } = {}): Promise<EcsTask[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call('ListTasks', () =>
        this.client.send(
          new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED', maxResults: TASKS_PER_CALL, nextToken }),
        ),
      );
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const since = options.since ?? 0;
    const tasks = (await this.describeRawTasks(cluster, arns))
      .filter((t) => stoppedTime(t) >= since)
      .sort((a, b) => stoppedTime(b) - stoppedTime(a));
    return tasks.slice(0, options.limit ?? tasks.length).map(toTask);
  }

  async runTask(input: RunTaskInput): Promise<{ taskArn: string }> {
    const request: RunTaskCommandInput = {
      cluster: input.cluster,
      taskDefinition: input.taskDefinition,
      count: 1,
      startedBy: input.startedBy ?? STARTED_BY,
      ...(input.clientToken ? { clientToken: input.clientToken } : {}),
      ...(input.likeService ? await this.placementOf(input.cluster, input.likeService) : {}),
    };
    if (input.overrides && input.overrides.length > 0) {
      request.overrides = {
        containerOverrides: input.overrides.map((o) => ({
          name: o.name,
          ...(o.command ? { command: o.command } : {}),
          ...(o.environment ? { environment: Object.entries(o.environment).map(([name, value]) => ({ name, value })) } : {}),
        })),
      };
    }
    const out = await this.call('RunTask', () => this.client.send(new RunTaskCommand(request)));
    const taskArn = out.tasks?.[0]?.taskArn;
    if (taskArn) return { taskArn };
    const failure = out.failures?.[0];
    // RunTask reports capacity and placement problems as failures, not errors; they pass.
    throw new CloudError('Unavailable', `ecs RunTask: no task started: ${failure?.reason ?? 'no reason given'}${failure?.detail ? ` (${failure.detail})` : ''}`, {
      service: 'ecs',
      operation: 'RunTask',
      ...(failure?.reason ? { awsCode: failure.reason } : {}),
    });
  }

  async describeTasks(cluster: string, taskArns: readonly string[]): Promise<EcsTask[]> {
    return (await this.describeRawTasks(cluster, taskArns)).map(toTask);
  }

  async stopTask(cluster: string, taskArn: string, reason: string): Promise<'unchanged' | 'updated'> {
    const [task] = await this.describeRawTasks(cluster, [taskArn]);
    if (task?.lastStatus === 'STOPPED' || task?.desiredStatus === 'STOPPED') return 'unchanged';
    // StopTask's reason is at most 255 characters; it becomes the task's stoppedReason.
    await this.call('StopTask', () => this.client.send(new StopTaskCommand({ cluster, task: taskArn, reason: reason.slice(0, 255) })));
    return 'updated';
  }

  private async describeRawTasks(cluster: string, taskArns: readonly string[]): Promise<Task[]> {
    const pages = await mapLimit(chunk(taskArns, TASKS_PER_CALL), PARALLEL_CALLS, (tasks) =>
      this.call('DescribeTasks', () => this.client.send(new DescribeTasksCommand({ cluster, tasks }))),
    );
    // Tasks ECS has already forgotten come back as failures; there is nothing to say about them.
    return pages.flatMap((p) => p.tasks ?? []);
  }

  /** Where and how a service runs its tasks, so that a one-off task runs the same way. */
  private async placementOf(cluster: string, service: string): Promise<Partial<RunTaskCommandInput>> {
    const out = await this.call('DescribeServices', () =>
      this.client.send(new DescribeServicesCommand({ cluster, services: [service] })),
    );
    const found: Service | undefined = out.services?.find((s) => s.status !== 'INACTIVE');
    if (!found) throw this.missing('DescribeServices', `service ${service} in ${cluster}`);
    const placement: Partial<RunTaskCommandInput> = {};
    // A capacity provider strategy and a launch type cannot both be given.
    if (found.capacityProviderStrategy && found.capacityProviderStrategy.length > 0) {
      placement.capacityProviderStrategy = found.capacityProviderStrategy;
    } else if (found.launchType) {
      placement.launchType = found.launchType;
    }
    if (found.networkConfiguration) placement.networkConfiguration = found.networkConfiguration;
    if (found.platformVersion) placement.platformVersion = found.platformVersion;
    return placement;
  }

  private missing(operation: string, what: string): CloudError {
    return new CloudError('NotFound', `ecs ${operation}: ${what} not found`, { service: 'ecs', operation });
  }
}
