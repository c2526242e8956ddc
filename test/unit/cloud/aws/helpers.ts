import { readFileSync } from 'node:fs';
import { createAwsCloud } from '../../../../src/cloud/aws/config.js';
import type { AwsCallRecord } from '../../../../src/cloud/aws/call.js';
import type { CloudPorts } from '../../../../src/cloud/ports.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** A response recorded as JSON, with timestamps turned back into the Dates the SDK returns. */
export function fixture<T>(name: string): T {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  return JSON.parse(text, (_key, value: unknown) =>
    typeof value === 'string' && ISO_TIME.test(value) ? new Date(value) : value,
  ) as T;
}

/** Ports on real SDK clients (whose `send` the test has mocked), with every call recorded. */
export function awsPortsForTest(): { ports: CloudPorts; calls: AwsCallRecord[] } {
  const calls: AwsCallRecord[] = [];
  const ports = createAwsCloud({
    region: 'us-east-1',
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    onCall: (call) => calls.push(call),
  })(undefined);
  return { ports, calls };
}
