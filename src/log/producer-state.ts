import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { isKafkaError, KafkaError } from '../protocol/errors/index.js';
import {
  baseSequence,
  isControl,
  isTransactional,
  lastSequence,
  maxTimestamp,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  producerEpoch,
  producerId,
} from '../protocol/records/batch-header.js';
import { readEndTxnMarker } from './end-txn-marker.js';
import { deleteSnapshot, listSnapshotOffsets, readSnapshot, writeSnapshot } from './producer-snapshot.js';
import { type ActiveProducer, ProducerStateEntry } from './producer-state-entry.js';
import type { AbortedTxn } from './transaction-index.js';

/**
 * Who appends: a producer through Produce ('client', all checks), the transaction coordinator writing markers
 * ('coordinator', no sequence checks), or a follower copying the leader ('replication', nothing is refused
 * that the leader accepted; stale epochs are only logged).
 */
export type AppendOrigin = 'client' | 'coordinator' | 'replication';

export type AppendCheck =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly firstOffset: number; readonly lastOffset: number };

/** A transaction that an end marker closed; only transactions that wrote data produce one. */
export interface CompletedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
  /** Offset of the marker. */
  readonly lastOffset: number;
  readonly isAborted: boolean;
}

export interface ProducerStateOptions {
  clock: Clock;
  /** `producer.id.expiration.ms`: forget a producer idle this long with no open transaction. @defaultValue 1 day */
  producerIdExpirationMs?: number;
  /** Snapshots above this offset are deleted on open: they may describe data recovery truncated. @defaultValue no limit */
  recoveryPoint?: number;
  /** Where replay starts when no snapshot can be used. @defaultValue 0 */
  logStartOffset?: number;
  logger?: Logger;
}

export interface ProducerStateLoad {
  readonly producerState: ProducerStateManager;
  /** The log must replay (onAppended) every batch from this offset to its end. */
  readonly replayFrom: number;
}

export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 24 * 60 * 60 * 1000;
const INT32_MAX = 0x7fffffff;
const APPEND: AppendCheck = Object.freeze({ kind: 'append' });

/**
 * Scratch state for checking the batches of one append before any is applied: a producer's later batch in the
 * same append is checked against the state its earlier ones will leave. Create one per append
 * (`newPendingAppend`), pass it to every `checkAppend` of that append, then drop it.
 */
export class PendingAppend {
  /** Copies of the entries of producers seen in this append, advanced past the batches checked so far. */
  readonly entries = new Map<number, ProducerStateEntry>();
}

interface OpenTxn {
  readonly producerId: number;
  readonly firstOffset: number;
}

interface UnreplicatedTxn extends OpenTxn {
  readonly lastOffset: number;
}

/**
 * The state of every idempotent and transactional producer of one partition, built from the batches the log
 * holds: it detects retried batches, refuses out-of-order sequences and fenced epochs, tracks open
 * transactions for the last stable offset, and turns end markers into txnindex entries.
 *
 * The state covers every batch below `mapEndOffset`. On disk it is checkpointed into producer-state snapshots
 * (producer-snapshot.ts; the latest two are kept); recovery loads the newest valid one and replays the log from
 * its offset.
 *
 * Protocol with the log, per batch: `checkAppend` before the append (nothing changes), the log assigns offsets
 * and writes, then `onAppended` (state changes; returns the CompletedTxn for an end marker), then for a
 * completed transaction `completeTxn` (the AbortedTxn for the txnindex), and `onHighWatermarkUpdated` whenever
 * the HW moves. An append of several batches checks them all first, passing one PendingAppend so that a
 * producer's second batch is checked against the state after its first (nothing is applied until the log has
 * written them all). Every call comes from the partition's single owner,
 * which serialises them; nothing here awaits.
 */
export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerStateEntry>();
  private readonly ongoingTxns = new Map<number, OpenTxn>();
  /** Completed transactions whose marker is not yet below the HW: their data is still unstable. */
  private unreplicatedTxns: UnreplicatedTxn[] = [];
  private endOffset: number;
  private readonly producerIdExpirationMs: number;
  private readonly logger: Logger;

  private constructor(
    readonly dir: string,
    private readonly clock: Clock,
    options: ProducerStateOptions,
  ) {
    this.producerIdExpirationMs = options.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS;
    this.logger = options.logger ?? silentLogger;
    this.endOffset = options.logStartOffset ?? 0;
  }

  /**
   * Loads the newest valid snapshot at or below the recovery point. Snapshots above it are deleted; a corrupt
   * one is logged, deleted and the next older one tried. The result says where the log must start replaying.
   */
  static open(partitionDir: string, options: ProducerStateOptions): ProducerStateLoad {
    const state = new ProducerStateManager(partitionDir, options.clock, options);
    const limit = options.recoveryPoint ?? Number.POSITIVE_INFINITY;
    for (const offset of listSnapshotOffsets(partitionDir)) {
      if (offset > limit) {
        state.logger.info(
          { offset, recoveryPoint: limit },
          'deleting producer snapshot above the recovery point',
        );
        deleteSnapshot(partitionDir, offset);
      }
    }
    state.loadLatestSnapshot(options.logStartOffset ?? 0);
    return { producerState: state, replayFrom: state.endOffset };
  }

  /** Every batch below this offset is reflected in the state. */
  get mapEndOffset(): number {
    return this.endOffset;
  }

  /**
   * Checks the batch at `pos` against the producer's state without changing it. A retried batch from a client
   * (same epoch and sequence range as one of the last five) is answered with where it landed.
   */
  checkAppend(buf: Buffer, pos: number, origin: AppendOrigin, pending?: PendingAppend): AppendCheck {
    const pid = producerId(buf, pos);
    if (pid === NO_PRODUCER_ID) return APPEND;
    const entry = pending?.entries.get(pid) ?? this.producers.get(pid);
    const check = this.checkAgainst(entry, buf, pos, pid, origin);
    if (pending !== undefined && check.kind === 'append')
      pending.entries.set(pid, advanced(entry, buf, pos, pid));
    return check;
  }

  private checkAgainst(
    entry: ProducerStateEntry | undefined,
    buf: Buffer,
    pos: number,
    pid: number,
    origin: AppendOrigin,
  ): AppendCheck {
    const epoch = producerEpoch(buf, pos);

    if (isControl(buf, pos)) {
      if (origin === 'client')
        throw new KafkaError('INVALID_RECORD', `control batch from a client, producer ${pid}`);
      this.checkEpoch(entry, pid, epoch, origin);
      const marker = readEndTxnMarker(buf, pos);
      if (marker !== undefined && entry !== undefined && entry.coordinatorEpoch > marker.coordinatorEpoch) {
        const detail = `marker for producer ${pid} from coordinator epoch ${marker.coordinatorEpoch}, last seen ${entry.coordinatorEpoch}`;
        if (origin !== 'replication') throw new KafkaError('TRANSACTION_COORDINATOR_FENCED', detail);
        this.logger.info(detail);
      }
      return APPEND;
    }

    const firstSeq = baseSequence(buf, pos);
    if (origin === 'client' && entry !== undefined) {
      const dup = entry.findDuplicate(epoch, firstSeq, lastSequence(buf, pos));
      if (dup !== undefined)
        return { kind: 'duplicate', firstOffset: dup.firstOffset, lastOffset: dup.lastOffset };
    }
    this.checkEpoch(entry, pid, epoch, origin);
    if (origin === 'client') checkSequence(entry, pid, epoch, firstSeq);
    if (entry !== undefined && entry.currentTxnFirstOffset >= 0 && !isTransactional(buf, pos)) {
      throw new KafkaError(
        'INVALID_TXN_STATE',
        `non-transactional batch from producer ${pid} inside its transaction begun at ${entry.currentTxnFirstOffset}`,
      );
    }
    return APPEND;
  }

  /**
   * Applies the batch at `pos`, which the log wrote at [firstOffset, lastOffset]. Call it for every batch,
   * producer or not, so that `mapEndOffset` follows the log. Returns the transaction an end marker closed.
   */
  onAppended(buf: Buffer, pos: number, firstOffset: number, lastOffset: number): CompletedTxn | undefined {
    if (lastOffset + 1 > this.endOffset) this.endOffset = lastOffset + 1;
    const pid = producerId(buf, pos);
    if (pid === NO_PRODUCER_ID) return undefined;
    const epoch = producerEpoch(buf, pos);
    let entry = this.producers.get(pid);
    if (entry === undefined) {
      entry = new ProducerStateEntry(pid);
      this.producers.set(pid, entry);
    }

    if (isControl(buf, pos)) {
      const marker = readEndTxnMarker(buf, pos);
      entry.maybeUpdateEpoch(epoch);
      entry.lastTimestamp = maxTimestamp(buf, pos);
      if (marker === undefined) return undefined;
      entry.coordinatorEpoch = marker.coordinatorEpoch;
      const txnFirst = entry.currentTxnFirstOffset;
      if (txnFirst < 0) return undefined;
      entry.currentTxnFirstOffset = -1;
      this.ongoingTxns.delete(pid);
      this.unreplicatedTxns.push({ producerId: pid, firstOffset: txnFirst, lastOffset: firstOffset });
      return { producerId: pid, firstOffset: txnFirst, lastOffset: firstOffset, isAborted: marker.isAbort };
    }

    entry.addBatch(epoch, {
      firstSeq: baseSequence(buf, pos),
      lastSeq: lastSequence(buf, pos),
      firstOffset,
      lastOffset,
      timestamp: maxTimestamp(buf, pos),
    });
    if (isTransactional(buf, pos) && entry.currentTxnFirstOffset < 0) {
      entry.currentTxnFirstOffset = firstOffset;
      this.ongoingTxns.set(pid, { producerId: pid, firstOffset });
    }
    return undefined;
  }

  /**
   * The txnindex entry for a completed transaction, or undefined for a commit. Its last stable offset is, as
   * Kafka computes it, the first offset of the earliest other transaction still unstable, else the offset after
   * the marker; a caller may pass its own.
   */
  completeTxn(completed: CompletedTxn, lastStableOffset?: number): AbortedTxn | undefined {
    if (!completed.isAborted) return undefined;
    return {
      producerId: completed.producerId,
      firstOffset: completed.firstOffset,
      lastOffset: completed.lastOffset,
      lastStableOffset: lastStableOffset ?? this.lastStableOffsetAfter(completed),
    };
  }

  /** Smallest first offset of a transaction that is open or whose marker is above the HW; undefined if none. */
  firstUnstableOffset(): number | undefined {
    let first: number | undefined;
    for (const t of this.ongoingTxns.values())
      if (first === undefined || t.firstOffset < first) first = t.firstOffset;
    for (const t of this.unreplicatedTxns)
      if (first === undefined || t.firstOffset < first) first = t.firstOffset;
    return first;
  }

  /** min(firstUnstableOffset, HW): what read_committed consumers may see up to. */
  lastStableOffset(highWatermark: number): number {
    const first = this.firstUnstableOffset();
    return first === undefined ? highWatermark : Math.min(first, highWatermark);
  }

  /** Transactions whose marker is now below the HW are stable. */
  onHighWatermarkUpdated(highWatermark: number): void {
    if (this.unreplicatedTxns.length === 0) return;
    this.unreplicatedTxns = this.unreplicatedTxns.filter((t) => t.lastOffset >= highWatermark);
  }

  /**
   * Writes a snapshot at `offset` (default mapEndOffset) and keeps only the newest two. The offset may be above
   * mapEndOffset (the log's end, after batches without producers) but never below: the state would then
   * describe batches the snapshot claims it does not include. `durable = false` leaves the fsyncs to the caller
   * (`syncSnapshot`); the newest two are kept either way, so a damaged newest one has a durable one before it
   * unless two rolls came within one flush.
   */
  takeSnapshot(offset: number = this.endOffset, durable = true): void {
    if (offset < this.endOffset) {
      throw new RangeError(`producer snapshot at ${offset} below the state's end offset ${this.endOffset}`);
    }
    this.endOffset = offset;
    writeSnapshot(this.dir, offset, this.producers.values(), durable);
    const offsets = listSnapshotOffsets(this.dir);
    for (const old of offsets.slice(0, -2)) deleteSnapshot(this.dir, old);
  }

  latestSnapshotOffset(): number | undefined {
    return listSnapshotOffsets(this.dir).at(-1);
  }

  /**
   * Brings the state in line with a log that now spans [logStartOffset, logEndOffset): snapshots outside it are
   * deleted and, unless the state already ends at logEndOffset, the state is reloaded from the newest remaining
   * snapshot. Returns where the log must replay from (to logEndOffset).
   */
  truncateAndReload(logStartOffset: number, logEndOffset: number): number {
    for (const offset of listSnapshotOffsets(this.dir)) {
      if (offset > logEndOffset || offset < logStartOffset) deleteSnapshot(this.dir, offset);
    }
    if (logEndOffset !== this.endOffset) {
      this.clearState();
      this.loadLatestSnapshot(logStartOffset);
    } else {
      this.onLogStartOffsetIncremented(logStartOffset);
    }
    return this.endOffset;
  }

  /** The log was truncated to end at `offset`; returns where the log must replay from (to `offset`). */
  truncateFromEnd(offset: number): number {
    if (offset >= this.endOffset) {
      for (const s of listSnapshotOffsets(this.dir)) if (s > offset) deleteSnapshot(this.dir, s);
      return this.endOffset;
    }
    return this.truncateAndReload(0, offset);
  }

  /** The log was emptied and restarts at `offset` (a follower far behind the leader's log start). */
  truncateFullyAndStartAt(offset: number): void {
    for (const s of listSnapshotOffsets(this.dir)) deleteSnapshot(this.dir, s);
    this.clearState();
    this.endOffset = offset;
  }

  /** The log start moved up (retention, DeleteRecords): transactions wholly below it no longer matter. */
  onLogStartOffsetIncremented(logStartOffset: number): void {
    this.unreplicatedTxns = this.unreplicatedTxns.filter((t) => t.lastOffset >= logStartOffset);
    if (this.endOffset < logStartOffset) this.endOffset = logStartOffset;
  }

  /**
   * Forgets producers idle for `producer.id.expiration.ms` (measured, as in Kafka, from their last batch's
   * timestamp) that have no open transaction. Returns how many went.
   */
  removeExpiredProducers(nowMs: number = this.clock.nowMs()): number {
    let removed = 0;
    for (const [pid, entry] of this.producers) {
      if (this.isExpired(entry, nowMs)) {
        this.producers.delete(pid);
        removed++;
      }
    }
    return removed;
  }

  /** For DescribeProducers. */
  activeProducers(): ActiveProducer[] {
    return [...this.producers.values()].map((e) => e.describe());
  }

  /** Offset of the producer's last data batch, for the cleaner (CleanableLog.lastDataOffsetOfProducer). */
  lastDataOffset(pid: number): number | undefined {
    const last = this.producers.get(pid)?.lastOffset;
    return last === undefined || last < 0 ? undefined : last;
  }

  producer(pid: number): ActiveProducer | undefined {
    return this.producers.get(pid)?.describe();
  }

  private isExpired(entry: ProducerStateEntry, nowMs: number): boolean {
    return entry.currentTxnFirstOffset < 0 && nowMs - entry.lastTimestamp >= this.producerIdExpirationMs;
  }

  private checkEpoch(
    entry: ProducerStateEntry | undefined,
    pid: number,
    epoch: number,
    origin: AppendOrigin,
  ): void {
    if (entry === undefined || epoch >= entry.producerEpoch) return;
    const detail = `producer ${pid} epoch ${epoch} is below the last seen epoch ${entry.producerEpoch}`;
    if (origin === 'replication') {
      this.logger.warn(detail);
      return;
    }
    throw new KafkaError('INVALID_PRODUCER_EPOCH', detail);
  }

  private lastStableOffsetAfter(completed: CompletedTxn): number {
    let first: number | undefined;
    const consider = (t: OpenTxn) => {
      if (t.producerId === completed.producerId && t.firstOffset === completed.firstOffset) return;
      if (first === undefined || t.firstOffset < first) first = t.firstOffset;
    };
    for (const t of this.ongoingTxns.values()) consider(t);
    for (const t of this.unreplicatedTxns) consider(t);
    return first ?? completed.lastOffset + 1;
  }

  private clearState(): void {
    this.producers.clear();
    this.ongoingTxns.clear();
    this.unreplicatedTxns = [];
  }

  private loadLatestSnapshot(logStartOffset: number): void {
    const nowMs = this.clock.nowMs();
    const offsets = listSnapshotOffsets(this.dir);
    for (let i = offsets.length - 1; i >= 0; i--) {
      const offset = offsets[i]!;
      let entries: ProducerStateEntry[];
      try {
        entries = readSnapshot(this.dir, offset);
      } catch (err) {
        if (!isKafkaError(err, 'CORRUPT_MESSAGE')) throw err;
        this.logger.warn({ offset, err: err.message }, 'skipping corrupt producer snapshot');
        deleteSnapshot(this.dir, offset);
        continue;
      }
      for (const entry of entries) {
        if (this.isExpired(entry, nowMs)) continue;
        this.producers.set(entry.producerId, entry);
        if (entry.currentTxnFirstOffset >= 0) {
          this.ongoingTxns.set(entry.producerId, {
            producerId: entry.producerId,
            firstOffset: entry.currentTxnFirstOffset,
          });
        }
      }
      this.endOffset = offset;
      return;
    }
    this.endOffset = logStartOffset;
  }
}

/**
 * A copy of `entry` as it will be once the batch at `pos` is applied (offsets unknown yet: -1), for checking
 * the next batch of the same append. Mirrors what onAppended does to an entry.
 */
function advanced(
  entry: ProducerStateEntry | undefined,
  buf: Buffer,
  pos: number,
  pid: number,
): ProducerStateEntry {
  const next =
    entry === undefined
      ? new ProducerStateEntry(pid)
      : new ProducerStateEntry(
          pid,
          entry.producerEpoch,
          entry.coordinatorEpoch,
          entry.lastTimestamp,
          entry.currentTxnFirstOffset,
          [...entry.batches],
        );
  const epoch = producerEpoch(buf, pos);
  if (isControl(buf, pos)) {
    next.maybeUpdateEpoch(epoch);
    const marker = readEndTxnMarker(buf, pos);
    if (marker !== undefined) {
      next.coordinatorEpoch = marker.coordinatorEpoch;
      next.currentTxnFirstOffset = -1;
    }
    return next;
  }
  next.addBatch(epoch, {
    firstSeq: baseSequence(buf, pos),
    lastSeq: lastSequence(buf, pos),
    firstOffset: -1,
    lastOffset: -1,
    timestamp: maxTimestamp(buf, pos),
  });
  // Any non-negative value marks the transaction open; its real first offset is set by onAppended.
  if (isTransactional(buf, pos) && next.currentTxnFirstOffset < 0) next.currentTxnFirstOffset = 0;
  return next;
}

/**
 * Kafka's sequence rule for client appends: within an epoch, the next batch starts right after the last one
 * (wrapping from int32 max to 0); a new epoch starts at 0; a producer with no known epoch (new, or its state
 * expired or was removed with its data) may start anywhere.
 */
function checkSequence(
  entry: ProducerStateEntry | undefined,
  pid: number,
  epoch: number,
  firstSeq: number,
): void {
  if (entry === undefined || entry.producerEpoch === NO_PRODUCER_EPOCH) return;
  if (epoch !== entry.producerEpoch) {
    if (firstSeq !== 0) {
      throw new KafkaError(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `producer ${pid} starts epoch ${epoch} at sequence ${firstSeq}, not 0 (current epoch ${entry.producerEpoch})`,
      );
    }
    return;
  }
  const last = entry.lastSeq;
  // With no retained batch in this epoch (NO_SEQUENCE = -1) the next sequence must be 0.
  if (!(firstSeq === last + 1 || (firstSeq === 0 && last === INT32_MAX))) {
    throw new KafkaError(
      'OUT_OF_ORDER_SEQUENCE_NUMBER',
      `producer ${pid} sent sequence ${firstSeq} after ${last} in epoch ${epoch}`,
    );
  }
}
