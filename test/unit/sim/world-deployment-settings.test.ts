import { describe, expect, it } from 'vitest';
import { invalid, problems } from './world-problems.js';

describe('world files: deployment alarms and strategies', () => {
  it('locates every deployment setting that does not hold together by file, line and field', async () => {
    const E = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
    expect(await problems(invalid('bad-deployment-settings.yaml'))).toEqual([
      `bad-deployment-settings.yaml:12:11 services[0].loadBalancers[0].advancedConfiguration.alternateTargetGroupArn: target group ${E}:targetgroup/api-missing/00000000000000a9 is not in targetGroups`,
      `bad-deployment-settings.yaml:13:11 services[0].loadBalancers[0].advancedConfiguration.productionListenerRule: must forward to both the primary and the alternate target group`,
      `bad-deployment-settings.yaml:14:11 services[0].loadBalancers[0].advancedConfiguration.testListenerRule: ${E}:listener-rule/app/shop/1111111111111111/2222222222222222/4444444444444444 is not in rules or listeners`,
      'bad-deployment-settings.yaml:16:5 services[0].deploymentConfiguration: bakeTimeInMinutes is required with the BLUE_GREEN strategy',
      'bad-deployment-settings.yaml:18:38 services[0].deploymentConfiguration.alarms.alarmNames[1]: alarm no-such-alarm is not in alarms',
      'bad-deployment-settings.yaml:23:5 services[1].deploymentConfiguration: the CANARY strategy needs a load balancer with advancedConfiguration (alternate target group and production listener rule)',
    ]);
  });
});
