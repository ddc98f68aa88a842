import { componentLogger, type Logger, silentLogger } from '../../common/logger.js';
import type { FlowTaskSettings } from '../flow.js';
import { parseMirrorConfig } from '../mirror-config.js';
import { MirrorMaker } from '../mirror-maker.js';
import type { ReverseFlowPlan } from './reverse-flow.js';
import { setWriteFreeze } from './write-freeze.js';

export interface StartReverseFlowOptions {
  /** From Cutover.reverseFlow() or the switch step's plan. */
  readonly plan: ReverseFlowPlan;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
  readonly taskSettings?: FlowTaskSettings;
}

/** The running reverse flow; stop() stops it cleanly (its last syncs written), once. */
export interface ReverseFlowHandle {
  /** `B->A`. */
  readonly flow: string;
  /** What runs it: `ferry mirror --config reverse-flow.json`'s MirrorMaker, for its flows and metrics. */
  readonly mirror: MirrorMaker;
  /** The forward source's topics whose write freeze was lifted so that the reverse flow can write there. */
  readonly unfrozenTopics: readonly string[];
  stop(): Promise<void>;
}

/**
 * Starts a completed cutover's reverse flow B->A in this process, exactly as `ferry mirror --config
 * reverse-flow.json` runs it (one MirrorMaker over the plan's config), after lifting the cutover's write freeze
 * on the topics of A it writes into (plan.unfreezeOnStart; see reverse-flow.ts for why and what that opens).
 * Kept out of Cutover so that every cutover step stays bounded and redoable; a resumed `cutover run` starts
 * it again the same way: the flow resumes from its own offset-syncs, the freeze lift is idempotent.
 *
 * The forward flow must be stopped (the cutover's drain stopped it). The caller owns the handle.
 */
export async function startReverseFlow(options: StartReverseFlowOptions): Promise<ReverseFlowHandle> {
  const { plan } = options;
  const config = parseMirrorConfig(plan.config);
  const flowConfig = config.flows.find((f) => f.name === plan.flow);
  const cluster = flowConfig && config.clusters.get(flowConfig.target);
  if (flowConfig === undefined || cluster === undefined)
    throw new Error(`reverse flow ${plan.flow} is not in its own config ${plan.configFile}`);
  const logger = componentLogger(options.logger ?? silentLogger, 'mirror-reverse-flow', {
    flow: plan.flow,
  });
  // Older plans (written before the field existed) carry no list: nothing to lift, as before.
  const unfrozenTopics = await setWriteFreeze(cluster, plan.unfreezeOnStart ?? [], false, logger);
  if (unfrozenTopics.length > 0) logger.info({ topics: unfrozenTopics }, 'write freeze lifted');
  const mirror = new MirrorMaker({ config, logger: options.logger, taskSettings: options.taskSettings });
  await mirror.start();
  let stopped: Promise<void> | undefined;
  return {
    flow: plan.flow,
    mirror,
    unfrozenTopics,
    stop: () => {
      stopped ??= mirror.stop();
      return stopped;
    },
  };
}
