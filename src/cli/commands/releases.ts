import type { Command } from 'commander';
import { RealClock } from '../../runtime/clock.js';
import { ListParameterError, parsePhases, parseSelector } from '../../server/release-list.js';
import { httpClient, storeClient, type ListFilter, type ReleaseClient } from '../client.js';
import { formatDescribe, formatSummaryTable, formatTable, type NamedStatus } from '../format.js';
import { resolveConfig, withServerOptions, type CommonOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

export async function openClient(options: CommonOptions): Promise<ReleaseClient> {
  const env = process.env;
  const server = options.server ?? env.KEELSON_SERVER;
  if (server) return httpClient(server, options.token ?? env.KEELSON_API_TOKEN);
  const config = await resolveConfig(options, env);
  // The stores and sources load the AWS SDK: only a command that reads them locally pays for it.
  const { openStateStore } = await import('../../config/open.js');
  const { releaseInSources } = await import('../source-lookup.js');
  return storeClient(openStateStore(config, { clock: new RealClock(), env }), config.approvers, (name) => releaseInSources(name, config));
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

async function getRows(client: ReleaseClient, name: string | undefined, output: string, filter: ListFilter | undefined): Promise<{ text: string | undefined; note: string }> {
  // The YAML library loads only for -o yaml: a table or JSON never needs it.
  const stringify = output === 'yaml' ? (await import('yaml')).stringify : (value: unknown): string => JSON.stringify(value, null, 2);
  if (name) {
    const status = await client.get(name);
    if (!status) return { text: undefined, note: '' };
    const one: NamedStatus = { name, status };
    return { text: output === 'json' ? JSON.stringify(one, null, 2) : output === 'yaml' ? stringify(one) : formatTable([one], Date.now()), note: '' };
  }
  if (output === 'table') {
    const { releases, labelsUnknown } = await client.summaries(filter);
    return { text: releases.length === 0 ? 'No releases.' : formatSummaryTable(releases, Date.now()), note: noteLabelsUnknown(labelsUnknown) };
  }
  const { releases, labelsUnknown } = await client.list(filter);
  return { text: output === 'json' ? JSON.stringify({ releases }, null, 2) : stringify({ releases }), note: noteLabelsUnknown(labelsUnknown) };
}

export function registerReleases(program: Command): void {
  withServerOptions(program.command('get'))
    .description('List Releases: phase, step, weights, stable → desired revision, age.')
    .argument('<kind>', 'releases')
    .argument('[name]', 'one Release')
    .option('-o, --output <format>', 'table, yaml or json', 'table')
    .option('-l, --selector <selector>', 'only Releases whose metadata.labels match, e.g. team=aep,env in (prod,staging),!legacy')
    .option('--phase <phases>', 'only Releases in these phases, e.g. Progressing,Degraded')
    .option('-w, --watch', 'redraw whenever something changes')
    .addHelpText(
      'after',
      "\nExamples:\n  keelson get releases\n  keelson get releases aep-backend-prod -o yaml\n  keelson get releases -l 'team=aep,env in (prod,staging)' --phase Progressing,Degraded\n  keelson get releases --watch --server http://localhost:8080\n\nWith --server the list is one request (pages of 5,000), filtered by the controller.",
    )
    .action(async (kind: string, name: string | undefined, options: CommonOptions & FilterOptions & { output: string; watch?: boolean }) => {
      if (!KINDS.includes(kind)) throw new UsageError(`unknown kind "${kind}" (use: releases)`);
      if (!['table', 'yaml', 'json'].includes(options.output)) throw new UsageError(`-o must be table, yaml or json (got ${options.output})`);
      const filter = listFilter(options);
      if (name && filter) throw new UsageError('give a Release name or -l/--phase, not both');
      const client = await openClient(options);
      try {
        let last = '';
        let lastNote = '';
        for (;;) {
          const { text, note } = await getRows(client, name, options.output, filter);
          if (text === undefined) return releaseNotFound(name ?? '');
          if (note !== lastNote && note) console.error(note);
          lastNote = note;
          if (text !== last) {
            if (options.watch && last) process.stdout.write('\x1b[2J\x1b[H');
            console.log(text);
            last = text;
          }
          if (!options.watch) return;
          await new RealClock().sleep(2_000);
        }
      } finally {
        await client.close();
      }
    });

  withServerOptions(program.command('describe'))
    .description('Show a Release in full: status, conditions, health values, the last revert, history.')
    .argument('<kind>', 'release')
    .argument('[name]', 'the Release')
    .option('-l, --selector <selector>', 'every Release whose metadata.labels match, instead of a name')
    .option('--phase <phases>', 'with or without -l: only Releases in these phases, e.g. Degraded')
    .action(async (kind: string, name: string | undefined, options: CommonOptions & FilterOptions) => {
      if (!KINDS.includes(kind)) throw new UsageError(`unknown kind "${kind}" (use: release)`);
      const filter = listFilter(options);
      if (name && filter) throw new UsageError('give a Release name or -l/--phase, not both');
      if (!name && !filter) throw new UsageError('name a Release, or select some with -l/--phase');
      await withClient(options, async (client) => {
        if (!name) {
          const { releases, labelsUnknown } = await client.list(filter);
          const note = noteLabelsUnknown(labelsUnknown);
          if (note) console.error(note);
          const now = Date.now();
          console.log(releases.length === 0 ? 'No releases.' : releases.map((r) => formatDescribe(r, now)).join('\n\n'));
          return;
        }
        const status = await client.get(name);
        if (!status) return releaseNotFound(name);
        console.log(formatDescribe({ name, status }, Date.now()));
      });
    });
}
