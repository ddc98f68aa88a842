/**
 * Record batch v2 (magic 2) header, read and patched in place without decoding any record.
 *
 *   RecordBatch =>
 *     baseOffset: int64            @0
 *     batchLength: int32           @8   bytes that follow this field
 *     partitionLeaderEpoch: int32  @12
 *     magic: int8                  @16  always 2 here
 *     crc: uint32                  @17  CRC-32C of attributes..end
 *     attributes: int16            @21  bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control,
 *                                       6 delete horizon set (KIP-534)
 *     lastOffsetDelta: int32       @23
 *     baseTimestamp: int64         @27
 *     maxTimestamp: int64          @35
 *     producerId: int64            @43
 *     producerEpoch: int16         @51
 *     baseSequence: int32          @53
 *     recordsCount: int32          @57
 *     records: [Record]            @61
 *
 * This is the hot path of the log, of replication and of mirroring: every function here reads or writes
 * fixed positions of a Buffer and allocates nothing. 64-bit fields are JavaScript numbers; a value beyond
 * Number.MAX_SAFE_INTEGER is not representable and callers treat it as corruption.
 */

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;

/** baseOffset + batchLength: the bytes before batchLength's count starts. */
export const LOG_OVERHEAD = 12;
/** Size of a batch header with no records. */
export const RECORD_BATCH_OVERHEAD = RECORDS_OFFSET;
export const CURRENT_MAGIC = 2;

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;

export enum CompressionType {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

export enum TimestampType {
  CreateTime = 0,
  LogAppendTime = 1,
}

const TWO_POW_32 = 0x1_0000_0000;

export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4);
}

export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_POW_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_POW_32, pos + 4);
}

export function baseOffset(buf: Buffer, pos = 0): number {
  return readInt64(buf, pos + BASE_OFFSET_OFFSET);
}

export function setBaseOffset(buf: Buffer, value: number, pos = 0): void {
  writeInt64(buf, pos + BASE_OFFSET_OFFSET, value);
}

export function batchLength(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
}

/** Whole size of the batch on the wire and on disk. */
export function batchSize(buf: Buffer, pos = 0): number {
  return LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
}

export function partitionLeaderEpoch(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET);
}

/** Outside the CRC, so a leader stamps its epoch without recomputing the checksum. */
export function setPartitionLeaderEpoch(buf: Buffer, epoch: number, pos = 0): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
}

export function magic(buf: Buffer, pos = 0): number {
  return buf.readInt8(pos + MAGIC_OFFSET);
}

export function storedCrc(buf: Buffer, pos = 0): number {
  return buf.readUInt32BE(pos + CRC_OFFSET);
}

export function attributes(buf: Buffer, pos = 0): number {
  return buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
}

export function compressionType(buf: Buffer, pos = 0): CompressionType {
  return (buf.readInt16BE(pos + ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK) as CompressionType;
}

export function timestampType(buf: Buffer, pos = 0): TimestampType {
  return buf.readInt16BE(pos + ATTRIBUTES_OFFSET) & TIMESTAMP_TYPE_MASK
    ? TimestampType.LogAppendTime
    : TimestampType.CreateTime;
}

export function isTransactional(buf: Buffer, pos = 0): boolean {
  return (buf.readInt16BE(pos + ATTRIBUTES_OFFSET) & TRANSACTIONAL_FLAG_MASK) !== 0;
}

export function isControl(buf: Buffer, pos = 0): boolean {
  return (buf.readInt16BE(pos + ATTRIBUTES_OFFSET) & CONTROL_FLAG_MASK) !== 0;
}

export function hasDeleteHorizon(buf: Buffer, pos = 0): boolean {
  return (buf.readInt16BE(pos + ATTRIBUTES_OFFSET) & DELETE_HORIZON_FLAG_MASK) !== 0;
}

export function lastOffsetDelta(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
}

export function lastOffset(buf: Buffer, pos = 0): number {
  return baseOffset(buf, pos) + lastOffsetDelta(buf, pos);
}

export function baseTimestamp(buf: Buffer, pos = 0): number {
  return readInt64(buf, pos + BASE_TIMESTAMP_OFFSET);
}

export function maxTimestamp(buf: Buffer, pos = 0): number {
  return readInt64(buf, pos + MAX_TIMESTAMP_OFFSET);
}

export function producerId(buf: Buffer, pos = 0): number {
  return readInt64(buf, pos + PRODUCER_ID_OFFSET);
}

export function producerEpoch(buf: Buffer, pos = 0): number {
  return buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET);
}

export function baseSequence(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET);
}

/** The sequence of the batch's last record; sequences wrap at int32 as Kafka's do. */
export function lastSequence(buf: Buffer, pos = 0): number {
  const base = baseSequence(buf, pos);
  if (base === NO_SEQUENCE) return NO_SEQUENCE;
  const last = base + lastOffsetDelta(buf, pos);
  return last > 0x7fffffff ? last - 0x80000000 : last;
}

export function recordsCount(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
}
