import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Cursor,
  hex,
  isKafkaErrorNamed,
  type KafkaRecord,
  readRecord,
  sizeOfRecord,
  sizeOfRecordBody,
  writeRecord,
} from './helpers.js';

const bytes = fc.option(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)));
const record: fc.Arbitrary<KafkaRecord> = fc.record({
  attributes: fc.constant(0),
  timestampDelta: fc.oneof(fc.integer(), fc.maxSafeInteger()),
  offsetDelta: fc.integer({ min: 0, max: 0x7fff_ffff }),
  key: bytes,
  value: bytes,
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 10 }), value: bytes }), { maxLength: 4 }),
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('record', () => {
  it('writes exactly the size it predicts and reads back the same fields', () => {
    fc.assert(
      fc.property(record, (r) => {
        const size = sizeOfRecord(r);
        const buf = Buffer.alloc(size + 2, 0xaa);
        expect(writeRecord(buf, 1, r, sizeOfRecordBody(r))).toBe(1 + size);
        const cursor: Cursor = { pos: 1 };
        expect(readRecord(buf, cursor, 1 + size)).toEqual(r);
        expect(cursor.pos).toBe(1 + size);
      }),
    );
  });

  it('returns key and value as slices of the input', () => {
    const r: KafkaRecord = {
      attributes: 0,
      timestampDelta: 0,
      offsetDelta: 0,
      key: Buffer.from('key'),
      value: Buffer.from('value'),
      headers: [],
    };
    const buf = Buffer.alloc(sizeOfRecord(r));
    writeRecord(buf, 0, r, sizeOfRecordBody(r));
    const read = readRecord(buf, { pos: 0 }, buf.length);
    read.value![0] = 0x56; // 'V'
    expect(buf.includes('Value')).toBe(true);
  });

  it('treats a length that disagrees with the fields, or fields past the end, as CORRUPT_MESSAGE', () => {
    const corrupt = isKafkaErrorNamed('CORRUPT_MESSAGE');
    // length 8 (varint 0x10), but the fields (attributes, timestampDelta, offsetDelta, null key, null value,
    // no headers) take 6 bytes
    const tooLong = hex('10 00 00 00 01 01 00 00 00');
    expect(corrupt(thrown(() => readRecord(tooLong, { pos: 0 }, tooLong.length)))).toBe(true);
    // value length 5 with only 1 byte left
    const shortValue = hex('0c 00 00 00 01 0a 61 00');
    expect(corrupt(thrown(() => readRecord(shortValue, { pos: 0 }, shortValue.length)))).toBe(true);
    // the smallest valid record, read with a records section that ends one byte short of it
    const smallest = hex('0c 00 00 00 01 01 00');
    expect(readRecord(smallest, { pos: 0 }, smallest.length)).toMatchObject({ key: null, value: null });
    expect(corrupt(thrown(() => readRecord(smallest, { pos: 0 }, smallest.length - 1)))).toBe(true);
    // a header with a null key
    const nullHeaderKey = hex('10 00 00 00 01 01 02 01 01');
    expect(corrupt(thrown(() => readRecord(nullHeaderKey, { pos: 0 }, nullHeaderKey.length)))).toBe(true);
  });
});
