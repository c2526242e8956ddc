import type { Command } from 'commander';
import type { LogFormat } from '../../config/config.js';
import { LOG_FORMATS } from '../log-formats.js';
import { resolveConfig, withConfigOptions, type CommonOptions } from '../options.js';
import { UsageError } from '../usage-error.js';

/** A TCP port: 0 asks for any free one (the log line 'keelson running' says which). */
function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new UsageError(`--port must be a number from 0 to 65535 (got ${value})`);
  return port;
}

/** A positive number: how many times faster than the wall clock a simulated world runs. */
function parseSpeed(value: string): number {
  const speed = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(speed > 0)) throw new UsageError(`--speed must be a number above 0, e.g. 1, 10 or 60 (got ${value})`);
  return speed;
}

function parseLogFormat(value: string): LogFormat {
  if (!(LOG_FORMATS as readonly string[]).includes(value)) throw new UsageError(`--log-format must be ${LOG_FORMATS.join(', ')} (got ${value})`);
  return value as LogFormat;
}

export function registerRun(program: Command): void {
  withConfigOptions(program.command('run'))
    .description('Run the controller: watch the sources, reconcile every Release, serve /healthz, /readyz, /metrics and /api/v1.')
    .option('--port <n>', 'HTTP port (default 8080; 0: any free port)')
    .option('--host <address>', 'address the HTTP server listens on (default 127.0.0.1; 0.0.0.0 for every interface)')
    .option('--speed <n>', 'with a simulated cloud: run the world and the controller N times faster than the wall clock (default 1)')
    .option('--log-format <format>', 'auto (readable lines on a terminal, JSON lines otherwise), json or pretty; over log.format')
    .addHelpText(
      'after',
      `
Examples:
  keelson run                                              # ./releases on the simulated AWS, state in ./.keelson
  keelson run --source dir:manifests/examples --cloud sim
  keelson run --source dir:releases --cloud sim:world.yaml --speed 60   # an hour of the world (and its timeline) in a minute
  keelson run --config /etc/keelson/keelson.yaml           # production: see docs/configuration.md
  keelson run --source git:https://github.com/acme/deploy.git#main:releases --state dynamodb:keelson-state --cloud aws`,
    )
    .action(async (options: CommonOptions & { port?: string; host?: string; speed?: string; logFormat?: string }) => {
      const env = process.env;
      const config = await resolveConfig(options, env);
      if (options.port !== undefined) config.http.port = parsePort(options.port);
      if (options.host !== undefined) config.http.host = options.host;
      if (options.speed !== undefined) config.cloud.speed = parseSpeed(options.speed);
      if (options.logFormat !== undefined) config.log.format = parseLogFormat(options.logFormat);
      if (config.cloud.speed !== undefined && config.cloud.provider !== 'sim') {
        throw new UsageError('--speed applies only to a simulated cloud (--cloud sim or sim:WORLD): AWS runs on the wall clock');
      }
      // Loaded here: the other commands need not load the controller and its AWS clients to start.
      const { assemble } = await import('../assemble.js');
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
