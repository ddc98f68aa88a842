import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { dumpLogDir } from '../tools/log-dump.js';
import { CliError } from './cli-error.js';
import { println } from './output.js';

export function registerLogCommands(program: Command): void {
  const log = program.command('log').description('inspect partition logs on disk');

  log
    .command('dump')
    .description(
      'describe every batch of every segment of a partition directory, read-only (like kafka-dump-log.sh); ' +
        'a corrupt tail is reported where the walk stops',
    )
    .requiredOption('--dir <dir>', 'a partition directory (<topic>-<partition>) or one .log segment file')
    .option('--print-records', "also print each record's offset, timestamp, key, value and headers")
    .action(async (flags: { dir: string; printRecords?: boolean }) => {
      if (!existsSync(flags.dir)) throw new CliError(`--dir ${flags.dir} does not exist`);
      const summaries = await dumpLogDir(flags.dir, { printRecords: flags.printRecords === true }, println);
      if (summaries.length === 0) println(`No segment files (<20-digit offset>.log) in ${flags.dir}`);
    });
}
