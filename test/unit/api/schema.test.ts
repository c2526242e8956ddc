import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../../src/api/defaults.js';
import { isDuration } from '../../../src/api/duration.js';
import { PATTERN_HELP, schemaPatterns } from '../../../src/api/pattern-help.js';
import { schemaErrors } from '../../../src/api/schema.js';

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const schema = JSON.parse(readFileSync(new URL('../../../schemas/release.schema.json', import.meta.url), 'utf8')) as Schema;

const resolve = (s: Schema): Schema => (s.$ref ? { ...schema.$defs[String(s.$ref).split('/').pop() as string], ...s } : s);

/** Every object schema with `properties`, with its pointer; conditions (if/then/else/not) are not objects of the API. */
function objects(node: unknown, pointer = ''): [string, Schema][] {
  if (node === null || typeof node !== 'object' || /\/(if|then|else|not)$/.test(pointer)) return [];
  const here: [string, Schema][] = 'properties' in node ? [[pointer, node as Schema]] : [];
  return [...here, ...Object.entries(node).flatMap(([k, v]) => objects(v, `${pointer}/${k}`))];
}

function at(pointer: string): Schema {
  return resolve(pointer.split('/').slice(1).reduce<Schema>((s, k) => s[k], schema));
}

describe('the Release schema', () => {
  it('is JSON Schema 2020-12 with its public $id', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://keelson.dev/schemas/release.schema.json');
  });

  it('describes every property, for editors', () => {
    const missing = objects(schema).flatMap(([pointer, s]) =>
      Object.entries(s.properties as Record<string, Schema>)
        .filter(([, p]) => typeof resolve(p).description !== 'string' || resolve(p).description.length < 5)
        .map(([name]) => `${pointer}/properties/${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('rejects unknown fields on every object except free-form maps', () => {
    const open = objects(schema)
      .filter(([, s]) => s.additionalProperties !== false)
      .map(([pointer]) => pointer);
    expect(open).toEqual([]);
    const free = ['releaseMetadata/properties/labels', 'releaseMetadata/properties/annotations', 'metricQuery/properties/metricStat/properties/dimensions'];
    for (const pointer of free) expect(at(`/$defs/${pointer}`).additionalProperties).toMatchObject({ type: 'string' });
  });

  it.each([
    ['/$defs/health/properties/interval', DEFAULTS.healthInterval],
    ['/$defs/releaseSpec/properties/progressDeadline', DEFAULTS.progressDeadline],
    ['/$defs/canaryStrategy/properties/scaleDownDelay', DEFAULTS.scaleDownDelay],
    ['/$defs/blueGreenStrategy/properties/scaleDownDelay', DEFAULTS.scaleDownDelay],
    ['/$defs/rollback/properties/bakeTime', DEFAULTS.bakeTime],
    ['/$defs/rollback/properties/auto', DEFAULTS.autoRollback],
    ['/$defs/blueGreenStrategy/properties/autoPromote', DEFAULTS.autoPromote],
    ['/$defs/httpCheck/properties/expectStatus', DEFAULTS.httpExpectStatus],
    ['/$defs/httpCheck/properties/timeout', DEFAULTS.httpTimeout],
    ['/$defs/targetHealthCheck/properties/maxUnhealthy', DEFAULTS.maxUnhealthyTargets],
    ['/$defs/metricCheck/properties/window', DEFAULTS.metricWindow],
    ['/$defs/metricCheck/properties/publicationDelay', DEFAULTS.metricPublicationDelay],
    ['/$defs/job/properties/timeout', DEFAULTS.jobTimeout],
    ['/$defs/job/properties/successExitCode', DEFAULTS.jobSuccessExitCode],
    ['/$defs/httpStep/properties/failFor', DEFAULTS.httpStepFailFor],
  ])('states the default of %s as defaults.ts does', (pointer, value) => {
    expect(at(pointer).default).toBe(value);
  });

  it('states no default that defaults.ts does not have', () => {
    const defaults: unknown[] = [];
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (k === 'default') defaults.push(v);
        else walk(v);
      }
    };
    walk(schema);
    expect(defaults).toHaveLength(16);
    for (const value of defaults) expect(Object.values(DEFAULTS)).toContain(value);
  });

  it('explains every pattern it uses', () => {
    const unexplained = [...schemaPatterns()].filter(([, pointer]) => !PATTERN_HELP[pointer]);
    expect(unexplained).toEqual([]);
    for (const pointer of Object.keys(PATTERN_HELP)) expect(typeof at(pointer).pattern, pointer).toBe('string');
  });

  it.each(['30s', '5m', '1h30m', '250ms', '1d', '5', '5 m', '1.5m', '-5m', '5min', 'm5', ''])(
    'agrees with duration.ts about %j',
    (text) => {
      expect(new RegExp(schema.$defs.duration.pattern).test(text)).toBe(isDuration(text));
    },
  );

  it('accepts a full status block as the controller writes it', () => {
    const release = {
      apiVersion: 'keelson.dev/v1alpha1',
      kind: 'Release',
      metadata: { name: 'x' },
      spec: { cluster: 'c', revision: { taskDefinition: 'x:2' }, strategy: { rolling: { service: 'x' } } },
      status: {
        observedGeneration: 3,
        phase: 'Degraded',
        message: 'reverted x:2: errors failed',
        sourceRevision: 'main@sha1:4f2c9e1',
        stableRevision: 'x:1',
        desiredRevision: 'x:2',
        blockedRevision: 'x:2',
        currentStepIndex: null,
        weights: { blue: 100, green: 0 },
        stableColour: 'blue',
        conditions: [{ type: 'Ready', status: 'False', reason: 'Reverted', message: 'm', lastTransitionTime: '2026-02-21T10:15:00Z' }],
        health: [{ name: 'errors', state: 'Failing', value: 31.5, threshold: 'max 5', since: '2026-02-21T10:14:00Z', badSince: null }],
        history: [{ revision: 'x:2', fromRevision: 'x:1', result: 'Reverted', startedAt: '2026-02-21T10:00:00Z', finishedAt: '2026-02-21T10:15:00Z' }],
        lastRevert: {
          revision: 'x:2',
          condition: 'errors',
          value: 31.5,
          window: '1m',
          revertedAt: '2026-02-21T10:15:00Z',
          stoppedTasks: [{ taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/c/abc', stoppedReason: 'Essential container exited', exitCode: 1 }],
        },
        rollout: null,
        lastOperationSeq: 2,
      },
    };
    expect(schemaErrors(release)).toEqual([]);
    expect(schemaErrors({ ...release, status: { ...release.status, phase: 'Done' } })).toHaveLength(1);
  });
});
