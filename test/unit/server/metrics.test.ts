import { describe, expect, it } from 'vitest';
import type { ReleaseStatus } from '../../../src/api/types.js';
import type { RolloutEvent } from '../../../src/notify/events.js';
import { VirtualClock } from '../../../src/runtime/clock.js';
import { WorkQueue } from '../../../src/runtime/work-queue.js';
import { ControllerMetrics } from '../../../src/server/metrics.js';

/** The value of one sample in the exposition, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function event(type: RolloutEvent['type']): RolloutEvent {
  return { type, release: 'web', at: 0, cluster: 'prod', services: ['web-blue', 'web-green'], message: type };
}

const canaryAt = (green: number, errors: 'Passing' | 'Failing'): ReleaseStatus => ({
  phase: 'Progressing',
  weights: { blue: 100 - green, green },
  health: [
    { name: 'errors', state: errors, since: '2026-01-01T00:00:00Z' },
    { name: 'ready', state: 'Passing', since: '2026-01-01T00:00:00Z' },
  ],
});

describe('ControllerMetrics', () => {
  it('says which keelson runs and adds the process\'s own metrics when given a version, and neither without', async () => {
    const running = await new ControllerMetrics({ version: '1.2.3' }).render();
    expect(sample(running, `keelson_build_info{version="1.2.3",node="${process.version}"}`)).toBe(1);
    expect(sample(running, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(running).toContain('nodejs_eventloop_lag_seconds');
    const shared = await new ControllerMetrics().render();
    expect(shared).not.toContain('keelson_build_info');
    expect(shared).not.toContain('process_resident_memory_bytes');
  });

  it('reports the work queue depth by lane as it is at each scrape, zero before a queue is watched', async () => {
    const metrics = new ControllerMetrics();
    expect(sample(await metrics.render(), 'keelson_work_queue_depth{lane="urgent"}')).toBe(0);
    const clock = new VirtualClock(0);
    const queue = new WorkQueue({ clock, handler: () => clock.sleep(1_000), concurrency: 1 });
    metrics.watchWorkQueue(() => queue.stats().lanes);
    for (const key of ['a', 'b', 'c']) queue.add(key, 'steady');
    queue.add('d');
    await clock.advance(0);
    const text = await metrics.render();
    // One in flight (d, urgent first); three steady still wait.
    expect([sample(text, 'keelson_work_queue_depth{lane="urgent"}'), sample(text, 'keelson_work_queue_depth{lane="steady"}')]).toEqual([0, 3]);
    await clock.advance(10_000);
    expect(sample(await metrics.render(), 'keelson_work_queue_depth{lane="steady"}')).toBe(0);
  });

  it('keeps its metrics out of the global registry and apart from another instance', async () => {
    const { register } = await import('prom-client');
    const a = new ControllerMetrics();
    const b = new ControllerMetrics();
    a.recordReconcile('ok', 0.02);
    expect(sample(await a.render(), 'keelson_reconciles_total{result="ok"}')).toBe(1);
    expect(sample(await b.render(), 'keelson_reconciles_total{result="ok"}')).toBe(0);
    expect(await register.getSingleMetric('keelson_reconciles_total')).toBeUndefined();
  });

  it('counts reconciles by result and observes their duration', async () => {
    const metrics = new ControllerMetrics();
    metrics.recordReconcile('ok', 0.02);
    metrics.recordReconcile('ok', 0.2);
    metrics.recordReconcile('error', 3);
    metrics.recordReconcile('not_leader', 0.001);
    const text = await metrics.render();
    expect(sample(text, 'keelson_reconciles_total{result="ok"}')).toBe(2);
    expect(sample(text, 'keelson_reconciles_total{result="error"}')).toBe(1);
    expect(sample(text, 'keelson_reconciles_total{result="not_leader"}')).toBe(1);
    expect(sample(text, 'keelson_reconcile_duration_seconds_count')).toBe(4);
    expect(sample(text, 'keelson_reconcile_duration_seconds_bucket{le="0.025"}')).toBe(2);
    expect(sample(text, 'keelson_reconcile_duration_seconds_sum')).toBeCloseTo(3.221);
  });

  it('shows traffic weights, phase and health one-hot, following the latest status', async () => {
    const metrics = new ControllerMetrics();
    metrics.recordStatus('web', canaryAt(10, 'Passing'));
    let text = await metrics.render();
    expect(sample(text, 'keelson_traffic_weight_percent{release="web",colour="green"}')).toBe(10);
    expect(sample(text, 'keelson_traffic_weight_percent{release="web",colour="blue"}')).toBe(90);
    expect(sample(text, 'keelson_release_phase{release="web",phase="Progressing"}')).toBe(1);
    expect(sample(text, 'keelson_release_phase{release="web",phase="Healthy"}')).toBe(0);
    expect(sample(text, 'keelson_health_condition{release="web",condition="errors",state="Passing"}')).toBe(1);
    expect(sample(text, 'keelson_health_condition{release="web",condition="errors",state="Failing"}')).toBe(0);

    metrics.recordStatus('web', canaryAt(50, 'Failing'));
    text = await metrics.render();
    expect(sample(text, 'keelson_traffic_weight_percent{release="web",colour="green"}')).toBe(50);
    expect(sample(text, 'keelson_health_condition{release="web",condition="errors",state="Passing"}')).toBe(0);
    expect(sample(text, 'keelson_health_condition{release="web",condition="errors",state="Failing"}')).toBe(1);
  });

  it('drops series that no longer apply: weights of a rolling Release, removed conditions, forgotten Releases', async () => {
    const metrics = new ControllerMetrics();
    metrics.recordStatus('web', canaryAt(10, 'Passing'));
    metrics.recordStatus('api', canaryAt(10, 'Passing'));
    metrics.recordStatus('web', { phase: 'Healthy', weights: null, health: [{ name: 'ready', state: 'Passing', since: '2026-01-01T00:00:00Z' }] });
    metrics.forgetRelease('api');
    const text = await metrics.render();
    expect(sample(text, 'keelson_traffic_weight_percent{release="web",colour="green"}')).toBeUndefined();
    expect(sample(text, 'keelson_health_condition{release="web",condition="errors",state="Passing"}')).toBeUndefined();
    expect(sample(text, 'keelson_health_condition{release="web",condition="ready",state="Passing"}')).toBe(1);
    expect(sample(text, 'keelson_release_phase{release="web",phase="Healthy"}')).toBe(1);
    expect(text).not.toContain('release="api"');
  });

  it('counts rollout events through its EventSink, ignoring steps and pauses', async () => {
    const metrics = new ControllerMetrics();
    const sink = metrics.eventSink();
    for (const type of ['RolloutStarted', 'StepReached', 'Paused', 'Reverted', 'RolloutStarted', 'DriftCorrected'] as const) sink.emit(event(type));
    const text = await metrics.render();
    expect(sample(text, 'keelson_rollouts_total{event="started"}')).toBe(2);
    expect(sample(text, 'keelson_rollouts_total{event="reverted"}')).toBe(1);
    expect(sample(text, 'keelson_rollouts_total{event="drift_corrected"}')).toBe(1);
    expect(sample(text, 'keelson_rollouts_total{event="promoted"}')).toBe(0);
    expect(text).not.toContain('event="step');
  });

  it('counts approval gates waiting, approvals and refused approvals', async () => {
    const metrics = new ControllerMetrics();
    const sink = metrics.eventSink();
    for (const type of ['AwaitingApproval', 'Approved', 'ApprovalRefused', 'Approved'] as const) sink.emit(event(type));
    const text = await metrics.render();
    expect(sample(text, 'keelson_rollouts_total{event="awaiting_approval"}')).toBe(1);
    expect(sample(text, 'keelson_rollouts_total{event="approved"}')).toBe(2);
    expect(sample(text, 'keelson_rollouts_total{event="approval_refused"}')).toBe(1);
  });

  it('counts AWS calls and notifications by outcome', async () => {
    const metrics = new ControllerMetrics();
    metrics.recordAwsCall({ service: 'ecs', operation: 'DescribeServices', outcome: 'ok' });
    metrics.recordAwsCall({ service: 'ecs', operation: 'DescribeServices', outcome: 'ok' });
    metrics.recordAwsCall({ service: 'elbv2', operation: 'ModifyListener', outcome: 'Throttled' });
    metrics.recordNotification('sent');
    metrics.recordNotification('failed');
    const text = await metrics.render();
    expect(sample(text, 'keelson_aws_calls_total{service="ecs",operation="DescribeServices",outcome="ok"}')).toBe(2);
    expect(sample(text, 'keelson_aws_calls_total{service="elbv2",operation="ModifyListener",outcome="Throttled"}')).toBe(1);
    expect(sample(text, 'keelson_notifications_total{outcome="sent"}')).toBe(1);
    expect(sample(text, 'keelson_notifications_total{outcome="failed"}')).toBe(1);
  });

  it('shows each source as ready or not, with the age of its last successful read', async () => {
    const metrics = new ControllerMetrics();
    metrics.recordSources(
      [
        { description: 'git main', ready: true, lastSyncAt: 10_000, message: 'synced abc' },
        { description: 'dir ./releases', ready: false, message: 'not synced yet' },
      ],
      25_000,
    );
    let text = await metrics.render();
    expect(sample(text, 'keelson_source_ready{source="git main"}')).toBe(1);
    expect(sample(text, 'keelson_source_sync_age_seconds{source="git main"}')).toBe(15);
    expect(sample(text, 'keelson_source_ready{source="dir ./releases"}')).toBe(0);
    expect(sample(text, 'keelson_source_sync_age_seconds{source="dir ./releases"}')).toBeUndefined();

    metrics.recordSources([{ description: 'git main', ready: false, lastSyncAt: 10_000, message: 'timeout' }], 70_000);
    text = await metrics.render();
    expect(sample(text, 'keelson_source_ready{source="git main"}')).toBe(0);
    expect(sample(text, 'keelson_source_sync_age_seconds{source="git main"}')).toBe(60);
    expect(text).not.toContain('source="dir ./releases"');
  });

  it('renders the Prometheus text format', () => {
    expect(new ControllerMetrics().contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('shows whether the state store takes writes, and counts its failures by code and cause', async () => {
    const metrics = new ControllerMetrics();
    expect(sample(await metrics.render(), 'keelson_state_store_up')).toBe(1);
    metrics.recordStateStoreError('StoreUnavailable', 'ENOSPC');
    metrics.recordStateStoreError('StoreUnavailable', 'ENOSPC');
    metrics.recordStateStoreError('StoreUnavailable', 'Locked');
    metrics.recordStateStoreUp(false);
    const down = await metrics.render();
    expect(sample(down, 'keelson_state_store_up')).toBe(0);
    expect(sample(down, 'keelson_state_store_errors_total{code="StoreUnavailable",reason="ENOSPC"}')).toBe(2);
    expect(sample(down, 'keelson_state_store_errors_total{code="StoreUnavailable",reason="Locked"}')).toBe(1);
    metrics.recordStateStoreUp(true);
    expect(sample(await metrics.render(), 'keelson_state_store_up')).toBe(1);
  });

  it('shows the shards held and counts every shard gained or lost by reason', async () => {
    const metrics = new ControllerMetrics();
    metrics.recordShards(1, 'acquired');
    metrics.recordShards(2, 'acquired');
    metrics.recordShards(1, 'expired');
    const text = await metrics.render();
    expect(sample(text, 'keelson_shards_held')).toBe(1);
    expect(sample(text, 'keelson_shard_transitions_total{reason="acquired"}')).toBe(2);
    expect(sample(text, 'keelson_shard_transitions_total{reason="expired"}')).toBe(1);
  });
});
