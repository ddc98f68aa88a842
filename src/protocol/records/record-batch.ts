import { KafkaError } from '../errors/index.js';
import { computeBatchCrc, rewriteBatchCrc } from './batch-crc.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  batchSize,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CompressionType,
  CRC_OFFSET,
  CURRENT_MAGIC,
  DELETE_HORIZON_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  RECORDS_OFFSET,
  readInt64,
  TIMESTAMP_TYPE_MASK,
  TimestampType,
  TRANSACTIONAL_FLAG_MASK,
  writeInt64,
} from './batch-header.js';
import { compress, compressSync, decompress, decompressSync } from './compression/index.js';
import { type KafkaRecord, type RecordHeader, readRecord, sizeOfRecordBody, writeRecord } from './record.js';
import { type Cursor, sizeOfVarint } from './varint.js';

/**
 * Full encode and decode of a record batch v2 (magic 2); the header layout is in batch-header.ts and the
 * record layout in record.ts. With compression, the records section (@61 to the end) is compressed as one
 * unit and the header stays plain.
 *
 * Producers, tests, compaction and tools use this; the log, replication and the mirror's hot path only read
 * and patch headers (batch-header.ts, batch-crc.ts). Encoding writes an uncompressed batch straight into its
 * final buffer; decoding hands out key/value/header slices of the input (or of the decompressed records),
 * never copies. Stateless: callers need not serialise anything.
 */

export interface RecordSpec {
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: RecordHeader[];
  /** Milliseconds since the epoch. @defaultValue the time of the encode call */
  timestamp?: number;
  /** @defaultValue the record's index in the batch */
  offsetDelta?: number;
}

export interface RecordBatchSpec {
  /** @defaultValue 0 (the leader assigns offsets on append) */
  baseOffset?: number;
  /** @defaultValue -1 */
  partitionLeaderEpoch?: number;
  /** @defaultValue CompressionType.None */
  compression?: CompressionType;
  /** @defaultValue TimestampType.CreateTime */
  timestampType?: TimestampType;
  /** With LogAppendTime: the broker's append time, stored as maxTimestamp and read as every record's time. */
  logAppendTime?: number;
  /** Sets the delete-horizon flag (KIP-534); baseTimestamp then carries the horizon, as compaction writes it. */
  deleteHorizonMs?: number;
  /** @defaultValue false */
  transactional?: boolean;
  /** @defaultValue false */
  control?: boolean;
  /** @defaultValue -1 */
  producerId?: number;
  /** @defaultValue -1 */
  producerEpoch?: number;
  /** @defaultValue -1 */
  baseSequence?: number;
  /**
   * Keeps a batch's offset range when compaction removed its last records (or all of them), as Kafka's
   * cleaner does so that producer state survives. @defaultValue the largest record offsetDelta, or 0
   */
  lastOffsetDelta?: number;
  records: RecordSpec[];
}

/** The header fields of a v2 batch, as one object. */
export interface RecordBatchHeader {
  baseOffset: number;
  /** Whole size on the wire: batchLength + 12. */
  sizeInBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: CompressionType;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  hasDeleteHorizon: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

export interface DecodedRecord extends KafkaRecord {
  offset: number;
  /** CreateTime: baseTimestamp + timestampDelta; LogAppendTime: the batch's maxTimestamp. */
  timestamp: number;
}

export interface DecodedRecordBatch extends RecordBatchHeader {
  records: DecodedRecord[];
}

export interface DecodeOptions {
  /** Check the CRC before reading records; a mismatch is CORRUPT_MESSAGE. @defaultValue true */
  verifyCrc?: boolean;
}

/** The smallest record: length, attributes, timestampDelta, offsetDelta, key, value, headers count. */
const MIN_RECORD_SIZE = 7;

interface PreparedBatch {
  spec: RecordBatchSpec;
  records: KafkaRecord[];
  bodySizes: number[];
  recordsSize: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
}

function prepare(spec: RecordBatchSpec): PreparedBatch {
  const count = spec.records.length;
  const now = Date.now();
  const records = new Array<KafkaRecord>(count);
  const bodySizes = new Array<number>(count);
  // Kafka takes the first record's time as the base (deltas may be negative), or the horizon once set.
  const baseTimestamp =
    spec.deleteHorizonMs ?? (count > 0 ? (spec.records[0]!.timestamp ?? now) : NO_TIMESTAMP);
  let maxTimestamp = count > 0 ? Number.NEGATIVE_INFINITY : NO_TIMESTAMP;
  let lastOffsetDelta = 0;
  let recordsSize = 0;
  for (let i = 0; i < count; i++) {
    const r = spec.records[i]!;
    const timestamp = r.timestamp ?? now;
    const offsetDelta = r.offsetDelta ?? i;
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    if (offsetDelta > lastOffsetDelta) lastOffsetDelta = offsetDelta;
    const record: KafkaRecord = {
      attributes: 0,
      timestampDelta: timestamp - baseTimestamp,
      offsetDelta,
      key: r.key ?? null,
      value: r.value ?? null,
      headers: r.headers ?? [],
    };
    const bodySize = sizeOfRecordBody(record);
    records[i] = record;
    bodySizes[i] = bodySize;
    recordsSize += sizeOfVarint(bodySize) + bodySize;
  }
  if (spec.lastOffsetDelta !== undefined) {
    if (spec.lastOffsetDelta < lastOffsetDelta) {
      throw new RangeError(`lastOffsetDelta ${spec.lastOffsetDelta} is below a record's offsetDelta`);
    }
    lastOffsetDelta = spec.lastOffsetDelta;
  }
  const timestampType = spec.timestampType ?? TimestampType.CreateTime;
  if (timestampType === TimestampType.LogAppendTime && spec.logAppendTime !== undefined) {
    maxTimestamp = spec.logAppendTime;
  }
  const attributes =
    (spec.compression ?? CompressionType.None) |
    (timestampType === TimestampType.LogAppendTime ? TIMESTAMP_TYPE_MASK : 0) |
    (spec.transactional ? TRANSACTIONAL_FLAG_MASK : 0) |
    (spec.control ? CONTROL_FLAG_MASK : 0) |
    (spec.deleteHorizonMs !== undefined ? DELETE_HORIZON_FLAG_MASK : 0);
  return {
    spec,
    records,
    bodySizes,
    recordsSize,
    attributes,
    lastOffsetDelta,
    baseTimestamp,
    maxTimestamp,
  };
}

function writeRecords(prepared: PreparedBatch, buf: Buffer, pos: number): void {
  const { records, bodySizes } = prepared;
  for (let i = 0; i < records.length; i++) pos = writeRecord(buf, pos, records[i]!, bodySizes[i]!);
}

/** Writes the header into `buf` (whose records section is already in place) and computes the CRC. */
function finish(prepared: PreparedBatch, buf: Buffer): Buffer {
  const { spec } = prepared;
  writeInt64(buf, 0, spec.baseOffset ?? 0);
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  buf.writeInt32BE(spec.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, PARTITION_LEADER_EPOCH_OFFSET);
  buf.writeInt8(CURRENT_MAGIC, MAGIC_OFFSET);
  buf.writeInt16BE(prepared.attributes, ATTRIBUTES_OFFSET);
  buf.writeInt32BE(prepared.lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
  writeInt64(buf, BASE_TIMESTAMP_OFFSET, prepared.baseTimestamp);
  writeInt64(buf, MAX_TIMESTAMP_OFFSET, prepared.maxTimestamp);
  writeInt64(buf, PRODUCER_ID_OFFSET, spec.producerId ?? NO_PRODUCER_ID);
  buf.writeInt16BE(spec.producerEpoch ?? NO_PRODUCER_EPOCH, PRODUCER_EPOCH_OFFSET);
  buf.writeInt32BE(spec.baseSequence ?? NO_SEQUENCE, BASE_SEQUENCE_OFFSET);
  buf.writeInt32BE(prepared.records.length, RECORDS_COUNT_OFFSET);
  rewriteBatchCrc(buf, 0);
  return buf;
}

function encodeUncompressed(prepared: PreparedBatch): Buffer {
  const buf = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + prepared.recordsSize);
  writeRecords(prepared, buf, RECORDS_OFFSET);
  return finish(prepared, buf);
}

function recordsSection(prepared: PreparedBatch): Buffer {
  const buf = Buffer.allocUnsafe(prepared.recordsSize);
  writeRecords(prepared, buf, 0);
  return buf;
}

function withCompressedRecords(prepared: PreparedBatch, compressed: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + compressed.length);
  compressed.copy(buf, RECORDS_OFFSET);
  return finish(prepared, buf);
}

export async function encodeRecordBatch(spec: RecordBatchSpec): Promise<Buffer> {
  const prepared = prepare(spec);
  const type = spec.compression ?? CompressionType.None;
  if (type === CompressionType.None) return encodeUncompressed(prepared);
  return withCompressedRecords(prepared, await compress(type, recordsSection(prepared)));
}

/** As {@link encodeRecordBatch}, for every compression type with a synchronous codec (all but zstd). */
export function encodeRecordBatchSync(spec: RecordBatchSpec): Buffer {
  const prepared = prepare(spec);
  const type = spec.compression ?? CompressionType.None;
  if (type === CompressionType.None) return encodeUncompressed(prepared);
  return withCompressedRecords(prepared, compressSync(type, recordsSection(prepared)));
}

/** Reads the header of the batch at `pos` into an object, checking that the whole batch is in `buf`. */
export function readRecordBatchHeader(buf: Buffer, pos = 0): RecordBatchHeader {
  if (pos + RECORD_BATCH_OVERHEAD > buf.length) {
    throw new KafkaError('CORRUPT_MESSAGE', `record batch at ${pos} is shorter than its header`);
  }
  const sizeInBytes = batchSize(buf, pos);
  if (sizeInBytes < RECORD_BATCH_OVERHEAD || pos + sizeInBytes > buf.length) {
    throw new KafkaError('CORRUPT_MESSAGE', `record batch at ${pos} of ${sizeInBytes} bytes does not fit`);
  }
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic !== CURRENT_MAGIC) {
    throw new KafkaError(
      'CORRUPT_MESSAGE',
      `record batch at ${pos} has magic ${magic}; only magic 2 is read`,
    );
  }
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  return {
    baseOffset: readInt64(buf, pos),
    sizeInBytes,
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic,
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes,
    compression: (attributes & COMPRESSION_CODEC_MASK) as CompressionType,
    timestampType: attributes & TIMESTAMP_TYPE_MASK ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
    hasDeleteHorizon: (attributes & DELETE_HORIZON_FLAG_MASK) !== 0,
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: readInt64(buf, pos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP_OFFSET),
    producerId: readInt64(buf, pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordsCount: buf.readInt32BE(pos + RECORDS_COUNT_OFFSET),
  };
}

function checkedHeader(buf: Buffer, pos: number, options: DecodeOptions | undefined): RecordBatchHeader {
  const header = readRecordBatchHeader(buf, pos);
  if ((options?.verifyCrc ?? true) && computeBatchCrc(buf, pos) !== header.crc) {
    throw new KafkaError('CORRUPT_MESSAGE', `record batch at offset ${header.baseOffset} fails its CRC`);
  }
  return header;
}

function readRecords(header: RecordBatchHeader, section: Buffer): DecodedRecordBatch {
  const count = header.recordsCount;
  if (count < 0 || count * MIN_RECORD_SIZE > section.length) {
    throw new KafkaError(
      'CORRUPT_MESSAGE',
      `record batch claims ${count} records in ${section.length} bytes of records`,
    );
  }
  const logAppendTime = header.timestampType === TimestampType.LogAppendTime;
  const records = new Array<DecodedRecord>(count);
  const cursor: Cursor = { pos: 0 };
  for (let i = 0; i < count; i++) {
    // Completes the record object in place rather than copying it into a second one.
    const record = readRecord(section, cursor, section.length) as DecodedRecord;
    record.offset = header.baseOffset + record.offsetDelta;
    record.timestamp = logAppendTime ? header.maxTimestamp : header.baseTimestamp + record.timestampDelta;
    records[i] = record;
  }
  if (cursor.pos !== section.length) {
    throw new KafkaError(
      'CORRUPT_MESSAGE',
      `record batch at offset ${header.baseOffset} has ${section.length - cursor.pos} bytes after its records`,
    );
  }
  return { ...header, records };
}

function recordsSectionOf(buf: Buffer, pos: number, header: RecordBatchHeader): Buffer {
  return buf.subarray(pos + RECORDS_OFFSET, pos + header.sizeInBytes);
}

/** Decodes the batch at `pos`, decompressing its records; record bytes are slices, not copies. */
export async function decodeRecordBatch(
  buf: Buffer,
  pos = 0,
  options?: DecodeOptions,
): Promise<DecodedRecordBatch> {
  const header = checkedHeader(buf, pos, options);
  const section = recordsSectionOf(buf, pos, header);
  return readRecords(header, await decompress(header.compression, section));
}

/** As {@link decodeRecordBatch}, for every compression type with a synchronous codec (all but zstd). */
export function decodeRecordBatchSync(buf: Buffer, pos = 0, options?: DecodeOptions): DecodedRecordBatch {
  const header = checkedHeader(buf, pos, options);
  const section = recordsSectionOf(buf, pos, header);
  return readRecords(header, decompressSync(header.compression, section));
}
