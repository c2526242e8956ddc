// Change pickup: from a change being made to the source's onChange having fired and a snapshot
// holding the new spec, with 1 and with 5,000 Releases in the source (one of them changes).
// Wall-clock time on this machine: a folder (file events), DynamoDB (dynalite in this process,
// polled at the default 2s: the change feed Query, then BatchGetItem) and Git (a commit pushed
// to a local bare repository, then the push webhook → triggerFetch → snapshot).
import { createHmac } from 'node:crypto';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import type { Release } from '../src/api/types.js';
import { RealClock } from '../src/runtime/clock.js';
import { DirSource } from '../src/sources/dir.js';
import { changeFeedAttributes } from '../src/sources/dynamodb-changes.js';
import { applyRelease, DYNAMODB_SOURCE_DEFAULTS, DynamoDbSource } from '../src/sources/dynamodb.js';
import { FOLDER_CHANGE_DEFAULTS } from '../src/sources/folder-changes.js';
import { GitSource } from '../src/sources/git.js';
import { handleGitWebhook } from '../src/sources/git-webhook.js';
import type { Source } from '../src/sources/source.js';
import { startDynalite } from '../test/helpers/dynalite.js';
import { TestRepo } from '../test/helpers/git-repo.js';
import { releaseYaml } from '../test/helpers/releases.js';

/** Releases in the source: one alone, and many (one of them changes). */
const SIZES = [1, 5_000] as const;
const CHANGES = 10;
const clock = new RealClock();
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Figures {
  median: number;
  max: number;
  samples: number[];
}

function figures(samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, max: sorted.at(-1)!, samples };
}

/**
 * Makes one change (make resolves when the change is made: written, committed, delivered) and
 * measures from its start until onChange fired and snapshot() shows the new task definition.
 */
async function measure(source: Source, change: (i: number) => Promise<void>, settleMs: number): Promise<Figures & { ends: number[] }> {
  let notices = 0;
  let wake: (() => void) | undefined;
  const stop = source.watch(() => {
    notices++;
    wake?.();
  });
  await source.snapshot();
  const samples: number[] = [];
  const ends: number[] = [];
  for (let i = 1; i <= CHANGES; i++) {
    const expected = `web:${1000 + i}`;
    const seen = notices;
    const start = performance.now();
    const noticed = new Promise<void>((resolve) => {
      wake = () => notices > seen && resolve();
    });
    await change(1000 + i);
    await noticed;
    for (;;) {
      const snap = await source.snapshot();
      if (snap.releases.find((r) => r.name === 'web')?.release?.spec.revision.taskDefinition === expected) break;
      await new Promise<void>((resolve) => {
        wake = () => resolve();
      });
    }
    ends.push(performance.now());
    samples.push(ends.at(-1)! - start);
    await pause(settleMs);
  }
  stop();
  await source.close();
  return { ...figures(samples), ends };
}

/** The names of the Releases besides `web`. */
const others = (size: number): string[] => Array.from({ length: size - 1 }, (_, i) => `svc-${String(i).padStart(4, '0')}`);

async function dirPickup(root: string, size: number): Promise<Figures> {
  const folder = join(root, `releases-${size}`);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'web.yaml'), releaseYaml('web'));
  for (const name of others(size)) await writeFile(join(folder, `${name}.yaml`), releaseYaml(name));
  // Files written moments ago are read again until they are older than the racy window.
  await pause(FOLDER_CHANGE_DEFAULTS.racyWindowMs + 100);
  const source = new DirSource({ folder, clock });
  return measure(source, (n) => writeFile(join(folder, 'web.yaml'), releaseYaml('web', { taskDefinition: `web:${n}` })), 300);
}

async function dynamoPickup(size: number): Promise<Figures> {
  const dynamo = await startDynalite({ source: 'releases' });
  try {
    const release = (n: number): Release => parse(releaseYaml('web', { taskDefinition: `web:${n}` })) as Release;
    await applyRelease(dynamo.client, 'releases', release(1));
    // The others as `keelson apply` would leave them, 25 to a BatchWriteItem.
    const docs = DynamoDBDocumentClient.from(dynamo.client);
    const items = others(size).map((name) => ({ name, manifest: releaseYaml(name), generation: 1, ...changeFeedAttributes(clock.now()) }));
    for (let i = 0; i < items.length; i += 25) {
      await docs.send(new BatchWriteCommand({ RequestItems: { releases: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
    const source = new DynamoDbSource({ client: dynamo.client, table: 'releases', clock });
    return await measure(source, async (n) => void (await applyRelease(dynamo.client, 'releases', release(n))), 100);
  } finally {
    await dynamo.close();
  }
}

async function gitWebhookPickup(root: string, size: number): Promise<{ afterWebhook: Figures; commitToSnapshot: Figures }> {
  const repo = await TestRepo.create(join(root, `git-${size}`));
  const files: Record<string, string> = { 'releases/web.yaml': releaseYaml('web') };
  for (const name of others(size)) files[`releases/${name}.yaml`] = releaseYaml(name);
  await repo.commit(files, 'first');
  await repo.push();
  const secret = 'bench-secret';
  const source = new GitSource({ url: repo.remote, path: 'releases', cacheDir: join(root, `git-cache-${size}`), clock, env: repo.env });
  const webhookStarts: number[] = [];
  const total = await measure(
    source,
    async (n) => {
      await repo.commit({ 'releases/web.yaml': releaseYaml('web', { taskDefinition: `web:${n}` }) }, `web ${n}`);
      await repo.push();
      webhookStarts.push(performance.now());
      const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/main' }));
      const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      const answer = handleGitWebhook({ headers: { 'x-github-event': 'push', 'x-hub-signature-256': signature }, body }, { secret, branch: 'main' });
      if (answer.trigger) void (source as GitSource).triggerFetch();
    },
    100,
  );
  return { commitToSnapshot: total, afterWebhook: figures(total.ends.map((end, i) => end - webhookStarts[i]!)) };
}

export async function bench(): Promise<{ title: string; markdown: string }> {
  const root = await mkdtemp(join(tmpdir(), 'keelson-pickup-'));
  try {
    const ms = (v: number): string => `${v.toFixed(1)} ms`;
    const rows: string[] = [];
    for (const size of SIZES) {
      const row = (what: string, f: Figures, how: string): string => `| ${size.toLocaleString('en')} | ${what} | ${ms(f.median)} | ${ms(f.max)} | ${how} |`;
      const dir = await dirPickup(root, size);
      rows.push(row('dir (fs.watch, 100ms debounce)', dir, 'writeFile of the manifest → onChange → snapshot'));
      const dynamo = await dynamoPickup(size);
      const poll = `${DYNAMODB_SOURCE_DEFAULTS.pollIntervalMs / 1000}s`;
      rows.push(row(`DynamoDB (dynalite, poll ${poll})`, dynamo, 'applyRelease → next poll: change feed Query + BatchGetItem → onChange → snapshot'));
      const git = await gitWebhookPickup(root, size);
      rows.push(row('Git + webhook', git.afterWebhook, 'webhook handled → triggerFetch (fetch --depth 1, diff from the parent commit) → onChange → snapshot'));
      rows.push(row('Git, commit to snapshot', git.commitToSnapshot, 'git commit + push, then the row above'));
    }
    const markdown = [
      `${CHANGES} changes per source and size, one Release changed each time; wall-clock time from the change being`,
      "made to the source's `onChange` having fired and `snapshot()` holding the new spec. Each source reads only",
      'what changed (files by stat or file event, Git by the diff from the parent commit, DynamoDB by its change feed).',
      '',
      '| Releases | source | median | max | what is timed |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `Measured on ${process.platform}/${process.arch}, Node ${process.version}; dynalite runs in the same process.`,
    ].join('\n');
    return { title: 'Change pickup (sources)', markdown };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { title, markdown } = await bench();
  console.log(`## ${title}\n\n${markdown}`);
}
