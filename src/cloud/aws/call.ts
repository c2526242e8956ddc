// Every AWS request goes through one function: it is counted, and its failure becomes a CloudError.
// A wrapper around `send` rather than SDK middleware: it sees the outcome after the SDK's own
// retries (one count per call, not per attempt), and behaves the same when tests stub `send`.
import type { CloudErrorCode } from '../errors.js';
import { toCloudError } from './errors.js';

export interface AwsCallRecord {
  /** The IAM service prefix: ecs, elasticloadbalancing, route53, cloudwatch, application-autoscaling. */
  service: string;
  /** The API operation, e.g. DescribeServices. */
  operation: string;
  outcome: 'ok' | CloudErrorCode;
}

export type OnAwsCall = (call: AwsCallRecord) => void;

/** Sends one request (`send`) on behalf of `operation`. */
export type AwsCall = <T>(operation: string, send: () => Promise<T>) => Promise<T>;

export function awsCaller(service: string, onCall?: OnAwsCall): AwsCall {
  return async <T>(operation: string, send: () => Promise<T>): Promise<T> => {
    let result: T;
    try {
      result = await send();
    } catch (err) {
      const mapped = toCloudError(err, { service, operation });
      onCall?.({ service, operation, outcome: mapped.code });
      throw mapped;
    }
    onCall?.({ service, operation, outcome: 'ok' });
    return result;
  };
}
