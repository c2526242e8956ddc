// MetricsPort on the CloudWatch API.
import { DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchClient, MetricDataQuery as AwsMetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { AlarmInfo, AlarmState, MetricDataQuery, MetricDataResult, MetricsPort } from '../ports.js';
import { chunk } from './batch.js';
import type { AwsCall } from './call.js';

/** DescribeAlarms takes at most 100 names per call. */
const ALARMS_PER_CALL = 100;
const ALARM_STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export class AwsMetrics implements MetricsPort {
  constructor(
    private readonly client: CloudWatchClient,
    private readonly call: AwsCall,
  ) {}

  async getMetricData(queries: readonly MetricDataQuery[], range: { start: number; end: number }): Promise<MetricDataResult[]> {
    // Every query goes in one request: expressions may refer to other queries by id.
    const MetricDataQueries = queries.map(toAwsQuery);
    const byId = new Map<string, MetricDataResult>();
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await this.call('GetMetricData', () =>
        this.client.send(
          new GetMetricDataCommand({
            MetricDataQueries,
            StartTime: new Date(range.start),
            EndTime: new Date(range.end),
            ScanBy: 'TimestampDescending',
            ...(token !== undefined ? { NextToken: token } : {}),
          }),
        ),
      );
      for (const r of page.MetricDataResults ?? []) {
        const id = r.Id ?? '';
        const result = byId.get(id) ?? { id, timestamps: [], values: [] };
        byId.set(id, result);
        result.timestamps.push(...(r.Timestamps ?? []).map((t) => t.getTime()));
        result.values.push(...(r.Values ?? []));
      }
      nextToken = page.NextToken;
    } while (nextToken);
    // The port promises the queries' order; the API does not say it keeps it.
    const position = new Map(queries.map((q, i) => [q.id, i]));
    return [...byId.values()].sort((a, b) => (position.get(a.id) ?? queries.length) - (position.get(b.id) ?? queries.length));
  }

  async describeAlarms(names: readonly string[]): Promise<AlarmInfo[]> {
    const alarms: AlarmInfo[] = [];
    // With no names the API would describe every alarm in the account.
    for (const AlarmNames of chunk(names, ALARMS_PER_CALL)) {
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        const page = await this.call('DescribeAlarms', () =>
          this.client.send(
            new DescribeAlarmsCommand({
              AlarmNames,
              AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
              MaxRecords: ALARMS_PER_CALL,
              ...(token !== undefined ? { NextToken: token } : {}),
            }),
          ),
        );
        for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          alarms.push({
            name: a.AlarmName ?? '',
            state: ALARM_STATES.includes(a.StateValue as AlarmState) ? (a.StateValue as AlarmState) : 'INSUFFICIENT_DATA',
            reason: a.StateReason ?? '',
            updatedAt: a.StateUpdatedTimestamp?.getTime() ?? 0,
          });
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    return alarms;
  }
}

function toAwsQuery(q: MetricDataQuery): AwsMetricDataQuery {
  const query: AwsMetricDataQuery = { Id: q.id };
  if (q.expression !== undefined) query.Expression = q.expression;
  if (q.metricStat) {
    query.MetricStat = {
      Metric: {
        Namespace: q.metricStat.namespace,
        MetricName: q.metricStat.metricName,
        Dimensions: Object.entries(q.metricStat.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: q.metricStat.period,
      Stat: q.metricStat.stat,
    };
  }
  if (q.returnData !== undefined) query.ReturnData = q.returnData;
  return query;
}
