import type { Command } from 'commander';
import { RealClock } from '../../runtime/clock.js';
import { ListParameterError, parsePhases, parseSelector } from '../../server/release-list.js';
import { statusRow, TABLE_COLUMNS, tableLines, type TableRow } from '../../server/release-table.js';
import { stepCount } from '../../server/releases.js';
import { readDemoServer } from '../demo-server.js';
import { httpClient, storeClient, type ListFilter, type ReleaseClient, type ReleaseView } from '../client.js';
import { formatDescribe, type NamedStatus } from '../format.js';
import { listObject, noteSpecsUnknown, releaseObject } from '../object-output.js';
import { frameText, watchPrinter, type WatchFrame } from '../watch-output.js';
import { configFile, resolveConfig, withServerOptions, type CommonOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

export async function openClient(options: CommonOptions): Promise<ReleaseClient> {
  const env = process.env;
  const server = options.server ?? env.KEELSON_SERVER;
  if (server) return httpClient(server, options.token ?? env.KEELSON_API_TOKEN);
  // Nothing configured here, and a demo runs in this folder: its state is in its memory, ask it.
  const configured = configFile(options, env) !== undefined || options.source !== undefined || options.state !== undefined;
  const demo = configured ? undefined : readDemoServer();
  if (demo) return httpClient(demo.url, options.token ?? env.KEELSON_API_TOKEN ?? demo.token);
  const config = await resolveConfig(options, env);
  // The stores and sources load the AWS SDK: only a command that reads them locally pays for it.
  const { openStateStore } = await import('../../config/open.js');
  const { releaseInSources, releasesInSources } = await import('../source-lookup.js');
  return storeClient(
    openStateStore(config, { clock: new RealClock(), env }),
    config.approvers,
    (name) => releaseInSources(name, config),
    (names) => releasesInSources(config, names),
  );
}

/** Runs `use` with a client to the server or the state store, and closes it whatever happens. */
export async function withClient(options: CommonOptions, use: (client: ReleaseClient) => Promise<void>): Promise<void> {
  const client = await openClient(options);
  try {
    await use(client);
  } finally {
    await client.close();
  }
}

/** Says the Release does not exist, and makes the command exit 1. */
export function releaseNotFound(name: string): void {
  console.error(`keelson: release ${name} not found`);
  process.exitCode = 1;
}

const KINDS = ['releases', 'release', 'rel'];

interface FilterOptions {
  selector?: string;
  phase?: string;
}

/** The filter of -l and --phase, checked here so that a mistake is a usage error with or without --server. */
export function listFilter(options: FilterOptions): ListFilter | undefined {
  if (options.selector === undefined && options.phase === undefined) return undefined;
  try {
    parseSelector(options.selector, '-l');
    parsePhases(options.phase, '--phase');
  } catch (err) {
    if (err instanceof ListParameterError) throw new UsageError(err.message);
    throw err;
  }
  return { ...(options.selector !== undefined ? { labelSelector: options.selector } : {}), ...(options.phase !== undefined ? { phases: options.phase } : {}) };
}

/** Says which Releases a selector could not be applied to, rather than leaving them out silently. */
function noteLabelsUnknown(names: string[]): string {
  if (names.length === 0) return '';
  return `keelson: ${names.length} Release(s) left out because their labels are not known (no spec kept for them): ${names.join(', ')}`;
}

type Output = 'table' | 'yaml' | 'json';

/** Serializes whole objects for -o yaml|json; the YAML library loads only for -o yaml. */
async function serializer(output: Output): Promise<(value: unknown) => string> {
  if (output !== 'yaml') return (value) => JSON.stringify(value, null, 2);
  const { stringify } = await import('yaml');
  return (value) => stringify(value).trimEnd();
}

/** Whole objects as frames: a list is one `kind: List` object, except under --watch where each Release is printed as it changes. */
function objectFrame(views: NamedStatus[], output: Output, serialize: (value: unknown) => string, single: boolean, watching: boolean): WatchFrame {
  const objects = views.map(releaseObject);
  if (!watching) {
    const text = serialize(single ? objects[0] : listObject(objects));
    return { items: [{ key: '', text, identity: () => text }], separator: '\n', empty: '' };
  }
  const items = objects.map((o) => {
    const text = serialize(o);
    return { key: o.metadata.name, text: output === 'yaml' ? `---\n${text}` : text, identity: () => text };
  });
  return { items, separator: '\n', empty: output === 'yaml' ? '--- []' : '[]' };
}

/** The table's rows: the AGE column (the last) moves with the clock, so it does not make a row changed. */
function tableFrame(columns: readonly string[], rows: TableRow[]): WatchFrame {
  const [header, ...lines] = tableLines(columns, rows);
  const items = rows.map((cells, i) => ({ key: cells[0] ?? '', text: lines[i] ?? '', identity: () => cells.slice(0, -1).join('\n') }));
  return { ...(header !== undefined ? { header } : {}), items, separator: '\n', empty: 'No releases.' };
}

async function getFrame(client: ReleaseClient, name: string | undefined, output: Output, filter: ListFilter | undefined, watching: boolean): Promise<{ frame: WatchFrame | undefined; note: string }> {
  const now = Date.now();
  if (name) {
    const view = await client.detail(name);
    if (!view) return { frame: undefined, note: '' };
    if (output === 'table') return { frame: tableFrame(TABLE_COLUMNS, [statusRow(name, view.status, stepCount(view.release), now)]), note: '' };
    return { frame: objectFrame([view], output, await serializer(output), true, watching), note: noteSpecsUnknown([view]) };
  }
  if (output === 'table') {
    const { columns, rows, labelsUnknown } = await client.table(filter);
    return { frame: tableFrame(columns, rows), note: noteLabelsUnknown(labelsUnknown) };
  }
  const { releases, labelsUnknown } = await client.list(filter);
  return { frame: objectFrame(releases, output, await serializer(output), false, watching), note: [noteLabelsUnknown(labelsUnknown), noteSpecsUnknown(releases)].filter(Boolean).join('\n') };
}

/** Prints frames from `next` once, or under --watch every POLL_MS until interrupted. */
async function printFrames(watching: boolean, next: () => Promise<{ frame: WatchFrame | undefined; note: string }>, notFound: () => void): Promise<void> {
  const print = watchPrinter(watching && process.stdout.isTTY === true, (text) => process.stdout.write(text));
  let lastNote = '';
  for (;;) {
    const { frame, note } = await next();
    if (frame === undefined) return notFound();
    if (note !== lastNote && note) console.error(note);
    lastNote = note;
    if (!watching) {
      // One write: console.log per row costs more than the rows themselves at thousands of them.
      process.stdout.write(`${frameText(frame)}\n`);
      return;
    }
    print(frame);
    await new RealClock().sleep(POLL_MS);
  }
}

const POLL_MS = 2_000;

function checkOutput(output: string): Output {
  if (!['table', 'yaml', 'json'].includes(output)) throw new UsageError(`-o must be table, yaml or json (got ${output})`);
  return output as Output;
}

export function registerReleases(program: Command): void {
  withServerOptions(program.command('get'))
    .description('List Releases: phase, step, weights, stable → desired revision, age.')
    .argument('<kind>', 'releases')
    .argument('[name]', 'one Release')
    .option('-o, --output <format>', 'table, yaml or json (whole objects: apiVersion, kind, metadata, spec, status; a list as kind: List)', 'table')
    .option('-l, --selector <selector>', 'only Releases whose metadata.labels match, e.g. team=aep,env in (prod,staging),!legacy')
    .option('--phase <phases>', 'only Releases in these phases, e.g. Progressing,Degraded')
    .option('-w, --watch', 'keep watching: redraw on a terminal; elsewhere print each new or changed Release once')
    .addHelpText(
      'after',
      "\nExamples:\n  keelson get releases\n  keelson get releases aep-backend-prod -o yaml\n  keelson get releases -l 'team=aep,env in (prod,staging)' --phase Progressing,Degraded\n  keelson get releases --watch --server http://localhost:8080\n\nSTEP is 1-based: 2/4 is the second of four steps. With --server the list is one request (pages of 5,000), filtered by the controller.",
    )
    .action(async (kind: string, name: string | undefined, options: CommonOptions & FilterOptions & { output: string; watch?: boolean }) => {
      if (!KINDS.includes(kind)) throw new UsageError(`unknown kind "${kind}" (use: releases)`);
      const output = checkOutput(options.output);
      const filter = listFilter(options);
      if (name && filter) throw new UsageError('give a Release name or -l/--phase, not both');
      await withClient(options, (client) => printFrames(options.watch === true, () => getFrame(client, name, output, filter, options.watch === true), () => releaseNotFound(name ?? '')));
    });

  withServerOptions(program.command('describe'))
    .description('Show a Release in full: status, steps and where the rollout stands, the gates it waits at, colours, conditions, health values, the last revert, history and recent events.')
    .argument('<kind>', 'release')
    .argument('[name]', 'the Release')
    .option('-l, --selector <selector>', 'every Release whose metadata.labels match, instead of a name')
    .option('--phase <phases>', 'with or without -l: only Releases in these phases, e.g. Degraded')
    .option('-o, --output <format>', 'text, yaml or json (the whole object, as get -o)', 'text')
    .option('-w, --watch', 'keep watching: redraw on a terminal; elsewhere print a Release again when it changes')
    .action(async (kind: string, name: string | undefined, options: CommonOptions & FilterOptions & { output: string; watch?: boolean }) => {
      if (!KINDS.includes(kind)) throw new UsageError(`unknown kind "${kind}" (use: release)`);
      if (!['text', 'yaml', 'json'].includes(options.output)) throw new UsageError(`-o must be text, yaml or json (got ${options.output})`);
      const filter = listFilter(options);
      if (name && filter) throw new UsageError('give a Release name or -l/--phase, not both');
      if (!name && !filter) throw new UsageError('name a Release, or select some with -l/--phase');
      const watching = options.watch === true;
      await withClient(options, (client) =>
        printFrames(
          watching,
          async () => {
            const views: ReleaseView[] = [];
            let note = '';
            if (name) {
              const view = await client.detail(name);
              if (!view) return { frame: undefined, note };
              views.push(view);
            } else {
              const { releases, labelsUnknown } = await client.list(filter);
              views.push(...releases);
              note = noteLabelsUnknown(labelsUnknown);
            }
            if (options.output !== 'text') {
              const notes = [note, noteSpecsUnknown(views)].filter(Boolean).join('\n');
              return { frame: objectFrame(views, options.output as Output, await serializer(options.output as Output), name !== undefined, watching), note: notes };
            }
            const now = Date.now();
            // "5m ago" moves with the clock: a Release is changed when its status or pending operations are.
            const items = views.map((v) => ({ key: v.name, text: formatDescribe(v, now), identity: () => JSON.stringify([v.status, v.pendingOperations ?? []]) }));
            return { frame: { items, separator: '\n\n', empty: 'No releases.' }, note };
          },
          () => releaseNotFound(name ?? ''),
        ),
      );
    });
}
