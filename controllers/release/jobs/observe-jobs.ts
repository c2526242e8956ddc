// The reads jobs need each pass: the tasks of runs under way (one DescribeTasks), where their
// logs go (the task definition's awslogs options), and the probe of the http step the rollout is at.
import type { Release, ReleaseStatus } from '../../../src/api/types.js';
import type { CloudPorts, ContainerLogConfiguration, EcsTask } from '../../../src/cloud/ports.js';
import { measureHttp } from '../../../src/health/http.js';
import type { ObservedHttpStep, ObservedJobTask, ObservedPart } from '../observation.js';
import type { TaskDefinitionCache } from '../revision.js';
import { stepsOf } from '../spec.js';
import { taskId } from './drive.js';
import { runsToRead } from './runs.js';

type Read = <T>(part: ObservedPart, what: string, fn: () => Promise<T>) => Promise<T | undefined>;

export async function observeJobTasks(
  release: Release,
  status: ReleaseStatus,
  ports: CloudPorts,
  taskDefinitions: TaskDefinitionCache,
  read: Read,
): Promise<Record<string, ObservedJobTask> | undefined> {
  const runs = runsToRead(status);
  if (runs.length === 0) return undefined;
  const arns = [...new Set(runs.map((r) => r.taskArn as string))];
  const tasks = await read('jobs', 'ecs:DescribeTasks', () => ports.ecs.describeTasks(release.spec.cluster, arns));
  if (!tasks) return undefined;
  const out: Record<string, ObservedJobTask> = {};
  for (const task of tasks) {
    const run = runs.find((r) => r.taskArn === task.arn);
    // Where the logs are is evidence, not a gate: a task definition that cannot be read leaves it out.
    const td = await taskDefinitions.get(ports.ecs, task.taskDefinition, release.metadata.name).catch(() => undefined);
    const container = td?.containers.find((c) => c.name === jobContainer(release, run?.name, run?.hook)) ?? td?.containers[0];
    const log = container ? awsLogs(container.name, container.logConfiguration, task) : undefined;
    out[task.arn] = { task, ...(log ? { log } : {}) };
  }
  return out;
}

/** `<awslogs-stream-prefix>/<container>/<task id>`, as the awslogs driver names a task's stream. */
export function awsLogs(container: string, config: ContainerLogConfiguration | undefined, task: EcsTask): ObservedJobTask['log'] {
  const options = config?.logDriver === 'awslogs' ? config.options : undefined;
  const group = options?.['awslogs-group'];
  if (!group) return undefined;
  const prefix = options['awslogs-stream-prefix'];
  const region = options['awslogs-region'];
  return { group, stream: prefix ? `${prefix}/${container}/${taskId(task.arn)}` : taskId(task.arn), ...(region ? { region } : {}) };
}

function jobContainer(release: Release, name: string | undefined, hook: string | undefined): string | undefined {
  const { hooks } = release.spec;
  if (hook === 'preDeploy') return hooks?.preDeploy?.find((h) => h.name === name)?.job.container;
  if (hook === 'postPromote') return hooks?.postPromote?.find((h) => h.name === name)?.job.container;
  for (const step of stepsOf(release.spec)) if ('job' in step && step.job.name === name) return step.job.container;
  return undefined;
}

/** The http step the rollout stands at, probed once this pass (a wrong answer is a failure, not missing data). */
export async function observeHttpStep(release: Release, status: ReleaseStatus, ports: CloudPorts, now: number): Promise<ObservedHttpStep | undefined> {
  const rollout = status.rollout;
  if (!rollout || rollout.result) return undefined;
  const step = stepsOf(release.spec)[rollout.stepIndex];
  if (!step || !('http' in step)) return undefined;
  const m = await measureHttp(step.http.name, step.http, ports.http, now);
  return { name: step.http.name, stepIndex: rollout.stepIndex, outcome: m.outcome, statusCode: m.value ?? null, message: m.message, at: m.at };
}
