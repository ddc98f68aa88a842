import type { Command } from 'commander';
import { runLogDemo } from '../demo/log-demo.js';
import { println } from './output.js';

/**
 * `ferry demo`: today the log demo. The two-cluster mirroring demo will replace this file (same command,
 * same --dir/--keep), leaving the log demo in src/ops/demo/ for whoever wants it.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('a partition log on disk: append, roll, crash and recover, read everything back')
    .option('--dir <dir>', 'directory to work in (default: a fresh temp dir)')
    .option('--keep', 'keep the data afterwards (inspect it with `ferry log dump`)')
    .action(async (flags: { dir?: string; keep?: boolean }) => {
      await runLogDemo({
        ...(flags.dir !== undefined ? { dir: flags.dir } : {}),
        keep: flags.keep === true,
        out: println,
      });
    });
}
