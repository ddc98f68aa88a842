#!/usr/bin/env node
import { Command } from 'commander';
import { registerConfigCommands } from './config-commands.js';

/**
 * The `ferry` command. Each command group lives in its own file and registers itself here; every command
 * takes `--config FILE` so that one operator config drives the CLI, the brokers and the mirror alike.
 */
export function buildProgram(): Command {
  const program = new Command('ferry')
    .description(
      'MirrorMaker-style multi-cluster replication for Kafka, with its own Kafka-compatible brokers',
    )
    .version('0.1.0')
    .showHelpAfterError();
  registerConfigCommands(program);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`ferry: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
