import type { Command } from 'commander';
import { createRootLogger } from '../../common/logger.js';
import { runLogDemo } from '../demo/log-demo.js';
import { runMirrorDemo } from '../demo/mirror-demo.js';
import { parseIntInRange } from './cli-options.js';
import { println } from './output.js';
import { ShutdownSignal } from './shutdown-signal.js';

interface DemoFlags {
  log?: boolean;
  dir?: string;
  keep?: boolean;
  duration?: number;
  portEast: number;
  portWest: number;
  rate: number;
}

/**
 * `ferry demo`: the main job on embedded clusters — two three-broker clusters, east and west, a keyed producer
 * and the consumer group `billing` on east, an east->west flow, and live progress until Ctrl-C or --duration
 * (src/ops/demo/mirror-demo.ts). `ferry demo --log` runs the partition-log demo instead (log-demo.ts).
 * Ferry's own logs go to stderr at warn.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'two embedded 3-broker clusters, east and west, a producer and a consumer group on east and an ' +
        'east->west flow, with live progress until Ctrl-C; --log runs the partition log demo instead',
    )
    .option('--log', 'the partition log demo: append, roll, crash and recover, read everything back')
    .option('--dir <dir>', 'directory to work in (default: a fresh temp dir)')
    .option('--keep', 'keep the data afterwards (inspect it with `ferry log dump`)')
    .option(
      '--duration <seconds>',
      'stop after this many seconds (default: at Ctrl-C)',
      parseIntInRange(1, 86_400),
    )
    .option(
      '--port-east <port>',
      "east's first broker port (default: free ports)",
      parseIntInRange(0, 65535),
      0,
    )
    .option(
      '--port-west <port>',
      "west's first broker port (default: free ports)",
      parseIntInRange(0, 65535),
      0,
    )
    .option(
      '--rate <records>',
      'records per second the producer on east writes',
      parseIntInRange(1, 100_000),
      200,
    )
    .action(async (flags: DemoFlags) => {
      if (flags.log === true) {
        await runLogDemo({
          ...(flags.dir !== undefined ? { dir: flags.dir } : {}),
          keep: flags.keep === true,
          out: println,
        });
        return;
      }
      await runDemo(flags);
    });
}

async function runDemo(flags: DemoFlags): Promise<void> {
  const logger = createRootLogger({ level: 'warn' });
  const signal = new ShutdownSignal(() => {
    if (flags.keep !== true) process.stderr.write('ferry: the demo data directory may be left behind\n');
  });
  try {
    await runMirrorDemo({
      ...(flags.dir !== undefined ? { dir: flags.dir } : {}),
      keep: flags.keep === true,
      portEast: flags.portEast,
      portWest: flags.portWest,
      ...(flags.duration !== undefined ? { durationMs: flags.duration * 1000 } : {}),
      stop: signal.signalled,
      recordsPerSecond: flags.rate,
      logger,
      out: println,
      redraw: process.stdout.isTTY === true,
    });
  } catch (err) {
    process.stderr.write(`ferry: ${(err as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    signal.dispose();
  }
  logger.flush();
  // Client reconnect timers may outlive the clusters by a backoff; everything is stopped, so leave now.
  process.exit(process.exitCode ?? 0);
}
