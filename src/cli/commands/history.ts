// `keelson history`: who did what to a Release, when, to which revision, from which source revision.
import type { Command } from 'commander';
import { formatHistory } from '../history-format.js';
import { withServerOptions, type CommonOptions } from '../options.js';
import { UsageError } from '../usage-error.js';
import { releaseNotFound, withClient } from './releases.js';

export function registerHistory(program: Command): void {
  withServerOptions(program.command('history'))
    .description("Show a Release's audit history: spec changes, operations, approvals, rollout steps, promotions and reverts.")
    .argument('<name>', 'the Release')
    .option('-o, --output <format>', 'table or json', 'table')
    .addHelpText('after', '\nExamples:\n  keelson history aep-backend-prod\n  keelson history aep-backend-prod -o json')
    .action(async (name: string, options: CommonOptions & { output: string }) => {
      if (!['table', 'json'].includes(options.output)) throw new UsageError(`-o must be table or json (got ${options.output})`);
      await withClient(options, async (client) => {
        const entries = await client.history(name);
        if (!entries) return releaseNotFound(name);
        console.log(options.output === 'json' ? JSON.stringify({ name, entries }, null, 2) : formatHistory(entries));
      });
    });
}
