import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { branches, parseTemplate, walk } from './cfn.js';
import type { Json, Template } from './cfn.js';
import { sourceTableDefinition, stateTableDefinition } from '../../../src/store/dynamodb-tables.js';

const template: Template = parseTemplate(
  readFileSync(new URL('../../../manifests/deploy/keelson.cloudformation.yaml', import.meta.url), 'utf8'),
);

/** The AWS calls keelson makes (its AWS adapters), by service. */
const KEELSON_CALLS: Record<string, string[]> = {
  ecs: ['DescribeServices', 'UpdateService', 'DescribeTaskDefinition', 'ListTaskDefinitions', 'RegisterTaskDefinition', 'ListTasks', 'DescribeTasks', 'RunTask', 'StopTask', 'TagResource'],
  elasticloadbalancing: ['DescribeListeners', 'DescribeRules', 'ModifyListener', 'ModifyRule', 'DescribeTargetHealth', 'DescribeTargetGroups'],
  route53: ['ListResourceRecordSets', 'ChangeResourceRecordSets', 'GetChange'],
  cloudwatch: ['GetMetricData', 'DescribeAlarms'],
  'application-autoscaling': ['DescribeScalableTargets'],
  ecr: ['DescribeImages'],
  dynamodb: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan'],
};
/** Not a call but a permission a call needs: RegisterTaskDefinition and RunTask hand roles to ECS. */
const PERMISSIONS_FOR_CALLS = ['iam:PassRole'];

const EXPECTED_ACTIONS = [
  ...Object.entries(KEELSON_CALLS).flatMap(([service, calls]) => calls.map((call) => `${service}:${call}`)),
  ...PERMISSIONS_FOR_CALLS,
].sort();

/** Write actions allowed on every resource, each with the reason. */
const WRITES_ON_ANY_RESOURCE: Record<string, string> = {
  'ecs:RegisterTaskDefinition': 'ECS supports no resource-level permission for it; iam:PassRole bounds what it can do',
};

/** Where each scoped action may act. */
const SCOPES: Record<string, Json[]> = {
  'ecs:DescribeServices': [{ Ref: 'ManagedServiceArns' }],
  'ecs:UpdateService': [{ Ref: 'ManagedServiceArns' }],
  'ecs:RunTask': [{ Ref: 'ManagedTaskDefinitionArns' }],
  'ecs:StopTask': [{ 'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/*' }],
  'ecs:TagResource': [{ Ref: 'ManagedTaskDefinitionArns' }],
  'iam:PassRole': [{ Ref: 'ManagedRoleArns' }],
  'elasticloadbalancing:ModifyListener': [{ Ref: 'ManagedListenerArns' }],
  'elasticloadbalancing:ModifyRule': [{ Ref: 'ManagedListenerRuleArns' }],
  'route53:ListResourceRecordSets': [{ Ref: 'ManagedHostedZoneArns' }],
  'route53:ChangeResourceRecordSets': [{ Ref: 'ManagedHostedZoneArns' }],
  'route53:GetChange': [{ 'Fn::Sub': 'arn:${AWS::Partition}:route53:::change/*' }],
  ...Object.fromEntries(
    KEELSON_CALLS.dynamodb!.map((call) => [
      `dynamodb:${call}`,
      // The indexes are the change feeds: the Releases table's, which the source polls, and the
      // state table's, which the Release list reads.
      [
        { 'Fn::GetAtt': ['ReleasesTable', 'Arn'] },
        { 'Fn::Sub': '${ReleasesTable.Arn}/index/changes' },
        { 'Fn::GetAtt': ['StateTable', 'Arn'] },
        { 'Fn::Sub': '${StateTable.Arn}/index/statusChanges' },
      ],
    ]),
  ),
};

const PSEUDO_PARAMETERS = ['AWS::AccountId', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix'];

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: Json;
  Condition?: Record<string, Record<string, Json>>;
}

type Props = Record<string, Json>;

function resource(name: string): { Type: string; Properties: Props } {
  const found = template.Resources[name];
  if (!found?.Properties) throw new Error(`no resource ${name} with properties`);
  return { Type: found.Type, Properties: found.Properties };
}

function policyStatements(roleName: string): Statement[] {
  const policies = resource(roleName).Properties.Policies as { PolicyDocument: { Statement: Json } }[];
  return policies.flatMap((p) => branches(p.PolicyDocument.Statement) as unknown as Statement[]);
}

function actionsOf(statement: Statement): string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}

function resourcesOf(statement: Statement): Json[] {
  return branches(statement.Resource);
}

function statementsFor(action: string): Statement[] {
  return policyStatements('TaskRole').filter((s) => actionsOf(s).includes(action));
}

function isRead(action: string): boolean {
  return /^(Describe|List|Get|Query|Scan)/.test(action.split(':')[1] ?? '');
}

function container(): Props {
  const definitions = resource('TaskDefinition').Properties.ContainerDefinitions as Props[];
  expect(definitions).toHaveLength(1);
  return definitions[0]!;
}

function keySchema(table: string): { attributes: Json; keys: Json } {
  const props = resource(table).Properties;
  return { attributes: props.AttributeDefinitions!, keys: props.KeySchema! };
}

describe('the CloudFormation template that deploys keelson', () => {
  it('gives every resource a type', () => {
    expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
    for (const [name, res] of Object.entries(template.Resources)) expect(res.Type, name).toMatch(/^AWS::\w+::\w+$/);
  });

  it('refers only to parameters, resources and conditions it defines', () => {
    const names = new Set([...Object.keys(template.Parameters), ...Object.keys(template.Resources), ...PSEUDO_PARAMETERS]);
    const unknown: string[] = [];
    const check = (name: string, what: string): void => {
      if (!names.has(name)) unknown.push(`${what} ${name}`);
    };
    walk(template as unknown as Json, (node) => {
      if (typeof node.Ref === 'string') check(node.Ref, 'Ref');
      const getAtt = node['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && !template.Resources[getAtt[0]]) unknown.push(`GetAtt ${getAtt[0]}`);
      const sub = node['Fn::Sub'];
      const [text, locals] = typeof sub === 'string' ? [sub, {}] : Array.isArray(sub) ? [sub[0], sub[1] ?? {}] : [undefined, {}];
      if (typeof text === 'string') {
        for (const [, variable] of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const base = variable!.split('.')[0]!;
          if (!(base in (locals as object))) check(base, 'Sub variable');
        }
      }
      const condition = node['Fn::If'];
      if (Array.isArray(condition) && typeof condition[0] === 'string' && !(condition[0] in template.Conditions)) unknown.push(`If ${condition[0]}`);
    });
    expect(unknown).toEqual([]);
  });

  it('names only defined conditions and resources in Condition and DependsOn', () => {
    const unknown: string[] = [];
    for (const [name, res] of Object.entries({ ...template.Resources, ...template.Outputs })) {
      if (res.Condition !== undefined && !(res.Condition in template.Conditions)) unknown.push(`${name}: Condition ${res.Condition}`);
    }
    for (const [name, res] of Object.entries(template.Resources)) {
      for (const target of [res.DependsOn ?? []].flat()) {
        if (!template.Resources[target]) unknown.push(`${name}: DependsOn ${target}`);
        // CloudFormation refuses a DependsOn on a resource that a false condition leaves out.
        else if (template.Resources[target]!.Condition !== undefined && template.Resources[target]!.Condition !== res.Condition) unknown.push(`${name}: DependsOn conditional ${target}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('refers to a conditional resource only under its condition (its own, or an Fn::If on it)', () => {
    const problems: string[] = [];
    const visit = (where: string, own: string | undefined, value: Json, guards: string[]): void => {
      if (Array.isArray(value)) return value.forEach((v) => visit(where, own, v, guards));
      if (typeof value !== 'object' || value === null) return;
      const named: string[] = [];
      if (typeof value.Ref === 'string') named.push(value.Ref);
      const getAtt = value['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') named.push(getAtt[0]);
      const sub = value['Fn::Sub'];
      const text = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : '';
      for (const [, variable] of text.matchAll(/\$\{([^!}][^}]*)\}/g)) named.push(variable!.split('.')[0]!);
      for (const name of named) {
        const condition = template.Resources[name]?.Condition;
        if (condition !== undefined && condition !== own && !guards.includes(condition)) problems.push(`${where} -> ${name} (${condition})`);
      }
      const ifs = value['Fn::If'];
      if (Array.isArray(ifs) && typeof ifs[0] === 'string') {
        visit(where, own, ifs[1] ?? null, [...guards, ifs[0]]);
        visit(where, own, ifs[2] ?? null, guards);
        return;
      }
      Object.values(value).forEach((v) => visit(where, own, v, guards));
    };
    for (const [name, res] of Object.entries(template.Resources)) visit(name, res.Condition, { Properties: res.Properties ?? {}, Metadata: res.Metadata ?? {} }, []);
    for (const [name, out] of Object.entries(template.Outputs)) visit(`output ${name}`, out.Condition, out.Value, []);
    expect(problems).toEqual([]);
  });

  it('has every parameter explained in docs/deploying.md', () => {
    const docs = readFileSync(new URL('../../../docs/deploying.md', import.meta.url), 'utf8');
    const missing = Object.keys(template.Parameters).filter((name) => !docs.includes(`\`${name}\``) && !docs.includes(`${name}=`));
    expect(missing).toEqual([]);
  });

  describe("the task role's policy", () => {
    it('grants exactly the actions keelson calls, and no wildcard action', () => {
      const actions = policyStatements('TaskRole').flatMap(actionsOf);
      expect([...new Set(actions)].sort()).toEqual(EXPECTED_ACTIONS);
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
      expect(policyStatements('TaskRole').every((s) => s.Effect === 'Allow')).toBe(true);
    });

    it('never allows a write on every resource, except where AWS offers nothing narrower', () => {
      const writesOnAny = policyStatements('TaskRole')
        .filter((s) => resourcesOf(s).includes('*'))
        .flatMap(actionsOf)
        .filter((action) => !isRead(action));
      expect(writesOnAny.sort()).toEqual(Object.keys(WRITES_ON_ANY_RESOURCE).sort());
    });

    it('scopes each action that AWS lets be scoped to the resources it was given', () => {
      for (const [action, expected] of Object.entries(SCOPES)) {
        const statements = statementsFor(action);
        expect(statements.length, action).toBeGreaterThan(0);
        for (const statement of statements) expect(resourcesOf(statement), action).toEqual(expected);
      }
      for (const name of ['ManagedServiceArns', 'ManagedTaskDefinitionArns', 'ManagedRoleArns', 'ManagedListenerArns', 'ManagedListenerRuleArns', 'ManagedHostedZoneArns']) {
        expect(template.Parameters[name]?.Type, name).toBe('CommaDelimitedList');
      }
    });

    it('is explained action by action in docs/deploying.md', () => {
      const docs = readFileSync(new URL('../../../docs/deploying.md', import.meta.url), 'utf8');
      const explained = docs.slice(docs.indexOf("## The task role's policy"));
      const missing = EXPECTED_ACTIONS.filter((action) => !explained.includes(`\`${action}\``) && !explained.includes(`\`${action.split(':')[1]}\``));
      expect(missing).toEqual([]);
    });

    it('passes roles only to ECS tasks, tags only new task definitions, changes only the named records by UPSERT', () => {
      const [passRole] = statementsFor('iam:PassRole');
      expect(passRole?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
      const [tag] = statementsFor('ecs:TagResource');
      expect(tag?.Condition).toEqual({ StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } });
      const [change] = statementsFor('route53:ChangeResourceRecordSets');
      const onValues = change?.Condition?.['ForAllValues:StringEquals'];
      expect(onValues?.['route53:ChangeResourceRecordSetsActions']).toEqual(['UPSERT']);
      expect(branches(onValues?.['route53:ChangeResourceRecordSetsNormalizedRecordNames'] ?? null)).toEqual([{ Ref: 'ManagedRecordNames' }]);
    });
  });

  describe('the controller container', () => {
    it('keeps secrets out of its plain environment: TOKEN, SECRET, PASSWORD and KEY come from Secrets Manager', () => {
      const environment = branches(container().Environment!) as { Name: string; Value: Json }[];
      const secrets = branches(container().Secrets!) as { Name: string; ValueFrom?: Json; Value?: Json }[];
      expect(environment.map((e) => e.Name).filter((n) => /TOKEN|SECRET|PASSWORD|KEY/.test(n))).toEqual([]);
      expect(JSON.stringify(environment)).not.toMatch(/hooks\.slack\.com|ghp_|xox[bp]-/);
      expect(secrets.map((s) => s.Name).sort()).toEqual(['KEELSON_API_TOKEN', 'KEELSON_GIT_TOKEN', 'KEELSON_GIT_WEBHOOK_SECRET', 'KEELSON_SLACK_WEBHOOK_URL']);
      for (const secret of secrets) {
        expect(secret.Value, secret.Name).toBeUndefined();
        // A secret ARN given as a parameter, or a Secrets Manager secret of the stack's own.
        for (const from of branches(secret.ValueFrom ?? null) as { Ref: string }[]) {
          const own = template.Resources[from.Ref]?.Type === 'AWS::SecretsManager::Secret';
          expect(own || /SecretArn$/.test(from.Ref), `${secret.Name} from ${from.Ref}`).toBe(true);
        }
      }
    });

    it('keeps the webhook secret out of the parameters shown and the task definition: NoEcho, into Secrets Manager', () => {
      expect(template.Parameters.WebhookSecret).toMatchObject({ Type: 'String', NoEcho: true, Default: '' });
      const stored = resource('GitWebhookSecret');
      expect(stored.Type).toBe('AWS::SecretsManager::Secret');
      expect(template.Resources.GitWebhookSecret?.Condition).toBe('HasGitWebhookSecret');
      expect(stored.Properties.SecretString).toEqual({ Ref: 'WebhookSecret' });
      const refs: string[] = [];
      walk(resource('TaskDefinition').Properties as Json, (node) => typeof node.Ref === 'string' && refs.push(node.Ref));
      expect(refs).not.toContain('WebhookSecret');
      expect(container().Secrets).toContainEqual({
        'Fn::If': ['HasGitWebhookSecret', { Name: 'KEELSON_GIT_WEBHOOK_SECRET', ValueFrom: { Ref: 'GitWebhookSecret' } }, { Ref: 'AWS::NoValue' }],
      });
    });

    it('generates the API token in a secret of its own when none is given, and says where', () => {
      expect(template.Parameters.ApiTokenSecretArn?.Default).toBe('');
      expect(template.Conditions.GenerateApiToken).toEqual({ 'Fn::Equals': [{ Ref: 'ApiTokenSecretArn' }, ''] });
      expect(template.Resources.ApiTokenSecret).toMatchObject({ Type: 'AWS::SecretsManager::Secret', Condition: 'GenerateApiToken' });
      expect(resource('ApiTokenSecret').Properties.GenerateSecretString).toMatchObject({ ExcludePunctuation: true });
      expect((resource('ApiTokenSecret').Properties.GenerateSecretString as Props).PasswordLength).toBeGreaterThanOrEqual(32);
      const either = { 'Fn::If': ['GenerateApiToken', { Ref: 'ApiTokenSecret' }, { Ref: 'ApiTokenSecretArn' }] };
      expect(container().Secrets).toContainEqual({ Name: 'KEELSON_API_TOKEN', ValueFrom: either });
      expect(template.Outputs.ApiTokenSecretArn?.Value).toEqual(either);
    });

    it('lets the execution role read exactly the secrets the container names', () => {
      const fromContainer = (branches(container().Secrets!) as { ValueFrom: Json }[]).flatMap((s) => branches(s.ValueFrom));
      const readable = policyStatements('ExecutionRole')
        .filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'))
        .flatMap(resourcesOf);
      expect(readable).toEqual(fromContainer);
    });

    it('runs the controller on Fargate with its config on every interface, port 8080, a /healthz check and 60 s to stop', () => {
      const task = resource('TaskDefinition').Properties;
      expect(task.RequiresCompatibilities).toEqual(['FARGATE']);
      expect(task.NetworkMode).toBe('awsvpc');
      const keelson = container();
      expect(keelson.Image).toEqual({ Ref: 'ImageUri' });
      expect(keelson.Command).toEqual(['run', '--config', '/etc/keelson/keelson.yaml', '--host', '0.0.0.0']);
      expect(keelson.PortMappings).toEqual([expect.objectContaining({ ContainerPort: 8080 })]);
      expect(JSON.stringify((keelson.HealthCheck as Props).Command)).toContain('http://127.0.0.1:8080/healthz');
      expect(keelson.StopTimeout).toBe(60);
      expect((keelson.LogConfiguration as Props).LogDriver).toBe('awslogs');
    });
  });

  it('runs Replicas tasks (2 by default: a leader and a standby), with the deployment circuit breaker on', () => {
    const service = resource('Service').Properties;
    expect(service.DesiredCount).toEqual({ Ref: 'Replicas' });
    expect(template.Parameters.Replicas).toMatchObject({ Type: 'Number', Default: 2 });
    expect(service.LaunchType).toBe('FARGATE');
    expect((service.DeploymentConfiguration as Props).DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
  });

  it('passes the shard count to every task, one lease for every Release by default', () => {
    expect(template.Parameters.Shards).toMatchObject({ Type: 'Number', Default: 1, MinValue: 1 });
    expect(container().Environment).toContainEqual({ Name: 'KEELSON_SHARDS', Value: { Ref: 'Shards' } });
  });

  it('creates the Releases and state tables with the documented keys, on demand, with point-in-time recovery', () => {
    // The Releases table as createTables makes it: its key and its change feed index.
    const releases = sourceTableDefinition('x');
    expect(keySchema('ReleasesTable')).toEqual({ attributes: releases.AttributeDefinitions, keys: releases.KeySchema });
    expect(resource('ReleasesTable').Properties.GlobalSecondaryIndexes).toEqual(releases.GlobalSecondaryIndexes);
    // The state table likewise: its keys and its status feed index.
    const state = stateTableDefinition('x');
    expect(keySchema('StateTable')).toEqual({ attributes: state.AttributeDefinitions, keys: state.KeySchema });
    expect(resource('StateTable').Properties.GlobalSecondaryIndexes).toEqual(state.GlobalSecondaryIndexes);
    for (const table of ['ReleasesTable', 'StateTable']) {
      const props = resource(table).Properties;
      expect(props.BillingMode, table).toBe('PAY_PER_REQUEST');
      expect(props.PointInTimeRecoverySpecification, table).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });

  it('outputs the table names and the service ARN', () => {
    expect(template.Outputs.ReleasesTableName?.Value).toEqual({ Ref: 'ReleasesTable' });
    expect(template.Outputs.StateTableName?.Value).toEqual({ Ref: 'StateTable' });
    expect(template.Outputs.ServiceArn?.Value).toEqual({ Ref: 'Service' });
  });
});
