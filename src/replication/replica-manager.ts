import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../common/clock.js';
import { componentLogger, type Logger } from '../common/logger.js';
import type { LogConfig } from '../log/log-config.js';
import { partitionDirName } from '../log/log-file-names.js';
import { PartitionOffsetCheckpoint } from '../log/offset-checkpoint.js';
import { PartitionLog } from '../log/partition-log.js';
import type { AppendOrigin } from '../log/producer-state.js';
import type { AbortedTxn } from '../log/transaction-index.js';
import { KafkaError, toKafkaError } from '../protocol/errors/index.js';
import { DelayedFetch, type FetchRead } from './delayed-fetch.js';
import { DelayedOperationPurgatory } from './delayed-operation.js';
import { DelayedProduce, type ProducePartitionStatus } from './delayed-produce.js';
import { type AlterIsr, type IsolationLevel, Partition, type PartitionState } from './partition.js';
import type { LeaderEndpoint } from './replica-fetcher.js';
import { ReplicaFetcherManager } from './replica-fetcher-manager.js';

export const HIGH_WATERMARK_CHECKPOINT_FILE = 'replication-offset-checkpoint';

/** Per-topic settings the replica manager needs, resolved by the broker from topic overrides and defaults. */
export interface TopicSettings {
  readonly logConfig: LogConfig;
  readonly minInsyncReplicas: number;
  /** Ferry's `ferry.write.freeze`: client produce to the topic's partitions is refused. @defaultValue false */
  readonly writeFrozen?: boolean;
  /** Ferry's `ferry.write.freeze.exempt.client.id`: the client id a freeze lets through. @defaultValue '' */
  readonly writeFreezeExemptClientId?: string;
}

export interface ReplicaManagerOptions {
  brokerId: number;
  /** This broker's data directory: partitions live in `<dir>/<topic>-<partition>/`. */
  dir: string;
  clock: Clock;
  logger: Logger;
  topicSettings(topic: string): TopicSettings;
  alterIsr: AlterIsr;
  /** `replica.lag.time.max.ms`. */
  replicaLagTimeMaxMs: number;
  /** Where another broker listens, for follower fetches; undefined while it is not alive. */
  endpointOf(brokerId: number): LeaderEndpoint | undefined;
  /** Whether a broker is registered and unfenced (a replica of a fenced broker may not join the ISR). */
  isBrokerAlive(brokerId: number): boolean;
  /** Metrics hook: an ISR change of a partition this broker leads was committed. */
  onIsrChange?(kind: 'shrink' | 'expand'): void;
}

export interface ProduceEntry {
  readonly topic: string;
  readonly partition: number;
  readonly records: Buffer;
}

export interface ProducePartitionResult {
  readonly topic: string;
  readonly partition: number;
  readonly error: KafkaError | undefined;
  readonly baseOffset: number;
  readonly logAppendTimeMs: number;
  readonly logStartOffset: number;
}

export interface FetchPartitionRequest {
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: number;
  readonly partitionMaxBytes: number;
  readonly currentLeaderEpoch: number;
}

export interface FetchPartitionResult {
  readonly topic: string;
  readonly partition: number;
  readonly error: KafkaError | undefined;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
  readonly records: Buffer | null;
  readonly abortedTransactions: AbortedTxn[] | undefined;
}

export interface FetchParams {
  /** -1 for consumers; a broker id for follower fetches. */
  readonly replicaId: number;
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly isolation: IsolationLevel;
  readonly partitions: readonly FetchPartitionRequest[];
}

type MaybeAsync<T> = T | Promise<T>;

/** A partition's `replication-offset-checkpoint`: what was last written, and its fsync while in flight. */
interface HighWatermarkCheckpoint {
  readonly file: PartitionOffsetCheckpoint;
  written: number;
  syncing: Promise<void> | undefined;
}

/**
 * The partitions this broker hosts, and the produce and fetch paths over them (Kafka's ReplicaManager): it
 * opens a partition's log when the controller assigns it here, makes it leader or follower as the metadata
 * says, appends produced batches on leaders, answers fetches from consumers and followers, and parks
 * requests that must wait — acks=all produces until the ISR has the data, fetches until min_bytes is there —
 * in two purgatories keyed by topic-partition.
 *
 * Everything runs on the event loop; a produce or fetch reads and writes its partitions without yielding, so
 * each request sees a consistent log.
 */
export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>();
  private readonly hwCheckpoints = new Map<string, HighWatermarkCheckpoint>();
  readonly producePurgatory = new DelayedOperationPurgatory('Produce');
  readonly fetchPurgatory = new DelayedOperationPurgatory('Fetch');
  private readonly logger: Logger;
  private readonly fetchers: ReplicaFetcherManager;

  constructor(private readonly options: ReplicaManagerOptions) {
    this.logger = componentLogger(options.logger, 'replica-manager', { broker: options.brokerId });
    mkdirSync(options.dir, { recursive: true });
    this.fetchers = new ReplicaFetcherManager(
      options.brokerId,
      options.endpointOf,
      componentLogger(options.logger, 'replica-fetcher', { broker: options.brokerId }),
      (p) => this.fetchPurgatory.checkAndComplete(p.key),
    );
  }

  get brokerId(): number {
    return this.options.brokerId;
  }

  partition(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(`${topic}-${partition}`);
  }

  allPartitions(): IterableIterator<Partition> {
    return this.partitions.values();
  }

  /**
   * The controller's word on a partition this broker hosts: opens its log if needed, then leads or follows.
   * Returns the Partition.
   */
  applyPartitionState(topic: string, partition: number, state: PartitionState): Partition {
    let p = this.partition(topic, partition);
    if (p === undefined) p = this.openPartition(topic, partition);
    if (state.leader === this.options.brokerId) {
      this.fetchers.unfollow(p);
      p.makeLeader(state);
    } else {
      const leaderChanged = p.leaderId !== state.leader || p.leaderEpoch !== state.leaderEpoch;
      p.makeFollower(state);
      if (state.leader < 0) this.fetchers.unfollow(p);
      else if (leaderChanged) this.fetchers.follow(p, state.leader, state.leaderEpoch);
    }
    // Waiting requests must learn at once that leadership moved.
    this.fetchPurgatory.checkAndComplete(p.key);
    this.producePurgatory.checkAndComplete(p.key);
    return p;
  }

  /** The partition left this broker (topic deleted, replica moved): close its log and optionally delete it. */
  removePartition(topic: string, partition: number, deleteData: boolean): void {
    const p = this.partition(topic, partition);
    if (p === undefined) return;
    this.fetchers.unfollow(p);
    this.partitions.delete(p.key);
    this.hwCheckpoints.delete(p.key);
    this.producePurgatory.completeKey(p.key);
    this.fetchPurgatory.completeKey(p.key);
    p.log.close();
    if (deleteData) rmSync(p.log.dir, { recursive: true, force: true });
    this.logger.info({ topic, partition, deleteData }, 'removed partition');
  }

  /** A topic config changed: the log settings and the write freeze of its partitions hosted here follow. */
  updateLogConfig(topic: string): void {
    const settings = this.options.topicSettings(topic);
    for (const p of this.partitions.values()) {
      if (p.topic !== topic) continue;
      p.log.updateConfig(settings.logConfig);
      applyWriteFreeze(p, settings);
    }
  }

  /**
   * Appends produced batches to the partitions this broker leads. acks=0/1 answer as soon as the leader wrote;
   * acks=all waits in the produce purgatory until the HW passes the batches or `timeoutMs` runs out.
   */
  appendRecords(
    entries: readonly ProduceEntry[],
    requiredAcks: number,
    timeoutMs: number,
    origin: AppendOrigin = 'client',
    /** The produce request header's client id ('' for none): a write freeze's exemption matches it. */
    clientId = '',
  ): MaybeAsync<ProducePartitionResult[]> {
    const results: ProducePartitionResult[] = [];
    const waiting: ProducePartitionStatus[] = [];
    const waitingIndex: number[] = [];
    const appendedTo: Partition[] = [];
    for (const entry of entries) {
      const p = this.partition(entry.topic, entry.partition);
      try {
        if (p === undefined) {
          throw new KafkaError(
            'UNKNOWN_TOPIC_OR_PARTITION',
            `${entry.topic}-${entry.partition} is not hosted here`,
          );
        }
        const minIsr = this.options.topicSettings(entry.topic).minInsyncReplicas;
        const appended = p.appendRecordsToLeader(entry.records, origin, requiredAcks, minIsr, clientId);
        results.push({
          topic: entry.topic,
          partition: entry.partition,
          error: undefined,
          baseOffset: appended.firstOffset,
          logAppendTimeMs: appended.logAppendTime,
          logStartOffset: p.log.logStartOffset,
        });
        if (!appended.duplicate) appendedTo.push(p);
        if (requiredAcks === -1) {
          waiting.push({
            partition: p,
            requiredOffset: appended.lastOffset + 1,
            minInsyncReplicas: minIsr,
            error: undefined,
            acknowledged: false,
          });
          waitingIndex.push(results.length - 1);
        }
      } catch (err) {
        results.push(failedProduce(entry, err, p?.log.logStartOffset ?? -1));
      }
    }
    // Waiting fetches learn of the new data once the whole request is appended (Kafka's action queue after a
    // produce): a follower fetch parked on several of these partitions then carries all of them in one answer,
    // instead of one answer (and one more fetch round trip) per partition.
    for (const p of appendedTo) this.onLeaderAppend(p);
    if (waiting.length === 0) return results;
    let sync = true;
    let done: ((r: ProducePartitionResult[]) => void) | undefined;
    let completed = false;
    const operation = new DelayedProduce(waiting, (statuses) => {
      statuses.forEach((status, i) => {
        if (status.error) {
          const index = waitingIndex[i]!;
          results[index] = { ...results[index]!, error: status.error, baseOffset: -1 };
        }
      });
      completed = true;
      if (!sync) done!(results);
    });
    this.producePurgatory.tryCompleteElseWatch(
      operation,
      waiting.map((s) => s.partition.key),
      timeoutMs,
    );
    sync = false;
    if (completed) return results;
    return new Promise((resolve) => {
      done = resolve;
    });
  }

  /**
   * A fetch from a consumer or a follower. Answers at once when min_bytes is there (or a partition errs, or
   * max_wait_ms is 0); otherwise waits in the fetch purgatory.
   */
  fetchMessages(params: FetchParams): MaybeAsync<FetchPartitionResult[]> {
    if (params.replicaId >= 0) this.updateFollowerFetchStates(params);
    const read = (): FetchRead<FetchPartitionResult[]> => this.readFromLog(params);
    const first = read();
    if (
      params.maxWaitMs <= 0 ||
      first.bytes >= params.minBytes ||
      first.hasError ||
      params.partitions.length === 0
    ) {
      return first.results;
    }
    return new Promise((resolve) => {
      const operation = new DelayedFetch(params.minBytes, read, resolve, first);
      const keys: string[] = [];
      for (const p of params.partitions) keys.push(`${p.topic}-${p.partition}`);
      this.fetchPurgatory.watch(operation, keys, params.maxWaitMs);
    });
  }

  /**
   * A follower's fetch offsets are its log end offsets: record them once, when the fetch arrives (Kafka does
   * not again on a parked fetch's re-reads, whose offsets have not changed). Where that moves a high watermark,
   * acks=all produces and consumer fetches waiting for it are woken — after every partition of the fetch is
   * recorded, so a produce spanning several of them is checked once its partitions all moved.
   */
  private updateFollowerFetchStates(params: FetchParams): void {
    let moved: Partition[] | undefined;
    for (const request of params.partitions) {
      const p = this.partition(request.topic, request.partition);
      if (p?.updateFollowerFetchState(params.replicaId, request.fetchOffset)) {
        moved ??= [];
        moved.push(p);
      }
    }
    if (moved === undefined) return;
    for (const p of moved) {
      this.producePurgatory.checkAndComplete(p.key);
      this.fetchPurgatory.checkAndComplete(p.key);
    }
  }

  /** Followers that fell behind leave the ISR; the broker calls this periodically. */
  maybeShrinkIsr(): void {
    for (const p of this.partitions.values()) p.maybeShrinkIsr(this.options.replicaLagTimeMaxMs);
  }

  /** flush.ms, retention and deleted-file removal: the broker's scheduler calls this. */
  runLogMaintenance(kind: 'flush' | 'retention'): void {
    for (const p of this.partitions.values()) {
      try {
        if (kind === 'flush') p.log.maybeFlush();
        else p.log.deleteOldSegments();
      } catch (err) {
        this.logger.error({ err, topic: p.topic, partition: p.partition, kind }, 'log maintenance failed');
      }
    }
  }

  /**
   * Persists every partition's high watermark that moved since the last checkpoint; the broker's scheduler
   * calls this every 5 s, as Kafka's replica.high.watermark.checkpoint.interval.ms. The new file is renamed
   * into place at once and fsynced (file, then directory) in the thread pool: done on the event loop, the two
   * fsyncs per partition stalled every request of the broker by 7–71 ms every 5 s while the disk was busy
   * with writeback. A partition whose last fsync is still running waits for the next round. Until its fsync
   * completes a crash may leave the old file or a malformed one, which the next start reads as no checkpoint
   * (a high watermark recomputed from the replicas), never as a wrong one.
   */
  checkpointHighWatermarks(): void {
    for (const p of this.partitions.values()) {
      const entry = this.hwCheckpoints.get(p.key);
      const hw = p.log.highWatermark;
      if (entry === undefined || entry.written === hw || entry.syncing !== undefined) continue;
      entry.written = hw;
      entry.syncing = entry.file
        .writeInBackground(hw)
        .catch((err: unknown) => {
          this.logger.warn(
            { err, topic: p.topic, partition: p.partition },
            'writing the high watermark checkpoint failed; rewriting it next round',
          );
          entry.written = -1;
        })
        .finally(() => {
          entry.syncing = undefined;
        });
    }
  }

  /** The clean stop's checkpoint: after the fsyncs in flight, every high watermark, durably, now. */
  private async checkpointHighWatermarksDurably(): Promise<void> {
    await Promise.all([...this.hwCheckpoints.values()].map((e) => e.syncing));
    for (const p of this.partitions.values()) {
      const entry = this.hwCheckpoints.get(p.key);
      const hw = p.log.highWatermark;
      if (entry === undefined || entry.written === hw) continue;
      entry.file.write(hw);
      entry.written = hw;
    }
  }

  /** Clean stop: stop fetching, answer waiting requests, checkpoint, flush and close every log. */
  async shutdown(): Promise<void> {
    await this.fetchers.shutdown();
    this.producePurgatory.completeAll();
    this.fetchPurgatory.completeAll();
    await this.checkpointHighWatermarksDurably();
    for (const p of this.partitions.values()) p.log.close();
    this.partitions.clear();
  }

  /** A crash: every log loses what was not fsynced, nothing is checkpointed. */
  async crash(): Promise<void> {
    await this.fetchers.shutdown();
    for (const p of this.partitions.values()) p.log.simulateCrashLosingUnflushed();
    this.partitions.clear();
    this.producePurgatory.completeAll();
    this.fetchPurgatory.completeAll();
  }

  private openPartition(topic: string, partition: number): Partition {
    const dir = join(this.options.dir, partitionDirName({ topic, partition }));
    mkdirSync(dir, { recursive: true });
    const logger = componentLogger(this.options.logger, 'partition', {
      broker: this.options.brokerId,
      topic,
      partition,
    });
    const hwFile = new PartitionOffsetCheckpoint(dir, HIGH_WATERMARK_CHECKPOINT_FILE, { topic, partition });
    const checkpointedHw = hwFile.read(logger);
    const log = PartitionLog.open({
      dir,
      config: this.options.topicSettings(topic).logConfig,
      clock: this.options.clock,
      logger,
      ...(checkpointedHw !== undefined ? { highWatermark: checkpointedHw } : {}),
    });
    for (const report of log.recoveryReports) logger.warn({ report }, 'recovered partition log');
    const p = new Partition(
      topic,
      partition,
      log,
      this.options.brokerId,
      this.options.clock,
      logger,
      this.options.alterIsr,
      this.options.isBrokerAlive,
      this.options.onIsrChange,
    );
    // A freeze is a topic config: a partition opened after a restart or a move is frozen from the start.
    applyWriteFreeze(p, this.options.topicSettings(topic));
    this.partitions.set(p.key, p);
    this.hwCheckpoints.set(p.key, { file: hwFile, written: checkpointedHw ?? -1, syncing: undefined });
    return p;
  }

  /**
   * New data on a leader: followers waiting for it, and (when the HW moved: an ISR of the leader alone) consumers
   * and acks=all produces.
   */
  private onLeaderAppend(p: Partition): void {
    this.fetchPurgatory.checkAndComplete(p.key);
    this.producePurgatory.checkAndComplete(p.key);
  }

  private readFromLog(params: FetchParams): FetchRead<FetchPartitionResult[]> {
    const results: FetchPartitionResult[] = [];
    let bytes = 0;
    let hasError = false;
    let budget = params.maxBytes;
    for (const request of params.partitions) {
      const p = this.partition(request.topic, request.partition);
      try {
        if (p === undefined) {
          throw new KafkaError(
            'UNKNOWN_TOPIC_OR_PARTITION',
            `${request.topic}-${request.partition} is not hosted here`,
          );
        }
        const read = p.read({
          fetchOffset: request.fetchOffset,
          maxBytes: Math.max(0, Math.min(request.partitionMaxBytes, budget)),
          replicaId: params.replicaId,
          isolation: params.isolation,
          currentLeaderEpoch: request.currentLeaderEpoch,
          // Kafka's rule: the first partition that has data may exceed the limits by one batch.
          minOneMessage: bytes === 0,
          fetchOnlyFromLeader: true,
        });
        const records = read.info.records;
        bytes += records.length;
        budget -= records.length;
        results.push({
          topic: request.topic,
          partition: request.partition,
          error: undefined,
          highWatermark: read.highWatermark,
          lastStableOffset: read.lastStableOffset,
          logStartOffset: read.logStartOffset,
          records,
          abortedTransactions: read.abortedTransactions,
        });
      } catch (err) {
        hasError = true;
        results.push({
          topic: request.topic,
          partition: request.partition,
          error: toKafkaError(err),
          highWatermark: p?.log.highWatermark ?? -1,
          lastStableOffset: -1,
          logStartOffset: p?.log.logStartOffset ?? -1,
          records: null,
          abortedTransactions: undefined,
        });
      }
    }
    return { results, bytes, hasError };
  }
}

function failedProduce(entry: ProduceEntry, err: unknown, logStartOffset: number): ProducePartitionResult {
  return {
    topic: entry.topic,
    partition: entry.partition,
    error: toKafkaError(err),
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset,
  };
}

/** A partition follows its topic's freeze and the freeze's exemption together, never one without the other. */
function applyWriteFreeze(p: Partition, settings: TopicSettings): void {
  p.writeFrozen = settings.writeFrozen ?? false;
  p.writeFreezeExemptClientId = settings.writeFreezeExemptClientId ?? '';
}
