import type { Command } from 'commander';
import { CONFIG_KEYS, envVarFor, loadConfig } from '../../common/config/index.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description("inspect Ferry's configuration");

  config
    .command('print')
    .description('print the effective configuration (defaults, --config FILE, FERRY_* variables) as JSON')
    .option('--config <file>', 'config file (JSON, Kafka-style flat keys or nested)')
    .action((opts: { config?: string }) => {
      const loaded = loadConfig(opts.config ? { file: opts.config } : {});
      const flat = Object.fromEntries(CONFIG_KEYS.map((k) => [k.key, loaded.get(k.key)]));
      process.stdout.write(`${JSON.stringify(flat, null, 2)}\n`);
    });

  config
    .command('describe')
    .description('list every key with its default, environment variable and meaning')
    .action(() => {
      for (const k of CONFIG_KEYS) {
        process.stdout.write(
          `${k.key}\n  default: ${JSON.stringify(k.default)}\n  env: ${envVarFor(k.key)}\n  ${k.doc}\n`,
        );
      }
    });
}
