import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Cursor,
  isKafkaErrorNamed,
  readUnsignedVarint,
  readVarint,
  readVarlong,
  sizeOfUnsignedVarint,
  sizeOfVarint,
  sizeOfVarlong,
  writeUnsignedVarint,
  writeVarint,
  writeVarlong,
} from './helpers.js';

/** An independent reference: protobuf's zig-zag varint over BigInt. */
function referenceVarlong(value: number): Buffer {
  const n = BigInt(value);
  let zigzag = n >= 0n ? n * 2n : -n * 2n - 1n;
  const bytes: number[] = [];
  while (zigzag >= 0x80n) {
    bytes.push(Number(zigzag & 0x7fn) | 0x80);
    zigzag >>= 7n;
  }
  bytes.push(Number(zigzag));
  return Buffer.from(bytes);
}

function encoded(write: (buf: Buffer, pos: number, v: number) => number, value: number): Buffer {
  const buf = Buffer.alloc(16);
  return buf.subarray(0, write(buf, 0, value));
}

describe('varint', () => {
  it('encodes known values as the protocol guide does', () => {
    expect(encoded(writeVarint, 0).toString('hex')).toBe('00');
    expect(encoded(writeVarint, -1).toString('hex')).toBe('01');
    expect(encoded(writeVarint, 1).toString('hex')).toBe('02');
    expect(encoded(writeVarint, -64).toString('hex')).toBe('7f');
    expect(encoded(writeVarint, 64).toString('hex')).toBe('8001');
    expect(encoded(writeVarint, 2147483647).toString('hex')).toBe('feffffff0f');
    expect(encoded(writeVarint, -2147483648).toString('hex')).toBe('ffffffff0f');
    expect(encoded(writeUnsignedVarint, 300).toString('hex')).toBe('ac02');
    expect(encoded(writeVarlong, Number.MIN_SAFE_INTEGER).toString('hex')).toBe(
      referenceVarlong(Number.MIN_SAFE_INTEGER).toString('hex'),
    );
  });

  it('round-trips every int32 through varint with the size it predicts', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }), (value) => {
        const bytes = encoded(writeVarint, value);
        expect(bytes).toEqual(referenceVarlong(value));
        expect(sizeOfVarint(value)).toBe(bytes.length);
        const cursor: Cursor = { pos: 0 };
        expect(readVarint(bytes, cursor)).toBe(value);
        expect(cursor.pos).toBe(bytes.length);
      }),
    );
  });

  it('round-trips every uint32 through unsigned varint', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (value) => {
        const bytes = encoded(writeUnsignedVarint, value);
        expect(sizeOfUnsignedVarint(value)).toBe(bytes.length);
        expect(readUnsignedVarint(bytes, { pos: 0 })).toBe(value);
      }),
    );
  });

  it('round-trips safe integers through varlong, matching a BigInt reference byte for byte', () => {
    const wide = fc.oneof(
      fc.maxSafeInteger(),
      fc.integer(),
      fc.constantFrom(
        0,
        -1,
        0x3fff_ffff,
        0x4000_0000,
        -0x4000_0000,
        -0x4000_0001,
        2 ** 32,
        -(2 ** 32),
        2 ** 52,
        Number.MAX_SAFE_INTEGER,
        Number.MIN_SAFE_INTEGER,
      ),
    );
    fc.assert(
      fc.property(wide, (value) => {
        const bytes = encoded(writeVarlong, value);
        expect(bytes).toEqual(referenceVarlong(value));
        expect(sizeOfVarlong(value)).toBe(bytes.length);
        const cursor: Cursor = { pos: 0 };
        expect(readVarlong(bytes, cursor)).toBe(value);
        expect(cursor.pos).toBe(bytes.length);
      }),
    );
  });

  it('reads from a position inside a larger buffer and advances the cursor', () => {
    const buf = Buffer.from([0xaa, 0xac, 0x02, 0x03, 0xbb]);
    const cursor: Cursor = { pos: 1 };
    expect(readUnsignedVarint(buf, cursor)).toBe(300);
    expect(readVarint(buf, cursor)).toBe(-2);
    expect(cursor.pos).toBe(4);
  });

  it('treats truncated, over-long and out-of-range encodings as CORRUPT_MESSAGE', () => {
    const cases = [
      () => readVarint(Buffer.from([0x80, 0x80]), { pos: 0 }),
      () => readVarint(Buffer.alloc(0), { pos: 0 }),
      () => readVarint(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), { pos: 0 }),
      () =>
        readVarlong(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), {
          pos: 0,
        }),
      () => readVarlong(referenceVarlong(0), { pos: 1 }),
      // zig-zag of 2^53: one past the safe range
      () => readVarlong(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]), { pos: 0 }),
    ];
    for (const read of cases) {
      let caught: unknown;
      try {
        read();
      } catch (err) {
        caught = err;
      }
      expect(isKafkaErrorNamed('CORRUPT_MESSAGE')(caught)).toBe(true);
    }
  });
});
