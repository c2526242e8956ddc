// Options shared by the commands, resolved once into a configuration (file, then flags).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { defaultConfig, type KeelsonConfig } from '../config/config.js';
import { applyFlags, FlagError } from '../config/flags.js';
import { UsageError } from './usage-error.js';

export interface CommonOptions {
  config?: string;
  source?: string[];
  state?: string;
  cloud?: string;
  region?: string;
  endpoint?: string;
  server?: string;
  token?: string;
}

export function withConfigOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'keelson.yaml (default: ./keelson.yaml when present, or $KEELSON_CONFIG)')
    .option('--source <source...>', 'dir:PATH | git:URL#BRANCH:PATH | dynamodb:TABLE')
    .option('--state <state>', 'dir:PATH | dynamodb:TABLE')
    .option('--cloud <cloud>', 'aws | sim | sim:WORLD.yaml')
    .option('--region <region>', 'AWS region (default: from the environment)')
    .option('--endpoint <url>', 'AWS endpoint, e.g. a local emulator (default: $AWS_ENDPOINT_URL)');
}

export function withServerOptions(command: Command): Command {
  return withConfigOptions(command)
    .option('--server <url>', 'talk to a running controller over HTTP instead of the state store ($KEELSON_SERVER)')
    .option('--token <token>', 'API token for --server ($KEELSON_API_TOKEN)');
}

/** The configuration file in force: --config, $KEELSON_CONFIG, or keelson.yaml where keelson runs. */
export function configFile(options: Pick<CommonOptions, 'config'>, env: Record<string, string | undefined>): string | undefined {
  return options.config ?? env.KEELSON_CONFIG ?? (existsSync('keelson.yaml') ? 'keelson.yaml' : undefined);
}

export async function resolveConfig(options: CommonOptions, env: Record<string, string | undefined>): Promise<KeelsonConfig> {
  const file = configFile(options, env);
  // Loaded when needed: reading a file compiles the configuration schema, which `--help` never needs.
  const base = file ? await (await import('../config/load.js')).loadConfigFile(file, env) : defaultConfig();
  try {
    const endpoint = options.endpoint ?? env.AWS_ENDPOINT_URL;
    return applyFlags(base, {
      ...(options.source ? { source: options.source } : {}),
      ...(options.state ? { state: options.state } : {}),
      ...(options.cloud ? { cloud: options.cloud } : {}),
      ...(options.region ? { region: options.region } : {}),
      ...(endpoint ? { endpoint } : {}),
    });
  } catch (err) {
    if (err instanceof FlagError) throw new UsageError(err.message);
    throw err;
  }
}
