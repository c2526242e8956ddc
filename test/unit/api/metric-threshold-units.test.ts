import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReleases } from '../../../src/api/load.js';
import { formatProblem } from '../../../src/api/problem.js';
import { LATENCY_PATTERN, metricThresholds, parseLatency, PERCENT_PATTERN } from '../../../src/api/quantity.js';
import { releaseSchema } from '../../../src/api/schema.js';

const ROLLING = readFileSync(new URL('../../../manifests/examples/aep-frontend-rolling.yaml', import.meta.url), 'utf8');
const LATENCY_LINE = '        metric: {builtin: latencyP95, max: 400ms}';

/** The rolling example with its latency condition's metric replaced, validated as `f.yaml`. */
function problemsWith(metric: string): string[] {
  expect(ROLLING).toContain(LATENCY_LINE);
  const text = ROLLING.replace(LATENCY_LINE, `        metric: ${metric}`);
  return parseReleases(text, 'f.yaml').releases.flatMap((r) => r.problems.map(formatProblem));
}

const lineOf = (needle: string): number => ROLLING.split('\n').indexOf(needle) + 1;

describe('metric thresholds carry their unit', () => {
  it('read a latency in ms or s as milliseconds', () => {
    expect(parseLatency('400ms')).toBe(400);
    expect(parseLatency('1.5s')).toBe(1500);
    expect(parseLatency('0.25s')).toBe(250);
    expect(parseLatency('400')).toBeUndefined();
    expect(parseLatency('4 s')).toBeUndefined();
  });

  it('compare latency in ms, error rate in percent, and raw CloudWatch values as written', () => {
    expect(metricThresholds({ builtin: 'latencyP95', max: '1.5s', min: '10ms', maxIncrease: '50ms', maxIncreasePercent: 25 })).toEqual({
      max: 1500,
      min: 10,
      maxIncrease: 50,
      maxIncreasePercent: 25,
    });
    expect(metricThresholds({ builtin: 'errorRate', max: '5%', maxIncrease: 0.5 })).toEqual({ max: 5, maxIncrease: 0.5 });
    expect(metricThresholds({ cloudwatch: { queries: [{ id: 'q', expression: '1' }] }, max: 0.4 })).toEqual({ max: 0.4 });
  });

  it('accept a latency written with its unit and an error rate written as a percent', () => {
    expect(problemsWith('{builtin: latencyP95, max: 1.5s}')).toEqual([]);
    expect(problemsWith('{builtin: latencyP99, max: 400ms, min: 5ms}')).toEqual([]);
    expect(problemsWith('{builtin: errorRate, max: 5%}')).toEqual([]);
    expect(problemsWith('{builtin: errorRate, max: 5}')).toEqual([]);
  });

  it('refuse a bare latency at its file, line and field, showing the fix', () => {
    const line = lineOf(LATENCY_LINE);
    expect(problemsWith('{builtin: latencyP95, max: 0.4}')).toEqual([
      `f.yaml:${line}:44 spec.health.conditions[3].metric.max: 0.4 has no unit; a latency threshold is written in ms or s: write max: 400ms`,
    ]);
    expect(problemsWith('{builtin: latencyP99, min: 250}')).toEqual([
      `f.yaml:${line}:44 spec.health.conditions[3].metric.min: 250 has no unit; a latency threshold is written in ms or s: write min: 250ms`,
    ]);
  });

  it('explain a unit it does not know, and a unit on a raw CloudWatch metric', () => {
    expect(problemsWith('{builtin: latencyP95, max: "400 ms"}')).toEqual([
      expect.stringContaining('metric.max: "400 ms" is not a latency: write a number with ms or s, e.g. 400ms or 1.5s'),
    ]);
    expect(problemsWith('{builtin: errorRate, max: 5 percent}')).toEqual([
      expect.stringContaining('metric.max: "5 percent" is not a percent: write e.g. 5% (or a bare 5)'),
    ]);
    expect(problemsWith('{cloudwatch: {queries: [{id: q, expression: "1"}]}, max: 5ms}')).toEqual([
      expect.stringContaining('metric.max: must be a number (got "5ms")'),
    ]);
  });

  it('compare min and max after reading their units', () => {
    expect(problemsWith('{builtin: latencyP95, max: 1.5s, min: 2000ms}')).toEqual([
      expect.stringContaining('metric.min: min 2000ms is above max 1.5s, so the condition could never pass'),
    ]);
    expect(problemsWith('{builtin: latencyP95, max: 1.5s, min: 900ms}')).toEqual([]);
  });

  it('use the patterns the schema states', () => {
    const defs = releaseSchema.$defs as Record<string, { pattern: string }>;
    expect(defs.latencyThreshold?.pattern).toBe(LATENCY_PATTERN);
    expect(defs.percentThreshold?.pattern).toBe(PERCENT_PATTERN);
  });
});
