import type { Registry } from 'prom-client';
import { ClusterClient } from '../client/index.js';
import { type Clock, systemClock } from '../common/clock.js';
import { componentLogger, type Logger, silentLogger } from '../common/logger.js';
import { createClusterAdmin, ensureCompactedTopic } from './cluster-admin.js';
import { Flow, type FlowTaskSettings } from './flow.js';
import { HeartbeatEmitter } from './heartbeats.js';
import type { MirrorClusterConfig, MirrorConfig, MirrorFlowConfig } from './mirror-config.js';
import { MirrorMetrics } from './mirror-metrics.js';
import { PeriodicJob } from './periodic-job.js';
import { createReplicationPolicy } from './replication-policy.js';

export interface MirrorMakerOptions {
  readonly config: MirrorConfig;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
  /** Where the metrics are registered; @defaultValue a new Registry */
  readonly registry?: Registry;
  /** @defaultValue systemClock */
  readonly clock?: Clock;
  readonly taskSettings?: FlowTaskSettings;
}

/** A heartbeat-only pair: a cluster pair with no enabled flow, as MirrorMaker 2 still emits on it. */
interface HeartbeatPair {
  readonly name: string;
  readonly job: PeriodicJob<unknown>;
  readonly client: ClusterClient;
  readonly start: () => Promise<void>;
}

/**
 * MirrorMaker: every enabled flow of a MirrorConfig, run in this process against the configured clusters,
 * with one metrics registry — Ferry's counterpart of MirrorMaker 2's dedicated mode (`connect-mirror-maker`).
 *
 * Like MM2's dedicated mode, heartbeats are emitted on every ordered pair of clusters that appear in the
 * config's flows, enabled or not, unless that pair's flow sets `emit.heartbeats.enabled` false: for the
 * one-way A->B, the B->A pair writes (B, A) heartbeats to `heartbeats` on A, which A->B mirrors to B as
 * `A.heartbeats` — the hop RemoteClusterUtils looks for on B.
 *
 * start() starts every flow (in config order) and fails if one fails, stopping what it started; stop() stops
 * them all. Single-threaded.
 */
export class MirrorMaker {
  readonly flows: readonly Flow[];
  readonly mirrorMetrics: MirrorMetrics;
  private readonly logger: Logger;
  private readonly pairs: HeartbeatPair[] = [];
  private started = false;

  constructor(private readonly options: MirrorMakerOptions) {
    const { config } = options;
    this.logger = componentLogger(options.logger ?? silentLogger, 'mirror-maker');
    this.mirrorMetrics = new MirrorMetrics(options.registry, () => (options.clock ?? systemClock).nowMs());
    this.flows = config.flows
      .filter((f) => f.enabled)
      .map(
        (f) =>
          new Flow({
            config: f,
            source: cluster(config, f.source),
            target: cluster(config, f.target),
            logger: options.logger ?? silentLogger,
            clock: options.clock,
            taskSettings: options.taskSettings,
          }),
      );
    for (const flow of this.flows) this.mirrorMetrics.addFlow(flow.name, () => flow.figures());
    for (const pair of this.heartbeatOnlyPairs()) this.pairs.push(this.heartbeatPair(pair));
  }

  /** The heartbeat-only cluster pairs (`source->target`) this MirrorMaker emits on besides its flows. */
  get heartbeatPairs(): string[] {
    return this.pairs.map((p) => p.name);
  }

  /** The flow named `source->target`. */
  flow(name: string): Flow | undefined {
    return this.flows.find((f) => f.name === name);
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('MirrorMaker already started');
    this.started = true;
    try {
      for (const pair of this.pairs) await pair.start();
      for (const flow of this.flows) await flow.start();
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.logger.info(
      { flows: this.flows.map((f) => f.name), heartbeatPairs: this.heartbeatPairs },
      'mirror maker started',
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.pairs.map((p) => p.job.stop()));
    for (const pair of this.pairs) pair.client.close();
    await Promise.all(this.flows.map((f) => f.stop()));
  }

  /** The Prometheus exposition of every flow's metrics. */
  metrics(): Promise<string> {
    return this.mirrorMetrics.metrics();
  }

  /** Ordered cluster pairs among the flows' clusters with no enabled flow and heartbeats not disabled. */
  private heartbeatOnlyPairs(): MirrorFlowConfig[] {
    const { config } = this.options;
    const enabled = this.flows.map((f) => f.config);
    const template = enabled[0];
    if (template === undefined) return [];
    const aliases = [...new Set(config.flows.flatMap((f) => [f.source, f.target]))].sort();
    const pairs: MirrorFlowConfig[] = [];
    for (const source of aliases) {
      for (const target of aliases) {
        if (source === target) continue;
        const name = `${source}->${target}`;
        if (enabled.some((f) => f.name === name)) continue;
        const declared = config.flows.find((f) => f.name === name);
        const settings = declared ?? { ...template, name, source, target, enabled: false };
        if (settings.emitHeartbeatsEnabled) pairs.push(settings);
      }
    }
    return pairs;
  }

  private heartbeatPair(flow: MirrorFlowConfig): HeartbeatPair {
    const { config } = this.options;
    const target = cluster(config, flow.target);
    const logger = componentLogger(this.options.logger ?? silentLogger, 'mirror-heartbeats', {
      flow: flow.name,
    });
    const policy = createReplicationPolicy(flow.replicationPolicy, {
      separator: flow.replicationPolicySeparator,
      internalTopicSeparatorEnabled: flow.replicationPolicyInternalTopicSeparatorEnabled,
    });
    const client = new ClusterClient({
      bootstrapServers: target.bootstrapServers,
      clientId: target.clientId,
      requestTimeoutMs: target.requestTimeoutMs,
      connectTimeoutMs: target.connectTimeoutMs,
      logger,
    });
    const emitter = new HeartbeatEmitter({
      sourceAlias: flow.source,
      targetAlias: flow.target,
      topic: policy.heartbeatsTopic(),
      client,
      clock: this.options.clock,
    });
    const job = new PeriodicJob(
      'heartbeats',
      flow.emitHeartbeatsIntervalSeconds * 1000,
      () => emitter.emit(),
      logger,
    );
    const start = async () => {
      const admin = createClusterAdmin(target, logger);
      await admin.connect();
      try {
        await ensureCompactedTopic(admin, policy.heartbeatsTopic(), flow.heartbeatsTopicReplicationFactor);
      } finally {
        await admin.disconnect();
      }
      await job.runNow();
      job.start(flow.emitHeartbeatsIntervalSeconds * 1000);
    };
    return { name: flow.name, job, client, start };
  }
}

function cluster(config: MirrorConfig, alias: string): MirrorClusterConfig {
  const found = config.clusters.get(alias);
  if (found === undefined) throw new Error(`unknown cluster alias ${alias}`);
  return found;
}
