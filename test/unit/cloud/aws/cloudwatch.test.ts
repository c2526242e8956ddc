import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MetricDataQuery } from '../../../../src/cloud/ports.js';
import { awsPortsForTest, fixture } from './helpers.js';

const cloudwatch = mockClient(CloudWatchClient);
const START = Date.parse('2024-05-14T09:30:00.000Z');
const END = Date.parse('2024-05-14T09:35:00.000Z');

beforeEach(() => {
  cloudwatch.reset();
});

describe('AwsMetrics.getMetricData', () => {
  const queries: MetricDataQuery[] = [
    {
      id: 'errors',
      metricStat: {
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_Target_5XX_Count',
        dimensions: { TargetGroup: 'targetgroup/aep-green/73e2d6bc24d8a067', LoadBalancer: 'app/aep-prod/50dc6c495c0c9188' },
        stat: 'Sum',
        period: 60,
      },
      returnData: true,
    },
    {
      id: 'requests',
      metricStat: {
        namespace: 'AWS/ApplicationELB',
        metricName: 'RequestCount',
        dimensions: { TargetGroup: 'targetgroup/aep-green/73e2d6bc24d8a067', LoadBalancer: 'app/aep-prod/50dc6c495c0c9188' },
        stat: 'Sum',
        period: 60,
      },
      returnData: false,
    },
    { id: 'rate', expression: '100 * errors / requests' },
  ];

  it('sends the queries newest first and merges the values of every page per id', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake((input: { NextToken?: string }) =>
        input.NextToken === undefined ? fixture('cloudwatch-metric-data-page1.json') : fixture('cloudwatch-metric-data-page2.json'),
      );
    const { ports } = awsPortsForTest();

    const results = await ports.metrics.getMetricData(queries, { start: START, end: END });

    const expectedQueries = [
      {
        Id: 'errors',
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ApplicationELB',
            MetricName: 'HTTPCode_Target_5XX_Count',
            Dimensions: [
              { Name: 'TargetGroup', Value: 'targetgroup/aep-green/73e2d6bc24d8a067' },
              { Name: 'LoadBalancer', Value: 'app/aep-prod/50dc6c495c0c9188' },
            ],
          },
          Period: 60,
          Stat: 'Sum',
        },
        ReturnData: true,
      },
      {
        Id: 'requests',
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ApplicationELB',
            MetricName: 'RequestCount',
            Dimensions: [
              { Name: 'TargetGroup', Value: 'targetgroup/aep-green/73e2d6bc24d8a067' },
              { Name: 'LoadBalancer', Value: 'app/aep-prod/50dc6c495c0c9188' },
            ],
          },
          Period: 60,
          Stat: 'Sum',
        },
        ReturnData: false,
      },
      { Id: 'rate', Expression: '100 * errors / requests' },
    ];
    expect(cloudwatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      { MetricDataQueries: expectedQueries, StartTime: new Date(START), EndTime: new Date(END), ScanBy: 'TimestampDescending' },
      {
        MetricDataQueries: expectedQueries,
        StartTime: new Date(START),
        EndTime: new Date(END),
        ScanBy: 'TimestampDescending',
        NextToken: 'eyJ0b2tlbiI6InBhZ2UtMiJ9',
      },
    ]);
    expect(results).toEqual([
      {
        id: 'errors',
        timestamps: [Date.parse('2024-05-14T09:34:00.000Z'), Date.parse('2024-05-14T09:33:00.000Z'), Date.parse('2024-05-14T09:32:00.000Z')],
        values: [7, 3, 0],
      },
      {
        id: 'rate',
        timestamps: [Date.parse('2024-05-14T09:34:00.000Z'), Date.parse('2024-05-14T09:33:00.000Z'), Date.parse('2024-05-14T09:32:00.000Z')],
        values: [1.75, 0.6, 0],
      },
    ]);
  });

  it('returns the results in the order of the queries, whatever order the API answers in', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'rate', Timestamps: [new Date(START)], Values: [2], StatusCode: 'Complete' },
        { Id: 'errors', Timestamps: [new Date(START)], Values: [4], StatusCode: 'Complete' },
      ],
    });
    const { ports } = awsPortsForTest();
    const results = await ports.metrics.getMetricData(queries, { start: START, end: END });
    expect(results.map((r) => r.id)).toEqual(['errors', 'rate']);
  });
});

describe('AwsMetrics.describeAlarms', () => {
  it('asks for metric and composite alarms by name and maps both', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves(fixture('cloudwatch-describe-alarms.json'));
    const { ports } = awsPortsForTest();

    const alarms = await ports.metrics.describeAlarms(['aep-backend-5xx', 'aep-backend-slo']);

    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual([
      { AlarmNames: ['aep-backend-5xx', 'aep-backend-slo'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 },
    ]);
    expect(alarms).toEqual([
      {
        name: 'aep-backend-5xx',
        state: 'ALARM',
        reason: 'Threshold Crossed: 1 out of the last 1 datapoints [12.0 (14/05/24 09:33:00)] was greater than the threshold (5.0).',
        updatedAt: Date.parse('2024-05-14T09:34:12.003Z'),
      },
      {
        name: 'aep-backend-slo',
        state: 'OK',
        reason: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:aep-backend-latency transitioned to OK at Tuesday 14 May, 2024 09:20:00 UTC',
        updatedAt: Date.parse('2024-05-14T09:20:00.000Z'),
      },
    ]);
  });

  it('follows NextToken and asks for at most 100 names per call', async () => {
    const names = Array.from({ length: 120 }, (_, i) => `alarm-${i}`);
    cloudwatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[]; NextToken?: string }) => {
      const [first, ...rest] = input.AlarmNames;
      const alarm = (name: string | undefined) => ({ AlarmName: name, StateValue: 'OK', StateReason: 'fine', StateUpdatedTimestamp: new Date(START) });
      return input.NextToken === undefined ? { MetricAlarms: [alarm(first)], NextToken: 'more' } : { MetricAlarms: rest.map(alarm) };
    });
    const { ports } = awsPortsForTest();

    const alarms = await ports.metrics.describeAlarms(names);

    const requests = cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    expect(requests.map((r) => [r.AlarmNames?.length, r.NextToken])).toEqual([
      [100, undefined],
      [100, 'more'],
      [20, undefined],
      [20, 'more'],
    ]);
    expect(alarms.map((a) => a.name)).toEqual(names);
  });

  it('never asks for every alarm in the account', async () => {
    const { ports } = awsPortsForTest();
    expect(await ports.metrics.describeAlarms([])).toEqual([]);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)).toHaveLength(0);
  });
});
