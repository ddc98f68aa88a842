import {
  closeSync,
  existsSync,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { type FileHandle, open as openAsync } from 'node:fs/promises';
import { verifyBatchCrc } from '../protocol/records/batch-crc.js';
import {
  baseOffset as batchBaseOffset,
  lastOffset as batchLastOffset,
  batchSize,
  LAST_OFFSET_DELTA_OFFSET,
  maxTimestamp,
  NO_TIMESTAMP,
  RECORD_BATCH_OVERHEAD,
} from '../protocol/records/batch-header.js';
import { readFully, walkFileBatches } from './file-batch-walker.js';
import type { LogConfig } from './log-config.js';
import {
  logFilePath,
  offsetIndexFilePath,
  timeIndexFilePath,
  transactionIndexFilePath,
} from './log-file-names.js';
import { OffsetIndex } from './offset-index.js';
import { HEADER_SCAN_CHUNK, readSegmentBatches, scanForTimestamp } from './segment-read.js';
import { SegmentWriteback } from './segment-writeback.js';
import { TimeIndex } from './time-index.js';
import { TransactionIndex } from './transaction-index.js';

/** Where a batch sits in a segment. */
export interface BatchLocation {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly position: number;
  readonly size: number;
}

export interface SegmentRead {
  /** Whole batches, a slice of the one buffer the segment read into. */
  readonly records: Buffer;
  /** File position of the first returned batch. */
  readonly position: number;
  readonly firstBatchBaseOffset: number;
}

export interface SegmentRecovery {
  readonly validBytes: number;
  readonly truncatedBytes: number;
  readonly reason?: string;
}

export type RecoveredBatchVisitor = (batch: Buffer, pos: number) => void;

const INT32_MAX = 0x7fffffff;
/** Recovery verifies every byte, so it reads in large chunks. */
const RECOVERY_CHUNK = 8 * 1024 * 1024;

/**
 * One segment of a partition log: `<base>.log` holding record batches v2 byte for byte, with its sparse
 * `<base>.index` (OffsetIndex) and `<base>.timeindex` (TimeIndex). The segment holds offsets
 * [baseOffset, nextOffset); every batch in it has baseOffset >= the segment's, and offsets only grow. Positions
 * are int32 as in Kafka's index, so a segment stays below 2 GiB (segment.bytes is an int in Kafka too).
 *
 * Appends are one positional write of the caller's buffer at the end of the file, with synchronous fs calls:
 * a write into the page cache takes microseconds, the log must know the new end before the next append, and
 * an async write would cost a promise and a threadpool hop per batch for nothing. fsync is the slow call; it
 * happens only in `flush()`, which the log calls on roll and as flush.messages/flush.ms demand.
 *
 * `flushedSize` is how much of the file the last fsync covered; `truncateToFlushed()` (crash simulation)
 * cuts the file back to it.
 *
 * The read path (Fetch reads, the ListOffsets-by-time scan) is in segment-read.ts.
 *
 * Access is serialised by the owning PartitionLog (and through it by the replica manager): nothing here is
 * safe to call re-entrantly.
 */
export class LogSegment {
  private sizeInBytes: number;
  private bytesSinceLastIndexEntry = 0;
  private tailLoaded = false;
  private tailProblemText: string | undefined;
  private nextOffsetValue: number;
  private maxTimestampSoFarValue = NO_TIMESTAMP;
  private offsetOfMaxTimestampSoFarValue = -1;
  /** The first batch's max timestamp (Kafka's rollingBasedTimestamp); undefined until read. */
  private firstBatchTimestamp: number | undefined;
  flushedSize: number;
  /** Aborted transactions whose ABORT marker is in this segment (`<base>.txnindex`, created on first use). */
  readonly txnIndex: TransactionIndex;
  /** `log.writeback.bytes`: steady, unawaited fdatasyncs as the file grows. */
  readonly writeback: SegmentWriteback;

  private constructor(
    private dirPath: string,
    readonly baseOffset: number,
    private fd: number,
    size: number,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    private readonly indexIntervalBytes: number,
    readonly createdMs: number,
    writebackBytes: number,
  ) {
    this.writeback = new SegmentWriteback(writebackBytes);
    this.txnIndex = new TransactionIndex(baseOffset, transactionIndexFilePath(dirPath, baseOffset));
    this.sizeInBytes = size;
    this.flushedSize = size;
    this.nextOffsetValue = baseOffset;
  }

  /**
   * Creates a new segment: its empty log file (replacing a leftover of the same name); the index files come
   * with the first flush (see abstract-index.ts).
   */
  static create(dir: string, baseOffset: number, config: LogConfig, nowMs: number): LogSegment {
    const fd = openSync(logFilePath(dir, baseOffset), 'w+');
    const offsetIndex = new OffsetIndex(
      offsetIndexFilePath(dir, baseOffset),
      baseOffset,
      config.segmentIndexBytes,
    );
    const timeIndex = new TimeIndex(timeIndexFilePath(dir, baseOffset), baseOffset, config.segmentIndexBytes);
    for (const index of [offsetIndex, timeIndex]) {
      // A leftover index of the same name would otherwise be taken for this segment's on the next open.
      index.deleteIfExists();
      index.deferFileCreation();
    }
    const segment = new LogSegment(
      dir,
      baseOffset,
      fd,
      0,
      offsetIndex,
      timeIndex,
      config.indexIntervalBytes,
      nowMs,
      config.writebackBytes,
    );
    segment.tailLoaded = true;
    segment.firstBatchTimestamp = NO_TIMESTAMP;
    return segment;
  }

  /**
   * Opens an existing segment and loads its indexes. `indexProblem` says why the indexes cannot be trusted
   * (missing, misaligned, not monotonic, pointing past the log); the loader then rebuilds them with `recover()`.
   */
  static open(
    dir: string,
    baseOffset: number,
    config: LogConfig,
    nowMs: number,
  ): { segment: LogSegment; indexProblem?: string } {
    const fd = openSync(logFilePath(dir, baseOffset), 'r+');
    const size = fstatSync(fd).size;
    const offsetIndex = new OffsetIndex(
      offsetIndexFilePath(dir, baseOffset),
      baseOffset,
      config.segmentIndexBytes,
    );
    const timeIndex = new TimeIndex(timeIndexFilePath(dir, baseOffset), baseOffset, config.segmentIndexBytes);
    const segment = new LogSegment(
      dir,
      baseOffset,
      fd,
      size,
      offsetIndex,
      timeIndex,
      config.indexIntervalBytes,
      nowMs,
      config.writebackBytes,
    );
    const indexProblem =
      loadIndex(offsetIndex, size) ??
      loadIndex(timeIndex, size) ??
      offsetIndex.sanityProblem(size) ??
      timeIndex.sanityProblem() ??
      segment.lastIndexEntryProblem();
    return indexProblem === undefined ? { segment } : { segment, indexProblem };
  }

  get size(): number {
    return this.sizeInBytes;
  }

  get dir(): string {
    return this.dirPath;
  }

  /** The offset after the last batch (the base offset for an empty segment). */
  get nextOffset(): number {
    this.ensureTail();
    return this.nextOffsetValue;
  }

  get maxTimestampSoFar(): number {
    this.ensureTail();
    return this.maxTimestampSoFarValue;
  }

  get offsetOfMaxTimestampSoFar(): number {
    this.ensureTail();
    return this.offsetOfMaxTimestampSoFarValue;
  }

  /** What the tail scan on open found wrong, if anything: the loader recovers such a segment. */
  tailProblem(): string | undefined {
    this.ensureTail();
    return this.tailProblemText;
  }

  /** The newest timestamp in the segment, or the file's mtime when no batch has one (Kafka's rule). */
  largestTimestamp(): number {
    const ts = this.maxTimestampSoFar;
    return ts >= 0 ? ts : fstatSync(this.fd).mtimeMs;
  }

  /**
   * Kafka's segment.ms rule: the incoming batch's max timestamp minus the first batch's, or time since the
   * segment was created when the segment has no timestamped batch.
   */
  shouldRoll(
    config: LogConfig,
    incomingSize: number,
    incomingMaxTimestamp: number,
    incomingLastOffset: number,
    nowMs: number,
  ): boolean {
    if (incomingLastOffset - this.baseOffset > INT32_MAX) return true;
    if (this.sizeInBytes === 0) return false;
    if (this.sizeInBytes > config.segmentBytes - incomingSize) return true;
    if (this.offsetIndex.isFull() || this.timeIndex.isFull()) return true;
    const first = this.rollingBasedTimestamp();
    const waited = first >= 0 ? incomingMaxTimestamp - first : nowMs - this.createdMs;
    return waited > config.segmentMs;
  }

  /**
   * Appends whole batches whose offsets are already assigned, in one write. Adds an index entry for the first
   * batch that starts after `index.interval.bytes` of log, as Kafka does; reads only header fields.
   */
  append(records: Buffer): void {
    this.ensureTail();
    let physical = this.sizeInBytes;
    let pos = 0;
    let last = this.nextOffsetValue - 1;
    while (pos < records.length) {
      const size = batchSize(records, pos);
      const maxTs = maxTimestamp(records, pos);
      last = batchLastOffset(records, pos);
      if (
        this.firstBatchTimestamp === undefined ||
        (this.firstBatchTimestamp === NO_TIMESTAMP && physical === 0)
      ) {
        this.firstBatchTimestamp = maxTs;
      }
      if (maxTs > this.maxTimestampSoFarValue) {
        this.maxTimestampSoFarValue = maxTs;
        this.offsetOfMaxTimestampSoFarValue = last;
      }
      if (this.bytesSinceLastIndexEntry > this.indexIntervalBytes) {
        this.offsetIndex.append(last, physical);
        this.timeIndex.maybeAppend(this.maxTimestampSoFarValue, this.offsetOfMaxTimestampSoFarValue);
        this.bytesSinceLastIndexEntry = 0;
      }
      physical += size;
      this.bytesSinceLastIndexEntry += size;
      pos += size;
    }
    let written = 0;
    while (written < records.length) {
      written += writeSync(this.fd, records, written, records.length - written, this.sizeInBytes + written);
    }
    this.sizeInBytes += records.length;
    this.nextOffsetValue = last + 1;
    this.writeback.afterAppend(this.fd, this.sizeInBytes);
  }

  /**
   * Whole batches starting at the one that contains `fetchOffset` (the first with lastOffset >= fetchOffset),
   * none with lastOffset >= `maxOffset`, at most `maxBytes` unless `minOneMessage` lets the first batch
   * through whole. One positional read into one buffer covers the index gap and the answer in the common
   * case; the result is a slice of it. undefined when the segment has no batch at or after `fetchOffset`.
   *
   * `into` is a buffer the caller lends (a ReadBufferPool's): every read goes into it while it is large
   * enough, and the result is then a slice of it, valid only until the caller reuses or releases it. A read
   * that needs more than `into` holds allocates a fresh buffer, as without `into`. Reusing a warm buffer
   * is what makes the fetch path run near raw read speed: a fresh 1 MiB buffer per fetch costs page faults.
   */
  read(
    fetchOffset: number,
    maxBytes: number,
    maxOffset: number,
    minOneMessage: boolean,
    into?: Buffer,
  ): SegmentRead | undefined {
    return readSegmentBatches(
      this.fd,
      this.sizeInBytes,
      this.offsetIndex.positionFor(fetchOffset),
      this.indexIntervalBytes,
      this.dirPath,
      this.baseOffset,
      fetchOffset,
      maxBytes,
      maxOffset,
      minOneMessage,
      into,
    );
  }

  /** The first batch with lastOffset >= offset, or undefined. Reads headers only. */
  translateOffset(offset: number): BatchLocation | undefined {
    let found: BatchLocation | undefined;
    walkFileBatches(
      this.fd,
      this.offsetIndex.positionFor(offset),
      this.sizeInBytes,
      false,
      HEADER_SCAN_CHUNK,
      (chunk, pos, filePosition, size) => {
        const last = batchLastOffset(chunk, pos);
        if (last < offset) return undefined;
        found = { baseOffset: batchBaseOffset(chunk, pos), lastOffset: last, position: filePosition, size };
        return 'found';
      },
    );
    return found;
  }

  /**
   * ListOffsets by time: the first offset >= `startingOffset` whose record timestamp is >= `targetTimestamp`.
   * The time index narrows the scan to batches at or after its entry; within the first batch whose max
   * timestamp qualifies, an uncompressed batch's records are stepped through (timestamp and offset deltas only);
   * for a compressed batch the batch's base offset is the answer, which never skips a qualifying record.
   */
  findOffsetByTimestamp(
    targetTimestamp: number,
    startingOffset: number,
  ): { offset: number; timestamp: number } | undefined {
    const entry = this.timeIndex.lookup(targetTimestamp);
    const from = this.offsetIndex.positionFor(Math.max(entry.offset, startingOffset));
    return scanForTimestamp(this.fd, from, this.sizeInBytes, targetTimestamp, startingOffset);
  }

  /**
   * Verifies every batch from the start (structure, CRC-32C, offsets that only grow and fit the segment),
   * rebuilds both indexes, and truncates the file at the first bad batch. `visit` sees every good batch (the
   * loader feeds the leader-epoch cache and producer state from it).
   *
   * `keepTransactionIndex` leaves `<base>.txnindex` as it is: a compaction output's txnindex comes from the
   * cleaner and cannot be rebuilt from the segment alone (its transactions may have begun in earlier segments).
   * Otherwise it is emptied, and the caller's producer-state replay refills it.
   */
  recover(visit?: RecoveredBatchVisitor, keepTransactionIndex = false): SegmentRecovery {
    // A segment too small for any index entry must still have its index files, or the next open rebuilds them.
    for (const index of [this.offsetIndex, this.timeIndex]) {
      if (existsSync(index.path)) index.reset();
      else index.createEmptyFile();
    }
    if (!keepTransactionIndex) this.txnIndex.reset();
    this.bytesSinceLastIndexEntry = 0;
    this.maxTimestampSoFarValue = NO_TIMESTAMP;
    this.offsetOfMaxTimestampSoFarValue = -1;
    this.firstBatchTimestamp = NO_TIMESTAMP;
    let expectedNext = this.baseOffset;
    const result = walkFileBatches(
      this.fd,
      0,
      this.sizeInBytes,
      true,
      RECOVERY_CHUNK,
      (chunk, pos, filePosition, size) => {
        const base = batchBaseOffset(chunk, pos);
        const delta = chunk.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
        if (
          !Number.isSafeInteger(base) ||
          base < expectedNext ||
          delta < 0 ||
          base + delta - this.baseOffset > INT32_MAX
        ) {
          return `batch at position ${filePosition} has offsets ${base}..${base + delta}, expected from ${expectedNext}`;
        }
        if (!verifyBatchCrc(chunk, pos))
          return `batch at position ${filePosition} (offset ${base}) fails its CRC`;
        const last = base + delta;
        const maxTs = maxTimestamp(chunk, pos);
        if (filePosition === 0) this.firstBatchTimestamp = maxTs;
        if (maxTs > this.maxTimestampSoFarValue) {
          this.maxTimestampSoFarValue = maxTs;
          this.offsetOfMaxTimestampSoFarValue = last;
        }
        if (this.bytesSinceLastIndexEntry > this.indexIntervalBytes) {
          this.offsetIndex.append(last, filePosition);
          this.timeIndex.maybeAppend(this.maxTimestampSoFarValue, this.offsetOfMaxTimestampSoFarValue);
          this.bytesSinceLastIndexEntry = 0;
        }
        this.bytesSinceLastIndexEntry += size;
        expectedNext = last + 1;
        visit?.(chunk, pos);
        return undefined;
      },
    );
    const truncatedBytes = this.sizeInBytes - result.end;
    // What recovery read may have been in the page cache only (a process crash, not a power loss): the next
    // flush must fsync it before the recovery point passes it.
    this.flushedSize = 0;
    if (truncatedBytes > 0) {
      ftruncateSync(this.fd, result.end);
      this.sizeInBytes = result.end;
    }
    this.nextOffsetValue = expectedNext;
    this.tailLoaded = true;
    this.tailProblemText = undefined;
    const recovery: SegmentRecovery = { validBytes: result.end, truncatedBytes };
    return result.problem !== undefined && truncatedBytes > 0
      ? { ...recovery, reason: result.problem }
      : recovery;
  }

  /**
   * Removes every batch with lastOffset >= `offset` (the batch containing `offset` goes whole) and their
   * index entries. Returns the bytes removed.
   */
  truncateTo(offset: number): number {
    const loc = this.translateOffset(offset);
    if (loc === undefined) return 0;
    this.offsetIndex.truncateToPosition(loc.position);
    this.timeIndex.truncateToOffset(loc.baseOffset);
    this.txnIndex.truncateTo(loc.baseOffset);
    const removed = this.sizeInBytes - loc.position;
    ftruncateSync(this.fd, loc.position);
    this.sizeInBytes = loc.position;
    this.flushedSize = Math.min(this.flushedSize, loc.position);
    this.bytesSinceLastIndexEntry = 0;
    if (loc.position === 0) this.firstBatchTimestamp = NO_TIMESTAMP;
    this.tailLoaded = false;
    this.ensureTail();
    return removed;
  }

  /**
   * Every batch whose lastOffset >= `fromOffset`, whole, in order (producer-state replay). The buffer is
   * reused between calls of `visit`.
   */
  forEachBatchFrom(fromOffset: number, visit: RecoveredBatchVisitor): void {
    walkFileBatches(
      this.fd,
      this.offsetIndex.positionFor(fromOffset),
      this.sizeInBytes,
      true,
      RECOVERY_CHUNK,
      (chunk, pos) => {
        if (batchLastOffset(chunk, pos) >= fromOffset) visit(chunk, pos);
        return undefined;
      },
    );
  }

  /** Adds the final time index entry (the segment's largest timestamp), as Kafka does on roll and close. */
  onBecomeInactiveSegment(): void {
    this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
  }

  /** fsyncs the log file and writes and fsyncs both indexes. */
  flush(): void {
    if (this.flushedSize !== this.sizeInBytes) fsyncSync(this.fd);
    this.offsetIndex.flush(true);
    this.timeIndex.flush(true);
    this.txnIndex.flush();
    this.flushedSize = this.sizeInBytes;
  }

  /**
   * The roll-time flush off the event loop: index entries are written now, then the log and index files are
   * fsynced in the thread pool. `flushedSize` moves only once the fsyncs completed, so a simulated crash meanwhile
   * still loses what they had not covered. A segment closed meanwhile ends the wait quietly: its data is gone or
   * recovered by other means, and nobody depends on this flush any more.
   */
  async flushAsync(): Promise<void> {
    const size = this.sizeInBytes;
    if (this.flushedSize === size && this.offsetIndex.isPersisted && this.timeIndex.isPersisted) return;
    this.offsetIndex.flush(false);
    this.timeIndex.flush(false);
    try {
      await Promise.all([
        fsyncFdAsync(this.fd),
        fsyncPathAsync(this.offsetIndex.path),
        fsyncPathAsync(this.timeIndex.path),
      ]);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EBADF' || (err as NodeJS.ErrnoException).code === 'ENOENT')
        return;
      throw err;
    }
    this.txnIndex.flush();
    this.flushedSize = Math.max(this.flushedSize, size);
  }

  /** Cuts the log file back to what the last fsync covered and forgets unwritten index entries. */
  truncateToFlushed(): void {
    if (this.flushedSize < this.sizeInBytes) ftruncateSync(this.fd, this.flushedSize);
    this.sizeInBytes = this.flushedSize;
    this.offsetIndex.dropUnpersisted();
    this.timeIndex.dropUnpersisted();
  }

  /** Renames every file of the segment, e.g. to `.deleted`; the open descriptor stays valid. */
  changeFileSuffixes(oldSuffix: string, newSuffix: string): void {
    const rename = (from: string, to: string) => renameSync(from, to);
    const logFrom = logFilePath(this.dirPath, this.baseOffset, oldSuffix);
    if (existsSync(logFrom)) renameSync(logFrom, logFilePath(this.dirPath, this.baseOffset, newSuffix));
    this.offsetIndex.renameTo(offsetIndexFilePath(this.dirPath, this.baseOffset, newSuffix), rename);
    this.timeIndex.renameTo(timeIndexFilePath(this.dirPath, this.baseOffset, newSuffix), rename);
    this.txnIndex.renameTo(transactionIndexFilePath(this.dirPath, this.baseOffset, newSuffix));
  }

  /** Closes the descriptor; writes pending index entries without fsync (callers flush first when it matters). */
  close(): void {
    if (this.fd < 0) return;
    this.offsetIndex.flush(false);
    this.timeIndex.flush(false);
    this.txnIndex.close();
    closeSync(this.fd);
    this.fd = -1;
  }

  /** Closes without writing anything more (the crash simulation). */
  closeAbruptly(): void {
    this.txnIndex.close();
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  /** Closes and removes the files carrying `suffix` (none for a live segment, `.deleted` for a retired one). */
  deleteFiles(suffix = ''): void {
    this.closeAbruptly();
    for (const path of [
      logFilePath(this.dirPath, this.baseOffset, suffix),
      offsetIndexFilePath(this.dirPath, this.baseOffset, suffix),
      timeIndexFilePath(this.dirPath, this.baseOffset, suffix),
      transactionIndexFilePath(this.dirPath, this.baseOffset, suffix),
    ]) {
      if (existsSync(path)) unlinkSync(path);
    }
  }

  private rollingBasedTimestamp(): number {
    if (this.firstBatchTimestamp === undefined) {
      if (this.sizeInBytes < RECORD_BATCH_OVERHEAD) {
        this.firstBatchTimestamp = NO_TIMESTAMP;
      } else {
        const header = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD);
        readFully(this.fd, header, RECORD_BATCH_OVERHEAD, 0);
        this.firstBatchTimestamp = maxTimestamp(header, 0);
      }
    }
    return this.firstBatchTimestamp;
  }

  /** The last offset index entry must point at a batch whose last offset is the entry's offset. */
  private lastIndexEntryProblem(): string | undefined {
    const entry = this.offsetIndex.lastEntry();
    if (entry === undefined) return undefined;
    const header = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD);
    if (readFully(this.fd, header, RECORD_BATCH_OVERHEAD, entry.position) < RECORD_BATCH_OVERHEAD) {
      return `${this.offsetIndex.path}: last entry points at position ${entry.position}, past the last batch`;
    }
    const last = batchLastOffset(header, 0);
    if (last !== entry.offset) {
      return `${this.offsetIndex.path}: last entry maps offset ${entry.offset} to a batch ending at ${last}`;
    }
    return undefined;
  }

  /**
   * Scans the batches after the last index entries to learn the next offset and the largest timestamp,
   * reading headers only. A structural problem found here makes the loader recover the segment.
   */
  private ensureTail(): void {
    if (this.tailLoaded) return;
    this.tailLoaded = true;
    const lastTime = this.timeIndex.lastEntry();
    this.maxTimestampSoFarValue = lastTime?.timestamp ?? NO_TIMESTAMP;
    this.offsetOfMaxTimestampSoFarValue = lastTime?.offset ?? -1;
    let from = this.offsetIndex.lastEntry()?.position ?? 0;
    if (lastTime !== undefined) from = Math.min(from, this.offsetIndex.positionFor(lastTime.offset));
    let next = this.baseOffset;
    const result = walkFileBatches(
      this.fd,
      from,
      this.sizeInBytes,
      false,
      HEADER_SCAN_CHUNK,
      (chunk, pos) => {
        const last = batchLastOffset(chunk, pos);
        const maxTs = maxTimestamp(chunk, pos);
        if (maxTs > this.maxTimestampSoFarValue) {
          this.maxTimestampSoFarValue = maxTs;
          this.offsetOfMaxTimestampSoFarValue = last;
        }
        next = last + 1;
        return undefined;
      },
    );
    this.nextOffsetValue = Math.max(next, this.baseOffset);
    this.tailProblemText = result.problem;
  }
}

/** Loads an index; a missing one next to an empty log file is a new segment's, not lost (abstract-index.ts). */
function loadIndex(index: OffsetIndex | TimeIndex, logSize: number): string | undefined {
  if (logSize === 0 && !existsSync(index.path)) {
    index.deferFileCreation();
    return undefined;
  }
  return index.load();
}

function fsyncFdAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fsync(fd, (err) => (err ? reject(err) : resolve()));
  });
}

async function fsyncPathAsync(path: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await openAsync(path, 'r');
  } catch (err) {
    // An index that was never written (a segment without entries) has nothing to make durable.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
