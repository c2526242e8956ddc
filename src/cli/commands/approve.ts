// `keelson approve`: one person's approval of a revision, for a Release's approval gate.
import type { Command } from 'commander';
import { HttpClientError } from '../client.js';
import { withServerOptions, type CommonOptions } from '../options.js';
import { refuseByFlag } from '../by-flag.js';
import { releaseNotFound, withClient } from './releases.js';

export function registerApprove(program: Command): void {
  refuseByFlag(withServerOptions(program.command('approve')))
    .description('Approve a revision of a Release for its approval gate; each distinct person counts once.')
    .argument('<name>', 'the Release')
    .option('--revision <revision>', 'the revision approved (default: the one the Release rolls out now); it counts for no other')
    .addHelpText(
      'after',
      '\nWho approves is the identity --server authenticates (the token\'s name or the OIDC name), or local:<your user name> against the state store.\n\nExample:\n  keelson approve aep-backend-prod --revision aep-backend-prod:12',
    )
    .action(async (name: string, options: CommonOptions & { revision?: string; by?: string }) => {
      refuseByFlag.check(options);
      await withClient(options, async (client) => {
        const status = await client.get(name);
        if (!status) return releaseNotFound(name);
        const revision = options.revision ?? status.desiredRevision ?? undefined;
        try {
          const op = await client.approve(name, revision);
          console.log(`approval of ${revision ?? name}${op.by ? ` by ${op.by}` : ''} requested (operation #${op.seq}); the controller records it at its next pass (keelson history ${name})`);
        } catch (err) {
          if (!(err instanceof HttpClientError) || err.code !== 'ApprovalRefused') throw err;
          console.error(`keelson: approval refused: ${err.message}`);
          process.exitCode = 1;
        }
      });
    });
}
