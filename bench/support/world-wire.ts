// The messages between a controller and the simulated world in its own process, framed on a
// pipe (a length, then the message in V8's serialization, which keeps Dates and Maps), and how
// errors cross: a CloudError arrives as a CloudError with the same code and details (the
// reconciler acts on codes and fields, never on message text); any other error, a bug of the
// world's, arrives as an Error with its name, message and stack. Every message to the world has
// exactly one answer.
import { deserialize, serialize } from 'node:v8';
import type { CloudErrorCode } from '../../src/cloud/errors.js';
import { CloudError } from '../../src/cloud/errors.js';
import type { SimulatorOptions } from '../../src/sim/simulator.js';
import type { SimWorld } from '../../src/sim/world.js';

export type PortName = 'ecs' | 'lb' | 'dns' | 'metrics' | 'scaling' | 'http' | 'registry';

/** Counts of the world's calls that changed since the last answer (absolute values). */
export interface CallCounts {
  calls: Record<string, number>;
  rejectedCalls: Record<string, Partial<Record<CloudErrorCode, number>>>;
}

export type ToWorld =
  | { type: 'init'; world: SimWorld; seed: number; now: number; probes?: SimulatorOptions['probes']; sdkRetry?: SimulatorOptions['sdkRetry'] }
  | { type: 'call'; id: number; now: number; region: string | undefined; port: PortName; method: string; args: unknown[] }
  | { type: 'wake'; sleep: number; now: number }
  | { type: 'tick'; now: number }
  | { type: 'usage'; gc: boolean }
  | { type: 'close' };

/** The answer to a call or a wake: the call's outcome, or the wait on the clock it stopped at. */
export type CallStep =
  | ({ type: 'answer'; id: number } & ({ ok: true; value: unknown } | { ok: false; error: WireError }) & Partial<CallCounts>)
  | { type: 'sleep'; sleep: number; ms: number };

export type FromWorld = { type: 'ready'; methods: Record<PortName, string[]>; region: string } | CallStep | { type: 'ticked' } | { type: 'usage'; usage: ProcessUsage } | { type: 'closed' };

export interface ProcessUsage {
  memory: NodeJS.MemoryUsage;
  cpu: NodeJS.CpuUsage;
}

export type WireError =
  | { kind: 'cloud'; code: CloudErrorCode; message: string; details: CloudError['details'] }
  | { kind: 'error'; name: string; message: string; stack?: string };

const CLOUD_ERROR_TAG = 'keelson.cloudError';
type TaggedCloudError = { [CLOUD_ERROR_TAG]: WireError };

export function toWire(err: unknown): WireError {
  if (err instanceof CloudError) return { kind: 'cloud', code: err.code, message: err.message, details: { ...err.details } };
  if (err instanceof Error) return { kind: 'error', name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { kind: 'error', name: 'Error', message: String(err) };
}

export function fromWire(wire: WireError): Error {
  if (wire.kind === 'cloud') return new CloudError(wire.code, wire.message, wire.details);
  const err = new Error(wire.message);
  err.name = wire.name;
  if (wire.stack) err.stack = wire.stack;
  return err;
}

/** A port answer may hold CloudErrors in an array's places (readWeightsMany): those are tagged to cross. */
export function answerToWire(value: unknown): unknown {
  if (Array.isArray(value) && value.some((v) => v instanceof CloudError)) {
    return value.map((v) => (v instanceof CloudError ? ({ [CLOUD_ERROR_TAG]: toWire(v) } satisfies TaggedCloudError) : v));
  }
  return value;
}

export function answerFromWire(value: unknown): unknown {
  if (Array.isArray(value) && value.some(isTagged)) return value.map((v) => (isTagged(v) ? fromWire(v[CLOUD_ERROR_TAG]) : v));
  return value;
}

function isTagged(v: unknown): v is TaggedCloudError {
  return typeof v === 'object' && v !== null && CLOUD_ERROR_TAG in v;
}

/** A frame: the message's length (4 bytes, big-endian), then the message. */
export function frame(message: ToWorld | FromWorld): Buffer {
  const body = serialize(message);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** Takes the whole frames off the front of `buffer`; returns them and what is left. */
export function unframe<T>(buffer: Buffer): { messages: T[]; rest: Buffer } {
  const messages: T[] = [];
  let at = 0;
  while (buffer.length - at >= 4) {
    const length = buffer.readUInt32BE(at);
    if (buffer.length - at - 4 < length) break;
    messages.push(deserialize(buffer.subarray(at + 4, at + 4 + length)) as T);
    at += 4 + length;
  }
  return { messages, rest: buffer.subarray(at) };
}
