import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReleases } from '../../../src/api/load.js';

const FILE = 'manifests/examples/rastup-api-baseline-canary.yaml';
const EXAMPLE = readFileSync(new URL(`../../../${FILE}`, import.meta.url), 'utf8');

/** `line path: message` of each problem once `from` is replaced by `to` in the example. */
function problems(from: string, to: string): string[] {
  expect(EXAMPLE).toContain(from);
  const parsed = parseReleases(EXAMPLE.replace(from, to), FILE);
  expect(parsed.releases.every((r) => !r.release)).toBe(true);
  return parsed.releases.flatMap((r) => r.problems).map((p) => `${p.file}:${p.line} ${p.path}: ${p.message}`);
}

const lineOf = (text: string): number => EXAMPLE.slice(0, EXAMPLE.indexOf(text)).split('\n').length;

describe('a deployment schedule in a Release', () => {
  it('is valid in the runbook example', () => {
    const parsed = parseReleases(EXAMPLE, FILE);
    expect(parsed.releases[0]?.problems).toEqual([]);
    expect(parsed.releases[0]?.release?.spec.schedule?.blackouts).toHaveLength(1);
  });

  it('names the file, line and field of a bad cron expression', () => {
    expect(problems('"0 14 * * 5"', '"0 14 * * 8"')).toEqual([
      expect.stringMatching(new RegExp(`^${FILE}:${lineOf('"0 14 * * 5"')} spec\\.schedule\\.blackouts\\[0\\]\\.cron: "0 14 \\* \\* 8" is not a cron expression`)),
    ]);
  });

  it('names an unknown time zone', () => {
    expect(problems('timeZone: America/Los_Angeles', 'timeZone: America/Springfield')).toEqual([
      expect.stringMatching(new RegExp(`^${FILE}:${lineOf('timeZone: America')} spec\\.schedule\\.timeZone: "America/Springfield" is not a known IANA time zone`)),
    ]);
  });

  it('refuses a zero duration and a freeze that ends before it begins', () => {
    expect(problems('duration: 58h', 'duration: 0h')).toEqual([expect.stringMatching(/spec\.schedule\.blackouts\[0\]\.duration: must be at least 1m/)]);
    expect(problems('to: "2026-11-28T00:00:00-08:00"', 'to: "2026-11-25T00:00:00-08:00"')).toEqual([
      expect.stringMatching(new RegExp(`^${FILE}:${lineOf('reason: Thanksgiving')} spec\\.schedule\\.freezes\\[0\\]\\.to: 2026-11-25T00:00:00-08:00 is not later than from`)),
    ]);
  });

  it('wants restartAt to be a timestamp', () => {
    expect(problems('  rollback:\n', '  restartAt: tomorrow\n  rollback:\n')).toEqual([expect.stringMatching(/spec\.restartAt: /)]);
  });
});
