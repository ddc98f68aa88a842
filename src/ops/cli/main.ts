#!/usr/bin/env -S node --initial-old-space-size=128
import { Command } from 'commander';
import { registerBrokersCommand } from './brokers-command.js';
import { registerClusterCommands } from './cluster-commands.js';
import { registerConfigCommands } from './config-commands.js';
import { registerConsumerGroupsCommand } from './consumer-groups-command.js';
import { registerCutoverCommand } from './cutover-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerFailoverCommands } from './failover-commands.js';
import { registerLeaderElectionCommand } from './leader-election-command.js';
import { registerLogCommands } from './log-commands.js';
import { registerMirrorCommand } from './mirror-command.js';
import { registerReassignPartitionsCommand } from './reassign-partitions-command.js';
import { registerTopicsCommand } from './topics-command.js';
import { registerVerifyCommand } from './verify-command.js';

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
  registerLogCommands(program);
  registerClusterCommands(program);
  registerTopicsCommand(program);
  registerConsumerGroupsCommand(program);
  registerReassignPartitionsCommand(program);
  registerLeaderElectionCommand(program);
  registerBrokersCommand(program);
  registerMirrorCommand(program);
  registerDemoCommand(program);
  registerFailoverCommands(program);
  registerCutoverCommand(program);
  registerVerifyCommand(program);
  return program;
}

// `ferry log dump … | head` closes the pipe early; that is the reader's choice, not a failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`ferry: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
