import type { Command } from 'commander';
import { Cutover, formatCutoverState, type SwitchPlan } from '../../mirror/cutover/cutover.js';
import { loadMirrorConfig } from '../../mirror/mirror-config.js';
import { CliError } from './cli-error.js';
import { println } from './output.js';

interface CutoverFlags {
  config: string;
  flow: string;
  stateDir: string;
  maxLag?: string;
  operatorConfirmedFreeze?: boolean;
  reverseFlow?: boolean;
  json?: boolean;
}

/**
 * `ferry cutover plan|run|status|abort --config F --flow A->B [--state-dir DIR]` (src/mirror/cutover/cutover.ts).
 * Stop the long-running mirror process first: `run` drives the flow here for the drain. The state file and
 * switch.json (with --reverse-flow also reverse-flow.json, see src/mirror/cutover/reverse-flow.ts) are written
 * in --state-dir; the printed state (text or --json) is the audit record.
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
      'at the switch also write reverse-flow.json (the B->A mirror config for a rollback path) and print how to run it',
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
        reverseFlow: flags.reverseFlow === true,
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
      else {
        for (const line of formatCutoverState(state)) println(line);
        const reverse = (state.steps.switch.result as SwitchPlan | undefined)?.reverseFlow;
        if (reverse !== undefined) {
          println(`reverse flow ${reverse.flow}: ${reverse.configFile}`);
          println(`  run: ${reverse.command}`);
          for (const note of reverse.notes) println(`  - ${note}`);
        }
      }
    });
}
