// Real SDK clients against an HTTP server on loopback: no mocks, no AWS.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients, createAwsCloud } from '../../../../src/cloud/aws/config.js';
import type { AwsCallRecord } from '../../../../src/cloud/aws/call.js';
import { isCloudError } from '../../../../src/cloud/errors.js';

const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });

interface Seen {
  target: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

let server: Server | undefined;

/** An ECS endpoint on 127.0.0.1 answering every request with `answer`. */
async function fakeEcs(answer: (res: ServerResponse) => void): Promise<{ endpoint: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ target: req.headers['x-amz-target'] as string | undefined, authorization: req.headers.authorization, body: JSON.parse(body) });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, seen };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('createAwsCloud', () => {
  it('sends requests to the configured endpoint, signed for the region', async () => {
    const { endpoint, seen } = await fakeEcs((res) =>
      json(res, 200, { services: [], failures: [{ arn: 'arn:aws:ecs:eu-west-1:123456789012:service/aep-prod/gone', reason: 'MISSING' }] }),
    );
    const ports = createAwsCloud({ endpoint, credentials, maxAttempts: 1 })('eu-west-1');

    const result = await ports.ecs.describeServices('aep-prod', ['gone']);

    expect(result.failures).toEqual([{ arn: 'arn:aws:ecs:eu-west-1:123456789012:service/aep-prod/gone', reason: 'MISSING' }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.target).toBe('AmazonEC2ContainerServiceV20141113.DescribeServices');
    expect(seen[0]?.body).toEqual({ cluster: 'aep-prod', services: ['gone'] });
    expect(seen[0]?.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ecs\/aws4_request/);
  });

  it('maps an error answer from the wire and counts it', async () => {
    const { endpoint } = await fakeEcs((res) => json(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' }));
    const calls: AwsCallRecord[] = [];
    const ports = createAwsCloud({ endpoint, credentials, maxAttempts: 1, onCall: (c) => calls.push(c) })('eu-west-1');

    const failure = await ports.ecs.describeServices('aep-prod', ['x']).catch((e: unknown) => e);

    expect(isCloudError(failure, 'Throttled')).toBe(true);
    expect(failure).toMatchObject({ details: { awsCode: 'ThrottlingException', operation: 'DescribeServices' } });
    expect(calls).toEqual([{ service: 'ecs', operation: 'DescribeServices', outcome: 'Throttled' }]);
  });

  it('gives up on a request that gets no answer within the request timeout', async () => {
    const { endpoint } = await fakeEcs(() => undefined);
    const ports = createAwsCloud({ endpoint, credentials, maxAttempts: 1, requestTimeoutMs: 100 })('eu-west-1');

    const failure = await ports.ecs.describeServices('aep-prod', ['x']).catch((e: unknown) => e);

    expect(isCloudError(failure, 'Timeout')).toBe(true);
  });

  it('maps a refused connection to Unavailable', async () => {
    const { endpoint } = await fakeEcs(() => undefined);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const ports = createAwsCloud({ endpoint, credentials, maxAttempts: 1 })('eu-west-1');

    const failure = await ports.ecs.describeServices('aep-prod', ['x']).catch((e: unknown) => e);

    expect(isCloudError(failure, 'Unavailable')).toBe(true);
    expect(failure).toMatchObject({ details: { awsCode: 'ECONNREFUSED' } });
  });

  it('keeps one set of ports per region, the default region included', () => {
    const cloud = createAwsCloud({ region: 'us-east-1', credentials });
    expect(cloud('us-east-1')).toBe(cloud('us-east-1'));
    expect(cloud(undefined)).toBe(cloud(undefined));
    expect(cloud('eu-west-1')).not.toBe(cloud('us-east-1'));
  });
});

describe('createAwsClients', () => {
  it('gives every client the endpoint, the region, adaptive retries and 5 attempts by default', async () => {
    const clients = createAwsClients('eu-central-1', { endpoint: 'http://127.0.0.1:4566', credentials });

    for (const client of Object.values(clients)) {
      expect(await client.config.region()).toBe('eu-central-1');
      expect(await client.config.endpoint?.()).toMatchObject({ hostname: '127.0.0.1', port: 4566, protocol: 'http:' });
      expect(client.config.retryMode).toBe('adaptive');
      expect(await client.config.maxAttempts()).toBe(5);
    }
  });

  it('takes the number of attempts from the options', async () => {
    const clients = createAwsClients('eu-central-1', { maxAttempts: 2 });
    expect(await clients.route53.config.maxAttempts()).toBe(2);
  });

  it('leaves the endpoint to the SDK when none is given', () => {
    const clients = createAwsClients('eu-central-1', {});
    expect(clients.ecs.config.endpoint).toBeUndefined();
  });
});
