import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config/load.js';
import { MemorySource } from '../../../src/sources/memory.js';
import { withSourceDefaults } from '../../../src/sources/source-defaults.js';
import { aepCanary } from '../../scenarios/support/releases.js';

function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'keelson.yaml', {});
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected the configuration to be refused');
}

const CONFIG = `sources:
  - dir:
      path: releases
      schedule:
        timeZone: America/Los_Angeles
        windows:
          - {cron: "0 10 * * 1-5", duration: 6h}
        freezes:
          - {from: "2026-12-24T00:00:00Z", to: "2027-01-02T00:00:00Z", reason: holidays}
`;

describe("a source's deployment schedule in keelson.yaml", () => {
  it('is read with the source', () => {
    const config = parseConfig(CONFIG, 'keelson.yaml', {});
    expect(config.sources[0]).toMatchObject({ kind: 'dir', schedule: { timeZone: 'America/Los_Angeles', windows: [{ cron: '0 10 * * 1-5', duration: '6h' }] } });
  });

  it('reports a bad cron expression, an unknown time zone, a zero duration and a backwards freeze at their lines', () => {
    const bad = CONFIG.replace('America/Los_Angeles', 'Pacific/Nowhere')
      .replace('"0 10 * * 1-5", duration: 6h', '"0 25 * * 1-5", duration: 0h')
      .replace('to: "2027-01-02T00:00:00Z"', 'to: "2026-12-01T00:00:00Z"');
    expect(problemsOf(bad)).toEqual([
      expect.stringMatching(/^keelson\.yaml:5:19 sources\[0\]\.dir\.schedule\.timeZone: "Pacific\/Nowhere" is not a known IANA time zone/),
      expect.stringMatching(/^keelson\.yaml:7:46 sources\[0\]\.dir\.schedule\.windows\[0\]\.duration: must be longer than 0s/),
      expect.stringMatching(/^keelson\.yaml:9:48 sources\[0\]\.dir\.schedule\.freezes\[0\]\.to: 2026-12-01T00:00:00Z is not later than from/),
    ]);
    expect(problemsOf(CONFIG.replace('"0 10 * * 1-5"', '"0 25 * * 1-5"'))).toEqual([
      expect.stringMatching(/^keelson\.yaml:7:20 sources\[0\]\.dir\.schedule\.windows\[0\]\.cron: "0 25 \* \* 1-5" is not a cron expression .*hour/),
    ]);
  });

  it("fills in the schedule of Releases that set none, and leaves a Release's own alone", async () => {
    const memory = new MemorySource();
    memory.apply(aepCanary('aep-backend-prod:12'));
    const own = aepCanary('aep-backend-prod:12', (r) => {
      r.metadata.name = 'own';
      r.spec.schedule = { blackouts: [{ cron: '0 0 * * 0', duration: '1d' }] };
    });
    memory.apply(own);
    const defaults = { windows: [{ cron: '0 10 * * 1-5', duration: '6h', timeZone: 'America/Los_Angeles' }] };
    const snapshot = await withSourceDefaults(memory, { schedule: defaults }).snapshot();
    const byName = Object.fromEntries(snapshot.releases.map((r) => [r.name, r.release?.spec.schedule]));
    expect(byName).toEqual({ 'aep-backend-prod': defaults, own: own.spec.schedule });
  });
});
