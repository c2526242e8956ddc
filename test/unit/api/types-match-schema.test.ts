import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, generateReleaseTypes } from '../../../scripts/gen-types.js';
import type * as Generated from '../../../src/api/release.schema.generated.js';
import type * as Api from '../../../src/api/types.js';

// Compile-time proof: `tsc` rejects this file when the hand-written types in src/api/types.ts
// and the types generated from the schema stop agreeing. Assignability both ways alone would
// miss an optional field present on one side only, so the field names are compared as well
// (per union member: the hand-written unions spell the other members' keys as `?: never`).
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Keys<T> = T extends unknown ? keyof T : never;
type Agree<A, B> = Mutual<A, B> extends true ? Mutual<Keys<A>, Keys<B>> : false;
type Item<T> = T extends readonly (infer I)[] ? I : never;
type Field<T, K extends PropertyKey> = NonNullable<T extends unknown ? (K extends keyof T ? T[K] : never) : never>;

// The whole Release, then its parts, so a drift is reported close to where it is.
export const typesAgree: Record<string, true> = {
  release: true satisfies Agree<Api.Release, Generated.Release>,
  metadata: true satisfies Agree<Api.ReleaseMetadata, Generated.ReleaseMetadata>,
  spec: true satisfies Agree<Api.ReleaseSpec, Generated.ReleaseSpec>,
  revision: true satisfies Agree<Api.RevisionSpec, Generated.ReleaseSpec['revision']>,
  strategy: true satisfies Agree<Api.StrategySpec, Generated.ReleaseSpec['strategy']>,
  canary: true satisfies Agree<Api.CanaryStrategy, Generated.CanaryStrategy>,
  blueGreen: true satisfies Agree<Api.BlueGreenStrategy, Generated.BlueGreenStrategy>,
  traffic: true satisfies Agree<Api.TrafficSpec, Generated.CanaryStrategy['traffic']>,
  alb: true satisfies Agree<Api.AlbTraffic, Generated.AlbTraffic>,
  route53: true satisfies Agree<Api.Route53Traffic, Generated.Route53Traffic>,
  step: true satisfies Agree<Api.Step, Generated.Step>,
  health: true satisfies Agree<Api.HealthSpec, Generated.Health>,
  condition: true satisfies Agree<Api.HealthCondition, Generated.HealthCondition>,
  metric: true satisfies Agree<Api.MetricCheck, Generated.MetricCheck>,
  query: true satisfies Agree<Api.MetricQuery, Generated.MetricQuery>,
  rollback: true satisfies Agree<Api.RollbackSpec, Generated.Rollback>,
  status: true satisfies Agree<Api.ReleaseStatus, Generated.ReleaseStatus>,
  statusCondition: true satisfies Agree<Api.StatusCondition, Generated.StatusCondition>,
  conditionHealth: true satisfies Agree<Api.ConditionHealth, Generated.ConditionHealth>,
  history: true satisfies Agree<Api.HistoryEntry, Generated.HistoryEntry>,
  revert: true satisfies Agree<Api.RevertEvidence, Generated.RevertEvidence>,
  rollout: true satisfies Agree<Api.RolloutProgress, Generated.RolloutProgress>,
  warmColour: true satisfies Agree<Api.WarmColour, Generated.WarmColour>,
  hooks: true satisfies Agree<Api.HooksSpec, Generated.Hooks>,
  hookJob: true satisfies Agree<Api.HookJob, Generated.HookJob>,
  job: true satisfies Agree<Api.JobSpec, Generated.Job>,
  namedJob: true satisfies Agree<Api.NamedJob, Generated.NamedJob>,
  httpStep: true satisfies Agree<Api.HttpStepCheck, Generated.HttpStep>,
  jobRun: true satisfies Agree<Api.JobRun, Generated.JobRun>,
  // Objects the schema defines inline.
  image: true satisfies Agree<Api.ImageRevision, Generated.ImageRevision>,
  rolling: true satisfies Agree<Api.RollingStrategy, Generated.RollingStrategy>,
  services: true satisfies Agree<Api.ColourServices, Generated.ColourServices>,
  targetGroups: true satisfies Agree<Api.AlbTraffic['targetGroups'], Generated.AlbTraffic['targetGroups']>,
  setIdentifiers: true satisfies Agree<Api.Route53Traffic['setIdentifiers'], Generated.Route53Traffic['setIdentifiers']>,
  pause: true satisfies Agree<Api.PauseStep['pause'], Field<Generated.Step, 'pause'>>,
  analysis: true satisfies Agree<Api.AnalysisStep['analysis'], Field<Generated.Step, 'analysis'>>,
  prePromotionAnalysis: true satisfies Agree<
    Field<Api.BlueGreenStrategy, 'prePromotionAnalysis'>,
    Field<Generated.BlueGreenStrategy, 'prePromotionAnalysis'>
  >,
  preview: true satisfies Agree<Field<Api.BlueGreenStrategy, 'preview'>, Field<Generated.BlueGreenStrategy, 'preview'>>,
  http: true satisfies Agree<Api.HttpCheck, Generated.HttpCheck>,
  jsonField: true satisfies Agree<Field<Api.HttpCheck, 'jsonField'>, Field<Generated.HttpCheck, 'jsonField'>>,
  targetHealth: true satisfies Agree<Api.TargetHealthCheck, Generated.TargetHealthCheck>,
  cloudwatch: true satisfies Agree<Field<Api.MetricCheck, 'cloudwatch'>, Field<Generated.MetricCheck, 'cloudwatch'>>,
  metricStat: true satisfies Agree<Field<Api.MetricQuery, 'metricStat'>, Field<Generated.MetricQuery, 'metricStat'>>,
  alarm: true satisfies Agree<Api.AlarmCheck, Generated.AlarmCheck>,
  weights: true satisfies Agree<Field<Api.ReleaseStatus, 'weights'>, Field<Generated.ReleaseStatus, 'weights'>>,
  approvalGate: true satisfies Agree<Api.ApprovalGate, Generated.ApprovalGate>,
  approvalStep: true satisfies Agree<Api.ApprovalStep['approval'], Field<Generated.Step, 'approval'>>,
  rollingApproval: true satisfies Agree<Field<Api.RollingStrategy, 'approval'>, Field<Generated.RollingStrategy, 'approval'>>,
  blueGreenApproval: true satisfies Agree<Field<Api.BlueGreenStrategy, 'approval'>, Field<Generated.BlueGreenStrategy, 'approval'>>,
  approvals: true satisfies Agree<Api.ApprovalsStatus, Generated.ApprovalsStatus>,
  approvalRecord: true satisfies Agree<Api.ApprovalRecord, Generated.ApprovalRecord>,
  refusedApproval: true satisfies Agree<Api.RefusedApproval, Generated.RefusedApproval>,
  approvalWait: true satisfies Agree<Api.ApprovalWait, Generated.ApprovalWait>,
  audit: true satisfies Agree<Api.AuditLog, Generated.AuditLog>,
  auditEntry: true satisfies Agree<Api.AuditEntry, Generated.AuditEntry>,
  stoppedTasks: true satisfies Agree<
    Item<Field<Api.RevertEvidence, 'stoppedTasks'>>,
    Item<Field<Generated.RevertEvidence, 'stoppedTasks'>>
  >,
};

describe('the generated Release types', () => {
  it('are what json-schema-to-typescript makes of the schema today, byte for byte', async () => {
    const committed = await readFile(GENERATED_FILE, 'utf8');
    expect(await generateReleaseTypes()).toBe(committed);
  });
});
