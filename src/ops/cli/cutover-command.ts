import type { Command } from 'commander';
import { Cutover, formatCutoverState } from '../../mirror/cutover/cutover.js';
import type { ReverseFlowPlan } from '../../mirror/cutover/reverse-flow.js';
import { type ReverseFlowHandle, startReverseFlow } from '../../mirror/cutover/reverse-flow-runner.js';
import { loadMirrorConfig } from '../../mirror/mirror-config.js';
import { CliError } from './cli-error.js';
import { println } from './output.js';
import { ShutdownSignal } from './shutdown-signal.js';

interface CutoverFlags {
  config: string;
  flow: string;
  stateDir: string;
  maxLag?: string;
  operatorConfirmedFreeze?: boolean;
  reverseFlow?: boolean;
  reverseFlowOnlyConfig?: boolean;
  json?: boolean;
}

/**
 * `ferry cutover plan|run|status|abort --config F --flow A->B [--state-dir DIR]` (src/mirror/cutover/cutover.ts).
 * Stop the long-running mirror process first: `run` drives the flow here for the drain. The state file and
 * switch.json (with --reverse-flow also reverse-flow.json, see src/mirror/cutover/reverse-flow.ts) are written
 * in --state-dir; the printed state (text or --json) is the audit record.
 *
 * `run --reverse-flow`: once the cutover is completed (now, or by an earlier run) the B->A flow runs here in
 * the foreground, as `ferry mirror --config reverse-flow.json` would, until SIGINT/SIGTERM:
 *
 *   reverse flow B->A: FILE           the config it runs, then its notes
 *   reverse flow B->A running: …      the line scripts wait for (stderr with --json, stdout stays one document)
 *   reverse flow stopped              after the signal, then exit 0
 *
 * `--reverse-flow-only-config` writes reverse-flow.json and prints the command that runs it, and exits.
 */
export function registerCutoverCommand(program: Command): void {
  program
    .command('cutover')
    .description('migrate from A to B: plan | run | status | abort (resumable, recorded in --state-dir)')
    .argument('<action>', 'plan, run, status or abort')
    .requiredOption('--config <file>', 'the mirror config (JSON)')
    .requiredOption('--flow <A->B>', 'the flow to cut over')
    .option('--state-dir <dir>', 'where the state file and switch.json live', '.')
    .option('--max-lag <records>', 'pre-check: the most lag allowed', '100000')
    .option('--operator-confirmed-freeze', 'the source is not Ferry: writes are stopped by the operator')
    .option(
      '--reverse-flow',
      'run: after the switch, run the B->A flow (a rollback path, its config in reverse-flow.json) here until SIGINT/SIGTERM',
    )
    .option(
      '--reverse-flow-only-config',
      'run: after the switch, write reverse-flow.json and print how to run it, without running it',
    )
    .option('--json', 'print JSON')
    .action(async (action: string, flags: CutoverFlags) => {
      const config = loadMirrorConfig(flags.config);
      if (!config.flows.some((f) => f.name === flags.flow))
        throw new CliError(`no flow ${flags.flow} in ${flags.config}`);
      const cutover = new Cutover({
        config,
        flowName: flags.flow,
        stateDir: flags.stateDir,
        maxLag: Number(flags.maxLag ?? '100000'),
        operatorConfirmedFreeze: flags.operatorConfirmedFreeze === true,
        reverseFlow: flags.reverseFlow === true || flags.reverseFlowOnlyConfig === true,
      });
      let out: unknown;
      switch (action) {
        case 'plan':
          out = await cutover.plan();
          println(JSON.stringify(out, null, 2));
          return;
        case 'run':
          out = await cutover.run();
          break;
        case 'status':
          out = await cutover.status();
          break;
        case 'abort':
          out = await cutover.abort();
          break;
        default:
          throw new CliError(`unknown cutover action ${action}: plan, run, status or abort`);
      }
      const state = out as Awaited<ReturnType<Cutover['status']>>;
      if (flags.json) println(JSON.stringify(state, null, 2));
      else for (const line of formatCutoverState(state)) println(line);
      if (action !== 'run' || !(flags.reverseFlow || flags.reverseFlowOnlyConfig)) return;
      // run() returned, so the cutover is completed; this also covers a run resumed after the switch, or one
      // whose switch was done without the flag (the plan is rewritten from the recorded switch).
      const reverse = await cutover.reverseFlow();
      if (!flags.json) {
        println(`reverse flow ${reverse.flow}: ${reverse.configFile}`);
        for (const note of reverse.notes) println(`  - ${note}`);
      }
      if (flags.reverseFlowOnlyConfig && !flags.reverseFlow) {
        if (!flags.json) println(`  run: ${reverse.command}`);
        return;
      }
      await runReverseFlow(cutover, reverse, flags.json === true);
    });
}

/** The reverse flow in the foreground until SIGINT/SIGTERM, then exit (kafkajs timers would keep the process). */
async function runReverseFlow(cutover: Cutover, plan: ReverseFlowPlan, json: boolean): Promise<void> {
  const say = (line: string) => (json ? process.stderr.write(`${line}\n`) : println(line));
  const signal = new ShutdownSignal();
  let handle: ReverseFlowHandle | undefined;
  try {
    handle = await startReverseFlow({ plan });
    await cutover.recordReverseFlowStarted(plan.flow, handle.freezeExemptTopics, handle.clientId);
    if (signal.signal === undefined) {
      const exempt = handle.freezeExemptTopics.length;
      const freeze =
        exempt > 0
          ? `, write freeze kept; exempted for the reverse flow's client id ${handle.clientId} on ${exempt} topic(s)`
          : '';
      say(
        `reverse flow ${plan.flow} running: ${handle.mirror.flows[0]?.partitions().length ?? 0} partitions` +
          `${freeze}; Ctrl-C or SIGTERM stops it cleanly`,
      );
      await signal.signalled;
    }
    await handle.stop();
  } catch (err) {
    await handle?.stop().catch(() => undefined);
    process.stderr.write(`ferry: reverse flow ${plan.flow}: ${(err as Error).message}\n`);
    process.exit(1);
  } finally {
    signal.dispose();
  }
  say('reverse flow stopped');
  process.exit(process.exitCode ?? 0);
}
