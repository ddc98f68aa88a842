import { KafkaError } from '../protocol/errors/index.js';
import { batchSize, RECORDS_OFFSET, recordsCount } from '../protocol/records/batch-header.js';

/**
 * The end-transaction marker a control batch carries: one uncompressed record (control batches are never
 * compressed) whose key and value are fixed little structs:
 *
 *   key   => version: int16 (0), type: int16 (0 = ABORT, 1 = COMMIT)
 *   value => version: int16 (0), coordinatorEpoch: int32
 *
 * The record around them is the usual v2 record (length varint, attributes int8, timestampDelta varlong,
 * offsetDelta varint, keyLength varint, key, valueLength varint, value, headers). This reader walks only as far
 * as it must, with its own varint decoding, so the log's append path needs nothing from the full codec.
 */

export const CONTROL_TYPE_ABORT = 0;
export const CONTROL_TYPE_COMMIT = 1;

export interface EndTxnMarker {
  readonly isAbort: boolean;
  readonly coordinatorEpoch: number;
}

/**
 * The marker of the control batch at `pos`, or undefined for a control batch that is not an end-txn marker
 * (Kafka reserves other control types, which carry no transaction state).
 */
export function readEndTxnMarker(buf: Buffer, pos: number): EndTxnMarker | undefined {
  const end = pos + batchSize(buf, pos);
  if (recordsCount(buf, pos) < 1) throw corrupt('control batch without a record');
  const cur = { pos: pos + RECORDS_OFFSET, end };
  readVarint(buf, cur); // record length
  cur.pos += 1; // attributes
  readVarint(buf, cur); // timestampDelta (a varlong; its value is not needed, only its length)
  readVarint(buf, cur); // offsetDelta
  const keyLength = readVarint(buf, cur);
  if (keyLength < 4 || cur.pos + keyLength > end) throw corrupt(`control record key of ${keyLength} bytes`);
  const type = buf.readInt16BE(cur.pos + 2);
  cur.pos += keyLength;
  if (type !== CONTROL_TYPE_ABORT && type !== CONTROL_TYPE_COMMIT) return undefined;
  const valueLength = readVarint(buf, cur);
  if (valueLength < 6 || cur.pos + valueLength > end)
    throw corrupt(`end-txn marker value of ${valueLength} bytes`);
  return { isAbort: type === CONTROL_TYPE_ABORT, coordinatorEpoch: buf.readInt32BE(cur.pos + 2) };
}

/** Zig-zag varint of up to 10 bytes; returns the decoded value (exact only within the safe integer range). */
function readVarint(buf: Buffer, cur: { pos: number; end: number }): number {
  let raw = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (cur.pos >= cur.end) throw corrupt('varint runs past the batch');
    const b = buf[cur.pos++]!;
    raw += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    scale *= 128;
  }
  throw corrupt('varint longer than 10 bytes');
}

function corrupt(what: string): KafkaError {
  return new KafkaError('CORRUPT_MESSAGE', what);
}
