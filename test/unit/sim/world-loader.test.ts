import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReleases } from '../../../src/api/load.js';
import { formatProblem } from '../../../src/api/problem.js';
import type { Release } from '../../../src/api/types.js';
import { checkWorldReleases, loadWorld, parseWorld, WorldError } from '../../../src/sim/world-loader.js';

import { invalid, problems } from './world-problems.js';

const repoFile = (path: string): string => new URL(`../../../${path}`, import.meta.url).pathname;

describe('world files', () => {
  it('locates a task definition that does not exist by file, line, column and field', async () => {
    expect(await problems(invalid('unknown-task-definition.yaml'))).toEqual([
      'unknown-task-definition.yaml:9:5 services[0].taskDefinition: task definition shop-api:9 is not in taskDefinitions',
    ]);
  });

  it('reports schema problems: malformed values, missing and unknown fields', async () => {
    expect(await problems(invalid('schema-errors.yaml'))).toEqual([
      'schema-errors.yaml:13:1 colour: is not a known field',
      'schema-errors.yaml:7:7 taskDefinitions[0].profile.startup: must be a duration such as 30s, 5m, 1h30m (got "20 seconds")',
      'schema-errors.yaml:9:5 services[0].desiredCount: is required',
    ]);
  });

  it('reports every reference that does not resolve', async () => {
    expect(await problems(invalid('bad-references.yaml'))).toEqual([
      'bad-references.yaml:7:6 services[0].cluster: cluster other is not in clusters',
      'bad-references.yaml:8:6 services[0].targetGroup: target group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0000000000000000 is not in targetGroups',
      'bad-references.yaml:11:5 traffic[0]: needs exactly one of listenerArn, ruleArn, record',
      'bad-references.yaml:13:30 faults[0].taskDefinition: task definition shop-api:2 is not in taskDefinitions',
      'bad-references.yaml:15:15 timeline[0].apply: file releases/missing.yaml not found (relative to the world file)',
    ]);
  });

  it('reports timeline entries with no single action, or naming what the world does not have', async () => {
    expect(await problems(invalid('bad-timeline.yaml'))).toEqual([
      'bad-timeline.yaml:25:14 timeline[8].operation: must be one of "promote", "abort", "retry", "restart", "approve" (got "rollback")',
    ]);
    const world = invalid('bad-timeline.yaml');
    const text = readFileSync(world, 'utf8').replace('operation: rollback', 'operation: retry');
    let found: string[] = [];
    try {
      parseWorld(text, world);
    } catch (err) {
      if (!(err instanceof WorldError)) throw err;
      found = err.problems.map((p) => formatProblem({ ...p, file: 'bad-timeline.yaml' }));
    }
    expect(found).toEqual([
      'bad-timeline.yaml:17:5 timeline[0]: needs exactly one of apply, updateService, setWeights, setRecordWeights, deleteService, deleteTargetGroup, delete, restore, operation (got delete, restore)',
      'bad-timeline.yaml:18:45 timeline[1].updateService.service: service shop/api-green is not in services',
      'bad-timeline.yaml:19:64 timeline[2].updateService.taskDefinition: task definition api:7 is not in taskDefinitions',
      'bad-timeline.yaml:20:27 timeline[3].setWeights.listenerArn: listener arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-alb/1111111111111111/9999999999999999 is not in listeners',
      'bad-timeline.yaml:20:162 timeline[3].setWeights.forward[0].targetGroupArn: target group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gone/0000000000000000 is not in targetGroups',
      'bad-timeline.yaml:21:111 timeline[4].setRecordWeights.weights[0].setIdentifier: no api.example.test A record with set identifier green',
      'bad-timeline.yaml:22:34 timeline[5].deleteTargetGroup.targetGroupArn: target group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gone/0000000000000000 is not in targetGroups',
      'bad-timeline.yaml:23:5 timeline[6].by: is required with operation: an operation is recorded with the person who asked for it',
      'bad-timeline.yaml:24:65 timeline[7].release: applies only to operation',
    ]);
  });

  it('checks the Releases a timeline names against those a run starts with and those it applied before', async () => {
    const world = await loadWorld(new URL('../../fixtures/sim/timeline-names.yaml', import.meta.url).pathname);
    const named = (initial: string[]): string[] => {
      try {
        checkWorldReleases(world, initial);
        return [];
      } catch (err) {
        if (!(err instanceof WorldError)) throw err;
        return err.problems.map((p) => formatProblem({ ...p, file: p.file.split('/').pop() ?? p.file }));
      }
    };
    // payments comes from the apply at 2m, before its delete at 3m.
    expect(named([])).toEqual([
      'timeline-names.yaml:10:34 timeline[0].release: release orders is not among the Releases the run starts with nor applied earlier in the timeline',
      'timeline-names.yaml:13:14 timeline[3].restore: release cart is not among the Releases the run starts with nor applied earlier in the timeline',
    ]);
    expect(named(['orders', 'cart'])).toEqual([]);
  });

  it('checks scaling policies and scheduled actions: alarms, resource labels, schedules, time zones', async () => {
    expect(await problems(invalid('bad-scaling.yaml'))).toEqual([
      'bad-scaling.yaml:14:23 scalableTargets[0].policies[0].stepScaling.alarm: alarm nope is not in alarms',
      'bad-scaling.yaml:16:88 scalableTargets[0].policies[1].targetTracking.resourceLabel: target group targetgroup/gone/2 is not in targetGroups',
      'bad-scaling.yaml:18:25 scalableTargets[0].scheduledActions[0].schedule: cron day-of-month "L": L, W and # are not supported by the simulator',
      'bad-scaling.yaml:19:62 scalableTargets[0].scheduledActions[1].timezone: time zone "Mars/Olympus" is not an IANA time zone',
    ]);
  });

  it('reports YAML syntax errors with their position', async () => {
    const found = await problems(invalid('broken.yaml'));
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/^broken\.yaml:\d+:\d+: /);
  });

  it('loads the demo world with its timeline resolved next to it', async () => {
    const world = await loadWorld(repoFile('manifests/sim/world.yaml'));
    expect(world.services.map((s) => s.name)).toEqual([
      'aep-backend-blue',
      'aep-backend-green',
      'aep-frontend-prod-svc',
      'web-blue',
      'web-green',
      'web-staging-svc',
      'rastup-api-blue',
      'rastup-api-green',
    ]);
    expect(world.timeline).toEqual([
      { at: '30s', operation: 'approve', release: 'aep-backend-prod', revision: 'aep-backend-prod:12', by: 'alice' },
      { at: '2m', operation: 'approve', release: 'aep-backend-prod', revision: 'aep-backend-prod:12', by: 'bob' },
      { at: '40m', apply: 'releases/aep-backend-prod-v13.yaml', path: repoFile('manifests/sim/releases/aep-backend-prod-v13.yaml') },
      { at: '41m', operation: 'approve', release: 'aep-backend-prod', revision: 'aep-backend-prod:13', by: 'alice' },
      { at: '42m', operation: 'approve', release: 'aep-backend-prod', revision: 'aep-backend-prod:13', by: 'bob' },
    ]);
    expect(world.approvers).toEqual({ 'release-managers': ['alice', 'bob', 'carol'] });
  });

  it('ships a v13 Release that names what the demo world has', async () => {
    const world = await loadWorld(repoFile('manifests/sim/world.yaml'));
    const file = repoFile('manifests/sim/releases/aep-backend-prod-v13.yaml');
    const parsed = parseReleases(readFileSync(file, 'utf8'), file);
    expect(parsed.releases).toHaveLength(1);
    expect(parsed.releases[0]?.problems).toEqual([]);
    const release = parsed.releases[0]?.release as Release;
    expect(release.spec.revision.taskDefinition).toBe('aep-backend-prod:13');
    const canary = release.spec.strategy.canary;
    expect(canary?.services).toEqual({ blue: 'aep-backend-blue', green: 'aep-backend-green' });
    expect(world.listeners?.map((l) => l.arn)).toContain(canary?.traffic.alb?.listenerArn);
    const groups = world.targetGroups.map((t) => t.arn);
    expect(groups).toContain(canary?.traffic.alb?.targetGroups.blue);
    expect(groups).toContain(canary?.traffic.alb?.targetGroups.green);
    expect(world.taskDefinitions.map((t) => `${t.family}:${t.revision}`)).toContain('aep-backend-prod:13');
    expect(world.alarms?.map((a) => a.name)).toContain('aep-backend-5xx');
    expect(world.endpoints?.map((e) => e.host)).toContain('aep.example.com');
  });
});
