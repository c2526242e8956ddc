// LoadBalancingPort on the Elastic Load Balancing v2 API (Application Load Balancers).
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Action, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CloudError } from '../errors.js';
import type {
  ForwardRef,
  LoadBalancingPort,
  TargetGroupInfo,
  TargetGroupWeight,
  TargetHealth,
  TargetState,
  WriteResult,
} from '../ports.js';
import type { AwsCall } from './call.js';

const SERVICE = 'elasticloadbalancing';
/** The largest page DescribeTargetGroups returns. */
const TARGET_GROUP_PAGE = 400;
/** The largest page DescribeListeners and DescribeRules return (PageSize 1-400). */
const DESCRIBE_PAGE = 400;
const TARGET_STATES: readonly TargetState[] = ['initial', 'healthy', 'unhealthy', 'unused', 'draining', 'unavailable'];

export class AwsLoadBalancing implements LoadBalancingPort {
  constructor(
    private readonly client: ElasticLoadBalancingV2Client,
    private readonly call: AwsCall,
  ) {}

  async readWeights(ref: ForwardRef): Promise<TargetGroupWeight[]> {
    const actions = await this.readActions(ref);
    return weightsOf(forwardAction(actions, ref));
  }

  async readWeightsMany(refs: readonly ForwardRef[]): Promise<(TargetGroupWeight[] | CloudError)[]> {
    const listenerArns = refs.flatMap((r) => (r.listenerArn !== undefined ? [r.listenerArn] : []));
    const ruleArns = refs.flatMap((r) => (r.ruleArn !== undefined ? [r.ruleArn] : []));
    const [listeners, rules] = await Promise.all([this.describeListeners(listenerArns), this.describeRules(ruleArns)]);
    return refs.map((ref) => {
      const actions = ref.listenerArn !== undefined ? listeners.get(ref.listenerArn) : rules.get(ref.ruleArn);
      if (!actions) return notFound(ref.listenerArn !== undefined ? 'DescribeListeners' : 'DescribeRules', ref.listenerArn ?? `rule ${ref.ruleArn}`);
      try {
        return weightsOf(forwardAction(actions, ref));
      } catch (err) {
        if (err instanceof CloudError) return err;
        throw err;
      }
    });
  }

  async setWeights(ref: ForwardRef, weights: readonly TargetGroupWeight[]): Promise<WriteResult> {
    const actions = await this.readActions(ref);
    const forward = forwardAction(actions, ref);
    if (sameWeights(weightsOf(forward), weights)) return 'unchanged';
    const next = actions.map((a) => (a === forward ? withWeights(a, weights) : keepSecret(a)));
    if (ref.listenerArn !== undefined) {
      const listenerArn = ref.listenerArn;
      await this.call('ModifyListener', () =>
        this.client.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: next })),
      );
    } else {
      const ruleArn = ref.ruleArn;
      await this.call('ModifyRule', () => this.client.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: next })));
    }
    return 'updated';
  }

  async describeTargetHealth(targetGroupArn: string): Promise<TargetHealth[]> {
    const out = await this.call('DescribeTargetHealth', () =>
      this.client.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn })),
    );
    return (out.TargetHealthDescriptions ?? []).map((d) => {
      const health: TargetHealth = {
        id: d.Target?.Id ?? '',
        // Lambda targets have no port.
        port: d.Target?.Port ?? 0,
        state: targetState(d.TargetHealth?.State),
      };
      if (d.TargetHealth?.Reason !== undefined) health.reason = d.TargetHealth.Reason;
      if (d.TargetHealth?.Description !== undefined) health.description = d.TargetHealth.Description;
      return health;
    });
  }

  async describeTargetGroups(arns: readonly string[]): Promise<TargetGroupInfo[]> {
    // With no ARNs the API would describe every target group in the account.
    if (arns.length === 0) return [];
    const groups: TargetGroupInfo[] = [];
    let marker: string | undefined;
    do {
      const page = await this.call('DescribeTargetGroups', () =>
        this.client.send(
          new DescribeTargetGroupsCommand({ TargetGroupArns: [...arns], PageSize: TARGET_GROUP_PAGE, Marker: marker }),
        ),
      );
      for (const tg of page.TargetGroups ?? []) {
        groups.push({ arn: tg.TargetGroupArn ?? '', name: tg.TargetGroupName ?? '', loadBalancerArns: tg.LoadBalancerArns ?? [] });
      }
      marker = page.NextMarker;
    } while (marker);
    return groups;
  }

  /** Default actions by listener ARN, across pages (the ARN list itself has no documented bound). */
  private async describeListeners(arns: readonly string[]): Promise<Map<string, Action[]>> {
    const out = new Map<string, Action[]>();
    if (arns.length === 0) return out;
    let marker: string | undefined;
    do {
      const page = await this.call('DescribeListeners', () =>
        this.client.send(new DescribeListenersCommand({ ListenerArns: [...arns], PageSize: DESCRIBE_PAGE, Marker: marker })),
      );
      for (const l of page.Listeners ?? []) if (l.ListenerArn) out.set(l.ListenerArn, l.DefaultActions ?? []);
      marker = page.NextMarker;
    } while (marker);
    return out;
  }

  /** Actions by rule ARN, across pages. */
  private async describeRules(arns: readonly string[]): Promise<Map<string, Action[]>> {
    const out = new Map<string, Action[]>();
    if (arns.length === 0) return out;
    let marker: string | undefined;
    do {
      const page = await this.call('DescribeRules', () =>
        this.client.send(new DescribeRulesCommand({ RuleArns: [...arns], PageSize: DESCRIBE_PAGE, Marker: marker })),
      );
      for (const r of page.Rules ?? []) if (r.RuleArn) out.set(r.RuleArn, r.Actions ?? []);
      marker = page.NextMarker;
    } while (marker);
    return out;
  }

  /** The listener's default actions or the rule's actions, in the order ALB returns them. */
  private async readActions(ref: ForwardRef): Promise<Action[]> {
    if (ref.listenerArn !== undefined) {
      const listenerArn = ref.listenerArn;
      const out = await this.call('DescribeListeners', () =>
        this.client.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] })),
      );
      const listener = out.Listeners?.[0];
      if (!listener) throw notFound('DescribeListeners', `listener ${listenerArn}`);
      return listener.DefaultActions ?? [];
    }
    const ruleArn = ref.ruleArn;
    const out = await this.call('DescribeRules', () => this.client.send(new DescribeRulesCommand({ RuleArns: [ruleArn] })));
    const rule = out.Rules?.[0];
    if (!rule) throw notFound('DescribeRules', `rule ${ruleArn}`);
    return rule.Actions ?? [];
  }
}

function forwardAction(actions: readonly Action[], ref: ForwardRef): Action {
  const forward = actions.find((a) => a.Type === 'forward');
  if (!forward) {
    const where = ref.listenerArn !== undefined ? `listener ${ref.listenerArn}` : `rule ${ref.ruleArn}`;
    throw new CloudError('Invalid', `${where} has no forward action to carry target-group weights`, { service: SERVICE });
  }
  return forward;
}

function weightsOf(forward: Action): TargetGroupWeight[] {
  const groups = forward.ForwardConfig?.TargetGroups;
  if (groups && groups.length > 0) {
    // ALB reports a weight for every group; a missing one is the API default of 1.
    return groups.map((g) => ({ targetGroupArn: g.TargetGroupArn ?? '', weight: g.Weight ?? 1 }));
  }
  return forward.TargetGroupArn ? [{ targetGroupArn: forward.TargetGroupArn, weight: 1 }] : [];
}

function sameWeights(current: readonly TargetGroupWeight[], wanted: readonly TargetGroupWeight[]): boolean {
  if (current.length !== wanted.length) return false;
  const byArn = new Map(current.map((w) => [w.targetGroupArn, w.weight]));
  return wanted.every((w) => byArn.get(w.targetGroupArn) === w.weight);
}

/** The forward action with new target groups; stickiness and order stay as they are. */
function withWeights(forward: Action, weights: readonly TargetGroupWeight[]): Action {
  // TargetGroupArn and a ForwardConfig of several groups cannot both be given.
  const { TargetGroupArn: _single, ...rest } = forward;
  return {
    ...rest,
    ForwardConfig: {
      ...forward.ForwardConfig,
      TargetGroups: weights.map((w) => ({ TargetGroupArn: w.targetGroupArn, Weight: w.weight })),
    },
  };
}

/** Describe calls never return an OIDC client secret; writing the action back must keep the stored one. */
function keepSecret(action: Action): Action {
  const oidc = action.AuthenticateOidcConfig;
  if (!oidc || oidc.ClientSecret !== undefined) return action;
  return { ...action, AuthenticateOidcConfig: { ...oidc, UseExistingClientSecret: true } };
}

function targetState(state: string | undefined): TargetState {
  // `unhealthy.draining`: failed its checks and is being drained; for health it is unhealthy.
  const base = (state ?? 'unavailable').split('.')[0] as TargetState;
  return TARGET_STATES.includes(base) ? base : 'unavailable';
}

function notFound(operation: string, what: string): CloudError {
  return new CloudError('NotFound', `${SERVICE} ${operation}: ${what} not found`, { service: SERVICE, operation });
}
