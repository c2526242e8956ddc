import { describe, expect, it } from 'vitest';
import { classifyFailure, RevisionNotFoundError } from '../../../../controllers/release/failure.js';
import { CloudError } from '../../../../src/cloud/errors.js';

const at = { service: 'ecs', operation: 'UpdateService' };

describe('classifyFailure decides by the code, never the text', () => {
  it.each([
    ['AccessDenied', new CloudError('AccessDenied', 'not authorized', at), true, 'AccessDenied'],
    ['Invalid', new CloudError('Invalid', 'desiredCount must be a whole number', at), true, 'InvalidRequest'],
    ['NotFound of a listener', new CloudError('NotFound', 'Listener not found', { service: 'elasticloadbalancing', awsCode: 'ListenerNotFound' }), true, 'ResourceNotFound'],
    ['NotFound of a revision', new RevisionNotFoundError('app:999', new CloudError('NotFound', 'Unable to describe task definition')), true, 'RevisionNotFound'],
    ['NotFound of a Route 53 change', new CloudError('NotFound', 'No change', { service: 'route53', operation: 'GetChange', awsCode: 'NoSuchChange' }), false, 'RetryingAfterError'],
    ['Throttled', new CloudError('Throttled', 'Rate exceeded', at), false, 'RetryingAfterError'],
    ['Unavailable', new CloudError('Unavailable', 'Service unavailable', at), false, 'RetryingAfterError'],
    ['Timeout', new CloudError('Timeout', 'timed out', at), false, 'RetryingAfterError'],
    ['Conflict', new CloudError('Conflict', 'update in progress', at), false, 'RetryingAfterError'],
    ['an unexpected error', new TypeError('x is undefined'), false, 'RetryingAfterError'],
  ])('%s', (_name, error, terminal, reason) => {
    expect(classifyFailure(error)).toMatchObject({ terminal, reason, error });
  });

  it('names the call a retryable error came from, and keeps the AWS message of a terminal one', () => {
    expect(classifyFailure(new CloudError('Throttled', 'Rate exceeded (ecs:DescribeServices)', { service: 'ecs', operation: 'DescribeServices' })).message).toBe('ECS DescribeServices throttled');
    expect(classifyFailure(new CloudError('Timeout', 'x', { service: 'elasticloadbalancing', operation: 'DescribeRules' })).message).toBe('ELB DescribeRules timed out');
    expect(classifyFailure(new CloudError('AccessDenied', 'User: arn:aws:sts::1:assumed-role/k is not authorized', at)).message).toBe('User: arn:aws:sts::1:assumed-role/k is not authorized');
    expect(classifyFailure(new TypeError('x is undefined'))).toMatchObject({ code: 'Internal', message: 'x is undefined' });
  });
});
