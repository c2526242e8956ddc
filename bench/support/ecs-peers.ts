// The peers that are ECS itself: the AEP backend's blue service updated by hand, ECS deciding
// what happens next — rolling with the circuit breaker, rolling with deployment alarms, and the
// blue/green family's CANARY and LINEAR strategies (CodeDeploy's ECSCanary10Percent5Minutes is
// not in the simulator: it is emulated as ECS CANARY 10% for 5 minutes, the same traffic plan).
import type { DeploymentSettings } from '../../src/cloud/ports.js';
import type { SimWorld, WorldAlarm } from '../../src/sim/world.js';
import { AEP } from '../../test/scenarios/support/releases.js';

export type EcsPeer = 'ecs' | 'ecs-alarms' | 'ecs-canary' | 'ecs-linear' | 'codedeploy';

/** A rule on the AEP listener that takes all of the backend's traffic: the production rule. */
export const PRODUCTION_RULE = `${AEP.listener.replace(':listener/', ':listener-rule/')}/0e5c0a11b2c3d4e5`;

/**
 * Deployment alarms on each colour's target group, the lowest thresholds the good revision never
 * crosses: target 5xx above 10 a minute (its 0.2% background is about 6 a minute at full
 * traffic) and p95 TargetResponseTime above 175 ms (it answers p95 140 ms), each on one minute.
 */
export function peerAlarms(): WorldAlarm[] {
  return [AEP.blueTg, AEP.greenTg].flatMap((tg): WorldAlarm[] => {
    const colour = tg === AEP.blueTg ? 'blue' : 'green';
    return [
      { name: `aep-backend-${colour}-5xx`, metricName: 'HTTPCode_Target_5XX_Count', targetGroup: tg, stat: 'Sum', period: '60s', threshold: 10, comparison: 'GreaterThanThreshold', evaluationPeriods: 1 },
      { name: `aep-backend-${colour}-p95`, metricName: 'TargetResponseTime', targetGroup: tg, stat: 'p95', period: '60s', threshold: 0.175, comparison: 'GreaterThanThreshold', evaluationPeriods: 1 },
    ];
  });
}

const ALARMS: DeploymentSettings['alarms'] = { alarmNames: peerAlarms().map((a) => a.name), enable: true, rollback: true };

/**
 * What each peer sets on the service. Defaults are ECS's unless named: CANARY 5% for 10 minutes
 * and LINEAR 10% every 6 minutes (API_CanaryConfiguration, API_LinearConfiguration); no
 * bakeTimeInMinutes (AWS documents none for CANARY and LINEAR; the simulator takes 0).
 */
export const PEER_SETTINGS: Record<EcsPeer, DeploymentSettings | undefined> = {
  ecs: undefined,
  'ecs-alarms': { alarms: ALARMS },
  'ecs-canary': { strategy: 'CANARY', alarms: ALARMS },
  'ecs-linear': { strategy: 'LINEAR', alarms: ALARMS },
  codedeploy: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 }, alarms: ALARMS },
};

export function isEcsPeer(strategy: string): strategy is EcsPeer {
  return strategy in PEER_SETTINGS;
}

/**
 * The world as the peer runs it: the circuit breaker on (rollback) for every peer, the alarms,
 * and for the blue/green family the backend's traffic on a production listener rule that ECS
 * moves between the two target groups (AdvancedConfiguration); the green service is not used.
 */
export function configurePeer(world: SimWorld, peer: EcsPeer): void {
  const blue = world.services.find((s) => s.name === AEP.blue);
  if (!blue) throw new Error(`the world has no ${AEP.blue}`);
  blue.circuitBreaker = { enable: true, rollback: true };
  const settings = PEER_SETTINGS[peer];
  if (settings) blue.deploymentConfiguration = structuredClone(settings);
  if (!settings?.strategy) return;
  world.services = world.services.filter((s) => s.name !== AEP.green);
  delete blue.targetGroup;
  blue.loadBalancers = [
    {
      targetGroupArn: AEP.blueTg,
      containerName: 'backend',
      containerPort: 8000,
      advancedConfiguration: {
        alternateTargetGroupArn: AEP.greenTg,
        productionListenerRule: PRODUCTION_RULE,
        roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers',
      },
    },
  ];
  world.rules = [...(world.rules ?? []), { arn: PRODUCTION_RULE, forward: [{ targetGroupArn: AEP.blueTg, weight: 100 }, { targetGroupArn: AEP.greenTg, weight: 0 }] }];
  for (const entry of [...(world.traffic ?? []), ...(world.endpoints ?? [])]) {
    if (entry.listenerArn === AEP.listener) {
      delete entry.listenerArn;
      entry.ruleArn = PRODUCTION_RULE;
    }
  }
}

export function addPeerAlarms(world: SimWorld): void {
  world.alarms = [...(world.alarms ?? []), ...peerAlarms()];
}
