// Jobs and http steps: rules the schema cannot express.
import { DEFAULTS } from './defaults.js';
import { parseDuration } from './duration.js';
import type { FieldPath } from './locate.js';
import { formatPath } from './locate.js';
import type { Finding } from './schema-errors.js';
import type { ReleaseSpec } from './types.js';

const problem = (path: FieldPath, message: string): Finding => ({ path, anchor: 'value', message, code: 'semantic' });

/** Job and http step names are unique: status, events and the client token tell runs apart by them. */
export function checkJobs(spec: ReleaseSpec): Finding[] {
  const out: Finding[] = [];
  const seen = new Map<string, FieldPath>();
  const named = (name: string, path: FieldPath): void => {
    const first = seen.get(name);
    if (first) out.push(problem(path, `another job or http step is already named ${JSON.stringify(name)} (${formatPath(first)})`));
    else seen.set(name, path);
  };
  for (const hook of ['preDeploy', 'postPromote'] as const) {
    (spec.hooks?.[hook] ?? []).forEach((h, i) => named(h.name, ['spec', 'hooks', hook, i, 'name']));
  }
  const interval = spec.health?.interval ?? DEFAULTS.healthInterval;
  (spec.strategy.canary?.steps ?? []).forEach((step, i) => {
    const at: FieldPath = ['spec', 'strategy', 'canary', 'steps', i];
    if ('job' in step) named(step.job.name, [...at, 'job', 'name']);
    if (!('http' in step)) return;
    named(step.http.name, [...at, 'http', 'name']);
    if (step.http.timeout !== undefined && parseDuration(step.http.timeout) > parseDuration(interval)) {
      out.push(problem([...at, 'http', 'timeout'], `${step.http.timeout} is longer than the health interval (${interval}); probes would overlap`));
    }
  });
  return out;
}
