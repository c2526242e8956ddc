// AWS errors mapped once, at the edge, to the few outcomes the reconciler acts on.
import { CloudError, isCloudError } from '../errors.js';
import type { CloudErrorCode } from '../errors.js';

export interface AwsCallSite {
  service: string;
  operation: string;
}

// Keys are error names with any Exception/Fault/Error suffix removed, so that the SDK's
// `ListenerNotFoundException` and the wire code `ListenerNotFound` are one entry.
const BY_NAME: ReadonlyMap<string, CloudErrorCode> = new Map(
  Object.entries({
    Throttled: [
      'Throttling', 'Throttled', 'TooManyRequests', 'RequestLimitExceeded', 'RequestThrottled',
      'SlowDown', 'PriorRequestNotComplete', 'BandwidthLimitExceeded', 'ProvisionedThroughputExceeded',
      'EC2Throttled',
    ],
    NotFound: [
      'NotFound', 'ResourceNotFound', 'ServiceNotFound', 'ServiceNotActive', 'ClusterNotFound',
      'TaskSetNotFound', 'ServiceDeploymentNotFound', 'TargetNotFound', 'ListenerNotFound',
      'RuleNotFound', 'TargetGroupNotFound', 'LoadBalancerNotFound', 'NoSuchHostedZone',
      'HostedZoneNotFound', 'NoSuchChange', 'NoSuchHealthCheck', 'ObjectNotFound',
      'ImageNotFound', 'RepositoryNotFound',
    ],
    Conflict: [
      'UpdateInProgress', 'ResourceInUse', 'ConcurrentModification', 'ConcurrentUpdate', 'Conflict',
      'ResourceConflict',
    ],
    AccessDenied: [
      'AccessDenied', 'UnauthorizedOperation', 'Unauthorized', 'NotAuthorized', 'ExpiredToken',
      'InvalidClientTokenId', 'UnrecognizedClient', 'InvalidSignature', 'SignatureDoesNotMatch',
      'IncompleteSignature', 'MissingAuthenticationToken', 'AuthFailure', 'RequestExpired',
      'Blocked', 'FailedResourceAccess', 'KmsAccessDenied', 'CredentialsProvider',
    ],
    Invalid: [
      'Validation', 'InvalidParameter', 'InvalidParameterValue', 'InvalidParameterCombination',
      'MissingParameter', 'MissingRequiredParameter', 'InvalidInput', 'InvalidArgument', 'Client',
      'InvalidConfigurationRequest', 'InvalidLoadBalancerAction', 'OperationNotPermitted',
      'InvalidNextToken', 'InvalidPaginationToken', 'PlatformUnknown',
      'PlatformTaskDefinitionIncompatibility', 'UnsupportedFeature', 'InvalidChangeBatch',
    ],
    Unavailable: [
      'ServiceUnavailable', 'Unavailable', 'InternalFailure', 'Internal', 'InternalServer',
      'InternalService', 'Server', 'ServiceFailure', 'HealthUnavailable', 'InsufficientCapacity',
    ],
    Timeout: ['RequestTimeout', 'Timeout'],
  } satisfies Record<CloudErrorCode, string[]>).flatMap(([code, names]) =>
    names.map((name) => [name, code as CloudErrorCode] as const),
  ),
);

// Node socket errors: the request never got an answer.
const NETWORK: ReadonlyMap<string, CloudErrorCode> = new Map([
  ['ECONNREFUSED', 'Unavailable'], ['ECONNRESET', 'Unavailable'], ['EPIPE', 'Unavailable'],
  ['ENOTFOUND', 'Unavailable'], ['EAI_AGAIN', 'Unavailable'], ['EHOSTUNREACH', 'Unavailable'],
  ['ENETUNREACH', 'Unavailable'], ['ECONNABORTED', 'Unavailable'], ['ETIMEDOUT', 'Timeout'],
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/** Any failure of an AWS call as a CloudError; the AWS code and operation stay in `details`. */
export function toCloudError(err: unknown, site: AwsCallSite): CloudError {
  if (isCloudError(err)) return err;
  const e: AwsLikeError = typeof err === 'object' && err !== null ? (err as AwsLikeError) : { message: String(err) };
  // The SDK adds $metadata (attempts) to socket errors too; only an answer has a status.
  const fromService = e.$fault !== undefined || e.$metadata?.httpStatusCode !== undefined;
  const awsCode = fromService ? e.name : (e.code ?? e.name);
  const code = classify(e, fromService);
  const message = `${site.service} ${site.operation}: ${awsCode ?? 'Error'}: ${e.message ?? 'no message'}`;
  return new CloudError(code, message, { ...site, awsCode, cause: err });
}

function classify(e: AwsLikeError, fromService: boolean): CloudErrorCode {
  const name = normalise(e.name ?? '');
  const message = e.message ?? '';
  // The same names mean different things depending on what the message says.
  if (name === 'InvalidChangeBatch' && /conflict/i.test(message)) return 'Conflict';
  if (name === 'Client' && /unable to describe task definition/i.test(message)) return 'NotFound';
  if (!fromService && e.code !== undefined) {
    const network = NETWORK.get(e.code);
    if (network) return network;
  }
  const byName = BY_NAME.get(name);
  if (byName) return byName;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) {
    if (status === 429) return 'Throttled';
    if (status === 401 || status === 403) return 'AccessDenied';
    if (status === 404) return 'NotFound';
    if (status === 409) return 'Conflict';
    if (status >= 500) return 'Unavailable';
  }
  if (e.$fault === 'client') return 'Invalid';
  if (e.$fault === 'server') return 'Unavailable';
  if (/region is missing/i.test(message)) return 'Invalid';
  // Anything else (a socket closed early, a body cut short) is worth another try.
  return 'Unavailable';
}

function normalise(name: string): string {
  return name.replace(/(Exception|Fault|Error)$/, '');
}
