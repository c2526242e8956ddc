// The AWS cloud: SDK clients per region, built once, and the ports on top of them.
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Route53Client } from '@aws-sdk/client-route-53';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { createHttpProbe } from '../http-probe.js';
import type { CloudPorts, CloudProvider, HttpProbePort } from '../ports.js';
import { AwsScaling } from './autoscaling.js';
import { AWS_DEFAULTS } from './defaults.js';
import { awsCaller } from './call.js';
import type { OnAwsCall } from './call.js';
import { AwsMetrics } from './cloudwatch.js';
import { AwsRegistry } from './ecr.js';
import { AwsEcs } from './ecs.js';
import { AwsLoadBalancing } from './elb.js';
import { AwsDns } from './route53.js';

export interface AwsCloudOptions {
  /** Default region; otherwise the SDK's own resolution (AWS_REGION, profile). */
  region?: string;
  /** One endpoint for every client (AWS_ENDPOINT_URL, read by the CLI), e.g. a local emulator. */
  endpoint?: string;
  /** Attempts per request, retries included (adaptive retry mode). Default 5. */
  maxAttempts?: number;
  /** Default: the SDK's default credential chain. */
  credentials?: AwsCredentialIdentityProvider;
  /** Per request: milliseconds to wait for an answer. Default 15 s. */
  requestTimeoutMs?: number;
  /** Told of every AWS request and its outcome, for metrics. */
  onCall?: OnAwsCall;
  /** Default: probes on the global fetch. */
  http?: HttpProbePort;
}

export { AWS_DEFAULTS };

export interface AwsClients {
  ecs: ECSClient;
  elb: ElasticLoadBalancingV2Client;
  route53: Route53Client;
  cloudwatch: CloudWatchClient;
  autoscaling: ApplicationAutoScalingClient;
  ecr: ECRClient;
}

/** The configuration every client shares; options left out stay out, so the SDK resolves them. */
export function awsClientConfig(region: string | undefined, options: AwsCloudOptions) {
  return {
    ...(region !== undefined ? { region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? AWS_DEFAULTS.maxAttempts,
    retryMode: AWS_DEFAULTS.retryMode,
    // Without a request timeout a stalled connection would hold a reconcile forever.
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? AWS_DEFAULTS.requestTimeoutMs,
      connectionTimeout: AWS_DEFAULTS.connectionTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

export function createAwsClients(region: string | undefined, options: AwsCloudOptions = {}): AwsClients {
  const config = awsClientConfig(region, options);
  return {
    ecs: new ECSClient(config),
    elb: new ElasticLoadBalancingV2Client(config),
    route53: new Route53Client(config),
    cloudwatch: new CloudWatchClient(config),
    autoscaling: new ApplicationAutoScalingClient(config),
    ecr: new ECRClient(config),
  };
}

export function awsPorts(clients: AwsClients, http: HttpProbePort, onCall?: OnAwsCall): CloudPorts {
  return {
    ecs: new AwsEcs(clients.ecs, awsCaller('ecs', onCall)),
    lb: new AwsLoadBalancing(clients.elb, awsCaller('elasticloadbalancing', onCall)),
    dns: new AwsDns(clients.route53, awsCaller('route53', onCall)),
    metrics: new AwsMetrics(clients.cloudwatch, awsCaller('cloudwatch', onCall)),
    scaling: new AwsScaling(clients.autoscaling, awsCaller('application-autoscaling', onCall)),
    http,
    registry: new AwsRegistry(clients.ecr, awsCaller('ecr', onCall)),
  };
}

/** Ports per region, each region's clients made on first use and kept. */
export function createAwsCloud(options: AwsCloudOptions = {}): CloudProvider {
  const http = options.http ?? createHttpProbe();
  const byRegion = new Map<string, CloudPorts>();
  return (region) => {
    const wanted = region ?? options.region;
    const key = wanted ?? '';
    let ports = byRegion.get(key);
    if (!ports) {
      ports = awsPorts(createAwsClients(wanted, options), http, options.onCall);
      byRegion.set(key, ports);
    }
    return ports;
  };
}
