import { componentLogger, type Logger, silentLogger } from '../../common/logger.js';
import type { FlowTaskSettings } from '../flow.js';
import { parseMirrorConfig } from '../mirror-config.js';
import { MirrorMaker } from '../mirror-maker.js';
import type { ReverseFlowPlan } from './reverse-flow.js';
import { exemptFromWriteFreeze } from './write-freeze.js';

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
  /** The forward source's topics, still frozen, whose freeze now exempts the reverse flow's `clientId`. */
  readonly freezeExemptTopics: readonly string[];
  /** The client id the reverse flow sends to A, which the freeze exempts. */
  readonly clientId: string;
  stop(): Promise<void>;
}

/**
 * Starts a completed cutover's reverse flow B->A in this process, exactly as `ferry mirror --config
 * reverse-flow.json` runs it (one MirrorMaker over the plan's config), after exempting its client id (A's
 * `client.id` in that config) from the cutover's write freeze on the topics of A it writes into
 * (plan.freezeExemptOnStart; see reverse-flow.ts): the freeze stays for every other producer. Kept out of
 * Cutover so that every cutover step stays bounded and redoable; a resumed `cutover run` starts it again the
 * same way: the flow resumes from its own offset-syncs, the exemption is idempotent.
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
  // The exemption must name the id the flow's clients really send: the config's, not the plan's intent.
  const clientId = cluster.clientId;
  const freezeExemptTopics = await exemptFromWriteFreeze(cluster, plan.freezeExemptOnStart, clientId, logger);
  if (freezeExemptTopics.length > 0)
    logger.info({ topics: freezeExemptTopics, clientId }, 'write freeze kept; reverse flow exempted');
  const mirror = new MirrorMaker({ config, logger: options.logger, taskSettings: options.taskSettings });
  await mirror.start();
  let stopped: Promise<void> | undefined;
  return {
    flow: plan.flow,
    mirror,
    freezeExemptTopics,
    clientId,
    stop: () => {
      stopped ??= mirror.stop();
      return stopped;
    },
  };
}
