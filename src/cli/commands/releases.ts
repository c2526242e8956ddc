import type { Command } from 'commander';
import { stringify } from 'yaml';
import { openStateStore } from '../../config/open.js';
import { RealClock } from '../../runtime/clock.js';
import { httpClient, storeClient, type ReleaseClient } from '../client.js';
import { formatDescribe, formatTable } from '../format.js';
import { resolveConfig, withServerOptions, type CommonOptions } from '../options.js';
import { releaseInSources } from '../source-lookup.js';
import { UsageError } from '../usage-error.js';

export async function openClient(options: CommonOptions): Promise<ReleaseClient> {
  const env = process.env;
  const server = options.server ?? env.KEELSON_SERVER;
  if (server) return httpClient(server, options.token ?? env.KEELSON_API_TOKEN);
  const config = await resolveConfig(options, env);
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

export function registerReleases(program: Command): void {
  withServerOptions(program.command('get'))
    .description('List Releases: phase, step, weights, stable → desired revision, age.')
    .argument('<kind>', 'releases')
    .argument('[name]', 'one Release')
    .option('-o, --output <format>', 'table, yaml or json', 'table')
    .option('-w, --watch', 'redraw whenever something changes')
    .addHelpText('after', '\nExamples:\n  keelson get releases\n  keelson get releases aep-backend-prod -o yaml\n  keelson get releases --watch --server http://localhost:8080')
    .action(async (kind: string, name: string | undefined, options: CommonOptions & { output: string; watch?: boolean }) => {
      if (!KINDS.includes(kind)) throw new UsageError(`unknown kind "${kind}" (use: releases)`);
      if (!['table', 'yaml', 'json'].includes(options.output)) throw new UsageError(`-o must be table, yaml or json (got ${options.output})`);
      const client = await openClient(options);
      try {
        let last = '';
        for (;;) {
          const rows = (await client.list()).filter((r) => !name || r.name === name);
          if (name && rows.length === 0) return releaseNotFound(name);
          const text =
            options.output === 'json'
              ? JSON.stringify(name ? rows[0] : { releases: rows }, null, 2)
              : options.output === 'yaml'
                ? stringify(name ? rows[0] : { releases: rows })
                : rows.length === 0
                  ? 'No releases.'
                  : formatTable(rows, Date.now());
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
    .argument('<name>', 'the Release')
    .action(async (kind: string, name: string, options: CommonOptions) => {
      if (!KINDS.includes(kind)) throw new UsageError(`unknown kind "${kind}" (use: release)`);
      await withClient(options, async (client) => {
        const status = await client.get(name);
        if (!status) return releaseNotFound(name);
        console.log(formatDescribe({ name, status }, Date.now()));
      });
    });
}
