// `keelson approve`: one person's approval of a revision, for a Release's approval gate.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { HttpClientError } from '../client.js';
import { withServerOptions, type CommonOptions } from '../options.js';
import { releaseNotFound, withClient } from './releases.js';

export function registerApprove(program: Command): void {
  withServerOptions(program.command('approve'))
    .description('Approve a revision of a Release for its approval gate; each distinct person counts once.')
    .argument('<name>', 'the Release')
    .option('--revision <revision>', 'the revision approved (default: the one the Release rolls out now); it counts for no other')
    .option('--by <who>', 'who approves, recorded in status and the history (default: your user name)')
    .addHelpText('after', '\nExample:\n  keelson approve aep-backend-prod --revision aep-backend-prod:12 --by alice')
    .action(async (name: string, options: CommonOptions & { revision?: string; by?: string }) => {
      await withClient(options, async (client) => {
        const status = await client.get(name);
        if (!status) return releaseNotFound(name);
        const by = options.by ?? userInfo().username;
        const revision = options.revision ?? status.desiredRevision ?? undefined;
        try {
          const op = await client.approve(name, by, revision);
          console.log(`approval of ${revision ?? name} by ${by} requested (operation #${op.seq}); the controller records it at its next pass (keelson history ${name})`);
        } catch (err) {
          if (!(err instanceof HttpClientError) || err.code !== 'ApprovalRefused') throw err;
          console.error(`keelson: approval refused: ${err.message}`);
          process.exitCode = 1;
        }
      });
    });
}
