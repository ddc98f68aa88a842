import { closeSync, fsyncSync, openSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { isKafkaError } from '../protocol/errors/index.js';
import {
  baseTimestamp,
  baseOffset as batchBaseOffset,
  lastOffset as batchLastOffset,
  hasDeleteHorizon,
  isControl,
  isTransactional,
  NO_PRODUCER_ID,
  producerId,
  recordsCount,
  TimestampType,
} from '../protocol/records/batch-header.js';
import type { KafkaRecord } from '../protocol/records/record.js';
import {
  type DecodedRecordBatch,
  decodeRecordBatch,
  encodeRecordBatch,
  type RecordSpec,
} from '../protocol/records/record-batch.js';
import { RecordSetIterator } from '../protocol/records/record-set.js';
import { CheckpointFile, parseLongField } from './checkpoint-file.js';
import { type CleanableLog, type CleanableSegment, discardCleanedFiles } from './cleanable-log.js';
import { CleanedTransactions } from './cleaned-transactions.js';
import { readEndTxnMarker } from './end-txn-marker.js';
import {
  CLEANED_FILE_SUFFIX,
  CLEANER_OFFSET_CHECKPOINT_FILE,
  logFilePath,
  transactionIndexFilePath,
} from './log-file-names.js';
import { OffsetMap } from './offset-map.js';
import { type AbortedTxn, TransactionIndex } from './transaction-index.js';

export { CLEANER_OFFSET_CHECKPOINT_FILE };

export interface LogCleanerOptions {
  clock: Clock;
  /** `log.cleaner.dedupe.buffer.size`: the key → offset map's memory for one pass. @defaultValue 128 MiB */
  dedupeBufferSize?: number;
  /** `log.cleaner.io.buffer.size`: how much of a segment is read, and of output buffered, at a time. @defaultValue 1 MiB */
  ioBufferSize?: number;
  logger?: Logger;
}

export interface CleanResult {
  /** Whether a pass ran (the policy is compact and there was dirty data or a due delete horizon). */
  readonly cleaned: boolean;
  /** The dirty section this pass mapped: [firstDirtyOffset, endOffset); the next pass starts at endOffset. */
  readonly firstDirtyOffset: number;
  readonly endOffset: number;
  readonly segmentsCleaned: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly recordsRemoved: number;
  readonly batchesCopied: number;
  readonly batchesRewritten: number;
  readonly batchesRemoved: number;
  /** Groups whose swap the log refused (it changed under the pass); their output was discarded. */
  readonly groupsAbandoned: number;
}

const DEFAULT_DEDUPE_BUFFER_SIZE = 128 * 1024 * 1024;
const DEFAULT_IO_BUFFER_SIZE = 1024 * 1024;
const INT32_MAX = 0x7fffffff;

interface PassStats {
  bytesRead: number;
  bytesWritten: number;
  recordsRemoved: number;
  batchesCopied: number;
  batchesRewritten: number;
  batchesRemoved: number;
  groupsAbandoned: number;
  /** Earliest delete horizon among the batches kept with one: when the next pass has tombstones to drop. */
  nextHorizon: number;
}

/**
 * Log compaction for `cleanup.policy=compact` (and `compact,delete`), Kafka's algorithm:
 *
 * - The cleanable range is the prefix of inactive segments below the last stable offset and older than
 *   `min.compaction.lag.ms`; the active segment is never touched. Its dirty part starts at the offset in
 *   `cleaner-offset-checkpoint` (everything below it was compacted before).
 * - The dirty part is scanned into an OffsetMap (key digest → latest offset) of fixed size; when the next batch
 *   would not fit, the map ends there, and the pass covers only [firstDirty, thatOffset). The next pass
 *   continues from there, so any budget converges over several passes.
 * - Every segment from the log start up to that offset is rewritten, grouped so that a group's input stays
 *   under `segment.bytes` (and its offsets within int32 of its base): a record survives unless the map holds a
 *   later offset for its key. Offsets are kept, gaps and all. Records without a key are kept (Kafka refuses
 *   them on append to compacted topics, so there are none but legacy ones).
 * - Tombstones (null value) and end markers whose transaction has no data left follow KIP-534: the first
 *   pass that keeps them stamps their batch with a delete horizon (attributes bit 6; baseTimestamp = now +
 *   `delete.retention.ms`), and a pass at or after the horizon drops them.
 * - Data of aborted transactions (from the txn indexes) is removed; an ABORT marker stays while data of its
 *   transaction was still seen, a COMMIT marker while committed data of it remains.
 * - A batch whose records all survive unchanged is copied byte for byte; otherwise it is re-encoded with its
 *   base offset, lastOffsetDelta, compression, producer fields, partition leader epoch and record timestamps.
 *   A batch left empty is dropped, except the producer's last batch (so its sequence state survives).
 *
 * Output goes to `.cleaned` files and is swapped in by `CleanableLog.replaceSegments` (see cleanable-log.ts
 * for the crash-safe protocol and the loader's rule). A LogCleaner runs one pass at a time: the caller awaits
 * `clean` before starting another on the same cleaner (its map is reused). The log must keep the segments it
 * passes alive during the pass; replaceSegments rejects a swap if they changed.
 */
export class LogCleaner {
  private readonly map: OffsetMap;
  private readonly ioBufferSize: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** Per partition directory: when kept tombstones or markers become removable. */
  private readonly horizons = new Map<string, number>();

  constructor(options: LogCleanerOptions) {
    this.clock = options.clock;
    this.map = new OffsetMap(options.dedupeBufferSize ?? DEFAULT_DEDUPE_BUFFER_SIZE);
    this.ioBufferSize = options.ioBufferSize ?? DEFAULT_IO_BUFFER_SIZE;
    this.logger = options.logger ?? silentLogger;
  }

  /** The offset the next pass starts mapping from, as checkpointed (0 when never cleaned). */
  static firstDirtyOffset(dir: string, logger: Logger = silentLogger): number {
    return readCheckpoint(checkpointFile(dir), logger);
  }

  async clean(log: CleanableLog): Promise<CleanResult> {
    const now = this.clock.nowMs();
    const cleanable = this.cleanableSegments(log, now);
    const checkpoint = checkpointFile(log.dir);
    const cleanableEnd = cleanable.at(-1)?.nextOffset ?? log.logStartOffset;
    let firstDirty = Math.max(readCheckpoint(checkpoint, this.logger), log.logStartOffset);
    // A checkpoint beyond the cleanable range belongs to a log that was since truncated: start over.
    if (firstDirty > cleanableEnd) firstDirty = log.logStartOffset;
    const hasDirty = firstDirty < cleanableEnd;
    const horizonDue = (this.horizons.get(log.dir) ?? Number.POSITIVE_INFINITY) <= now;
    if (!log.config.cleanupPolicy.compact || cleanable.length === 0 || (!hasDirty && !horizonDue)) {
      return notCleaned(firstDirty);
    }

    this.map.clear();
    const startOffset = cleanable[0]!.baseOffset;
    const stats: PassStats = {
      bytesRead: 0,
      bytesWritten: 0,
      recordsRemoved: 0,
      batchesCopied: 0,
      batchesRewritten: 0,
      batchesRemoved: 0,
      groupsAbandoned: 0,
      nextHorizon: Number.POSITIVE_INFINITY,
    };
    const endOffset = hasDirty
      ? await this.buildOffsetMap(log, cleanable, firstDirty, cleanableEnd, stats)
      : cleanableEnd;
    const toClean = cleanable.filter((s) => s.baseOffset < endOffset);
    const txns = new CleanedTransactions(log.collectAbortedTxns(startOffset, endOffset));
    for (const group of groupBySize(toClean, log.config.segmentBytes)) {
      await this.cleanGroup(log, group, txns, now, stats);
    }
    if (hasDirty) checkpoint.write([endOffset]);
    if (stats.nextHorizon === Number.POSITIVE_INFINITY) this.horizons.delete(log.dir);
    else this.horizons.set(log.dir, stats.nextHorizon);

    const result: CleanResult = {
      cleaned: true,
      firstDirtyOffset: firstDirty,
      endOffset,
      segmentsCleaned: toClean.length,
      bytesRead: stats.bytesRead,
      bytesWritten: stats.bytesWritten,
      recordsRemoved: stats.recordsRemoved,
      batchesCopied: stats.batchesCopied,
      batchesRewritten: stats.batchesRewritten,
      batchesRemoved: stats.batchesRemoved,
      groupsAbandoned: stats.groupsAbandoned,
    };
    this.logger.info({ dir: log.dir, ...result }, 'compacted log');
    return result;
  }

  /** The inactive segments below the LSO whose newest record is older than min.compaction.lag.ms. */
  private cleanableSegments(log: CleanableLog, now: number): CleanableSegment[] {
    const lso = log.lastStableOffset();
    const lag = log.config.minCompactionLagMs;
    const out: CleanableSegment[] = [];
    for (const s of log.inactiveSegments()) {
      if (s.nextOffset > lso) break;
      if (lag > 0 && s.largestTimestamp() > now - lag) break;
      out.push(s);
    }
    return out;
  }

  /**
   * Maps the latest offset of every key in [firstDirty, cleanableEnd), leaving out aborted data and markers.
   * Returns the offset the map covers up to (exclusive): cleanableEnd, or where the map filled.
   */
  private async buildOffsetMap(
    log: CleanableLog,
    segments: readonly CleanableSegment[],
    firstDirty: number,
    cleanableEnd: number,
    stats: PassStats,
  ): Promise<number> {
    const txns = new CleanedTransactions(log.collectAbortedTxns(firstDirty, cleanableEnd));
    for (const segment of segments) {
      if (segment.nextOffset <= firstDirty) continue;
      for (const [buf, pos, size] of this.batches(segment, Math.max(firstDirty, segment.baseOffset))) {
        stats.bytesRead += size;
        const base = batchBaseOffset(buf, pos);
        const last = batchLastOffset(buf, pos);
        if (last < firstDirty) continue;
        const pid = producerId(buf, pos);
        if (isControl(buf, pos)) {
          const marker = readEndTxnMarker(buf, pos);
          if (marker !== undefined) txns.onEndMarker(pid, marker.isAbort, base);
          continue;
        }
        if (txns.onDataBatch(pid, isTransactional(buf, pos), base, last)) continue;
        if (!this.map.wouldFit(recordsCount(buf, pos))) {
          const end = Math.max(firstDirty, base);
          if (this.map.size === 0) {
            throw new RangeError(
              `log.cleaner.dedupe.buffer.size holds ${this.map.maxEntries} keys, too few for the batch at ${base} in ${log.dir}`,
            );
          }
          this.logger.debug({ dir: log.dir, end, keys: this.map.size }, 'offset map full; pass ends early');
          return end;
        }
        const batch = await decodeRecordBatch(buf, pos);
        for (const r of batch.records)
          if (r.key !== null && r.offset >= firstDirty) this.map.put(r.key, r.offset);
      }
    }
    return cleanableEnd;
  }

  private async cleanGroup(
    log: CleanableLog,
    group: readonly CleanableSegment[],
    txns: CleanedTransactions,
    now: number,
    stats: PassStats,
  ): Promise<void> {
    const base = group[0]!.baseOffset;
    const fd = openSync(logFilePath(log.dir, base, CLEANED_FILE_SUFFIX), 'w');
    const keptAborts: AbortedTxn[] = [];
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const drain = () => {
      let written = 0;
      while (written < pendingBytes) {
        written += writevSync(fd, written === 0 ? pending : [Buffer.concat(pending).subarray(written)]);
      }
      stats.bytesWritten += pendingBytes;
      pending = [];
      pendingBytes = 0;
    };
    try {
      for (const segment of group) {
        for (const [buf, pos, size] of this.batches(segment, segment.baseOffset)) {
          stats.bytesRead += size;
          const out = await this.filterBatch(log, buf, pos, size, txns, now, stats, keptAborts);
          if (out === undefined) continue;
          pending.push(out);
          pendingBytes += out.length;
          if (pendingBytes >= this.ioBufferSize) drain();
        }
      }
      drain();
      fsyncSync(fd);
    } catch (err) {
      closeSync(fd);
      discardCleanedFiles(log.dir, base);
      throw err;
    }
    closeSync(fd);
    if (keptAborts.length > 0) {
      const index = new TransactionIndex(base, transactionIndexFilePath(log.dir, base, CLEANED_FILE_SUFFIX));
      for (const txn of keptAborts) index.append(txn);
      index.flush();
      index.close();
    }
    if (!log.replaceSegments(base, group)) {
      this.logger.info(
        { dir: log.dir, base },
        'log changed during compaction; discarding the cleaned segment',
      );
      discardCleanedFiles(log.dir, base);
      stats.groupsAbandoned++;
    }
  }

  /** What becomes of one batch: the same bytes, a re-encoded batch, or nothing. */
  private async filterBatch(
    log: CleanableLog,
    buf: Buffer,
    pos: number,
    size: number,
    txns: CleanedTransactions,
    now: number,
    stats: PassStats,
    keptAborts: AbortedTxn[],
  ): Promise<Buffer | undefined> {
    const original = buf.subarray(pos, pos + size);
    const pid = producerId(buf, pos);
    const base = batchBaseOffset(buf, pos);
    const last = batchLastOffset(buf, pos);
    const withHorizon = hasDeleteHorizon(buf, pos);
    const horizon = withHorizon ? baseTimestamp(buf, pos) : Number.POSITIVE_INFINITY;

    if (isControl(buf, pos)) {
      const marker = readEndTxnMarker(buf, pos);
      if (marker === undefined) return this.copied(original, stats);
      const decision = txns.onEndMarker(pid, marker.isAbort, base);
      if (decision.abortedTxn !== undefined) keptAborts.push(decision.abortedTxn);
      if (!decision.canDiscard) return this.copied(original, stats);
      if (withHorizon) {
        if (now >= horizon) return this.removed(stats, recordsCount(buf, pos));
        stats.nextHorizon = Math.min(stats.nextHorizon, horizon);
        return this.copied(original, stats);
      }
      const stamped = now + log.config.deleteRetentionMs;
      stats.nextHorizon = Math.min(stats.nextHorizon, stamped);
      return this.rewrite(await decodeRecordBatch(buf, pos), null, stamped, stats);
    }

    if (txns.onDataBatch(pid, isTransactional(buf, pos), base, last)) {
      return this.removed(stats, recordsCount(buf, pos));
    }

    const batch = await decodeRecordBatch(buf, pos);
    const kept: typeof batch.records = [];
    let keptTombstone = false;
    for (const r of batch.records) {
      if (r.key !== null) {
        if (this.map.get(r.key) > r.offset) continue;
        if (r.value === null) {
          if (now >= horizon) continue;
          keptTombstone = true;
        }
      }
      kept.push(r);
    }
    const removedRecords = batch.records.length - kept.length;
    stats.recordsRemoved += removedRecords;
    if (removedRecords === 0 && (!keptTombstone || withHorizon)) {
      if (keptTombstone) stats.nextHorizon = Math.min(stats.nextHorizon, horizon);
      return this.copied(original, stats);
    }
    if (kept.length === 0) {
      const keepEmpty = pid !== NO_PRODUCER_ID && log.lastDataOffsetOfProducer?.(pid) === last;
      if (!keepEmpty) {
        stats.batchesRemoved++;
        return undefined;
      }
    }
    let deleteHorizonMs: number | undefined;
    if (keptTombstone) {
      deleteHorizonMs = withHorizon ? horizon : now + log.config.deleteRetentionMs;
      stats.nextHorizon = Math.min(stats.nextHorizon, deleteHorizonMs);
    }
    return this.rewrite(batch, kept, deleteHorizonMs, stats);
  }

  /**
   * Re-encodes the batch with the given records (null: all of them, for a marker) and delete horizon, keeping
   * every header field that identifies it.
   */
  private async rewrite(
    batch: DecodedRecordBatch,
    records: readonly KafkaRecord[] | null,
    deleteHorizonMs: number | undefined,
    stats: PassStats,
  ): Promise<Buffer> {
    const source = records ?? batch.records;
    // The raw timestamp (base + delta) is the record's CreateTime whether or not a horizon replaced the base.
    const specs: RecordSpec[] = source.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: batch.baseTimestamp + r.timestampDelta,
      offsetDelta: r.offsetDelta,
    }));
    stats.batchesRewritten++;
    return encodeRecordBatch({
      baseOffset: batch.baseOffset,
      partitionLeaderEpoch: batch.partitionLeaderEpoch,
      compression: batch.compression,
      timestampType: batch.timestampType,
      ...(batch.timestampType === TimestampType.LogAppendTime ? { logAppendTime: batch.maxTimestamp } : {}),
      ...(deleteHorizonMs !== undefined ? { deleteHorizonMs } : {}),
      transactional: batch.isTransactional,
      control: batch.isControl,
      producerId: batch.producerId,
      producerEpoch: batch.producerEpoch,
      baseSequence: batch.baseSequence,
      lastOffsetDelta: batch.lastOffsetDelta,
      records: specs,
    });
  }

  private copied(original: Buffer, stats: PassStats): Buffer {
    stats.batchesCopied++;
    return original;
  }

  private removed(stats: PassStats, records: number): undefined {
    stats.batchesRemoved++;
    stats.recordsRemoved += records;
    return undefined;
  }

  /** The segment's batches from `fromOffset`, read `ioBufferSize` at a time: [buffer, position, size]. */
  private *batches(segment: CleanableSegment, fromOffset: number): Generator<[Buffer, number, number]> {
    let next = fromOffset;
    const it = new RecordSetIterator(Buffer.alloc(0));
    while (next < segment.nextOffset) {
      const read = segment.read(next, this.ioBufferSize, Number.MAX_SAFE_INTEGER, true);
      if (read === undefined) return;
      it.reset(read.records);
      let advanced = false;
      while (it.next()) {
        advanced = true;
        next = batchLastOffset(read.records, it.position) + 1;
        yield [read.records, it.position, it.size];
      }
      if (!advanced) return;
    }
  }
}

/** Consecutive runs of segments whose input fits in segment.bytes and whose offsets fit an int32 index. */
export function groupBySize(segments: readonly CleanableSegment[], maxBytes: number): CleanableSegment[][] {
  const groups: CleanableSegment[][] = [];
  let current: CleanableSegment[] = [];
  let bytes = 0;
  for (const s of segments) {
    const first = current[0];
    if (
      first !== undefined &&
      (bytes + s.size > maxBytes || s.nextOffset - 1 - first.baseOffset > INT32_MAX)
    ) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(s);
    bytes += s.size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function checkpointFile(dir: string): CheckpointFile<number> {
  return new CheckpointFile(join(dir, CLEANER_OFFSET_CHECKPOINT_FILE), 0, {
    toLine: (offset) => String(offset),
    fromLine: (fields) => (fields.length === 1 ? parseLongField(fields[0]) : undefined),
  });
}

/** An unreadable checkpoint only costs a full pass: compaction is idempotent. */
function readCheckpoint(file: CheckpointFile<number>, logger: Logger): number {
  try {
    return file.read()[0] ?? 0;
  } catch (err) {
    if (!isKafkaError(err, 'KAFKA_STORAGE_ERROR')) throw err;
    logger.warn(
      { file: file.path, err: err.message },
      'unreadable cleaner checkpoint; cleaning from the start',
    );
    return 0;
  }
}

function notCleaned(firstDirty: number): CleanResult {
  return {
    cleaned: false,
    firstDirtyOffset: firstDirty,
    endOffset: firstDirty,
    segmentsCleaned: 0,
    bytesRead: 0,
    bytesWritten: 0,
    recordsRemoved: 0,
    batchesCopied: 0,
    batchesRewritten: 0,
    batchesRemoved: 0,
    groupsAbandoned: 0,
  };
}
