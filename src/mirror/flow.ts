import type { Admin } from 'kafkajs';
import { ClusterClient, type ClusterClientOptions } from '../client/index.js';
import { type Clock, systemClock } from '../common/clock.js';
import { componentLogger, type Logger, silentLogger } from '../common/logger.js';
import { InProcessRuntime, type Task, type TaskPartition, type TaskRuntime } from '../runtime/index.js';
import { CheckpointEmitter, type CheckpointRound } from './checkpoints.js';
import { createClusterAdmin, ensureCompactedTopic, ensureTopic } from './cluster-admin.js';
import type { Checkpoint } from './formats/index.js';
import { GroupFilter } from './group-filter.js';
import { RawGroupOffsetCommitter } from './group-offset-committer.js';
import { GroupOffsetSync, type GroupSyncOutcome } from './group-offset-sync.js';
import { HeartbeatEmitter } from './heartbeats.js';
import type { MirrorClusterConfig, MirrorFlowConfig } from './mirror-config.js';
import type { CheckpointFigures, FlowFigures, PartitionFigures } from './mirror-metrics.js';
import { MirrorTaskRunner, type MirrorTaskRunnerOptions } from './mirror-task.js';
import type { PartitionOffsetMapping } from './offset-mapping.js';
import type { PartitionOffsetSync } from './offset-sync-log.js';
import { readOffsetSyncs } from './offset-sync-reader.js';
import { PeriodicJob } from './periodic-job.js';
import { ensureProducerIdsTopic } from './producer-registry.js';
import { createReplicationPolicy, type ReplicationPolicy } from './replication-policy.js';
import { TopicFilter } from './topic-filter.js';
import { TopicSync, type TopicSyncResult } from './topic-sync.js';

/** Data-path settings passed to every task runner of the flow (see MirrorTaskRunnerOptions). */
export type FlowTaskSettings = Pick<
  MirrorTaskRunnerOptions,
  'maxInFlight' | 'maxBufferedFetches' | 'partitionMaxBytes' | 'fetchMaxWaitMs' | 'restartBackoffMs' | 'hooks'
>;

export interface FlowOptions {
  readonly config: MirrorFlowConfig;
  readonly source: MirrorClusterConfig;
  readonly target: MirrorClusterConfig;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
  /** @defaultValue systemClock */
  readonly clock?: Clock;
  readonly taskSettings?: FlowTaskSettings;
}

interface PartitionTotals {
  records: number;
  bytes: number;
}

/**
 * One MirrorMaker 2 flow `A->B` in this process: what MM2 spreads over its three connectors, in one object.
 *
 *   topic sync (every refresh.topics.interval.seconds) ─ remote topics created/grown/reconfigured; the source
 *     partitions to mirror ─→ tasks: the partitions split over `tasks.max` MirrorTaskRunners, started through
 *     an InProcessRuntime; new partitions join the least-loaded task, which restarts (it resumes exactly)
 *   heartbeats (every emit.heartbeats.interval.seconds) ─→ `heartbeats` on B
 *   checkpoints (every emit.checkpoints.interval.seconds) ─→ `A.checkpoints.internal` on B, exact
 *   group offset sync (every sync.group.offsets.interval.seconds, if enabled) ─→ B's idle groups
 *
 * Internal topics are created at start: `heartbeats` and `A.checkpoints.internal` on B (one partition,
 * compacted, as MM2 makes them) and the offset-syncs topic `mm2-offset-syncs.B.internal` on A or B
 * (`offset-syncs.topic.location`) — one partition, but *not* compacted, unlike MM2's: it holds every run
 * start of the exact mapping, so a mapping rebuilt from it translates old offsets exactly too.
 *
 * Loops run one pass at a time each (PeriodicJob); a failed pass is logged and retried next interval. The
 * flow's own methods (`refreshTopics`, `emitHeartbeat`, `emitCheckpoints`, `syncGroupOffsets`) run a pass at
 * once, after any pass in progress. Single-threaded (the event loop).
 */
export class Flow {
  readonly name: string;
  readonly config: MirrorFlowConfig;
  readonly policy: ReplicationPolicy;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly sourceAdmin: Admin;
  private readonly targetAdmin: Admin;
  private sourceClient: ClusterClient | undefined;
  private targetClient: ClusterClient | undefined;
  private readonly runtime: TaskRuntime;
  private readonly runners = new Map<string, MirrorTaskRunner>();
  /** Task index → its partitions, sorted; stable: a partition stays in its task while it exists. */
  private assignment: TaskPartition[][] = [];
  private mirroredTopics = new Set<string>();
  private readonly totals = new Map<string, PartitionTotals>();
  private readonly topicSync: TopicSync;
  private readonly jobs: PeriodicJob<unknown>[] = [];
  private readonly topicJob: PeriodicJob<TopicSyncResult>;
  private heartbeatJob: PeriodicJob<unknown> | undefined;
  private checkpointJob: PeriodicJob<CheckpointRound> | undefined;
  private groupSyncJob: PeriodicJob<GroupSyncOutcome[]> | undefined;
  private heartbeats: HeartbeatEmitter | undefined;
  private checkpointEmitter: CheckpointEmitter | undefined;
  private groupSync: GroupOffsetSync | undefined;
  private readonly checkpointLatency = new Map<string, CheckpointFigures>();
  private readonly errorBounds = new Map<string, number>();
  private started = false;
  private stopping = false;

  constructor(private readonly options: FlowOptions) {
    const { config } = options;
    this.config = config;
    this.name = config.name;
    this.clock = options.clock ?? systemClock;
    this.logger = componentLogger(options.logger ?? silentLogger, 'mirror-flow', { flow: config.name });
    this.policy = createReplicationPolicy(config.replicationPolicy, {
      separator: config.replicationPolicySeparator,
      internalTopicSeparatorEnabled: config.replicationPolicyInternalTopicSeparatorEnabled,
    });
    this.sourceAdmin = createClusterAdmin(options.source, this.logger.child({ cluster: config.source }));
    this.targetAdmin = createClusterAdmin(options.target, this.logger.child({ cluster: config.target }));
    this.topicSync = new TopicSync({
      sourceAlias: config.source,
      source: this.sourceAdmin,
      target: this.targetAdmin,
      policy: this.policy,
      filter: new TopicFilter({
        source: config.source,
        target: config.target,
        policy: this.policy,
        topics: config.topics,
        topicsExclude: config.topicsExclude,
        heartbeatsReplicationEnabled: config.heartbeatsReplicationEnabled,
      }),
      replicationFactor: config.replicationFactor,
      syncConfigs: config.syncTopicConfigsEnabled,
      configSyncIntervalMs: config.syncTopicConfigsIntervalSeconds * 1000,
      nowMs: () => (options.clock ?? systemClock).nowMs(),
      configPropertiesExclude: config.configPropertiesExclude,
      logger: this.logger,
    });
    this.runtime = new InProcessRuntime((task) => this.createRunner(task));
    this.topicJob = new PeriodicJob(
      'topic sync',
      config.refreshTopicsIntervalSeconds * 1000,
      () => this.refreshTopicsPass(),
      this.logger,
    );
  }

  /** The offset-syncs topic and the cluster holding it. */
  get offsetSyncsTopic(): { topic: string; cluster: string } {
    const { config } = this;
    return {
      topic: this.policy.offsetSyncsTopic(config.target),
      cluster: config.offsetSyncsTopicLocation === 'source' ? config.source : config.target,
    };
  }

  get checkpointsTopic(): string {
    return this.policy.checkpointsTopic(this.config.source);
  }

  /**
   * Connects, creates the internal topics, runs a first topic sync and starts the tasks and the loops.
   * Resolves once the tasks are started (not caught up).
   */
  async start(): Promise<void> {
    if (this.started) throw new Error(`flow ${this.name} already started`);
    this.started = true;
    const { config } = this;
    await Promise.all([this.sourceAdmin.connect(), this.targetAdmin.connect()]);
    this.sourceClient = new ClusterClient(this.clientOptions(config.source));
    this.targetClient = new ClusterClient(this.clientOptions(config.target));
    const syncs = this.offsetSyncsTopic;
    await ensureTopic(
      syncs.cluster === config.source ? this.sourceAdmin : this.targetAdmin,
      syncs.topic,
      config.offsetSyncsTopicReplicationFactor,
      [
        { name: 'cleanup.policy', value: 'delete' },
        { name: 'retention.ms', value: '-1' },
        { name: 'retention.bytes', value: '-1' },
      ],
    );
    if (this.loopPrevention) {
      // Identity topics are shared by both directions: register our producer ids where we write (loop-guard.ts).
      await ensureProducerIdsTopic(
        this.targetAdmin,
        config.target,
        config.offsetSyncsTopicReplicationFactor,
        config.replicationPolicySeparator,
      );
    }
    if (config.emitCheckpointsEnabled) {
      await ensureCompactedTopic(
        this.targetAdmin,
        this.checkpointsTopic,
        config.checkpointsTopicReplicationFactor,
      );
    }
    if (config.emitHeartbeatsEnabled) {
      await ensureCompactedTopic(
        this.targetAdmin,
        this.policy.heartbeatsTopic(),
        config.heartbeatsTopicReplicationFactor,
      );
      const heartbeats = new HeartbeatEmitter({
        sourceAlias: config.source,
        targetAlias: config.target,
        topic: this.policy.heartbeatsTopic(),
        client: this.targetClient,
        clock: this.clock,
      });
      this.heartbeats = heartbeats;
      this.heartbeatJob = new PeriodicJob(
        'heartbeats',
        config.emitHeartbeatsIntervalSeconds * 1000,
        () => heartbeats.emit(),
        this.logger,
      );
      this.jobs.push(this.heartbeatJob);
    }
    if (config.emitCheckpointsEnabled) {
      const emitter = new CheckpointEmitter({
        sourceAlias: config.source,
        targetAlias: config.target,
        policy: this.policy,
        groupFilter: new GroupFilter({ groups: config.groups, groupsExclude: config.groupsExclude }),
        source: this.sourceAdmin,
        topic: this.checkpointsTopic,
        client: this.targetClient,
        mirroredTopics: () => this.mirroredTopics,
        mapping: (topic, partition) => this.mapping(topic, partition),
        readOffsetSyncs: () => this.readOffsetSyncs(),
        logger: this.logger.child({ job: 'checkpoints' }),
        clock: this.clock,
      });
      this.checkpointEmitter = emitter;
      this.checkpointJob = new PeriodicJob(
        'checkpoints',
        config.emitCheckpointsIntervalSeconds * 1000,
        () => this.checkpointPass(),
        this.logger,
      );
      this.jobs.push(this.checkpointJob);
      if (config.syncGroupOffsetsEnabled) {
        this.groupSync = new GroupOffsetSync({
          target: this.targetAdmin,
          committer: new RawGroupOffsetCommitter(this.targetClient),
          checkpoints: () => emitter.checkpoints(),
          logger: this.logger.child({ job: 'group-offset-sync' }),
        });
        const groupSync = this.groupSync;
        this.groupSyncJob = new PeriodicJob(
          'group offset sync',
          config.syncGroupOffsetsIntervalSeconds * 1000,
          () => groupSync.sync(),
          this.logger,
        );
        this.jobs.push(this.groupSyncJob);
      }
    }
    await this.topicJob.runNow();
    if (config.refreshTopicsEnabled) this.topicJob.start(config.refreshTopicsIntervalSeconds * 1000);
    for (const job of this.jobs) job.start();
    this.logger.info({ tasks: this.assignment.length, partitions: this.partitions().length }, 'flow started');
  }

  /** Stops the loops, then the tasks (gracefully: acknowledged batches recorded, syncs flushed). */
  async stop(): Promise<void> {
    if (!this.started || this.stopping) return;
    this.stopping = true;
    await Promise.all([this.topicJob.stop(), ...this.jobs.map((j) => j.stop())]);
    await this.runtime.close();
    this.sourceClient?.close();
    this.targetClient?.close();
    await Promise.allSettled([this.sourceAdmin.disconnect(), this.targetAdmin.disconnect()]);
    this.logger.info('flow stopped');
  }

  /** Runs a topic sync pass now (after any in progress); tasks are reassigned before it resolves. */
  refreshTopics(): Promise<TopicSyncResult> {
    return this.topicJob.runNow();
  }

  /** Emits one heartbeat now (after any emission in progress). */
  async emitHeartbeat(): Promise<void> {
    if (!this.heartbeatJob) throw new Error(`flow ${this.name}: emit.heartbeats.enabled is false`);
    await this.heartbeatJob.runNow();
  }

  /** Runs a checkpoint round now (after any round in progress). */
  emitCheckpoints(): Promise<CheckpointRound> {
    if (!this.checkpointJob) throw new Error(`flow ${this.name}: emit.checkpoints.enabled is false`);
    return this.checkpointJob.runNow();
  }

  /** Runs a group offset sync pass now (after any pass in progress). */
  syncGroupOffsets(): Promise<GroupSyncOutcome[]> {
    if (!this.groupSyncJob) throw new Error(`flow ${this.name}: sync.group.offsets.enabled is false`);
    return this.groupSyncJob.runNow();
  }

  /** The latest exact checkpoints, by group then `<remote topic>:<partition>`. */
  checkpoints(): ReadonlyMap<string, ReadonlyMap<string, Checkpoint>> {
    return this.checkpointEmitter?.checkpoints() ?? new Map();
  }

  /** The tasks as the runtime runs them. */
  tasks(): Task[] {
    return this.runtime.list().map((s) => s.task);
  }

  /** Every source partition the flow mirrors now. */
  partitions(): TaskPartition[] {
    return this.assignment.flat();
  }

  /** The live exact mapping of a mirrored source partition (undefined before its task resumed it). */
  mapping(topic: string, partition: number): PartitionOffsetMapping | undefined {
    for (const runner of this.runners.values()) {
      const mapping = runner.mapping(topic, partition);
      if (mapping) return mapping;
    }
    return undefined;
  }

  /** Figures for MirrorMetrics, gathered now. */
  figures(): FlowFigures {
    const partitions: PartitionFigures[] = [];
    for (const runner of this.runners.values()) {
      for (const m of runner.metrics()) {
        const totals = this.totals.get(`${m.topic}:${m.partition}`) ?? { records: 0, bytes: 0 };
        partitions.push({
          topic: this.policy.formatRemoteTopic(this.config.source, m.topic),
          partition: m.partition,
          records: totals.records + m.recordsMirrored,
          bytes: totals.bytes + m.bytesMirrored,
          recordAgeMs: m.recordAgeMs,
          replicationLatencyMs: m.replicationLatencyMs,
          offsetLag: m.offsetLag,
        });
      }
    }
    return {
      partitions,
      checkpoints: [...this.checkpointLatency.values()],
      translationErrorBounds: this.errorBounds,
      heartbeats: this.heartbeats?.count ?? 0,
    };
  }

  private async checkpointPass(): Promise<CheckpointRound> {
    const round = await this.checkpointEmitter!.emit();
    for (const [group, result] of round.groups) {
      this.errorBounds.set(group, result.translationErrorBound);
      for (const c of result.checkpoints.values()) {
        const key = `${group}/${c.topic}:${c.partition}`;
        const latencyMs = round.latencyMs.get(key);
        if (latencyMs !== undefined)
          this.checkpointLatency.set(key, { group, topic: c.topic, partition: c.partition, latencyMs });
      }
    }
    return round;
  }

  private async refreshTopicsPass(): Promise<TopicSyncResult> {
    const result = await this.topicSync.sync();
    if (!this.stopping) await this.assign(result.partitions);
    return result;
  }

  /**
   * Keeps each existing partition in its task; partitions that went away leave, new ones join the task with
   * the fewest. Only tasks whose set changed restart (gracefully, then resume exactly where they were).
   */
  private async assign(partitions: readonly TaskPartition[]): Promise<void> {
    const tasksMax = Math.max(1, this.config.tasksMax);
    const wanted = new Set(partitions.map(key));
    const next: TaskPartition[][] = Array.from({ length: tasksMax }, (_, i) =>
      (this.assignment[i] ?? []).filter((tp) => wanted.has(key(tp))),
    );
    const placed = new Set(next.flat().map(key));
    for (const tp of partitions) {
      if (placed.has(key(tp))) continue;
      let target = 0;
      for (let i = 1; i < next.length; i++) if (next[i]!.length < next[target]!.length) target = i;
      next[target]!.push(tp);
      placed.add(key(tp));
    }
    for (const list of next) list.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    const previous = this.assignment;
    this.assignment = next;
    this.mirroredTopics = new Set(partitions.map((tp) => tp.topic));
    for (let i = 0; i < next.length; i++) {
      const before = previous[i] ?? [];
      const after = next[i]!;
      if (before.length === after.length && before.every((tp, j) => key(tp) === key(after[j]!))) continue;
      const taskId = `${this.name}-${i}`;
      await this.stopTask(taskId);
      if (after.length === 0) continue;
      const task: Task = {
        taskId,
        flowId: this.name,
        sourceAlias: this.config.source,
        targetAlias: this.config.target,
        partitions: after,
      };
      try {
        await this.runtime.start(task);
      } catch (err) {
        // Unplaced, its partitions are placed (and the task started) again by the next pass.
        this.assignment[i] = [];
        this.runners.delete(taskId);
        this.logger.warn({ err, task: taskId }, 'task failed to start; retrying on the next topic sync');
        continue;
      }
      this.logger.info({ task: taskId, partitions: after.length }, 'task started');
    }
  }

  private async stopTask(taskId: string): Promise<void> {
    await this.runtime.stop(taskId);
    const runner = this.runners.get(taskId);
    if (runner === undefined) return;
    this.runners.delete(taskId);
    // Keep the record and byte totals across the restart.
    for (const m of runner.metrics()) {
      const k = `${m.topic}:${m.partition}`;
      const totals = this.totals.get(k) ?? { records: 0, bytes: 0 };
      totals.records += m.recordsMirrored;
      totals.bytes += m.bytesMirrored;
      this.totals.set(k, totals);
    }
  }

  /**
   * With the identity policy a reverse flow reads the very topics this flow writes, so both must tell mirror
   * writes from producers' writes by producer id (loop-guard.ts); with the default policy remote topic names
   * already keep the directions apart (MM2's rule), and the registry is not needed.
   */
  private get loopPrevention(): boolean {
    return this.config.replicationPolicy === 'identity';
  }

  private createRunner(task: Task): MirrorTaskRunner {
    const runner = new MirrorTaskRunner({
      ...this.options.taskSettings,
      task,
      clusterClientOptions: (alias) => this.clientOptions(alias),
      policy: this.policy,
      offsetSyncsLocation: this.config.offsetSyncsTopicLocation,
      offsetSyncsTopic: this.offsetSyncsTopic.topic,
      offsetLagMax: this.config.offsetLagMax,
      ...(this.loopPrevention
        ? { loopPrevention: { separator: this.config.replicationPolicySeparator } }
        : {}),
      nowMs: () => this.clock.nowMs(),
      logger: this.logger.child({ task: task.taskId }),
    });
    this.runners.set(task.taskId, runner);
    return runner;
  }

  private readOffsetSyncs(): Promise<PartitionOffsetSync[]> {
    const { cluster, topic } = this.offsetSyncsTopic;
    const client = cluster === this.config.source ? this.sourceClient : this.targetClient;
    return readOffsetSyncs(client!, topic);
  }

  private clientOptions(alias: string): ClusterClientOptions {
    const cluster = alias === this.config.source ? this.options.source : this.options.target;
    if (cluster.alias !== alias) throw new Error(`flow ${this.name} has no cluster ${alias}`);
    return {
      bootstrapServers: cluster.bootstrapServers,
      clientId: cluster.clientId,
      connectTimeoutMs: cluster.connectTimeoutMs,
      requestTimeoutMs: cluster.requestTimeoutMs,
      reconnectBackoffMs: cluster.reconnectBackoffMs,
      reconnectBackoffMaxMs: cluster.reconnectBackoffMaxMs,
      retryBackoffMs: cluster.retryBackoffMs,
      logger: this.logger.child({ cluster: alias }),
    };
  }
}

function key(tp: TaskPartition): string {
  return `${tp.topic}:${tp.partition}`;
}
