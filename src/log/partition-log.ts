import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { KafkaError } from '../protocol/errors/index.js';
import {
  baseOffset as batchBaseOffset,
  lastOffset as batchLastOffset,
  batchSize,
  partitionLeaderEpoch,
} from '../protocol/records/batch-header.js';
import type { CleanableLog, CleanableSegment } from './cleanable-log.js';
import type { LeaderEpochFileCache } from './leader-epoch-cache.js';
import { type CleanResult, LogCleaner } from './log-cleaner.js';
import type { LogConfig } from './log-config.js';
import {
  DELETED_FILE_SUFFIX,
  LOG_START_OFFSET_CHECKPOINT_FILE,
  RECOVERY_POINT_CHECKPOINT_FILE,
  type TopicPartition,
} from './log-file-names.js';
import type { RecoveryReport } from './log-loader.js';
import { LogSegment } from './log-segment.js';
import type { LogSegments } from './log-segments.js';
import { type LogAppendInfo, validateAndAssignOffsetsAsLeader, validateAsFollower } from './log-validator.js';
import { PartitionOffsetCheckpoint } from './offset-checkpoint.js';
import { CleaningPass, dirtyRatioOf, swapInCleanedSegment } from './partition-log-compaction.js';
import {
  collectAbortedTransactions,
  findOffsetByTimestamp,
  readFromSegments,
} from './partition-log-reads.js';
import { loadPartitionLog } from './partition-log-recovery.js';
import {
  type AppendResult,
  EARLIEST_TIMESTAMP,
  type FetchDataInfo,
  LATEST_TIMESTAMP,
  type PartitionLogOptions,
  type TimestampAndOffset,
} from './partition-log-types.js';
import { syncSnapshot } from './producer-snapshot.js';
import {
  type AppendOrigin,
  type CompletedTxn,
  PendingAppend,
  type ProducerStateManager,
} from './producer-state.js';
import { deletableSegments } from './retention.js';
import { RetiredSegments } from './retired-segments.js';
import type { AbortedTxn } from './transaction-index.js';

export {
  type AppendResult,
  EARLIEST_TIMESTAMP,
  type FetchDataInfo,
  LATEST_TIMESTAMP,
  type LogOffsetMetadata,
  MAX_TIMESTAMP,
  type PartitionLogOptions,
  type TimestampAndOffset,
} from './partition-log-types.js';

/**
 * One partition's log (Kafka's UnifiedLog with its LocalLog): an ordered set of segments in
 * `<topic>-<partition>/`, with the log start offset, the log end offset (LEO), the high watermark the
 * replication layer sets, the recovery point, the leader-epoch cache and the producer state.
 *
 * Invariants: logStartOffset <= highWatermark <= logEndOffset; recoveryPoint <= logEndOffset and everything
 * below it is fsynced (persisted in `recovery-point-checkpoint`), the leader-epoch entries below it included;
 * the last segment is the active one and the only one appended to; segment base offsets strictly increase
 * and every batch's offsets are above the previous batch's.
 *
 * Creating a log is cheap on purpose (Kafka's rule too): a new log writes no checkpoint and fsyncs nothing.
 * Each missing file already means the right thing to the loader: no `recovery-point-checkpoint` is
 * recovery point 0 (the recovery point of an empty log; with data it means "verify everything", which is
 * safe), no `log-start-offset-checkpoint` is "the first segment's base" (the file is written whenever the
 * start moves off it: retention, DeleteRecords, full truncation), and no `leader-epoch-checkpoint` is an empty
 * cache. A crash before the segment files' directory entries reach the disk leaves an empty directory, which
 * opens as the same empty log. Becoming leader (the first epoch) rewrites the epoch file without fsync; see
 * leader-epoch-cache.ts for why that is crash-safe. The first fsyncs come with the first flush (roll,
 * flush.messages/flush.ms, close), as for any data.
 *
 * Concurrency: Node runs this on one thread and every method is synchronous, so a call runs to completion
 * before the next starts; the replica manager is the single owner that decides the order of appends, reads,
 * truncations and retention of a partition. Synchronous fs calls are the deliberate trade: appends and reads
 * hit the page cache in microseconds, and doing them async would let a read observe a half-applied append.
 * The slow call, fsync, happens only on roll, on flush.messages/flush.ms (`maybeFlush`, which the broker's
 * scheduler also calls) and on close.
 *
 * Opening and recovery are in partition-log-recovery.ts, the compaction glue (the maybeClean pass, the swap's
 * file steps, the dirty ratio) in partition-log-compaction.ts, and segments waiting for
 * file.delete.delay.ms in retired-segments.ts; the reads across segments (Fetch, ListOffsets, aborted
 * transactions) in partition-log-reads.ts; the types of its API are in partition-log-types.ts.
 */
export class PartitionLog implements CleanableLog {
  readonly topicPartition: TopicPartition;
  private logStartOffsetValue: number;
  private highWatermarkValue: number;
  private recoveryPointValue: number;
  private unflushedMessages = 0;
  private lastFlushMs: number;
  private readonly retired = new RetiredSegments();
  private closed = false;
  /** The maybeClean pass; truncation during it makes its swaps fail (Kafka aborts the cleaning). */
  private readonly cleaning = new CleaningPass();
  private readonly recoveryPointCheckpoint: PartitionOffsetCheckpoint;
  private readonly logStartOffsetCheckpoint: PartitionOffsetCheckpoint;

  private constructor(
    readonly dir: string,
    private configValue: LogConfig,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly segments: LogSegments,
    readonly leaderEpochCache: LeaderEpochFileCache,
    readonly producerState: ProducerStateManager,
    /** What recovery changed when the log was opened. */
    readonly recoveryReports: readonly RecoveryReport[],
    tp: TopicPartition,
    logStartOffset: number,
    recoveryPoint: number,
  ) {
    this.topicPartition = tp;
    this.logStartOffsetValue = logStartOffset;
    this.recoveryPointValue = recoveryPoint;
    this.highWatermarkValue = logStartOffset;
    this.lastFlushMs = clock.nowMs();
    this.recoveryPointCheckpoint = new PartitionOffsetCheckpoint(dir, RECOVERY_POINT_CHECKPOINT_FILE, tp);
    this.logStartOffsetCheckpoint = new PartitionOffsetCheckpoint(dir, LOG_START_OFFSET_CHECKPOINT_FILE, tp);
  }

  /**
   * Opens (and if needed recovers) the log in `opts.dir`; see LogLoader for what recovery does. Never throws
   * for corrupt data: it truncates, rebuilds and reports (`recoveryReports`).
   */
  static open(opts: PartitionLogOptions): PartitionLog {
    const loaded = loadPartitionLog(opts);
    const { clock, logger, segments, producerState, logStartOffset } = loaded;
    const logEndOffset = segments.active().nextOffset;
    const log = new PartitionLog(
      opts.dir,
      opts.config,
      clock,
      logger,
      segments,
      loaded.leaderEpochCache,
      producerState,
      loaded.reports,
      loaded.topicPartition,
      logStartOffset,
      loaded.recoveryPoint,
    );
    log.replayProducerState(Math.max(loaded.replayFrom, logStartOffset), loaded.recovered);
    producerState.onLogStartOffsetIncremented(logStartOffset);
    // Whatever recovery verified is now made durable, so the recovery point can move to the log end. A new
    // log (or one closed cleanly) has nothing to fsync and its checkpoints already say the right thing, so
    // this writes nothing: an absent recovery-point checkpoint reads as 0, the recovery point of an empty log.
    log.persistedRecoveryPoint = loaded.persistedRecoveryPoint;
    const clean =
      loaded.recoveryPoint === logEndOffset &&
      loaded.persistedRecoveryPoint === logEndOffset &&
      !loaded.leaderEpochCache.hasUnsyncedChanges;
    if (!clean) log.flush();
    if (!loaded.logStartOffsetPersisted) log.logStartOffsetCheckpoint.write(logStartOffset);
    log.highWatermarkValue = Math.min(
      Math.max(opts.highWatermark ?? logStartOffset, logStartOffset),
      logEndOffset,
    );
    log.maybeRemoveDeletedSegmentFiles();
    logger.debug(
      { logStartOffset, logEndOffset, segments: segments.size, reports: loaded.reports.length },
      'log opened',
    );
    return log;
  }

  get config(): LogConfig {
    return this.configValue;
  }

  /** A topic config change; takes effect on the next append, roll or retention pass. */
  updateConfig(config: LogConfig): void {
    this.configValue = config;
  }

  get logStartOffset(): number {
    return this.logStartOffsetValue;
  }

  get logEndOffset(): number {
    return this.segments.active().nextOffset;
  }

  get highWatermark(): number {
    return this.highWatermarkValue;
  }

  get recoveryPoint(): number {
    return this.recoveryPointValue;
  }

  /** Bytes in all live segments. */
  get size(): number {
    return this.segments.sizeInBytes();
  }

  get numberOfSegments(): number {
    return this.segments.size;
  }

  /** Base offsets of the segments, oldest first. */
  segmentBaseOffsets(): number[] {
    return this.segments.all().map((s) => s.baseOffset);
  }

  get activeSegment(): LogSegment {
    return this.segments.active();
  }

  /** The replication layer moves the HW; it is kept within [logStartOffset, logEndOffset]. */
  updateHighWatermark(offset: number): number {
    const hw = Math.min(Math.max(offset, this.logStartOffsetValue), this.logEndOffset);
    this.highWatermarkValue = hw;
    this.producerState.onHighWatermarkUpdated(hw);
    return hw;
  }

  /** read_committed consumers read up to here. */
  lastStableOffset(): number {
    return this.producerState.lastStableOffset(this.highWatermarkValue);
  }

  /**
   * A leader's append: validates (CRC, magic, sizes, max.message.bytes, record counts), assigns offsets from
   * the LEO in place, stamps `leaderEpoch` (and LogAppendTime when the topic says so), checks producer state,
   * and writes the whole buffer in one write, rolling first when the active segment is due. A retried
   * idempotent batch is answered with its original offsets and not written again.
   */
  appendAsLeader(records: Buffer, leaderEpoch: number, origin: AppendOrigin = 'client'): AppendResult {
    this.ensureOpen();
    const now = this.clock.nowMs();
    const info = validateAndAssignOffsetsAsLeader(records, {
      nextOffset: this.logEndOffset,
      leaderEpoch,
      maxMessageBytes: this.configValue.maxMessageBytes,
      ...(this.configValue.messageTimestampType === 'LogAppendTime' ? { logAppendTimeMs: now } : {}),
    });
    const pending = info.batchCount > 1 ? new PendingAppend() : undefined;
    for (let pos = 0; pos < records.length; pos += batchSize(records, pos)) {
      const check = this.producerState.checkAppend(records, pos, origin, pending);
      if (check.kind === 'duplicate') {
        if (info.batchCount !== 1) {
          throw new KafkaError('INVALID_RECORD', 'a retried producer batch inside a multi-batch append');
        }
        return {
          ...info,
          firstOffset: check.firstOffset,
          lastOffset: check.lastOffset,
          batchCount: 0,
          recordCount: 0,
          validBytes: 0,
          duplicate: true,
        };
      }
    }
    this.write(records, info, now);
    this.leaderEpochCache.assign(leaderEpoch, info.firstOffset);
    this.afterWrite(records, info, now);
    return { ...info, duplicate: false };
  }

  /**
   * A follower's (or mirror's) append of batches that carry their offsets already: they must start at or
   * after the LEO and only grow; the leader epoch of every batch goes into the epoch cache.
   */
  appendAsFollower(records: Buffer): AppendResult {
    this.ensureOpen();
    const now = this.clock.nowMs();
    const info = validateAsFollower(records, this.logEndOffset, this.configValue.maxMessageBytes);
    const pending = info.batchCount > 1 ? new PendingAppend() : undefined;
    for (let pos = 0; pos < records.length; pos += batchSize(records, pos)) {
      this.producerState.checkAppend(records, pos, 'replication', pending);
    }
    this.write(records, info, now);
    for (let pos = 0; pos < records.length; pos += batchSize(records, pos)) {
      this.leaderEpochCache.assign(partitionLeaderEpoch(records, pos), batchBaseOffset(records, pos));
    }
    this.afterWrite(records, info, now);
    return { ...info, duplicate: false };
  }

  /**
   * Whole batches from the one holding `fetchOffset`, from a single segment (the fetch path asks again from
   * the next offset), none with an offset at or past `maxOffset` (the HW or LSO for consumers; the LEO by
   * default), at most `maxBytes` unless `minOneMessage` lets one oversized first batch through, as Fetch v3+
   * does. OFFSET_OUT_OF_RANGE when `fetchOffset` is outside [logStartOffset, logEndOffset].
   *
   * `into` lends a buffer to read into (from a ReadBufferPool; see read-buffer-pool.ts): when it is large
   * enough the returned `records` are a slice of it and alias it, so the caller must not release or reuse it
   * until it is done with the records (the broker: after the socket has written the response). Otherwise, or
   * without `into`, the records are in a fresh buffer of their own.
   */
  read(
    fetchOffset: number,
    maxBytes: number,
    maxOffset = this.logEndOffset,
    minOneMessage = false,
    into?: Buffer,
  ): FetchDataInfo {
    this.ensureOpen();
    const leo = this.logEndOffset;
    if (fetchOffset < this.logStartOffsetValue || fetchOffset > leo) {
      throw new KafkaError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${fetchOffset} is outside [${this.logStartOffsetValue}, ${leo}] of ${this.topicPartition.topic}-${this.topicPartition.partition}`,
      );
    }
    const upper = Math.min(maxOffset, leo);
    return readFromSegments(this.segments, fetchOffset, maxBytes, upper, minOneMessage, into);
  }

  /** Aborted transactions overlapping [startOffset, upperBoundOffset), for read_committed fetches. */
  collectAbortedTransactions(startOffset: number, upperBoundOffset: number): AbortedTxn[] {
    return collectAbortedTransactions(this.segments, startOffset, upperBoundOffset);
  }

  /**
   * ListOffsets: EARLIEST_TIMESTAMP → log start, LATEST_TIMESTAMP → LEO, MAX_TIMESTAMP → the batch with the
   * largest timestamp, otherwise the first offset whose timestamp is >= `timestamp` (undefined when none is).
   */
  fetchOffsetByTimestamp(timestamp: number): TimestampAndOffset | undefined {
    this.ensureOpen();
    if (timestamp === EARLIEST_TIMESTAMP) return this.withEpoch(-1, this.logStartOffsetValue);
    if (timestamp === LATEST_TIMESTAMP) return this.withEpoch(-1, this.logEndOffset);
    const found = findOffsetByTimestamp(this.segments, timestamp, this.logStartOffsetValue);
    return found === undefined ? undefined : this.withEpoch(found.timestamp, found.offset);
  }

  /**
   * Starts a new active segment at the LEO (unless the active one is empty and already there), after
   * giving the old one its final time index entry and a producer snapshot at the new base; the old segments and
   * the snapshot are fsynced in the thread pool, and the recovery point then moves to the new base.
   */
  roll(): LogSegment {
    this.ensureOpen();
    const newOffset = this.logEndOffset;
    const active = this.segments.active();
    if (active.baseOffset === newOffset && active.size === 0) return active;
    active.onBecomeInactiveSegment();
    const snapshot = newOffset >= this.producerState.mapEndOffset;
    // Not fsynced here: that is flushRolledSegments' work, off the event loop (1.4 ms a roll on average).
    if (snapshot) this.producerState.takeSnapshot(newOffset, false);
    const segment = LogSegment.create(this.dir, newOffset, this.configValue, this.clock.nowMs());
    this.segments.add(segment);
    this.flushRolledSegments(newOffset, snapshot);
    this.logger.debug({ baseOffset: newOffset, previous: active.baseOffset }, 'rolled a new segment');
    return segment;
  }

  /** Bumped by every truncation: an asynchronous roll flush that started before it must not move the recovery point. */
  private flushGeneration = 0;
  private pendingRollFlushes: Promise<void>[] = [];

  /**
   * Kafka's flush on roll, but not on the request path: the segments below `upTo` and the roll's producer
   * snapshot (when it took one) are fsynced in the thread pool (a segment of up to segment.bytes of dirty data
   * would otherwise stall every partition of the broker), and the recovery point moves to `upTo` only once they
   * all are — until then recovery would re-verify them, which is what a crash in that window needs. The
   * recovery-point checkpoint is then renamed into place and fsynced in the thread pool too: a crash before that
   * fsync leaves the old file (more to re-verify) or a malformed one (everything re-verified), never a point
   * ahead of what is durable.
   */
  private flushRolledSegments(upTo: number, snapshot: boolean): void {
    const generation = this.flushGeneration;
    const segments = this.segments.from(this.recoveryPointValue).filter((s) => s.baseOffset < upTo);
    const pending = Promise.all([
      ...segments.map((s) => s.flushAsync()),
      ...(snapshot ? [syncSnapshot(this.dir, upTo)] : []),
    ]).then(
      () => {
        if (this.closed || generation !== this.flushGeneration || upTo <= this.recoveryPointValue) return;
        this.leaderEpochCache.flush();
        this.recoveryPointValue = upTo;
        if (upTo !== this.persistedRecoveryPoint) {
          this.persistedRecoveryPoint = upTo;
          return this.recoveryPointCheckpoint.writeInBackground(upTo).catch((err: unknown) => {
            this.persistedRecoveryPoint = undefined; // the next flush writes it again
            this.logger.error({ err, upTo }, 'writing the recovery-point checkpoint failed');
          });
        }
      },
      (err: unknown) => {
        this.logger.error({ err, upTo }, 'flushing rolled segments failed; the recovery point stays');
      },
    );
    this.pendingRollFlushes.push(pending);
    void pending.finally(() => {
      this.pendingRollFlushes = this.pendingRollFlushes.filter((p) => p !== pending);
    });
  }

  /** Resolves once the asynchronous flushes of rolled segments started so far have completed (tests, close). */
  async rollFlushesSettled(): Promise<void> {
    await Promise.all(this.pendingRollFlushes);
  }

  /**
   * fsyncs every segment holding data past the recovery point (log and indexes) and an unsynced
   * leader-epoch checkpoint, then moves the recovery point to the LEO and checkpoints it (when the file does
   * not say so already). The epoch file goes first: recovery re-derives epochs only from the batches at or
   * past the checkpointed recovery point, so every epoch entry below it must already be on disk (see
   * leader-epoch-cache.ts).
   */
  flush(): void {
    this.ensureOpen();
    const leo = this.logEndOffset;
    for (const segment of this.segments.from(this.recoveryPointValue)) segment.flush();
    this.leaderEpochCache.flush();
    this.unflushedMessages = 0;
    this.lastFlushMs = this.clock.nowMs();
    this.recoveryPointValue = leo;
    if (leo !== this.persistedRecoveryPoint) this.writeRecoveryPoint(leo);
  }

  /**
   * What the recovery-point checkpoint on disk gives the loader (an absent file gives 0); undefined when it
   * is malformed. Writes are skipped when it already says the value.
   */
  private persistedRecoveryPoint: number | undefined;

  private writeRecoveryPoint(offset: number): void {
    this.recoveryPointCheckpoint.write(offset);
    this.persistedRecoveryPoint = offset;
  }

  /** flush.messages / flush.ms: the scheduler calls this periodically, and every append does. */
  maybeFlush(nowMs = this.clock.nowMs()): boolean {
    if (this.closed) return false;
    const due =
      this.unflushedMessages >= this.configValue.flushMessages ||
      (this.logEndOffset > this.recoveryPointValue && nowMs - this.lastFlushMs >= this.configValue.flushMs);
    if (due) this.flush();
    return due;
  }

  /**
   * A follower's truncation: removes every batch with an offset >= `offset` (a batch containing it goes whole,
   * so the LEO lands on a batch boundary at or below `offset`), deleting later segments, and truncates the
   * epoch cache and producer state with it. Below the log start this is truncateFullyAndStartAt(offset).
   * Returns whether anything changed.
   */
  truncateTo(offset: number): boolean {
    this.ensureOpen();
    if (offset < 0) throw new KafkaError('OFFSET_OUT_OF_RANGE', `cannot truncate to offset ${offset}`);
    if (offset >= this.logEndOffset) return false;
    this.cleaning.logChanged();
    this.flushGeneration++;
    if (offset < this.logStartOffsetValue) {
      this.truncateFullyAndStartAt(offset);
      return true;
    }
    const now = this.clock.nowMs();
    for (const segment of [...this.segments.all()]) {
      if (segment.baseOffset > offset) this.retire(segment, now);
    }
    if (this.segments.isEmpty()) {
      this.segments.add(LogSegment.create(this.dir, offset, this.configValue, now));
    } else {
      this.segments.active().truncateTo(offset);
    }
    const leo = this.logEndOffset;
    if (leo < this.logStartOffsetValue) {
      // The batch holding the log start offset was cut: nothing readable is left below the log start.
      this.truncateFullyAndStartAt(this.logStartOffsetValue);
      return true;
    }
    this.leaderEpochCache.truncateFromEnd(leo);
    const replayFrom = this.producerState.truncateFromEnd(leo);
    this.replayProducerState(replayFrom, new Set());
    this.highWatermarkValue = Math.min(this.highWatermarkValue, leo);
    if (this.recoveryPointValue > leo) {
      this.recoveryPointValue = leo;
      this.writeRecoveryPoint(leo);
    }
    this.logger.info({ offset, logEndOffset: leo }, 'truncated the log');
    return true;
  }

  /** Empties the log and restarts it at `offset` (a follower whose fetch offset fell below the leader's start). */
  truncateFullyAndStartAt(offset: number): void {
    this.ensureOpen();
    this.cleaning.logChanged();
    this.flushGeneration++;
    const now = this.clock.nowMs();
    for (const segment of [...this.segments.all()]) this.retire(segment, now);
    this.segments.add(LogSegment.create(this.dir, offset, this.configValue, now));
    this.leaderEpochCache.clear();
    this.producerState.truncateFullyAndStartAt(offset);
    this.logStartOffsetValue = offset;
    this.highWatermarkValue = offset;
    this.recoveryPointValue = offset;
    this.writeRecoveryPoint(offset);
    this.logStartOffsetCheckpoint.write(offset);
    this.logger.info({ offset }, 'truncated the log fully');
  }

  /**
   * DeleteRecords: moves the log start offset up to `offset` (at most the high watermark, else
   * OFFSET_OUT_OF_RANGE) and deletes the segments wholly below it. Returns the log start offset.
   */
  deleteRecordsBefore(offset: number): number {
    this.ensureOpen();
    if (offset > this.highWatermarkValue) {
      throw new KafkaError(
        'OFFSET_OUT_OF_RANGE',
        `cannot delete records before ${offset}: the high watermark is ${this.highWatermarkValue}`,
      );
    }
    this.maybeIncrementLogStartOffset(offset);
    this.deleteOldSegments();
    return this.logStartOffsetValue;
  }

  /**
   * The retention pass (retention.ms, retention.bytes, log start offset); see retention.ts. Rolls first when
   * the active segment itself is due. Returns the number of segments deleted.
   */
  deleteOldSegments(): number {
    this.ensureOpen();
    const now = this.clock.nowMs();
    let deleted = 0;
    for (;;) {
      const found = deletableSegments(this.configValue, {
        segments: this.segments.all(),
        logEndOffset: this.logEndOffset,
        highWatermark: this.highWatermarkValue,
        logStartOffset: this.logStartOffsetValue,
        nowMs: now,
      });
      if (found === undefined) break;
      if (found.segments.length === this.segments.size) this.roll();
      for (const segment of found.segments) this.retire(segment, now);
      deleted += found.segments.length;
      this.logger.info(
        { reason: found.reason, segments: found.segments.map((s) => s.baseOffset) },
        'deleted segments past retention',
      );
      this.maybeIncrementLogStartOffset(this.segments.first()!.baseOffset);
    }
    this.maybeRemoveDeletedSegmentFiles(now);
    return deleted;
  }

  /** Every segment but the active one, oldest first (CleanableLog). */
  inactiveSegments(): readonly LogSegment[] {
    return this.segments.all().slice(0, -1);
  }

  /**
   * Every aborted transaction in the txn indexes with lastOffset >= startOffset and firstOffset < endOffset
   * (CleanableLog). Unlike collectAbortedTransactions it never stops early: the cleaner needs them all.
   */
  collectAbortedTxns(startOffset: number, endOffset: number): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    for (const segment of this.segments.from(startOffset)) {
      for (const txn of segment.txnIndex.allAbortedTxns()) {
        if (txn.lastOffset >= startOffset && txn.firstOffset < endOffset) out.push(txn);
      }
    }
    return out;
  }

  lastDataOffsetOfProducer(producerId: number): number | undefined {
    return this.producerState.lastDataOffset(producerId);
  }

  /**
   * The compaction swap (CleanableLog; the steps and the loader's crash rule are in cleanable-log.ts): puts
   * `<cleanedBaseOffset>.log.cleaned` (and its txnindex) in place of `replaced`. Synchronous from the check to
   * the new segment being in the log, so no append, truncation, retention or read interleaves. Refuses,
   * changing nothing, when the log is closed, a truncation happened during the maybeClean pass, or `replaced`
   * are not exactly consecutive inactive segments of this log starting at `cleanedBaseOffset` any more.
   */
  replaceSegments(cleanedBaseOffset: number, replaced: readonly CleanableSegment[]): boolean {
    if (this.closed || this.cleaning.aborted || replaced.length === 0) return false;
    const all = this.segments.all();
    const first = all.indexOf(replaced[0] as LogSegment);
    if (first < 0 || all[first]!.baseOffset !== cleanedBaseOffset) return false;
    // The active segment is never replaced: it may have grown since the cleaner read it.
    if (first + replaced.length >= all.length) return false;
    if (replaced.some((s, i) => all[first + i] !== s)) return false;
    const old = all.slice(first, first + replaced.length);
    const now = this.clock.nowMs();

    const segment = swapInCleanedSegment(
      this.dir,
      this.configValue,
      this.logger,
      cleanedBaseOffset,
      old,
      now,
    );
    this.segments.replace(old, segment);
    for (const s of old) this.scheduleDeletion(s, now);
    this.logger.info(
      { baseOffset: cleanedBaseOffset, replaced: old.map((s) => s.baseOffset), size: segment.size },
      'swapped in a compacted segment',
    );
    return true;
  }

  /**
   * One compaction pass for a `cleanup.policy` with compact, when it is worth it; the broker's cleaner
   * scheduler calls this for its compacted partitions, one at a time per LogCleaner. It runs when the dirty
   * ratio (bytes of cleanable segments at or after the cleaner's first dirty offset, over all cleanable
   * bytes; cleanable = inactive and below the last stable offset) is at least `minCleanableDirtyRatio`
   * (Kafka's min.cleanable.dirty.ratio, default 0.5). Tombstones past their delete horizon are dropped by the
   * next pass that runs; a log that never gets dirty enough keeps them until it does (pass 0 to clean every
   * time there is dirty data). A truncation or a retention deletion during the pass voids its remaining swaps
   * (Kafka aborts cleaning for them too); the next pass starts over. Returns the pass's result, or undefined when nothing ran or the pass was
   * abandoned because the log was truncated or closed under it.
   */
  async maybeClean(cleaner: LogCleaner, minCleanableDirtyRatio = 0.5): Promise<CleanResult | undefined> {
    if (this.closed || this.cleaning.running || !this.configValue.cleanupPolicy.compact) return undefined;
    const ratio = this.dirtyRatio();
    if (ratio === 0 || ratio < minCleanableDirtyRatio) return undefined;
    return this.cleaning.run(
      () => cleaner.clean(this),
      () => this.closed,
      this.logger,
    );
  }

  /** The share of cleanable bytes not compacted yet (0 when nothing is cleanable). */
  dirtyRatio(): number {
    const firstDirty = Math.max(LogCleaner.firstDirtyOffset(this.dir, this.logger), this.logStartOffsetValue);
    return dirtyRatioOf(this.inactiveSegments(), firstDirty, this.lastStableOffset());
  }

  /** Removes `.deleted` files whose file.delete.delay.ms has passed; the scheduler calls this too. */
  maybeRemoveDeletedSegmentFiles(nowMs = this.clock.nowMs()): number {
    return this.retired.removeDue(nowMs);
  }

  /** A clean shutdown: flush everything, checkpoint, close the files. */
  close(): void {
    if (this.closed) return;
    this.segments.active().onBecomeInactiveSegment();
    this.flush();
    if (this.producerState.mapEndOffset <= this.logEndOffset)
      this.producerState.takeSnapshot(this.logEndOffset);
    for (const segment of this.segments.all()) segment.close();
    this.retired.closeAll();
    this.closed = true;
  }

  /**
   * Fault injection for tests of later layers: what a power loss leaves. Every segment file is cut back to what
   * was fsynced, index entries never written are forgotten, and the log closes without writing anything.
   * Reopening runs recovery from the checkpointed recovery point.
   */
  simulateCrashLosingUnflushed(): void {
    if (this.closed) return;
    for (const segment of this.segments.all()) {
      segment.truncateToFlushed();
      segment.closeAbruptly();
    }
    this.retired.closeAll();
    this.closed = true;
  }

  private write(records: Buffer, info: LogAppendInfo, now: number): void {
    let active = this.segments.active();
    if (active.shouldRoll(this.configValue, records.length, info.maxTimestamp, info.lastOffset, now)) {
      active = this.roll();
    }
    active.append(records);
  }

  private afterWrite(records: Buffer, info: LogAppendInfo, now: number): void {
    for (let pos = 0; pos < records.length; pos += batchSize(records, pos)) {
      const completed = this.producerState.onAppended(
        records,
        pos,
        batchBaseOffset(records, pos),
        batchLastOffset(records, pos),
      );
      if (completed !== undefined) this.onTransactionCompleted(completed, this.segments.active());
    }
    this.unflushedMessages += info.recordCount;
    this.maybeFlush(now);
  }

  private onTransactionCompleted(completed: CompletedTxn, segment: LogSegment): void {
    const aborted = this.producerState.completeTxn(completed);
    if (aborted !== undefined) segment.txnIndex.append(aborted);
  }

  /**
   * Feeds producer state every batch from `fromOffset` to the LEO. Aborted transactions go into the txnindex
   * only of segments whose txnindex recovery rebuilt (`rebuilt`); other segments kept theirs.
   */
  private replayProducerState(fromOffset: number, rebuilt: ReadonlySet<number>): void {
    for (const segment of this.segments.from(fromOffset)) {
      segment.forEachBatchFrom(fromOffset, (buf, pos) => {
        const completed = this.producerState.onAppended(
          buf,
          pos,
          batchBaseOffset(buf, pos),
          batchLastOffset(buf, pos),
        );
        if (completed !== undefined && rebuilt.has(segment.baseOffset))
          this.onTransactionCompleted(completed, segment);
      });
    }
  }

  private maybeIncrementLogStartOffset(offset: number): void {
    if (offset <= this.logStartOffsetValue) return;
    this.logStartOffsetValue = offset;
    this.highWatermarkValue = Math.max(this.highWatermarkValue, offset);
    this.leaderEpochCache.truncateFromStart(offset);
    this.producerState.onLogStartOffsetIncremented(offset);
    this.logStartOffsetCheckpoint.write(offset);
  }

  /** Takes a segment out of the log: renamed `.deleted`, removed after file.delete.delay.ms. */
  private retire(segment: LogSegment, now: number): void {
    // A running compaction pass may be reading it: its swaps are void now.
    this.cleaning.logChanged();
    this.segments.remove(segment);
    segment.closeAbruptly();
    segment.changeFileSuffixes('', DELETED_FILE_SUFFIX);
    this.scheduleDeletion(segment, now);
  }

  /** Removes a retired segment's `.deleted` files now, or after file.delete.delay.ms. */
  private scheduleDeletion(segment: LogSegment, now: number): void {
    this.retired.scheduleDeletion(segment, now, this.configValue.fileDeleteDelayMs);
  }

  private withEpoch(timestamp: number, offset: number): TimestampAndOffset {
    const epoch = this.leaderEpochCache.epochForOffset(offset);
    return epoch === undefined ? { timestamp, offset } : { timestamp, offset, leaderEpoch: epoch };
  }

  private ensureOpen(): void {
    if (this.closed) throw new KafkaError('KAFKA_STORAGE_ERROR', `log ${this.dir} is closed`);
  }
}
