// Change pickup: from a change being made to the source's onChange having fired and a snapshot
// holding the new spec. Wall-clock time on this machine: a folder (file events), DynamoDB
// (dynalite in this process, polled every 250ms) and Git (a commit pushed to a local bare
// repository, then the push webhook → triggerFetch → snapshot).
import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import type { Release } from '../src/api/types.js';
import { RealClock } from '../src/runtime/clock.js';
import { DirSource } from '../src/sources/dir.js';
import { applyRelease, DynamoDbSource } from '../src/sources/dynamodb.js';
import { GitSource } from '../src/sources/git.js';
import { handleGitWebhook } from '../src/sources/git-webhook.js';
import type { Source } from '../src/sources/source.js';
import { startDynalite } from '../test/helpers/dynalite.js';
import { TestRepo } from '../test/helpers/git-repo.js';
import { releaseYaml } from '../test/helpers/releases.js';

const CHANGES = 20;
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

async function dirPickup(root: string): Promise<Figures> {
  const folder = join(root, 'releases');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'web.yaml'), releaseYaml('web'));
  const source = new DirSource({ folder, clock });
  return measure(source, (n) => writeFile(join(folder, 'web.yaml'), releaseYaml('web', { taskDefinition: `web:${n}` })), 300);
}

async function dynamoPickup(): Promise<Figures> {
  const dynamo = await startDynalite({ source: 'releases' });
  try {
    const release = (n: number): Release => parse(releaseYaml('web', { taskDefinition: `web:${n}` })) as Release;
    await applyRelease(dynamo.client, 'releases', release(1));
    const source = new DynamoDbSource({ client: dynamo.client, table: 'releases', clock, pollIntervalMs: 250 });
    return await measure(source, async (n) => void (await applyRelease(dynamo.client, 'releases', release(n))), 100);
  } finally {
    await dynamo.close();
  }
}

async function gitWebhookPickup(root: string): Promise<{ afterWebhook: Figures; commitToSnapshot: Figures }> {
  const repo = await TestRepo.create(join(root, 'git'));
  await repo.commit({ 'releases/web.yaml': releaseYaml('web') }, 'first');
  await repo.push();
  const secret = 'bench-secret';
  const source = new GitSource({ url: repo.remote, path: 'releases', cacheDir: join(root, 'git-cache'), clock, env: repo.env });
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
    const dir = await dirPickup(root);
    const dynamo = await dynamoPickup();
    const git = await gitWebhookPickup(root);
    const ms = (v: number): string => `${v.toFixed(1)} ms`;
    const row = (what: string, f: Figures, how: string): string => `| ${what} | ${ms(f.median)} | ${ms(f.max)} | ${how} |`;
    const markdown = [
      `${CHANGES} changes per source, one Release, wall-clock time from the change being made to the`,
      "source's `onChange` having fired and `snapshot()` holding the new spec.",
      '',
      '| source | median | max | what is timed |',
      '| --- | --- | --- | --- |',
      row('dir (fs.watch, 100ms debounce)', dir, 'writeFile of the manifest → onChange → snapshot'),
      row('DynamoDB (dynalite, poll 250ms)', dynamo, 'applyRelease (conditional write) → next poll → onChange → snapshot'),
      row('Git + webhook', git.afterWebhook, 'webhook handled → triggerFetch (git fetch --depth 1 from a local bare repo) → onChange → snapshot'),
      row('Git, commit to snapshot', git.commitToSnapshot, 'git commit + push, then the row above'),
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
