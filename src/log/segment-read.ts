import { KafkaError } from '../protocol/errors/index.js';
import {
  BASE_TIMESTAMP_OFFSET,
  baseOffset as batchBaseOffset,
  lastOffset as batchLastOffset,
  batchSize,
  CompressionType,
  compressionType,
  maxTimestamp,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  RECORDS_OFFSET,
  readInt64,
  TimestampType,
  timestampType,
} from '../protocol/records/batch-header.js';
import { type Cursor, readVarint, readVarlong } from '../protocol/records/varint.js';
import { readFully, walkFileBatches } from './file-batch-walker.js';
import { logFilePath } from './log-file-names.js';
import type { SegmentRead } from './log-segment.js';

/**
 * The read path of a LogSegment's `.log` file: Fetch reads of whole batches and the ListOffsets-by-time scan.
 * Functions of the open descriptor and the segment's size, so they change no segment state; the segment
 * passes the index lookups in. Positions are int32 file positions as in the segment. Callers are the
 * segment's own methods, which the owning PartitionLog serialises.
 */

/** Header scans read this much at a time; enough to cover an index interval and a typical batch. */
export const HEADER_SCAN_CHUNK = 64 * 1024;

/**
 * LogSegment.read from file position `start` (the offset index's floor for `fetchOffset`) of a file of
 * `size` bytes; see there for what is returned and how `into` is used. One positional read into one buffer
 * covers the index gap and the answer in the common case; the result is a slice of it.
 */
export function readSegmentBatches(
  fd: number,
  size: number,
  start: number,
  indexIntervalBytes: number,
  dir: string,
  baseOffset: number,
  fetchOffset: number,
  maxBytes: number,
  maxOffset: number,
  minOneMessage: boolean,
  into: Buffer | undefined,
): SegmentRead | undefined {
  if (start >= size) return undefined;
  let chunkStart = start;
  const wanted = Math.min(size - start, maxBytes + 2 * indexIntervalBytes + RECORD_BATCH_OVERHEAD);
  let chunk: Buffer =
    into !== undefined && into.length >= RECORD_BATCH_OVERHEAD
      ? into.subarray(0, Math.min(wanted, into.length))
      : Buffer.allocUnsafe(wanted);
  let chunkLength = readFully(fd, chunk, chunk.length, start);
  // Find the batch that holds fetchOffset, stepping over headers in memory.
  let pos = 0;
  for (;;) {
    if (chunkStart + pos >= size) return undefined;
    if (pos + RECORD_BATCH_OVERHEAD > chunkLength) {
      chunkStart += pos;
      pos = 0;
      chunkLength = readFully(fd, chunk, Math.min(chunk.length, size - chunkStart), chunkStart);
      if (chunkLength < RECORD_BATCH_OVERHEAD) return undefined;
    }
    if (batchLastOffset(chunk, pos) >= fetchOffset) break;
    pos += checkedBatchSize(dir, baseOffset, chunk, pos, chunkStart);
  }
  const firstPosition = chunkStart + pos;
  const firstBatchBaseOffset = batchBaseOffset(chunk, pos);
  // Take whole batches while they fit. The first read covers the usual case; a batch that runs past it
  // makes one more read from the first batch on, sized for what is still wanted.
  let end = pos;
  let total = 0;
  while (firstPosition + total < size) {
    const mayTakeMore = total + RECORD_BATCH_OVERHEAD <= maxBytes || (total === 0 && minOneMessage);
    if (end + RECORD_BATCH_OVERHEAD > chunkLength) {
      if (!mayTakeMore) break;
      chunk = readAt(fd, firstPosition, Math.max(maxBytes, RECORD_BATCH_OVERHEAD), size, into);
      chunkLength = chunk.length;
      pos = 0;
      end = total;
      if (end + RECORD_BATCH_OVERHEAD > chunkLength) break;
    }
    if (batchLastOffset(chunk, end) >= maxOffset) break;
    const batch = checkedBatchSize(dir, baseOffset, chunk, end, firstPosition + total - end);
    if (total + batch > maxBytes && !(total === 0 && minOneMessage)) break;
    if (end + batch > chunkLength) {
      chunk = readAt(fd, firstPosition, total + batch, size, into);
      chunkLength = chunk.length;
      pos = 0;
      end = total;
      if (end + batch > chunkLength) break;
    }
    end += batch;
    total += batch;
  }
  return { records: chunk.subarray(pos, end), position: firstPosition, firstBatchBaseOffset };
}

/**
 * The ListOffsets-by-time scan from file position `from`: the first offset >= `startingOffset` whose record
 * timestamp is >= `targetTimestamp`. Within the first batch whose max timestamp qualifies, an uncompressed
 * batch's records are stepped through (timestamp and offset deltas only); for a compressed batch the batch's
 * base offset is the answer, which never skips a qualifying record.
 */
export function scanForTimestamp(
  fd: number,
  from: number,
  size: number,
  targetTimestamp: number,
  startingOffset: number,
): { offset: number; timestamp: number } | undefined {
  let result: { offset: number; timestamp: number } | undefined;
  walkFileBatches(fd, from, size, true, HEADER_SCAN_CHUNK, (chunk, pos, _filePosition, size) => {
    if (batchLastOffset(chunk, pos) < startingOffset) return undefined;
    const maxTs = maxTimestamp(chunk, pos);
    if (maxTs < targetTimestamp) return undefined;
    result = firstRecordAtOrAfter(chunk, pos, size, targetTimestamp, startingOffset) ?? {
      offset: Math.max(batchBaseOffset(chunk, pos), startingOffset),
      timestamp: maxTs,
    };
    return 'found';
  });
  return result;
}

/**
 * `length` bytes (fewer at the end of the file) from `position`, in `into` when it holds them (what it held
 * before is not needed any more: callers re-read from the first batch they return), else in a fresh buffer.
 */
function readAt(fd: number, position: number, length: number, size: number, into?: Buffer): Buffer {
  const want = Math.min(size - position, length + RECORD_BATCH_OVERHEAD);
  const chunk = into !== undefined && into.length >= want ? into.subarray(0, want) : Buffer.allocUnsafe(want);
  const n = readFully(fd, chunk, chunk.length, position);
  return n === chunk.length ? chunk : chunk.subarray(0, n);
}

/** A stored batch too short to be one means the file changed under the log; never loop on it. */
function checkedBatchSize(
  dir: string,
  baseOffset: number,
  chunk: Buffer,
  pos: number,
  chunkFilePosition: number,
): number {
  const size = batchSize(chunk, pos);
  if (size < RECORD_BATCH_OVERHEAD) {
    throw new KafkaError(
      'KAFKA_STORAGE_ERROR',
      `${logFilePath(dir, baseOffset)}: batch at position ${chunkFilePosition + pos} has size ${size}`,
    );
  }
  return size;
}

/**
 * Steps through an uncompressed batch's records reading only the length, timestamp delta and offset delta of
 * each; undefined for a compressed batch or when the records do not parse.
 */
function firstRecordAtOrAfter(
  batch: Buffer,
  pos: number,
  size: number,
  targetTimestamp: number,
  startingOffset: number,
): { offset: number; timestamp: number } | undefined {
  // LogAppendTime gives every record the batch's max timestamp, and a compressed batch would need inflating.
  if (compressionType(batch, pos) !== CompressionType.None) return undefined;
  if (timestampType(batch, pos) === TimestampType.LogAppendTime) return undefined;
  const base = batchBaseOffset(batch, pos);
  const baseTs = readInt64(batch, pos + BASE_TIMESTAMP_OFFSET);
  const count = batch.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  const end = pos + size;
  const cursor: Cursor = { pos: pos + RECORDS_OFFSET };
  try {
    for (let i = 0; i < count && cursor.pos < end; i++) {
      const length = readVarint(batch, cursor);
      const bodyStart = cursor.pos;
      cursor.pos++; // attributes
      const timestamp = baseTs + readVarlong(batch, cursor);
      const offset = base + readVarint(batch, cursor);
      cursor.pos = bodyStart + length;
      if (offset >= startingOffset && timestamp >= targetTimestamp) return { offset, timestamp };
    }
  } catch (err) {
    if (err instanceof KafkaError) return undefined;
    throw err;
  }
  return undefined;
}
