// `GET /api/v1/releases` on the DynamoDB state store (dynalite, in this process) at 5,000 statuses:
// the list as it was (a consistent Scan of every status per request, listStatuses) and as it is
// (readStatuses: a Scan once, then the status feed), through the controller's HTTP server, with
// the DynamoDB calls each request made. Wall-clock medians of 5; dynalite answers from memory in
// this process, so a real table adds its network round trips to every call, Scans the most.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ReleaseStatus } from '../src/api/types.js';
import { RealClock } from '../src/runtime/clock.js';
import { DynamoStateStore } from '../src/store/dynamodb-store.js';
import { STATUS_LIST_DEFAULTS } from '../src/store/status-list-cache.js';
import type { StateStore } from '../src/store/store.js';
import { startDynalite } from '../test/helpers/dynalite.js';
import { startHarness } from '../test/integration/server/harness.js';

const RELEASES = Number(process.env.STORE_LIST_RELEASES ?? 5_000);
const CHANGED = 50;
const RUNS = 5;
const TABLE = 'keelson-state';
const fence = { lease: 'keelson-controller', token: 1 };

/** A status as a canary Release carries it after a few rollouts (as bench/cli-get.ts writes them). */
function statusOf(name: string, i: number, revision = 11): ReleaseStatus {
  const at = (m: number): string => new Date(Date.UTC(2026, 2, 1, 12, m)).toISOString();
  return {
    observedGeneration: 7,
    phase: i % 50 === 0 ? 'Progressing' : 'Healthy',
    message: `${name}:${revision} is stable and healthy`,
    sourceRevision: 'main@sha1:4f2c9e1',
    stableRevision: `${name}:${revision}`,
    desiredRevision: `${name}:${revision}`,
    blockedRevision: null,
    currentStepIndex: null,
    weights: { blue: 0, green: 100 },
    stableColour: 'green',
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Promoted', message: `${name}:${revision} serves 100%`, lastTransitionTime: at(1) },
      { type: 'Progressing', status: 'False', reason: 'RolloutComplete', message: '', lastTransitionTime: at(2) },
    ],
    health: [{ name: 'errors', state: 'Passing', value: 0.4, threshold: '5', since: at(1) }],
    history: Array.from({ length: 5 }, (_, k) => ({ revision: `${name}:${7 + k}`, result: 'Promoted' as const, startedAt: at(k * 10), finishedAt: at(k * 10 + 5) })),
  };
}

function countCalls(client: DynamoDBClient): Record<string, number> {
  const calls: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => (args) => {
      const op = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
      calls[op] = (calls[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  return calls;
}

/** The store without readStatuses: the list falls back to listStatuses, as before. */
function withoutReadStatuses(store: StateStore): StateStore {
  return new Proxy(store, { get: (target, property) => (property === 'readStatuses' ? undefined : (Reflect.get(target, property) as unknown)) }) as StateStore;
}

interface Measured {
  median: number;
  min: number;
  max: number;
  calls: string;
}

/** The HTTP list, or (a function) the store's read alone. */
async function measure(target: string | (() => Promise<ReadonlyMap<string, unknown>>), calls: Record<string, number>, runs: number, before?: () => Promise<void>): Promise<Measured> {
  const samples: number[] = [];
  const start = { ...calls };
  for (let i = 0; i < runs; i++) {
    await before?.();
    const t = performance.now();
    const listed = typeof target === 'string' ? ((await (await fetch(`${target}/api/v1/releases?view=summary&limit=5000`)).json()) as { releases: unknown[] }).releases.length : (await target()).size;
    samples.push(performance.now() - t);
    if (listed < RELEASES) throw new Error(`listed ${listed}, not ${RELEASES}`);
  }
  samples.sort((a, b) => a - b);
  const per = Object.entries(calls)
    .map(([op, n]) => [op, (n - (start[op] ?? 0)) / runs] as const)
    .filter(([, n]) => n > 0)
    .map(([op, n]) => `${op} ${Number.isInteger(n) ? n : n.toFixed(1)}`)
    .join(', ');
  return { median: samples[Math.floor(samples.length / 2)]!, min: samples[0]!, max: samples.at(-1)!, calls: per || 'none' };
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const dynamo = await startDynalite({ state: TABLE });
  const clock = new RealClock();
  const writer = new DynamoStateStore({ client: dynamo.newClient(), table: TABLE, clock });
  const names = Array.from({ length: RELEASES }, (_, i) => `svc-${String(i).padStart(5, '0')}`);
  for (let at = 0; at < names.length; at += 25) await Promise.all(names.slice(at, at + 25).map((name, k) => writer.putStatus(name, statusOf(name, at + k), fence)));

  // A stand-in controller holding every Release (labels looked up in a set): the list reads only statuses.
  const held = new Set(names);
  const controller = { enqueue: () => {}, names: () => names, sources: () => [], labels: (name: string) => (held.has(name) ? { team: 'aep' } : undefined) };
  const oldClient = dynamo.newClient();
  const oldCalls = countCalls(oldClient);
  const newClient = dynamo.newClient();
  const newCalls = countCalls(newClient);
  const eager = dynamo.newClient();
  const eagerCalls = countCalls(eager);
  const old = await startHarness({ controller, store: withoutReadStatuses(new DynamoStateStore({ client: oldClient, table: TABLE, clock })) });
  const now = await startHarness({ controller, store: new DynamoStateStore({ client: newClient, table: TABLE, clock }) });
  // refreshAfterMs 0: every request reads the feed, the most a list costs once warm.
  const eagerStore = new DynamoStateStore({ client: eager, table: TABLE, clock, statusList: { refreshAfterMs: 0 } });
  const everyTime = await startHarness({ controller, store: eagerStore });
  const oldStore = new DynamoStateStore({ client: oldClient, table: TABLE, clock });
  // Steady state: the statuses were written longer ago than a feed Query reaches back.
  await clock.sleep(STATUS_LIST_DEFAULTS.feedOverlapMs);
  try {
    const before = await measure(old.url, oldCalls, RUNS);
    const cold = await measure(now.url, newCalls, 1);
    const warm = await measure(now.url, newCalls, RUNS);
    await measure(everyTime.url, eagerCalls, 1);
    const feed = await measure(everyTime.url, eagerCalls, RUNS);
    let round = 0;
    const changed = await measure(everyTime.url, eagerCalls, RUNS, async () => {
      round++;
      await Promise.all(names.slice(0, CHANGED).map((name, i) => writer.putStatus(name, statusOf(name, i, 11 + round), fence)));
    });
    const scanAlone = await measure(() => oldStore.listStatuses(), oldCalls, RUNS);
    const feedAlone = await measure(() => eagerStore.readStatuses(), eagerCalls, RUNS);
    const ms = (m: Measured): string => `${m.median.toFixed(0)} ms (${m.min.toFixed(0)}–${m.max.toFixed(0)})`;
    const markdown = [
      `${RELEASES.toLocaleString('en')} statuses in a DynamoDB state table on dynalite (in this process); \`GET /api/v1/releases?limit=5000\``,
      `through the controller's HTTP server, wall-clock medians of ${RUNS} requests (min–max), with the DynamoDB calls of one request.`,
      '',
      '| list | median (min–max) | DynamoDB calls a request |',
      '| --- | --- | --- |',
      `| before: a consistent Scan of every status per request (listStatuses) | ${ms(before)} | ${before.calls} |`,
      `| now, the first list of the process (the same Scan, once) | ${ms(cold)} | ${cold.calls} |`,
      `| now, within 1 s of the last read (from memory) | ${ms(warm)} | ${warm.calls} |`,
      `| now, reading the feed on every request, nothing changed | ${ms(feed)} | ${feed.calls} |`,
      `| now, reading the feed after another writer changed ${CHANGED} statuses | ${ms(changed)} | ${changed.calls} |`,
      `| the store's read alone, before: listStatuses | ${ms(scanAlone)} | ${scanAlone.calls} |`,
      `| the store's read alone, now: readStatuses reading the feed | ${ms(feedAlone)} | ${feedAlone.calls} |`,
      '',
      `The machine's load average (1 min) was ${os.loadavg()[0]!.toFixed(1)} at the end, on ${os.cpus().length} cores: a busy machine stretches every figure.`,
    ].join('\n');
    return { title: 'Release list on the DynamoDB state store', markdown };
  } finally {
    await Promise.all([old.server.close(), now.server.close(), everyTime.server.close()]);
    await dynamo.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { title, markdown } = await bench();
  console.log(`## ${title}\n\n${markdown}`);
}
