import { ApplicationAutoScalingServiceException, ConcurrentUpdateException, ObjectNotFoundException } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchServiceException, InternalServiceFault, InvalidParameterValueException } from '@aws-sdk/client-cloudwatch';
import {
  AccessDeniedException,
  ClientException,
  ClusterNotFoundException,
  DescribeServicesCommand,
  ECSClient,
  ECSServiceException,
  InvalidParameterException,
  ServerException,
  ServiceNotFoundException,
  UpdateInProgressException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  ElasticLoadBalancingV2ServiceException,
  ResourceInUseException,
  RuleNotFoundException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  ConcurrentModification,
  InvalidChangeBatch,
  NoSuchChange,
  NoSuchHostedZone,
  PriorRequestNotComplete,
  ThrottlingException as Route53ThrottlingException,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { toCloudError } from '../../../../src/cloud/aws/errors.js';
import { CloudError, isCloudError } from '../../../../src/cloud/errors.js';
import type { CloudErrorCode } from '../../../../src/cloud/errors.js';
import { awsPortsForTest } from './helpers.js';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const socketError = (code: string, name = 'Error') => Object.assign(new Error(`connect ${code} 127.0.0.1:443`), { code, name });

// What the SDK throws (modelled classes, or its base class for codes the model does not list),
// and what keelson must make of it.
const cases: [string, unknown, CloudErrorCode][] = [
  ['ECS ThrottlingException (not modelled)', new ECSServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', ...meta(400) }), 'Throttled'],
  ['ELB Throttling (query protocol code)', new ElasticLoadBalancingV2ServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', ...meta(400) }), 'Throttled'],
  ['Route 53 ThrottlingException', new Route53ThrottlingException({ message: 'Rate exceeded', ...meta(400) }), 'Throttled'],
  ['Route 53 PriorRequestNotComplete', new PriorRequestNotComplete({ message: 'The request was rejected because Route 53 was still processing a prior request.', ...meta(400) }), 'Throttled'],
  ['TooManyRequestsException', new ECSServiceException({ name: 'TooManyRequestsException', $fault: 'client', ...meta(429) }), 'Throttled'],
  ['RequestLimitExceeded', new ECSServiceException({ name: 'RequestLimitExceeded', $fault: 'client', ...meta(400) }), 'Throttled'],
  ['ECS ServiceNotFoundException', new ServiceNotFoundException({ message: 'Service not found.', ...meta(400) }), 'NotFound'],
  ['ECS ClusterNotFoundException', new ClusterNotFoundException({ message: 'Cluster not found.', ...meta(400) }), 'NotFound'],
  ['ECS ClientException for a missing task definition', new ClientException({ message: 'Unable to describe task definition.', ...meta(400) }), 'NotFound'],
  ['ELB RuleNotFoundException', new RuleNotFoundException({ message: 'One or more rules not found', ...meta(400) }), 'NotFound'],
  ['ELB TargetGroupNotFoundException', new TargetGroupNotFoundException({ message: 'One or more target groups not found', ...meta(400) }), 'NotFound'],
  ['Route 53 NoSuchHostedZone', new NoSuchHostedZone({ message: 'No hosted zone found with ID: Z1D633PJN98FT9', ...meta(404) }), 'NotFound'],
  ['Route 53 NoSuchChange', new NoSuchChange({ message: 'A change with the specified change ID does not exist.', ...meta(404) }), 'NotFound'],
  ['Auto Scaling ObjectNotFoundException', new ObjectNotFoundException({ message: 'No scalable target', ...meta(400) }), 'NotFound'],
  ['ECS UpdateInProgressException', new UpdateInProgressException({ message: 'There is already a deployment in progress.', ...meta(400) }), 'Conflict'],
  ['ELB ResourceInUseException', new ResourceInUseException({ message: 'Target group is currently in use by a listener or a rule', ...meta(400) }), 'Conflict'],
  ['Route 53 ConcurrentModification', new ConcurrentModification({ message: 'Another change is in progress', ...meta(400) }), 'Conflict'],
  ['Route 53 InvalidChangeBatch about a conflicting change', new InvalidChangeBatch({ message: 'The request contains a change that conflicts with a change in progress', ...meta(400) }), 'Conflict'],
  ['Route 53 InvalidChangeBatch otherwise', new InvalidChangeBatch({ message: "Tried to create resource record set but it already exists", ...meta(400) }), 'Invalid'],
  ['Auto Scaling ConcurrentUpdateException', new ConcurrentUpdateException({ message: 'Concurrent update', ...meta(400) }), 'Conflict'],
  ['ECS AccessDeniedException', new AccessDeniedException({ message: 'User is not authorized to perform ecs:UpdateService', ...meta(400) }), 'AccessDenied'],
  ['ELB AccessDenied (query protocol code)', new ElasticLoadBalancingV2ServiceException({ name: 'AccessDenied', $fault: 'client', ...meta(403) }), 'AccessDenied'],
  ['UnauthorizedOperation', new ECSServiceException({ name: 'UnauthorizedOperation', $fault: 'client', ...meta(403) }), 'AccessDenied'],
  ['ExpiredTokenException', new ECSServiceException({ name: 'ExpiredTokenException', $fault: 'client', ...meta(400) }), 'AccessDenied'],
  ['no credentials at all', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'AccessDenied'],
  ['ELB ValidationError', new ElasticLoadBalancingV2ServiceException({ name: 'ValidationError', $fault: 'client', message: 'Weight must be between 0 and 999', ...meta(400) }), 'Invalid'],
  ['ECS InvalidParameterException', new InvalidParameterException({ message: 'Invalid revision number.', ...meta(400) }), 'Invalid'],
  ['ECS ClientException', new ClientException({ message: 'The container backend does not exist', ...meta(400) }), 'Invalid'],
  ['CloudWatch InvalidParameterValue', new InvalidParameterValueException({ message: 'The parameter StartTime must be before EndTime', ...meta(400) }), 'Invalid'],
  ['a client fault the table does not know', new ECSServiceException({ name: 'SomethingNew', $fault: 'client', ...meta(400) }), 'Invalid'],
  ['no region configured', new Error('Region is missing'), 'Invalid'],
  ['ECS ServerException', new ServerException({ message: 'Service Unavailable', ...meta(500) }), 'Unavailable'],
  ['CloudWatch InternalServiceFault', new InternalServiceFault({ message: 'Internal failure', ...meta(500) }), 'Unavailable'],
  ['ServiceUnavailable', new CloudWatchServiceException({ name: 'ServiceUnavailable', $fault: 'server', ...meta(503) }), 'Unavailable'],
  ['InternalFailure', new ApplicationAutoScalingServiceException({ name: 'InternalFailure', $fault: 'server', ...meta(500) }), 'Unavailable'],
  ['an unnamed 502 from a proxy', new ECSServiceException({ name: 'Unknown', $fault: 'client', ...meta(502) }), 'Unavailable'],
  ['connection refused', socketError('ECONNREFUSED'), 'Unavailable'],
  ['connection refused after the SDK counted its attempts', Object.assign(socketError('ECONNREFUSED'), { $metadata: { attempts: 5, totalRetryDelay: 1200 } }), 'Unavailable'],
  ['connection reset (the SDK names it TimeoutError)', socketError('ECONNRESET', 'TimeoutError'), 'Unavailable'],
  ['DNS failure', socketError('ENOTFOUND'), 'Unavailable'],
  ['request timeout', Object.assign(new Error('a request has exceeded the configured 100 ms requestTimeout.'), { name: 'TimeoutError', code: 'ETIMEDOUT' }), 'Timeout'],
  ['socket timeout', Object.assign(new Error('the request socket timed out'), { name: 'TimeoutError' }), 'Timeout'],
  ['RequestTimeoutException', new ECSServiceException({ name: 'RequestTimeoutException', $fault: 'client', ...meta(408) }), 'Timeout'],
];

describe('toCloudError', () => {
  it.each(cases)('maps %s', (_label, error, code) => {
    const mapped = toCloudError(error, { service: 'ecs', operation: 'UpdateService' });
    expect(mapped).toBeInstanceOf(CloudError);
    expect(mapped.code).toBe(code);
    expect(mapped.details.cause).toBe(error);
  });

  it('keeps the AWS code, service and operation in details and in the message', () => {
    const error = new UpdateInProgressException({ message: 'There is already a deployment in progress.', ...meta(400) });
    const mapped = toCloudError(error, { service: 'ecs', operation: 'UpdateService' });
    expect(mapped.details).toMatchObject({ service: 'ecs', operation: 'UpdateService', awsCode: 'UpdateInProgressException' });
    expect(mapped.message).toBe('ecs UpdateService: UpdateInProgressException: There is already a deployment in progress.');
    expect(mapped.retryable).toBe(true);
  });

  it('keeps a socket error code as the AWS code', () => {
    const refused = Object.assign(socketError('ECONNREFUSED'), { $metadata: { attempts: 1, totalRetryDelay: 0 } });
    expect(toCloudError(refused, { service: 'ecs', operation: 'ListTasks' }).details.awsCode).toBe('ECONNREFUSED');
  });

  it('passes a CloudError through unchanged', () => {
    const original = new CloudError('Invalid', 'no such container');
    expect(toCloudError(original, { service: 'ecs', operation: 'RegisterTaskDefinition' })).toBe(original);
  });
});

describe('AWS calls through the ports', () => {
  const ecs = mockClient(ECSClient);
  beforeEach(() => ecs.reset());

  it('reject with a mapped CloudError', async () => {
    ecs.on(UpdateServiceCommand).rejects(new UpdateInProgressException({ message: 'There is already a deployment in progress.', ...meta(400) }));
    const { ports } = awsPortsForTest();

    const failure = await ports.ecs.updateService({ cluster: 'aep-prod', service: 'aep-backend-green', desiredCount: 2 }).catch((e: unknown) => e);

    expect(isCloudError(failure, 'Conflict')).toBe(true);
    expect(failure).toMatchObject({ details: { service: 'ecs', operation: 'UpdateService', awsCode: 'UpdateInProgressException' } });
  });

  it('are each counted with service, operation and outcome', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [], failures: [] })
      .rejectsOnce(new ECSServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', ...meta(400) }))
      .rejectsOnce(new AccessDeniedException({ message: 'not authorized', ...meta(400) }));
    const { ports, calls } = awsPortsForTest();

    await ports.ecs.describeServices('aep-prod', ['a']);
    await ports.ecs.describeServices('aep-prod', ['a']).catch(() => undefined);
    await ports.ecs.describeServices('aep-prod', ['a']).catch(() => undefined);

    expect(calls).toEqual([
      { service: 'ecs', operation: 'DescribeServices', outcome: 'ok' },
      { service: 'ecs', operation: 'DescribeServices', outcome: 'Throttled' },
      { service: 'ecs', operation: 'DescribeServices', outcome: 'AccessDenied' },
    ]);
  });
});
