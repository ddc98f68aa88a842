import type { Command } from 'commander';
import { failback } from '../../mirror/failback.js';
import { FailoverRefusedError, failover, formatFailoverReport } from '../../mirror/failover.js';
import { Flow } from '../../mirror/flow.js';
import { loadMirrorConfig, type MirrorConfig } from '../../mirror/mirror-config.js';
import { CliError } from './cli-error.js';
import { println } from './output.js';

interface FailoverFlags {
  config: string;
  flow: string;
  dryRun?: boolean;
  maxLag?: string;
  force?: boolean;
  json?: boolean;
  drain?: boolean;
  drainTimeoutMs?: string;
}

/**
 * `ferry failover --config F --flow A->B` and `ferry failback --config F --flow A->B` (src/mirror/failover.ts,
 * failback.ts). The mirror config F is the one `ferry mirror` runs. The long-running mirror process must be
 * stopped first: this command cannot stop another process. By default failover then runs the flow here
 * until it reached the source's end (it resumes exactly where the stopped process left off) and stops it;
 * `--no-drain` skips that and uses what the offset-syncs topic says was mirrored.
 */
export function registerFailoverCommands(program: Command): void {
  program
    .command('failover')
    .description('switch consumers of a flow A->B over to B: lag check, drain, exact offsets into B groups')
    .requiredOption('--config <file>', 'the mirror config (JSON)')
    .requiredOption('--flow <A->B>', 'the flow to fail over')
    .option('--dry-run', 'check and print the plan; stop and write nothing')
    .option('--max-lag <records>', 'refuse when the flow lags more records than this (all partitions)')
    .option('--force', 'fail over despite the lag')
    .option('--no-drain', 'do not run the flow here to drain it first')
    .option('--drain-timeout-ms <ms>', 'how long to let the flow drain', '30000')
    .option('--json', 'print the report as JSON')
    .action(async (flags: FailoverFlags) => {
      const config = load(flags.config, flags.flow);
      let flow: Flow | undefined;
      if (!flags.dryRun && flags.drain !== false) {
        const flowConfig = config.flows.find((f) => f.name === flags.flow)!;
        flow = new Flow({
          config: flowConfig,
          source: config.clusters.get(flowConfig.source)!,
          target: config.clusters.get(flowConfig.target)!,
        });
        await flow.start();
      }
      try {
        const report = await failover({
          config,
          flowName: flags.flow,
          flow,
          dryRun: flags.dryRun === true,
          maxLag: flags.maxLag === undefined ? undefined : number(flags.maxLag, '--max-lag'),
          force: flags.force === true,
          drainTimeoutMs: number(flags.drainTimeoutMs ?? '30000', '--drain-timeout-ms'),
        });
        if (flags.json) println(JSON.stringify(report, null, 2));
        else for (const line of formatFailoverReport(report)) println(line);
      } catch (err) {
        if (err instanceof FailoverRefusedError) throw new CliError(err.message);
        throw err;
      } finally {
        await flow?.stop();
      }
    });

  program
    .command('failback')
    .description(
      'after a failover A->B: copy what was written on B back to A and move the groups back; ' +
        'run it again after an interruption: it resumes where the copy stopped, every record once',
    )
    .requiredOption('--config <file>', 'the mirror config (JSON)')
    .requiredOption(
      '--flow <A->B>',
      'the forward flow that failed over (stopped, and kept stopped until done)',
    )
    .option('--dry-run', 'print the plan; copy and write nothing')
    .option('--json', 'print the report as JSON')
    .action(async (flags: FailoverFlags) => {
      const config = load(flags.config, flags.flow);
      const report = await failback({ config, flowName: flags.flow, dryRun: flags.dryRun === true });
      if (flags.json) {
        println(JSON.stringify(report, null, 2));
        return;
      }
      println(`${report.dryRun ? 'DRY RUN: ' : ''}failback ${report.flow} via ${report.reverseFlow}`);
      for (const c of report.copies)
        println(
          `  ${c.remoteTopic}-${c.partition} [${c.from}, ${c.to}) -> ${c.originTopic}-${c.partition} [${c.originStart}, ${c.originEnd}) ${c.batches} batches${c.resumed > 0 ? `, ${c.resumed} already there from an interrupted run` : ''}`,
        );
      for (const r of report.resumes)
        println(
          `  ${r.group} ${r.topic}-${r.partition} ${r.sourceOffset} -> ${r.remoteTopic}-${r.partition} ${r.targetOffset ?? '-'} ${r.status}`,
        );
    });
}

function load(file: string, flowName: string): MirrorConfig {
  const config = loadMirrorConfig(file);
  if (!config.flows.some((f) => f.name === flowName)) throw new CliError(`no flow ${flowName} in ${file}`);
  return config;
}

function number(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new CliError(`${flag} must be a number >= 0, got ${value}`);
  return n;
}
