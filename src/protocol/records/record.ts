import { KafkaError } from '../errors/index.js';
import {
  type Cursor,
  readVarint,
  readVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from './varint.js';

/**
 * One record inside a v2 record batch (after decompression):
 *
 *   Record =>
 *     length: varint               bytes that follow this field
 *     attributes: int8             unused, always 0
 *     timestampDelta: varlong      timestamp - batch baseTimestamp
 *     offsetDelta: varint          offset - batch baseOffset
 *     keyLength: varint            -1 for a null key
 *     key: byte[keyLength]
 *     valueLength: varint          -1 for a null value (a tombstone)
 *     value: byte[valueLength]
 *     headersCount: varint
 *     headers: [Header]
 *
 *   Header =>
 *     headerKeyLength: varint
 *     headerKey: utf8[headerKeyLength]
 *     headerValueLength: varint    -1 for a null value
 *     headerValue: byte[headerValueLength]
 *
 * Decoding returns key, value and header values as slices of the input buffer, not copies: they are valid as
 * long as the caller keeps that buffer unchanged. Pure functions; no shared state.
 */

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** The fields of a record as they sit in the batch; offset and timestamp are relative to the batch's. */
export interface KafkaRecord {
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

function sizeOfBytes(bytes: Buffer | null): number {
  return bytes === null ? 1 : sizeOfVarint(bytes.length) + bytes.length;
}

/** Bytes after the record's length field. */
export function sizeOfRecordBody(record: KafkaRecord): number {
  let size =
    1 +
    sizeOfVarlong(record.timestampDelta) +
    sizeOfVarint(record.offsetDelta) +
    sizeOfBytes(record.key) +
    sizeOfBytes(record.value) +
    sizeOfVarint(record.headers.length);
  for (const header of record.headers) {
    const keyLength = Buffer.byteLength(header.key, 'utf8');
    size += sizeOfVarint(keyLength) + keyLength + sizeOfBytes(header.value);
  }
  return size;
}

/** Whole size of the record, its length field included. */
export function sizeOfRecord(record: KafkaRecord): number {
  const body = sizeOfRecordBody(record);
  return sizeOfVarint(body) + body;
}

function writeBytes(buf: Buffer, pos: number, bytes: Buffer | null): number {
  if (bytes === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, bytes.length);
  return pos + bytes.copy(buf, pos);
}

/**
 * Writes the record at `pos` and returns the position after it. `bodySize` is {@link sizeOfRecordBody} of the
 * record, passed in because the batch encoder has already computed it to size its buffer.
 */
export function writeRecord(buf: Buffer, pos: number, record: KafkaRecord, bodySize: number): number {
  pos = writeVarint(buf, pos, bodySize);
  buf[pos++] = record.attributes & 0xff;
  pos = writeVarlong(buf, pos, record.timestampDelta);
  pos = writeVarint(buf, pos, record.offsetDelta);
  pos = writeBytes(buf, pos, record.key);
  pos = writeBytes(buf, pos, record.value);
  pos = writeVarint(buf, pos, record.headers.length);
  for (const header of record.headers) {
    const keyLength = Buffer.byteLength(header.key, 'utf8');
    pos = writeVarint(buf, pos, keyLength);
    pos += buf.write(header.key, pos, keyLength, 'utf8');
    pos = writeBytes(buf, pos, header.value);
  }
  return pos;
}

function readBytes(buf: Buffer, cursor: Cursor, end: number, what: string): Buffer | null {
  const length = readVarint(buf, cursor);
  if (length < 0) {
    if (length === -1) return null;
    throw new KafkaError('CORRUPT_MESSAGE', `record ${what} length ${length}`);
  }
  const start = cursor.pos;
  if (start + length > end) {
    throw new KafkaError('CORRUPT_MESSAGE', `record ${what} of ${length} bytes runs past the record's end`);
  }
  cursor.pos = start + length;
  return buf.subarray(start, start + length);
}

/**
 * Reads the record at `cursor.pos`, not reading past `end` (the end of the records section), and leaves the
 * cursor after it. A length field that disagrees with the fields is corruption.
 */
export function readRecord(buf: Buffer, cursor: Cursor, end: number): KafkaRecord {
  const bodySize = readVarint(buf, cursor);
  const bodyStart = cursor.pos;
  const bodyEnd = bodyStart + bodySize;
  if (bodySize < 1 || bodyEnd > end) {
    throw new KafkaError('CORRUPT_MESSAGE', `record length ${bodySize} at ${bodyStart} exceeds the batch`);
  }
  const attributes = buf.readInt8(cursor.pos++);
  const timestampDelta = readVarlong(buf, cursor);
  const offsetDelta = readVarint(buf, cursor);
  const key = readBytes(buf, cursor, bodyEnd, 'key');
  const value = readBytes(buf, cursor, bodyEnd, 'value');
  const headersCount = readVarint(buf, cursor);
  if (headersCount < 0) throw new KafkaError('CORRUPT_MESSAGE', `record headers count ${headersCount}`);
  const headers: RecordHeader[] = [];
  for (let i = 0; i < headersCount; i++) {
    const headerKey = readBytes(buf, cursor, bodyEnd, 'header key');
    if (headerKey === null) throw new KafkaError('CORRUPT_MESSAGE', 'record header with a null key');
    headers.push({ key: headerKey.toString('utf8'), value: readBytes(buf, cursor, bodyEnd, 'header value') });
  }
  if (cursor.pos !== bodyEnd) {
    throw new KafkaError(
      'CORRUPT_MESSAGE',
      `record at ${bodyStart} says ${bodySize} bytes but its fields take ${cursor.pos - bodyStart}`,
    );
  }
  return { attributes, timestampDelta, offsetDelta, key, value, headers };
}
