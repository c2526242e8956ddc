// The load balancers in front of keelson, read from the template: who may connect, what reaches
// the tasks, and that the timeouts fit keelson's own HTTP server.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { branches, parseTemplate } from './cfn.js';
import type { Json, Template } from './cfn.js';
import { parseConfig } from '../../../src/config/load.js';

const template: Template = parseTemplate(
  readFileSync(new URL('../../../manifests/deploy/keelson.cloudformation.yaml', import.meta.url), 'utf8'),
);

type Props = Record<string, Json>;

function resource(name: string): { Type: string; Properties: Props; Condition?: string } {
  const found = template.Resources[name];
  if (!found?.Properties) throw new Error(`no resource ${name} with properties`);
  return { Type: found.Type, Properties: found.Properties, ...(found.Condition ? { Condition: found.Condition } : {}) };
}

function attributes(name: string, key: 'LoadBalancerAttributes' | 'TargetGroupAttributes'): Record<string, string> {
  const list = resource(name).Properties[key] as { Key: string; Value: string }[];
  return Object.fromEntries(list.map((a) => [a.Key, a.Value]));
}

/** Ingress rules on a security group: its inline rules and the SecurityGroupIngress resources naming it. */
function ingressOf(group: string): Props[] {
  const inline = (resource(group).Properties.SecurityGroupIngress ?? []) as Props[];
  const separate = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && JSON.stringify(r.Properties?.GroupId) === JSON.stringify({ 'Fn::GetAtt': [group, 'GroupId'] }))
    .map((r) => r.Properties as Props);
  return [...inline, ...separate];
}

/** keelson.yaml as the image carries it, with the environment the task definition gives. */
const deployConfig = parseConfig(
  readFileSync(new URL('../../../manifests/deploy/keelson.yaml', import.meta.url), 'utf8'),
  'manifests/deploy/keelson.yaml',
  { KEELSON_RELEASES_TABLE: 'keelson-releases', KEELSON_STATE_TABLE: 'keelson-state', AWS_REGION: 'us-east-1', KEELSON_API_TOKEN: 'token' },
);

/** The dashboard's server-sent events send a heartbeat about this often (docs/dashboard.md). */
const SSE_HEARTBEAT_SECONDS = 15;

describe('the internal load balancer: API, dashboard, /metrics', () => {
  it('is internal, in the tasks\' private subnets, behind its own security group', () => {
    const lb = resource('ApiLoadBalancer');
    expect(lb.Condition).toBeUndefined();
    expect(lb.Properties).toMatchObject({ Type: 'application', Scheme: 'internal', Subnets: { Ref: 'Subnets' } });
    expect(lb.Properties.SecurityGroups).toEqual([{ 'Fn::GetAtt': ['ApiLoadBalancerSecurityGroup', 'GroupId'] }]);
    expect(template.Parameters.VpcId?.Type).toBe('AWS::EC2::VPC::Id');
  });

  it('sends to every live task by IP on port 8080, checked on /healthz (a standby or shardless replica still serves reads)', () => {
    const group = resource('ApiTargetGroup').Properties;
    expect(group).toMatchObject({ TargetType: 'ip', Protocol: 'HTTP', Port: 8080, HealthCheckPath: '/healthz', Matcher: { HttpCode: '200' } });
    const service = resource('Service').Properties;
    expect(branches(service.LoadBalancers!)).toContainEqual({ ContainerName: 'keelson', ContainerPort: 8080, TargetGroupArn: { Ref: 'ApiTargetGroup' } });
    expect(service.HealthCheckGracePeriodSeconds).toBeGreaterThan(0);
    expect(template.Resources.Service?.DependsOn).toBe('ApiListener');
  });

  it('listens on HTTPS 443 with a certificate, else on HTTP 80, forwarding everything to the tasks', () => {
    const listener = resource('ApiListener').Properties;
    expect(listener.Protocol).toEqual({ 'Fn::If': ['HasApiCertificate', 'HTTPS', 'HTTP'] });
    expect(listener.Port).toEqual({ 'Fn::If': ['HasApiCertificate', 443, 80] });
    expect(listener.Certificates).toEqual({ 'Fn::If': ['HasApiCertificate', [{ CertificateArn: { Ref: 'ApiCertificateArn' } }], { Ref: 'AWS::NoValue' }] });
    expect(template.Conditions.HasApiCertificate).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ApiCertificateArn' }, ''] }] });
    expect(listener.DefaultActions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: 'ApiTargetGroup' } }]);
  });

  it('admits only ApiClientCidr and ApiClientSecurityGroup, on the listener\'s port, and requires one of them', () => {
    const ingress = ingressOf('ApiLoadBalancerSecurityGroup');
    const port = { 'Fn::If': ['HasApiCertificate', 443, 80] };
    expect(ingress).toHaveLength(2);
    expect(ingress).toContainEqual(expect.objectContaining({ CidrIp: { Ref: 'ApiClientCidr' }, FromPort: port, ToPort: port }));
    expect(ingress).toContainEqual(expect.objectContaining({ SourceSecurityGroupId: { Ref: 'ApiClientSecurityGroup' }, FromPort: port, ToPort: port }));
    expect(template.Resources.ApiFromClientCidr?.Condition).toBe('HasApiClientCidr');
    expect(template.Resources.ApiFromClientSecurityGroup?.Condition).toBe('HasApiClientSecurityGroup');
    expect(JSON.stringify(template.Rules?.ApiHasClients)).toContain('ApiClientCidr');
    expect(JSON.stringify(template.Rules?.ApiHasClients)).toContain('ApiClientSecurityGroup');
  });

  it('outputs the API and dashboard URLs', () => {
    expect(template.Outputs.ApiUrl?.Value).toEqual({ 'Fn::If': ['HasApiCertificate', { 'Fn::Sub': 'https://${ApiHostName}' }, { 'Fn::Sub': 'http://${ApiLoadBalancer.DNSName}' }] });
    expect(JSON.stringify(template.Outputs.DashboardUrl?.Value)).toContain('/ui/');
  });
});

describe('the tasks\' security group', () => {
  it('admits port 8080 from the two load balancers\' groups and nothing else', () => {
    const ingress = ingressOf('ServiceSecurityGroup');
    expect(ingress.map((rule) => [rule.FromPort, rule.ToPort, rule.SourceSecurityGroupId])).toEqual([
      [8080, 8080, { 'Fn::GetAtt': ['ApiLoadBalancerSecurityGroup', 'GroupId'] }],
      [8080, 8080, { 'Fn::GetAtt': ['WebhookLoadBalancerSecurityGroup', 'GroupId'] }],
    ]);
    expect(ingress.every((rule) => rule.CidrIp === undefined)).toBe(true);
    expect(template.Resources.ServiceFromWebhookLoadBalancer?.Condition).toBe('HasPublicWebhook');
  });

  it('is always one of the tasks\' groups; the SecurityGroups parameter only adds to it', () => {
    const groups = branches((resource('Service').Properties.NetworkConfiguration as { AwsvpcConfiguration: Props }).AwsvpcConfiguration.SecurityGroups!);
    expect(groups).toHaveLength(2);
    for (const choice of groups) expect(JSON.stringify(choice)).toContain('"ServiceSecurityGroup","GroupId"');
    expect(template.Parameters.SecurityGroups).toMatchObject({ Type: 'CommaDelimitedList', Default: '' });
  });
});

describe('the public load balancer, for the Git webhook only', () => {
  const conditional = ['WebhookLoadBalancerSecurityGroup', 'WebhookLoadBalancer', 'WebhookTargetGroup', 'WebhookListener', 'WebhookListenerRule', 'ServiceFromWebhookLoadBalancer'];

  it('exists only with PublicWebhook true', () => {
    expect(template.Parameters.PublicWebhook).toMatchObject({ Default: 'false', AllowedValues: ['false', 'true'] });
    expect(template.Conditions.HasPublicWebhook).toEqual({ 'Fn::Equals': [{ Ref: 'PublicWebhook' }, 'true'] });
    for (const name of conditional) expect(template.Resources[name]?.Condition, name).toBe('HasPublicWebhook');
    expect(template.Outputs.WebhookUrl).toMatchObject({ Condition: 'HasPublicWebhook', Value: { 'Fn::Sub': 'https://${WebhookHostName}/webhooks/git' } });
  });

  it('faces the internet from the public subnets, HTTPS only, admitting WebhookClientCidr on 443', () => {
    expect(resource('WebhookLoadBalancer').Properties).toMatchObject({ Scheme: 'internet-facing', Subnets: { Ref: 'PublicSubnets' } });
    const listener = resource('WebhookListener').Properties;
    expect(listener).toMatchObject({ Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: { Ref: 'WebhookCertificateArn' } }] });
    expect(ingressOf('WebhookLoadBalancerSecurityGroup')).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: { Ref: 'WebhookClientCidr' } })]);
  });

  it('forwards only POST /webhooks/git for the webhook host name, and answers anything else with a fixed 404', () => {
    const listener = resource('WebhookListener').Properties;
    expect(listener.DefaultActions).toEqual([{ Type: 'fixed-response', FixedResponseConfig: expect.objectContaining({ StatusCode: '404' }) }]);
    const rules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule');
    expect(rules).toHaveLength(1);
    const rule = resource('WebhookListenerRule').Properties;
    expect(rule.ListenerArn).toEqual({ Ref: 'WebhookListener' });
    const conditions = Object.fromEntries((rule.Conditions as Props[]).map((c) => [c.Field, c]));
    expect(Object.keys(conditions).sort()).toEqual(['host-header', 'http-request-method', 'path-pattern']);
    expect(conditions['path-pattern']).toMatchObject({ PathPatternConfig: { Values: ['/webhooks/git'] } });
    expect(conditions['http-request-method']).toMatchObject({ HttpRequestMethodConfig: { Values: ['POST'] } });
    expect(conditions['host-header']).toMatchObject({ HostHeaderConfig: { Values: [{ Ref: 'WebhookHostName' }] } });
    expect(rule.Actions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: 'WebhookTargetGroup' } }]);
  });

  it('forwards to the path keelson serves the webhook on', () => {
    const routes = readFileSync(new URL('../../../src/server/routes.ts', import.meta.url), 'utf8');
    expect(routes).toContain("method: 'POST',\n      pattern: /^\\/webhooks\\/git$/");
  });

  it('registers the tasks a second time (a target group belongs to one load balancer), and the service waits for the rule', () => {
    expect(resource('WebhookTargetGroup').Properties).toMatchObject({ TargetType: 'ip', Port: 8080, HealthCheckPath: '/healthz' });
    const service = template.Resources.Service!;
    expect(service.Properties?.LoadBalancers).toContainEqual({
      'Fn::If': ['HasPublicWebhook', { ContainerName: 'keelson', ContainerPort: 8080, TargetGroupArn: { Ref: 'WebhookTargetGroup' } }, { Ref: 'AWS::NoValue' }],
    });
    expect(JSON.stringify(service.Metadata)).toContain('{"Ref":"WebhookListenerRule"}');
  });

  it('cannot be turned on without a Git source, a webhook secret, a certificate, a host name and public subnets', () => {
    const rule = template.Rules?.PublicWebhookIsComplete;
    expect(rule?.RuleCondition).toEqual({ 'Fn::Equals': [{ Ref: 'PublicWebhook' }, 'true'] });
    const asserted = JSON.stringify(rule?.Assertions.map((a) => a.Assert));
    for (const parameter of ['SourceKind', 'WebhookSecret', 'WebhookCertificateArn', 'WebhookHostName', 'PublicSubnets']) expect(asserted, parameter).toContain(`{"Ref":"${parameter}"}`);
  });
});

describe('timeouts between the load balancers and keelson', () => {
  const idle = (lb: string): number => Number(attributes(lb, 'LoadBalancerAttributes')['idle_timeout.timeout_seconds']);

  it('outlast the dashboard\'s event-stream heartbeats at the load balancer', () => {
    expect(idle('ApiLoadBalancer')).toBeGreaterThan(SSE_HEARTBEAT_SECONDS * 2);
  });

  it('let the load balancer close idle connections first: keelson\'s keep-alive (and idle socket limit) are longer', async () => {
    const { keepAliveTimeouts } = await import('../../../src/server/keep-alive.js');
    expect(deployConfig.http.keepAliveMs).toBeDefined();
    const timeouts = keepAliveTimeouts(deployConfig.http.keepAliveMs!);
    for (const lb of ['ApiLoadBalancer', 'WebhookLoadBalancer']) {
      expect(timeouts.keepAliveMs, lb).toBeGreaterThan(idle(lb) * 1000);
      expect(timeouts.idleSocketMs, lb).toBeGreaterThan(idle(lb) * 1000);
    }
  });

  it('give requests under way keelson\'s request deadline to finish before a task is deregistered', async () => {
    const { HTTP_SERVER_DEFAULTS } = await import('../../../src/server/http.js');
    for (const group of ['ApiTargetGroup', 'WebhookTargetGroup']) {
      expect(Number(attributes(group, 'TargetGroupAttributes')['deregistration_delay.timeout_seconds']) * 1000, group).toBeGreaterThanOrEqual(HTTP_SERVER_DEFAULTS.timeouts.requestMs);
    }
  });
});
