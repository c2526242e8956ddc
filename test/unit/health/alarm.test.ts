import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/cloud/errors.js';
import type { AlarmInfo, MetricDataQuery, MetricDataResult, MetricsPort } from '../../../src/cloud/ports.js';
import { measureAlarms } from '../../../src/health/alarm.js';

class AlarmTable implements MetricsPort {
  readonly calls: string[][] = [];
  constructor(private readonly alarms: AlarmInfo[] | Error) {}
  async describeAlarms(names: readonly string[]): Promise<AlarmInfo[]> {
    this.calls.push([...names]);
    if (this.alarms instanceof Error) throw this.alarms;
    return this.alarms.filter((a) => names.includes(a.name));
  }
  async getMetricData(_q: readonly MetricDataQuery[], _r: { start: number; end: number }): Promise<MetricDataResult[]> {
    throw new Error('not used by alarms');
  }
}

const alarm = (name: string, state: AlarmInfo['state'], reason = ''): AlarmInfo => ({ name, state, reason, updatedAt: 0 });

describe('alarm condition', () => {
  it('maps ALARM to fail, OK to pass, INSUFFICIENT_DATA and a missing alarm to nodata, in one call', async () => {
    const metrics = new AlarmTable([
      alarm('aep-backend-5xx', 'ALARM', 'Threshold Crossed: 3 datapoints were greater than 5'),
      alarm('aep-backend-latency', 'OK'),
      alarm('aep-backend-cpu', 'INSUFFICIENT_DATA'),
    ]);
    const results = await measureAlarms(
      [
        { name: '5xx', check: { name: 'aep-backend-5xx' } },
        { name: 'latency', check: { name: 'aep-backend-latency' } },
        { name: 'cpu', check: { name: 'aep-backend-cpu' } },
        { name: 'gone', check: { name: 'deleted-alarm' } },
        { name: '5xx-again', check: { name: 'aep-backend-5xx' } },
      ],
      metrics,
      9,
    );
    expect(results.map((m) => [m.name, m.outcome])).toEqual([
      ['5xx', 'fail'],
      ['latency', 'pass'],
      ['cpu', 'nodata'],
      ['gone', 'nodata'],
      ['5xx-again', 'fail'],
    ]);
    expect(results[0]).toMatchObject({
      threshold: 'OK',
      at: 9,
      message: 'alarm aep-backend-5xx is in ALARM: Threshold Crossed: 3 datapoints were greater than 5',
    });
    expect(results[3]?.message).toBe('alarm deleted-alarm not found');
    expect(metrics.calls).toEqual([['aep-backend-5xx', 'aep-backend-latency', 'aep-backend-cpu', 'deleted-alarm']]);
  });

  it('is nodata for every alarm when the call fails', async () => {
    const results = await measureAlarms(
      [{ name: 'a', check: { name: 'x' } }, { name: 'b', check: { name: 'y' } }],
      new AlarmTable(new CloudError('Throttled', 'Rate exceeded')),
      0,
    );
    expect(results.map((m) => m.outcome)).toEqual(['nodata', 'nodata']);
    expect(results[0]?.message).toBe('could not describe alarms: Rate exceeded');
  });
});
