import { KafkaError } from '../protocol/errors/index.js';
import { stampLogAppendTime, verifyBatchCrc } from '../protocol/records/batch-crc.js';
import {
  baseOffset,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  maxTimestamp,
  NO_TIMESTAMP,
  PARTITION_LEADER_EPOCH_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  setBaseOffset,
} from '../protocol/records/batch-header.js';

/**
 * What an append learned from the batch headers, for the log, the epoch cache, producer state and the
 * produce response. Built from header fields only.
 */
export interface LogAppendInfo {
  firstOffset: number;
  lastOffset: number;
  /** The largest max timestamp of the appended batches (NO_TIMESTAMP when none had one). */
  maxTimestamp: number;
  /** Last offset of the batch that carried `maxTimestamp`. */
  offsetOfMaxTimestamp: number;
  /** LogAppendTime stamped on the batches, or NO_TIMESTAMP when the producer's CreateTime was kept. */
  logAppendTime: number;
  batchCount: number;
  recordCount: number;
  validBytes: number;
}

export interface LeaderAppendOptions {
  /** The offset the first batch gets: the log end offset. */
  nextOffset: number;
  /** Stamped into every batch's partitionLeaderEpoch. */
  leaderEpoch: number;
  maxMessageBytes: number;
  /** When set, every batch gets LogAppendTime with this timestamp (a CRC recompute per batch). */
  logAppendTimeMs?: number;
}

const INT32_MAX = 0x7fffffff;
const MIN_BATCH_LENGTH = RECORD_BATCH_OVERHEAD - LOG_OVERHEAD;

/**
 * Validation on append (Kafka's LogValidator and analyzeAndValidateRecords, for magic 2 only), one header
 * walk per append and never a record decode:
 *
 * - the buffer is whole batches: each has a full header, a batchLength within the buffer, magic 2
 *   (UNSUPPORTED_FOR_MESSAGE_FORMAT otherwise) and a CRC-32C that matches (CORRUPT_MESSAGE);
 * - no batch is larger than `max.message.bytes` (MESSAGE_TOO_LARGE);
 * - the record count fits the offsets: a producer's batch has exactly lastOffsetDelta + 1 records; a batch a
 *   follower copies may have fewer (compaction leaves gaps) but never more (INVALID_RECORD);
 * - a follower's batches carry offsets that only grow, starting at or after the log end offset.
 *
 * The leader path assigns offsets by rewriting baseOffset and stamps partitionLeaderEpoch, both outside the
 * CRC; only LogAppendTime touches CRC-covered bytes and recomputes it. Batches are patched in place: the log
 * owns the buffer from the moment it is handed to append.
 */
export function validateAndAssignOffsetsAsLeader(records: Buffer, opts: LeaderAppendOptions): LogAppendInfo {
  const info = emptyInfo(opts.nextOffset);
  let next = opts.nextOffset;
  let pos = 0;
  while (pos < records.length) {
    const size = checkBatch(records, pos, opts.maxMessageBytes);
    const delta = records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
    const count = records.readInt32BE(pos + RECORDS_COUNT_OFFSET);
    if (delta < 0 || count !== delta + 1) {
      throw new KafkaError(
        'INVALID_RECORD',
        `batch at byte ${pos} has ${count} records but lastOffsetDelta ${delta}; a producer's batch has delta + 1`,
      );
    }
    setBaseOffset(records, next, pos);
    records.writeInt32BE(opts.leaderEpoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
    if (opts.logAppendTimeMs !== undefined) stampLogAppendTime(records, pos, opts.logAppendTimeMs);
    next += delta + 1;
    account(info, records, pos, size, next - 1, count);
    pos += size;
  }
  if (opts.logAppendTimeMs !== undefined) info.logAppendTime = opts.logAppendTimeMs;
  return finish(info, records);
}

/**
 * A follower's append (or the mirror's, or a compacted copy): offsets stay as the batches carry them and must
 * start at or after `minFirstOffset` (the log end offset) and only grow.
 */
export function validateAsFollower(
  records: Buffer,
  minFirstOffset: number,
  maxMessageBytes: number,
): LogAppendInfo {
  let pos = 0;
  const info = emptyInfo(records.length >= 8 ? baseOffset(records, 0) : minFirstOffset);
  let expected = minFirstOffset;
  while (pos < records.length) {
    const size = checkBatch(records, pos, maxMessageBytes);
    const base = baseOffset(records, pos);
    const delta = records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
    const count = records.readInt32BE(pos + RECORDS_COUNT_OFFSET);
    if (delta < 0 || count < 0 || count > delta + 1) {
      throw new KafkaError(
        'INVALID_RECORD',
        `batch at byte ${pos} has ${count} records but lastOffsetDelta ${delta}`,
      );
    }
    if (!Number.isSafeInteger(base) || base < expected) {
      throw new KafkaError(
        'INVALID_RECORD',
        `batch at byte ${pos} starts at offset ${base}, but the log expects offsets from ${expected}`,
      );
    }
    expected = base + delta + 1;
    account(info, records, pos, size, base + delta, count);
    pos += size;
  }
  return finish(info, records);
}

function emptyInfo(firstOffset: number): LogAppendInfo {
  return {
    firstOffset,
    lastOffset: firstOffset - 1,
    maxTimestamp: NO_TIMESTAMP,
    offsetOfMaxTimestamp: -1,
    logAppendTime: NO_TIMESTAMP,
    batchCount: 0,
    recordCount: 0,
    validBytes: 0,
  };
}

function account(
  info: LogAppendInfo,
  records: Buffer,
  pos: number,
  size: number,
  last: number,
  count: number,
): void {
  const ts = maxTimestamp(records, pos);
  if (ts > info.maxTimestamp) {
    info.maxTimestamp = ts;
    info.offsetOfMaxTimestamp = last;
  }
  info.lastOffset = last;
  info.batchCount++;
  info.recordCount += count;
  info.validBytes += size;
}

function finish(info: LogAppendInfo, records: Buffer): LogAppendInfo {
  if (info.batchCount === 0)
    throw new KafkaError('CORRUPT_MESSAGE', `no record batch in ${records.length} bytes`);
  return info;
}

/** Structure, size limit, magic and CRC of the batch at `pos`; returns its size. */
function checkBatch(records: Buffer, pos: number, maxMessageBytes: number): number {
  const remaining = records.length - pos;
  if (remaining < RECORD_BATCH_OVERHEAD) {
    throw new KafkaError('CORRUPT_MESSAGE', `${remaining} bytes at byte ${pos} are not a whole batch header`);
  }
  const length = records.readInt32BE(pos + 8);
  if (length < MIN_BATCH_LENGTH || length > INT32_MAX - LOG_OVERHEAD || LOG_OVERHEAD + length > remaining) {
    throw new KafkaError(
      'CORRUPT_MESSAGE',
      `batch at byte ${pos} has batchLength ${length} but ${remaining - LOG_OVERHEAD} bytes follow`,
    );
  }
  const size = LOG_OVERHEAD + length;
  const m = records.readInt8(pos + MAGIC_OFFSET);
  if (m !== CURRENT_MAGIC) {
    throw new KafkaError(
      'UNSUPPORTED_FOR_MESSAGE_FORMAT',
      `batch at byte ${pos} has magic ${m}; only 2 is stored`,
    );
  }
  if (size > maxMessageBytes) {
    throw new KafkaError(
      'MESSAGE_TOO_LARGE',
      `batch of ${size} bytes exceeds max.message.bytes ${maxMessageBytes}`,
    );
  }
  if (!verifyBatchCrc(records, pos)) {
    throw new KafkaError('CORRUPT_MESSAGE', `batch at byte ${pos} fails its CRC-32C`);
  }
  return size;
}
