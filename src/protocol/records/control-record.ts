import { KafkaError } from '../errors/index.js';
import {
  ATTRIBUTES_OFFSET,
  batchSize,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  RECORDS_OFFSET,
} from './batch-header.js';
import { encodeRecordBatchSync } from './record-batch.js';
import { type Cursor, readVarint, readVarlong } from './varint.js';

/**
 * Control records: the single record of a batch with the control flag set, written by the broker (never by a
 * producer) and never compressed.
 *
 *   ControlRecordKey => version: int16 (0), type: int16 (0 ABORT, 1 COMMIT; 2+ are KRaft's own)
 *   EndTxnMarker value => version: int16 (0), coordinatorEpoch: int32
 *
 * A transaction ends with a control batch (transactional and control flags, the transaction's producer id and
 * epoch, no sequence) holding one end-txn marker. Readers that only need to know commit or abort — the last
 * stable offset, aborted-transaction index, the mirror skipping markers — use readControlRecordType, which
 * reads the key in place. Stateless apart from a private cursor used within one synchronous call.
 */

export enum ControlRecordType {
  Abort = 0,
  Commit = 1,
}

export const CONTROL_RECORD_KEY_VERSION = 0;
export const END_TXN_MARKER_VERSION = 0;
const CONTROL_RECORD_KEY_SIZE = 4;
const END_TXN_MARKER_SIZE = 6;

export interface EndTxnMarkerSpec {
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  commit: boolean;
  /** @defaultValue 0 (the leader assigns the offset on append) */
  baseOffset?: number;
  timestamp: number;
  /** @defaultValue -1 */
  partitionLeaderEpoch?: number;
}

export function encodeControlRecordKey(type: number): Buffer {
  const key = Buffer.allocUnsafe(CONTROL_RECORD_KEY_SIZE);
  key.writeInt16BE(CONTROL_RECORD_KEY_VERSION, 0);
  key.writeInt16BE(type, 2);
  return key;
}

export function decodeControlRecordKey(key: Buffer): { version: number; type: number } {
  if (key.length < CONTROL_RECORD_KEY_SIZE) {
    throw new KafkaError('CORRUPT_MESSAGE', `control record key of ${key.length} bytes`);
  }
  return { version: key.readInt16BE(0), type: key.readInt16BE(2) };
}

export function encodeEndTxnMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.allocUnsafe(END_TXN_MARKER_SIZE);
  value.writeInt16BE(END_TXN_MARKER_VERSION, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

export function decodeEndTxnMarkerValue(value: Buffer): { version: number; coordinatorEpoch: number } {
  if (value.length < END_TXN_MARKER_SIZE) {
    throw new KafkaError('CORRUPT_MESSAGE', `end-txn marker value of ${value.length} bytes`);
  }
  return { version: value.readInt16BE(0), coordinatorEpoch: value.readInt32BE(2) };
}

/** The control batch that commits or aborts a transaction on one partition. */
export function encodeEndTxnMarkerBatch(spec: EndTxnMarkerSpec): Buffer {
  const type = spec.commit ? ControlRecordType.Commit : ControlRecordType.Abort;
  return encodeRecordBatchSync({
    baseOffset: spec.baseOffset ?? 0,
    partitionLeaderEpoch: spec.partitionLeaderEpoch ?? -1,
    transactional: true,
    control: true,
    producerId: spec.producerId,
    producerEpoch: spec.producerEpoch,
    records: [
      {
        key: encodeControlRecordKey(type),
        value: encodeEndTxnMarkerValue(spec.coordinatorEpoch),
        timestamp: spec.timestamp,
      },
    ],
  });
}

const cursor: Cursor = { pos: 0 };

/**
 * The control type of the first record of the control batch at `pos`, read from its key in place: no record
 * is decoded and nothing is allocated. Not a control batch, a compressed one, or a malformed key is
 * CORRUPT_MESSAGE.
 */
export function readControlRecordType(buf: Buffer, pos = 0): number {
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  if ((attributes & CONTROL_FLAG_MASK) === 0) {
    throw new KafkaError('CORRUPT_MESSAGE', `batch at ${pos} is not a control batch`);
  }
  if ((attributes & COMPRESSION_CODEC_MASK) !== 0) {
    throw new KafkaError('CORRUPT_MESSAGE', `control batch at ${pos} is compressed`);
  }
  const end = pos + batchSize(buf, pos);
  cursor.pos = pos + RECORDS_OFFSET;
  readVarint(buf, cursor); // record length
  cursor.pos += 1; // attributes
  readVarlong(buf, cursor); // timestampDelta
  readVarint(buf, cursor); // offsetDelta
  const keyLength = readVarint(buf, cursor);
  if (keyLength < CONTROL_RECORD_KEY_SIZE || cursor.pos + keyLength > end) {
    throw new KafkaError('CORRUPT_MESSAGE', `control record at ${pos} has a key of ${keyLength} bytes`);
  }
  return buf.readInt16BE(cursor.pos + 2);
}
