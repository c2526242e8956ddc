import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ListenerNotFoundException,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { DescribeListenersCommandOutput, DescribeRulesCommandOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { isCloudError } from '../../../../src/cloud/errors.js';
import { awsPortsForTest, fixture } from './helpers.js';

const elb = mockClient(ElasticLoadBalancingV2Client);
const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/aep-prod/50dc6c495c0c9188/f2f7dc8efc522ab2';
const RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/aep-prod/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
const BLUE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/aep-blue/1f2e3d4c5b6a7988';
const GREEN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/aep-green/73e2d6bc24d8a067';

beforeEach(() => {
  elb.reset();
});

describe('AwsLoadBalancing on a listener', () => {
  it('reads the weights of the default forward action', async () => {
    elb.on(DescribeListenersCommand).resolves(fixture('elb-describe-listeners.json'));
    const { ports } = awsPortsForTest();

    const weights = await ports.lb.readWeights({ listenerArn: LISTENER });

    expect(elb.commandCalls(DescribeListenersCommand)[0]?.args[0].input).toEqual({ ListenerArns: [LISTENER] });
    expect(weights).toEqual([
      { targetGroupArn: BLUE, weight: 90 },
      { targetGroupArn: GREEN, weight: 10 },
    ]);
  });

  it('writes nothing when the weights already match, in any order', async () => {
    elb.on(DescribeListenersCommand).resolves(fixture('elb-describe-listeners.json'));
    const { ports } = awsPortsForTest();

    const result = await ports.lb.setWeights({ listenerArn: LISTENER }, [
      { targetGroupArn: GREEN, weight: 10 },
      { targetGroupArn: BLUE, weight: 90 },
    ]);

    expect(result).toBe('unchanged');
    expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(0);
  });

  it('changes only the weights: stickiness, the other actions and their order are kept', async () => {
    const listeners = fixture<DescribeListenersCommandOutput>('elb-describe-listeners.json');
    const [authenticate, forward] = listeners.Listeners![0]!.DefaultActions!;
    elb.on(DescribeListenersCommand).resolves(listeners);
    elb.on(ModifyListenerCommand).resolves({});
    const { ports } = awsPortsForTest();

    const result = await ports.lb.setWeights({ listenerArn: LISTENER }, [
      { targetGroupArn: BLUE, weight: 50 },
      { targetGroupArn: GREEN, weight: 50 },
    ]);

    expect(result).toBe('updated');
    expect(elb.commandCalls(ModifyListenerCommand).map((c) => c.args[0].input)).toEqual([
      {
        ListenerArn: LISTENER,
        DefaultActions: [
          // The stored client secret is kept: describe calls never return it.
          { ...authenticate, AuthenticateOidcConfig: { ...authenticate!.AuthenticateOidcConfig, UseExistingClientSecret: true } },
          {
            Type: 'forward',
            Order: 2,
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: BLUE, Weight: 50 },
                { TargetGroupArn: GREEN, Weight: 50 },
              ],
              TargetGroupStickinessConfig: forward!.ForwardConfig!.TargetGroupStickinessConfig,
            },
          },
        ],
      },
    ]);
    expect(forward!.ForwardConfig!.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 300 });
  });

  it('maps a listener that does not exist to NotFound', async () => {
    elb.on(DescribeListenersCommand).rejects(
      new ListenerNotFoundException({ message: 'One or more listeners not found', $metadata: { httpStatusCode: 400 } }),
    );
    const { ports } = awsPortsForTest();

    const failure = await ports.lb.readWeights({ listenerArn: LISTENER }).catch((e: unknown) => e);

    expect(isCloudError(failure, 'NotFound')).toBe(true);
    expect(failure).toMatchObject({ details: { service: 'elasticloadbalancing', operation: 'DescribeListeners', awsCode: 'ListenerNotFoundException' } });
  });

  it('refuses a listener without a forward action', async () => {
    elb.on(DescribeListenersCommand).resolves({
      Listeners: [{ ListenerArn: LISTENER, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }] }],
    });
    const { ports } = awsPortsForTest();

    const failure = await ports.lb.setWeights({ listenerArn: LISTENER }, [{ targetGroupArn: BLUE, weight: 1 }]).catch((e: unknown) => e);

    expect(isCloudError(failure, 'Invalid')).toBe(true);
    expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(0);
  });
});

describe('AwsLoadBalancing on a rule', () => {
  it('reads and sets the weights of a rule, replacing its single target group', async () => {
    const rules = fixture<DescribeRulesCommandOutput>('elb-describe-rules.json');
    elb.on(DescribeRulesCommand).resolves(rules);
    elb.on(ModifyRuleCommand).resolves({});
    const { ports } = awsPortsForTest();

    expect(await ports.lb.readWeights({ ruleArn: RULE })).toEqual([{ targetGroupArn: BLUE, weight: 1 }]);
    const result = await ports.lb.setWeights({ ruleArn: RULE }, [
      { targetGroupArn: BLUE, weight: 90 },
      { targetGroupArn: GREEN, weight: 10 },
    ]);

    expect(result).toBe('updated');
    expect(elb.commandCalls(DescribeRulesCommand).map((c) => c.args[0].input)).toEqual([{ RuleArns: [RULE] }, { RuleArns: [RULE] }]);
    expect(elb.commandCalls(ModifyRuleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RuleArn: RULE,
        Actions: [
          {
            Type: 'forward',
            Order: 1,
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: BLUE, Weight: 90 },
                { TargetGroupArn: GREEN, Weight: 10 },
              ],
              TargetGroupStickinessConfig: { Enabled: false },
            },
          },
        ],
      },
    ]);
    expect(elb.commandCalls(ModifyListenerCommand)).toHaveLength(0);
  });
});

describe('AwsLoadBalancing targets', () => {
  it('describes target health with state, reason and description', async () => {
    elb.on(DescribeTargetHealthCommand).resolves(fixture('elb-describe-target-health.json'));
    const { ports } = awsPortsForTest();

    const targets = await ports.lb.describeTargetHealth(GREEN);

    expect(elb.commandCalls(DescribeTargetHealthCommand)[0]?.args[0].input).toEqual({ TargetGroupArn: GREEN });
    expect(targets).toEqual([
      { id: '10.0.1.23', port: 8000, state: 'healthy' },
      { id: '10.0.2.41', port: 8000, state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [503]' },
      { id: '10.0.2.77', port: 8000, state: 'unhealthy', reason: 'Target.DeregistrationInProgress', description: 'Target deregistration is in progress' },
      { id: '10.0.1.90', port: 8000, state: 'initial', reason: 'Elb.RegistrationInProgress', description: 'Target registration is in progress' },
    ]);
  });

  it('describes target groups across pages with their load balancers', async () => {
    const lb = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/aep-prod/50dc6c495c0c9188';
    elb.on(DescribeTargetGroupsCommand).callsFake((input: { Marker?: string }) =>
      input.Marker === undefined
        ? { TargetGroups: [{ TargetGroupArn: BLUE, TargetGroupName: 'aep-blue', Protocol: 'HTTP', Port: 8000, TargetType: 'ip', LoadBalancerArns: [lb] }], NextMarker: 'm-2' }
        : { TargetGroups: [{ TargetGroupArn: GREEN, TargetGroupName: 'aep-green', Protocol: 'HTTP', Port: 8000, TargetType: 'ip', LoadBalancerArns: [] }] },
    );
    const { ports } = awsPortsForTest();

    const groups = await ports.lb.describeTargetGroups([BLUE, GREEN]);

    expect(elb.commandCalls(DescribeTargetGroupsCommand).map((c) => c.args[0].input)).toEqual([
      { TargetGroupArns: [BLUE, GREEN], PageSize: 400, Marker: undefined },
      { TargetGroupArns: [BLUE, GREEN], PageSize: 400, Marker: 'm-2' },
    ]);
    expect(groups).toEqual([
      { arn: BLUE, name: 'aep-blue', loadBalancerArns: [lb] },
      { arn: GREEN, name: 'aep-green', loadBalancerArns: [] },
    ]);
  });

  it('never asks for every target group in the account', async () => {
    const { ports } = awsPortsForTest();
    expect(await ports.lb.describeTargetGroups([])).toEqual([]);
    expect(elb.commandCalls(DescribeTargetGroupsCommand)).toHaveLength(0);
  });
});

describe('AwsLoadBalancing.readWeightsMany', () => {
  const forward = (arn: string, blue: number) => [{ Type: 'forward' as const, ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: blue }, { TargetGroupArn: GREEN, Weight: 100 - blue }] } }];
  const OTHER = LISTENER.replace(/f2f7dc8efc522ab2$/, '0000000000000001');

  it('reads listeners in one DescribeListeners and rules in one DescribeRules, across pages, answering in the order asked', async () => {
    elb
      .on(DescribeListenersCommand)
      .resolvesOnce({ Listeners: [{ ListenerArn: OTHER, DefaultActions: forward(OTHER, 30) }], NextMarker: 'm1' } as DescribeListenersCommandOutput)
      .resolvesOnce({ Listeners: [{ ListenerArn: LISTENER, DefaultActions: forward(LISTENER, 90) }] } as DescribeListenersCommandOutput);
    elb.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: RULE, Actions: [{ Type: 'fixed-response' }] }] } as DescribeRulesCommandOutput);
    const { ports } = awsPortsForTest();
    const answers = await ports.lb.readWeightsMany!([{ listenerArn: LISTENER }, { ruleArn: RULE }, { listenerArn: OTHER }]);
    expect(answers[0]).toEqual([{ targetGroupArn: BLUE, weight: 90 }, { targetGroupArn: GREEN, weight: 10 }]);
    // A rule with no forward action gets its own Invalid; the others are answered.
    expect(answers[1]).toMatchObject({ code: 'Invalid' });
    expect(answers[2]).toEqual([{ targetGroupArn: BLUE, weight: 30 }, { targetGroupArn: GREEN, weight: 70 }]);
    const listenerCalls = elb.commandCalls(DescribeListenersCommand).map((c) => c.args[0].input);
    expect(listenerCalls).toEqual([
      { ListenerArns: [LISTENER, OTHER], PageSize: 400, Marker: undefined },
      { ListenerArns: [LISTENER, OTHER], PageSize: 400, Marker: 'm1' },
    ]);
    expect(elb.commandCalls(DescribeRulesCommand)).toHaveLength(1);
  });

  it('fails as a whole with NotFound when one listener does not exist, as DescribeListeners does', async () => {
    elb.on(DescribeListenersCommand).rejects(new ListenerNotFoundException({ message: 'One or more listeners not found', $metadata: {} }));
    const { ports } = awsPortsForTest();
    await expect(ports.lb.readWeightsMany!([{ listenerArn: LISTENER }, { listenerArn: OTHER }])).rejects.toMatchObject({ code: 'NotFound' });
  });
});
