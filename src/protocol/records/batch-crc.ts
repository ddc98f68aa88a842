import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  batchSize,
  CRC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORDS_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  writeInt64,
} from './batch-header.js';
import { crc32c } from './crc32c.js';
import { patchCrc32c } from './crc32c-patch.js';

/**
 * The CRC of a v2 record batch: CRC-32C over attributes..end of batch (@21 to baseOffset + 12 + batchLength),
 * stored as uint32 @17. baseOffset, batchLength and partitionLeaderEpoch sit before it so that a leader can
 * assign offsets and stamp its epoch without recomputing it; anything from attributes on needs a new CRC.
 *
 * These run once per batch on the broker's and the mirror's hot paths: they patch in place, allocate only the
 * view the native CRC reads through, and never decode a record. `pos` is where the batch starts in `buf`, and
 * the whole batch must be in `buf`. Callers own `buf` exclusively while a function runs (they are synchronous).
 */

export function computeBatchCrc(buf: Buffer, pos = 0): number {
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + batchSize(buf, pos)));
}

export function verifyBatchCrc(buf: Buffer, pos = 0): boolean {
  return computeBatchCrc(buf, pos) === buf.readUInt32BE(pos + CRC_OFFSET);
}

/** Recomputes and stores the CRC after a field from attributes on was changed. */
export function rewriteBatchCrc(buf: Buffer, pos = 0): void {
  buf.writeUInt32BE(computeBatchCrc(buf, pos), pos + CRC_OFFSET);
}

export interface ProducerFields {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

/** The covered header bytes a producer rewrite can change: attributes through baseSequence. */
const HEADER_SPAN = RECORDS_COUNT_OFFSET - ATTRIBUTES_OFFSET;
/** The span as it was before a rewrite, then old ^ new. Shared: the rewrites are synchronous. */
const headerDelta = Buffer.alloc(HEADER_SPAN);

/**
 * Gives the batch another producer identity (the mirror's target-side idempotent producer); the records stay
 * byte for byte as they were, compressed or not.
 *
 * The stored CRC is patched for the changed header bytes (crc32c-patch.ts), not recomputed over the records:
 * the cost stays the same for any batch size. A batch that arrived with a wrong CRC keeps a wrong one, so the
 * target rejects it as CORRUPT_MESSAGE. A full recompute would have certified the damaged records.
 */
export function rewriteProducer(buf: Buffer, pos: number, producer: ProducerFields): void {
  buf.copy(headerDelta, 0, pos + ATTRIBUTES_OFFSET, pos + RECORDS_COUNT_OFFSET);
  writeProducerFields(buf, pos, producer);
  patchHeaderCrc(buf, pos);
}

/**
 * rewriteProducer for a batch that leaves its transaction behind: the mirror writes a source transaction's
 * committed data as plain idempotent batches, so the transactional bit is cleared too, in the same CRC patch.
 */
export function rewriteProducerNonTransactional(buf: Buffer, pos: number, producer: ProducerFields): void {
  buf.copy(headerDelta, 0, pos + ATTRIBUTES_OFFSET, pos + RECORDS_COUNT_OFFSET);
  const attrs = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  buf.writeInt16BE(attrs & ~TRANSACTIONAL_FLAG_MASK, pos + ATTRIBUTES_OFFSET);
  writeProducerFields(buf, pos, producer);
  patchHeaderCrc(buf, pos);
}

/**
 * Marks the batch's timestamps as LogAppendTime, with `timeMs` as its maxTimestamp: the leader's stamp for a
 * topic with `message.timestamp.type=LogAppendTime`. The CRC is patched as in the producer rewrites.
 */
export function stampLogAppendTime(buf: Buffer, pos: number, timeMs: number): void {
  buf.copy(headerDelta, 0, pos + ATTRIBUTES_OFFSET, pos + RECORDS_COUNT_OFFSET);
  buf.writeInt16BE(buf.readInt16BE(pos + ATTRIBUTES_OFFSET) | TIMESTAMP_TYPE_MASK, pos + ATTRIBUTES_OFFSET);
  writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, timeMs);
  patchHeaderCrc(buf, pos);
}

function writeProducerFields(buf: Buffer, pos: number, producer: ProducerFields): void {
  writeInt64(buf, pos + PRODUCER_ID_OFFSET, producer.producerId);
  buf.writeInt16BE(producer.producerEpoch, pos + PRODUCER_EPOCH_OFFSET);
  buf.writeInt32BE(producer.baseSequence, pos + BASE_SEQUENCE_OFFSET);
}

/** Folds the change since headerDelta was filled (old bytes) into the stored CRC. */
function patchHeaderCrc(buf: Buffer, pos: number): void {
  const start = pos + ATTRIBUTES_OFFSET;
  for (let i = 0; i < HEADER_SPAN; i++) headerDelta[i] = headerDelta[i]! ^ buf[start + i]!;
  const bytesAfter = batchSize(buf, pos) - RECORDS_COUNT_OFFSET;
  const crc = buf.readUInt32BE(pos + CRC_OFFSET);
  buf.writeUInt32BE(patchCrc32c(crc, headerDelta, bytesAfter), pos + CRC_OFFSET);
}
