import type { Command } from 'commander';
import { assemble } from '../assemble.js';
import { resolveConfig, withConfigOptions, type CommonOptions } from '../options.js';

export function registerRun(program: Command): void {
  withConfigOptions(program.command('run'))
    .description('Run the controller: watch the sources, reconcile every Release, serve /healthz, /readyz, /metrics and /api/v1.')
    .option('--port <n>', 'HTTP port (default 8080)')
    .addHelpText(
      'after',
      `
Examples:
  keelson run                                              # ./releases on the simulated AWS, state in ./.keelson
  keelson run --source dir:manifests/examples --cloud sim
  keelson run --config /etc/keelson/keelson.yaml           # production: see docs/configuration.md
  keelson run --source git:https://github.com/acme/deploy.git#main:releases --state dynamodb:keelson-state --cloud aws`,
    )
    .action(async (options: CommonOptions & { port?: string }) => {
      const env = process.env;
      const config = await resolveConfig(options, env);
      if (options.port !== undefined) config.http.port = Number(options.port);
      const running = await assemble(config, { env });
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          running.logger.info({ signal }, 'shutting down');
          void running.shutdown().then((clean) => {
            process.exitCode = clean ? 0 : 1;
            resolve();
          });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}
