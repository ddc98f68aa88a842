import {
  ClusterClient,
  type ClusterClientOptions,
  CoalescingFetcher,
  CoalescingProducer,
} from '../client/index.js';
import { type Logger, silentLogger } from '../common/logger.js';
import { isKafkaError } from '../protocol/errors/index.js';
import { lastOffsetDelta, maxTimestamp, recordsCount } from '../protocol/records/batch-header.js';
import type { Task, TaskPartition, TaskRunner } from '../runtime/index.js';
import type { KeptBatch } from './batch-filter.js';
import { hasOffsetHoles, type OffsetStretch, reencodeContiguous } from './batch-reencode.js';
import { MirrorLoopGuard } from './loop-guard.js';
import type { OffsetSyncPoint, PartitionOffsetMapping } from './offset-mapping.js';
import { type PartitionOffsetSync, syncsOfPartition } from './offset-sync-log.js';
import { readOffsetSyncs } from './offset-sync-reader.js';
import { OffsetSyncWriter } from './offset-sync-writer.js';
import type { ReplicationPolicy } from './replication-policy.js';
import { type SourceChunk, SourceReader } from './source-reader.js';
import { PartitionWriter } from './target-writer.js';
import { resumePartition } from './task-resume.js';

/** A mirror task: the runtime's plain serialisable Task (a set of source partitions of one flow). */
export type MirrorTask = Task;

/** Where the offset-syncs topic lives: MirrorMaker 2's `offset-syncs.topic.location`. */
export type OffsetSyncsLocation = 'source' | 'target';

/** Per source partition figures, as plain counters and gauges the flow's metrics read. */
export interface PartitionMirrorMetrics {
  readonly topic: string;
  readonly partition: number;
  /** Records in batches the target acknowledged (recordsCount of each batch). */
  recordsMirrored: number;
  /** Bytes of those batches as sent (headers included). */
  bytesMirrored: number;
  batchesMirrored: number;
  /** Control batches, aborted transactional batches and (loop prevention) the reverse flow's writes. */
  batchesDropped: number;
  /** MM2's record-age-ms: ack time - the acknowledged batch's maxTimestamp; -1 before the first ack. */
  recordAgeMs: number;
  /** MM2's replication-latency-ms: ack time - the time the batch was fetched; -1 before the first ack. */
  replicationLatencyMs: number;
  /** Source high watermark (as of the last fetch) - the next source offset to mirror; -1 until known. */
  offsetLag: number;
  /** The source offset after the last acknowledged batch; -1 until known. */
  sourceNextOffset: number;
  /** The target offset after the last acknowledged batch; -1 until known. */
  targetNextOffset: number;
  syncsEmitted: number;
  /** Times the partition went back through resume after an error. */
  restarts: number;
  lastError: string | undefined;
}

/** Test and instrumentation hooks; called synchronously at the named points. */
export interface MirrorTaskHooks {
  /** A batch was handed to the target writer (its request is on the wire or queued), not yet acknowledged. */
  onBatchSent?(partition: TaskPartition, sourceBaseOffset: number): void;
  /** The target acknowledged a batch and the mapping recorded it; its sync (if any) is queued, not written. */
  onBatchAcked?(partition: TaskPartition, sourceBaseOffset: number, targetBaseOffset: number): void;
  /** A partition finished its resume and starts mirroring from `sourceOffset`. */
  onResumed?(partition: TaskPartition, sourceOffset: number, matchedBatches: number): void;
}

export interface MirrorTaskRunnerOptions {
  task: MirrorTask;
  /** Client settings of a cluster alias; the runner creates (and on kill drops) its own connections. */
  clusterClientOptions(alias: string): ClusterClientOptions;
  policy: ReplicationPolicy;
  /** @defaultValue 'source' (MirrorMaker 2's default) */
  offsetSyncsLocation?: OffsetSyncsLocation;
  /** @defaultValue policy.offsetSyncsTopic(task.targetAlias) */
  offsetSyncsTopic?: string;
  /** Periodic syncs within a run, as MirrorMaker 2's `offset.lag.max`. @defaultValue 100 */
  offsetLagMax?: number;
  /**
   * Batches in flight per partition, each in a Produce request of its own (Kafka's idempotent maximum is 5).
   * @defaultValue 5
   */
  maxInFlight?: number;
  /**
   * Produce requests in flight per target broker, each carrying the next batch of every partition that has one
   * waiting (CoalescingProducer). The default never holds a batch back (each request carries at least one batch,
   * and maxInFlight bounds each partition's), so a batch waits only for the end of the event-loop turn; batches
   * still share requests, since one answer frees a slot of every partition in it and their next batches are
   * queued in the same turn. @defaultValue maxInFlight × partitions
   */
  maxProduceRequestsInFlight?: number;
  /** Fetched chunks read ahead per partition. @defaultValue 4 */
  maxBufferedFetches?: number;
  /**
   * Bytes per partition per source Fetch (a coalesced Fetch leaves room for this much from every partition in it).
   * Measured (bench/RESULTS.md): 4 MiB gave no more throughput than 1 MiB once merged fetches were sized for all
   * their partitions, and raised record age at half load from ~115 ms to ~2 s (p99). @defaultValue 1 MiB
   */
  partitionMaxBytes?: number;
  /** Long-poll time of source fetches when caught up. @defaultValue 500 */
  fetchMaxWaitMs?: number;
  /** First wait before a partition restarts after an error; doubles up to 2 s. @defaultValue 100 */
  restartBackoffMs?: number;
  /** @defaultValue Date.now */
  nowMs?: () => number;
  logger?: Logger;
  hooks?: MirrorTaskHooks;
  /**
   * Active-active loop prevention by producer id (loop-guard.ts): register every producer id in the target's
   * `mm2-producer-ids.<target>.internal` before writing with it, drop the batches the reverse flow wrote into
   * the source, and step over others' batches on the target at resume. The registry topic must exist on the
   * target (producer-registry.ts ensureProducerIdsTopic). Off when absent.
   */
  loopPrevention?: MirrorLoopPreventionOptions;
}

export interface MirrorLoopPreventionOptions {
  /** Separator of the registry topics' names. @defaultValue '.' */
  readonly separator?: string;
}

interface PartitionState {
  readonly tp: TaskPartition;
  readonly remoteTopic: string;
  readonly metrics: PartitionMirrorMetrics;
  mapping: PartitionOffsetMapping | undefined;
  reader: SourceReader | undefined;
  highWatermark: number;
  /** The next incarnation takes a new producer id instead of continuing the target's last one. */
  freshProducer: boolean;
}

const MAX_RESTART_BACKOFF_MS = 2000;
const DEFAULT_PARTITION_MAX_BYTES = 1024 * 1024;

/** What goes to the target for a kept batch: its own bytes, or its re-encoding and where its records come from. */
interface SentBatch {
  readonly batch: Buffer;
  readonly stretches: OffsetStretch[] | undefined;
}

/**
 * Runs one mirror task: for each source partition, resume (task-resume.ts), then forever
 *
 *   SourceReader (read_committed fetches, read-ahead) → ReadCommittedFilter → [MirrorLoopGuard: drop the
 *   reverse flow's writes, by producer id] → PartitionWriter (idempotent,
 *   acks=all, up to maxInFlight requests pipelined) → on each acknowledgement, in order: mapping
 *   .onBatchMirrored → the sync it yields is queued to the OffsetSyncWriter (only ever after the ack).
 *
 * Any error in a partition's loop (a produce refused — OUT_OF_ORDER_SEQUENCE_NUMBER, an epoch error, a
 * connection lost with a request in flight — or a fetch that cannot go on) stops its reads, waits for every
 * request in flight to settle, and starts the partition over from resume, which finds on the target what
 * was appended: never skipping, never writing twice. Other partitions carry on.
 *
 * `stop()` is graceful: no more reads, acknowledgements in flight recorded, a final sync per partition at
 * the mirrored end, syncs flushed, connections closed. `kill()` is a crash: connections dropped at once,
 * queued syncs discarded, nothing recorded.
 *
 * The runner owns its ClusterClients (one per cluster, shared by its partitions): the partitions' fetches are
 * merged into one Fetch per source broker (CoalescingFetcher) and their batches into multi-partition Produce
 * requests per target broker (CoalescingProducer), so a task costs a few round trips per turn, not one per
 * partition. Single-threaded (the event loop).
 */
export class MirrorTaskRunner implements TaskRunner {
  readonly task: MirrorTask;
  private readonly partitions: PartitionState[];
  private readonly options: MirrorTaskRunnerOptions;
  private readonly logger: Logger;
  private readonly nowMs: () => number;
  private source: ClusterClient | undefined;
  private sourceFetcher: CoalescingFetcher | undefined;
  private target: ClusterClient | undefined;
  private targetProducer: CoalescingProducer | undefined;
  private syncClient: ClusterClient | undefined;
  private syncWriter: OffsetSyncWriter | undefined;
  private loopGuard: MirrorLoopGuard | undefined;
  private readonly syncsTopic: string;
  private initialSyncs: Promise<PartitionOffsetSync[]> | undefined;
  private loops: Promise<void>[] = [];
  private stopping = false;
  private killed = false;
  private readonly sleepers = new Set<() => void>();

  constructor(options: MirrorTaskRunnerOptions) {
    this.options = options;
    this.task = options.task;
    this.logger = options.logger ?? silentLogger;
    this.nowMs = options.nowMs ?? Date.now;
    this.syncsTopic = options.offsetSyncsTopic ?? options.policy.offsetSyncsTopic(options.task.targetAlias);
    this.partitions = options.task.partitions.map((tp) => ({
      tp,
      remoteTopic: options.policy.formatRemoteTopic(options.task.sourceAlias, tp.topic),
      metrics: newMetrics(tp),
      mapping: undefined,
      reader: undefined,
      highWatermark: -1,
      freshProducer: false,
    }));
  }

  /** Live metrics of every partition of the task, in task order. */
  metrics(): readonly PartitionMirrorMetrics[] {
    return this.partitions.map((p) => p.metrics);
  }

  /** The partition's exact mapping as of now (undefined before its first resume), for checkpoints. */
  mapping(topic: string, partition: number): PartitionOffsetMapping | undefined {
    return this.partitions.find((p) => p.tp.topic === topic && p.tp.partition === partition)?.mapping;
  }

  async start(): Promise<void> {
    if (this.source) throw new Error(`task ${this.task.taskId} already started`);
    const { task } = this;
    this.source = new ClusterClient(this.options.clusterClientOptions(task.sourceAlias));
    // One Fetch per source broker for all of this task's partitions (see CoalescingFetcher).
    this.sourceFetcher = new CoalescingFetcher(this.source);
    this.target = new ClusterClient(this.options.clusterClientOptions(task.targetAlias));
    // One Produce per target broker carries the waiting batches of all of this task's partitions.
    this.targetProducer = new CoalescingProducer(this.target, {
      maxRequestsInFlight:
        this.options.maxProduceRequestsInFlight ??
        Math.max(1, (this.options.maxInFlight ?? 5) * task.partitions.length),
    });
    this.syncClient = (this.options.offsetSyncsLocation ?? 'source') === 'source' ? this.source : this.target;
    this.syncWriter = new OffsetSyncWriter(this.syncClient, { topic: this.syncsTopic, nowMs: this.nowMs });
    const loop = this.options.loopPrevention;
    if (loop) {
      this.loopGuard = new MirrorLoopGuard({
        sourceAlias: task.sourceAlias,
        targetAlias: task.targetAlias,
        taskId: task.taskId,
        source: this.source,
        target: this.target,
        nowMs: this.nowMs,
        ...(loop.separator === undefined ? {} : { separator: loop.separator }),
      });
    }
    this.loops = this.partitions.map((p) => this.runPartition(p));
  }

  async stop(): Promise<void> {
    if (this.stopping) {
      await Promise.all(this.loops);
      return;
    }
    this.stopping = true;
    this.wakeSleepers();
    for (const p of this.partitions) p.reader?.close();
    await Promise.all(this.loops);
    if (!this.killed && this.syncWriter) {
      for (const p of this.partitions) {
        const sync = p.mapping?.syncAtMirroredEnd();
        if (sync) this.emitSync(p, sync);
      }
      await this.syncWriter.flush();
    }
    this.targetProducer?.close();
    this.source?.close();
    this.target?.close();
  }

  kill(): void {
    this.killed = true;
    this.stopping = true;
    // Nothing queued goes out after the crash: a batch sent later would be a write nobody accounts for.
    this.targetProducer?.close();
    this.syncWriter?.close();
    this.source?.close();
    this.target?.close();
    for (const p of this.partitions) p.reader?.close();
    this.wakeSleepers();
  }

  private async runPartition(p: PartitionState): Promise<void> {
    let backoff = this.options.restartBackoffMs ?? 100;
    let first = true;
    while (!this.stopping) {
      try {
        await this.mirrorPartition(p, first);
        return;
      } catch (err) {
        if (this.stopping) return;
        p.metrics.restarts++;
        p.metrics.lastError = err instanceof Error ? err.message : String(err);
        this.logger.warn(
          { task: this.task.taskId, topic: p.tp.topic, partition: p.tp.partition, err: p.metrics.lastError },
          'mirrored partition restarts from resume',
        );
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_RESTART_BACKOFF_MS);
      }
      first = false;
    }
  }

  /** One incarnation of a partition's loop: resume, then mirror until stopped or an error. */
  private async mirrorPartition(p: PartitionState, first: boolean): Promise<void> {
    const source = this.source as ClusterClient;
    const target = this.target as ClusterClient;
    const syncWriter = this.syncWriter as OffsetSyncWriter;
    const guard = this.loopGuard;
    const { topic, partition } = p.tp;
    await syncWriter.flush();
    const allSyncs = first ? await this.readInitialSyncs() : await this.readSyncs();
    const resume = await resumePartition({
      source,
      target,
      topic,
      partition,
      remoteTopic: p.remoteTopic,
      syncs: syncsOfPartition(allSyncs, topic, partition),
      mappingOptions: { offsetLagMax: this.options.offsetLagMax ?? 100 },
      ...(guard
        ? {
            copied: (kept: KeptBatch[]) => guard.withoutReverseWrites(kept),
            isOwnWrite: (t: Buffer) => guard.isOwnWrite(t),
          }
        : {}),
    });
    if (this.stopping) return;
    p.mapping = resume.mapping;
    for (const sync of resume.missingSyncs) this.emitSync(p, sync);
    const continued = p.freshProducer ? null : resume.producer;
    let producer = continued;
    if (producer === null) {
      const fresh = await target.initProducerId();
      // Durable in the registry before any batch carries it: the reverse flow's classification relies on it.
      await guard?.register(fresh);
      producer = { ...fresh, nextSequence: 0 };
    }
    p.freshProducer = false;
    const writer = new PartitionWriter(this.targetProducer as CoalescingProducer, {
      topic: p.remoteTopic,
      partition,
      producer,
      newProducerId: continued === null,
    });
    await writer.ready();
    if (this.stopping) return;
    this.options.hooks?.onResumed?.(p.tp, resume.sourceOffset, resume.matchedBatches);

    const reader = new SourceReader(this.sourceFetcher!, {
      topic,
      partition,
      startOffset: resume.sourceOffset,
      maxBufferedFetches: this.options.maxBufferedFetches ?? 4,
      partitionMaxBytes: this.options.partitionMaxBytes ?? DEFAULT_PARTITION_MAX_BYTES,
      maxWaitMs: this.options.fetchMaxWaitMs ?? 500,
      nowMs: this.nowMs,
    });
    p.reader = reader;
    if (this.stopping) reader.close();
    const maxInFlight = this.options.maxInFlight ?? 5;
    const mapping = resume.mapping;
    let targetEnd = resume.targetEnd;
    /** Every kept batch below this source offset has been sent. */
    let sentThrough = resume.sourceOffset;
    let inFlight = 0;
    let failure: unknown;
    let chain: Promise<void> = Promise.resolve();
    let slotWaiter: (() => void) | undefined;
    const wakeSlot = () => {
      const w = slotWaiter;
      slotWaiter = undefined;
      w?.();
    };
    // A failure ends the loop wherever it waits: closing the reader rejects a pending next(). (Not a
    // Promise.race of next() against a failure promise: every race leaves a reaction on the long-lived promise
    // that holds the race's result — the chunk — so the task kept every byte it ever mirrored.)
    const fail = (err: unknown) => {
      failure ??= err;
      reader.close();
      wakeSlot();
    };
    /** Everything sent is acknowledged: what was read and dropped up to sentThrough is mirrored too. */
    const markDropped = () => {
      if (inFlight === 0 && sentThrough > mapping.sourceNext)
        mapping.markMirroredUpTo(sentThrough, targetEnd);
    };
    const acked = (kept: KeptBatch, sent: SentBatch, targetBase: number, chunk: SourceChunk) => {
      inFlight--;
      const batch = sent.batch;
      const firstSource = sent.stretches ? sent.stretches[0]!.sourceBase : kept.baseOffset;
      // Nothing mapped yet: the task read from its start (the source's log start), and what lies before
      // the first record was compacted away — a leading gap, made durable ahead of the first batch's sync.
      const lead = mapping.onLeadingGap(resume.sourceOffset, firstSource, targetBase);
      if (lead) this.emitSync(p, lead);
      if (sent.stretches) {
        for (const st of sent.stretches) {
          const sync = mapping.onBatchMirrored(st.sourceBase, st.sourceLast, targetBase + st.targetDelta);
          if (sync) this.emitSync(p, sync);
        }
      } else {
        const sync = mapping.onBatchMirrored(kept.baseOffset, kept.lastOffset, targetBase);
        if (sync) this.emitSync(p, sync);
      }
      targetEnd = targetBase + lastOffsetDelta(batch, 0) + 1;
      const now = this.nowMs();
      const m = p.metrics;
      m.recordsMirrored += recordsCount(batch, 0);
      m.bytesMirrored += batch.length;
      m.batchesMirrored++;
      m.recordAgeMs = now - maxTimestamp(batch, 0);
      m.replicationLatencyMs = now - chunk.fetchedAtMs;
      m.sourceNextOffset = kept.lastOffset + 1;
      m.targetNextOffset = targetEnd;
      m.offsetLag = Math.max(0, p.highWatermark - m.sourceNextOffset);
      markDropped();
      this.options.hooks?.onBatchAcked?.(p.tp, kept.baseOffset, targetBase);
      wakeSlot();
    };

    try {
      while (!this.stopping && failure === undefined) {
        const chunk = await reader.next();
        if (this.stopping || failure !== undefined) break;
        p.highWatermark = chunk.highWatermark;
        // The reverse flow's writes are dropped like control batches: an offset gap the mapping steps over.
        const copied = guard ? await guard.withoutReverseWrites(chunk.kept) : chunk.kept;
        if (this.stopping) break;
        p.metrics.batchesDropped += chunk.dropped + chunk.kept.length - copied.length;
        let sentAll = true;
        for (const kept of copied) {
          // A batch compaction left holes in cannot be appended as is (batch-reencode.ts): re-encoded,
          // alone; every other batch goes as the fetched bytes.
          const sent: SentBatch = hasOffsetHoles(kept.batch)
            ? await reencodeContiguous(kept.batch)
            : { batch: kept.batch, stretches: undefined };
          while (inFlight >= maxInFlight && failure === undefined && !this.killed) {
            await new Promise<void>((resolve) => {
              slotWaiter = resolve;
            });
          }
          if (failure !== undefined || this.killed) {
            sentAll = false;
            break;
          }
          inFlight++;
          const ack = writer.send(sent.batch);
          ack.catch(() => {});
          this.options.hooks?.onBatchSent?.(p.tp, kept.baseOffset);
          // Every ack is awaited, even after a failure, so that no request of this incarnation is still in
          // flight when the next one reads the target.
          chain = chain.then(async () => {
            let targetBase: number;
            try {
              targetBase = await ack;
            } catch (err) {
              fail(err);
              return;
            }
            if (failure !== undefined || this.killed) return;
            try {
              acked(kept, sent, targetBase, chunk);
            } catch (err) {
              fail(err); // the mapping refused the batch: the target is not what this incarnation thinks
            }
          });
        }
        if (!sentAll) break;
        sentThrough = chunk.nextOffset;
        if (p.metrics.sourceNextOffset < 0 || inFlight === 0)
          p.metrics.offsetLag = Math.max(0, chunk.highWatermark - Math.max(sentThrough, resume.sourceOffset));
        markDropped();
      }
    } catch (err) {
      if (!this.stopping) fail(err);
    } finally {
      reader.close();
      p.reader = undefined;
    }
    await chain;
    if (failure !== undefined && !this.stopping) {
      // The broker no longer knows the continued producer (its state expired or was fenced): next time,
      // start a new one. Safe, since nothing of this incarnation is in flight any more.
      if (
        continued !== null &&
        p.metrics.targetNextOffset <= resume.targetEnd &&
        isProducerStateError(failure)
      )
        p.freshProducer = true;
      throw failure;
    }
  }

  private emitSync(p: PartitionState, sync: OffsetSyncPoint): void {
    if (this.killed) return;
    this.syncWriter?.emit(p.tp.topic, p.tp.partition, sync);
    p.metrics.syncsEmitted++;
  }

  /** The offset-syncs topic as of the task's start, read once for all its partitions. */
  private readInitialSyncs(): Promise<PartitionOffsetSync[]> {
    this.initialSyncs ??= this.readSyncs();
    const read = this.initialSyncs;
    // A failed read is not cached: the partitions' retries read afresh.
    read.catch(() => {
      if (this.initialSyncs === read) this.initialSyncs = undefined;
    });
    return read;
  }

  private readSyncs(): Promise<PartitionOffsetSync[]> {
    return readOffsetSyncs(this.syncClient as ClusterClient, this.syncsTopic);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private wakeSleepers(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}

function isProducerStateError(err: unknown): boolean {
  return (
    isKafkaError(err, 'UNKNOWN_PRODUCER_ID') ||
    isKafkaError(err, 'OUT_OF_ORDER_SEQUENCE_NUMBER') ||
    isKafkaError(err, 'INVALID_PRODUCER_EPOCH') ||
    isKafkaError(err, 'PRODUCER_FENCED')
  );
}

function newMetrics(tp: TaskPartition): PartitionMirrorMetrics {
  return {
    topic: tp.topic,
    partition: tp.partition,
    recordsMirrored: 0,
    bytesMirrored: 0,
    batchesMirrored: 0,
    batchesDropped: 0,
    recordAgeMs: -1,
    replicationLatencyMs: -1,
    offsetLag: -1,
    sourceNextOffset: -1,
    targetNextOffset: -1,
    syncsEmitted: 0,
    restarts: 0,
    lastError: undefined,
  };
}
