import { describe, expect, it } from 'vitest';
import { ProtocolEncodeError } from '../../../../src/protocol/wire/protocol-errors.js';
import { Writer } from '../../../../src/protocol/wire/writer.js';

const hexOf = (w: Writer) => w.toBuffer().toString('hex');

describe('Writer', () => {
  it('writes big-endian fixed-width integers', () => {
    const w = new Writer();
    w.int8(-1).int16(-32768).uint16(65535).int32(0x7fffffff).uint32(0xffffffff).float64(1).bool(true);
    expect(hexOf(w)).toBe('ff8000ffff7fffffffffffffff3ff000000000000001');
  });

  it('writes int64 within the safe range and throws beyond it', () => {
    const w = new Writer();
    w.int64(-1).int64(Number.MAX_SAFE_INTEGER).int64(-Number.MAX_SAFE_INTEGER).int64(1700000000000);
    expect(hexOf(w)).toBe('ffffffffffffffff001fffffffffffffffe00000000000010000018bcfe56800');
    expect(() => new Writer().int64(2 ** 53)).toThrow(ProtocolEncodeError);
    expect(() => new Writer().int64(1.5)).toThrow(ProtocolEncodeError);
  });

  it('writes unsigned and zig-zag varints', () => {
    const w = new Writer();
    w.unsignedVarint(0).unsignedVarint(127).unsignedVarint(128).unsignedVarint(0xffffffff);
    w.varint(-1).varint(1).varint(-0x80000000);
    expect(hexOf(w)).toBe('007f8001ffffffff0f0102ffffffff0f');
    expect(() => new Writer().unsignedVarint(-1)).toThrow(ProtocolEncodeError);
    expect(() => new Writer().unsignedVarint(2 ** 32)).toThrow(ProtocolEncodeError);
    expect(() => new Writer().varint(2 ** 31)).toThrow(ProtocolEncodeError);
  });

  it('writes strings, bytes and array lengths classic and compact', () => {
    const w = new Writer();
    w.nullableString('hé').nullableString(null).compactNullableString('hi').compactNullableString(null);
    w.nullableBytes(Buffer.from([1]))
      .nullableBytes(null)
      .compactNullableBytes(Buffer.from([2]));
    w.arrayLength(2, false).arrayLength(null, false).arrayLength(2, true).arrayLength(null, true);
    expect(hexOf(w)).toBe(
      '000368c3a9ffff0368690000000001 01ffffffff0202 00000002ffffffff0300'.replace(/ /g, ''),
    );
  });

  it('writes uuids from 32 hex characters and rejects anything else', () => {
    expect(hexOf(new Writer().uuid('0123456789ABCDEF0123456789abcdef'))).toBe(
      '0123456789abcdef0123456789abcdef',
    );
    expect(() => new Writer().uuid('xyz')).toThrow(ProtocolEncodeError);
  });

  it('grows the scratch buffer without losing what was written', () => {
    const w = new Writer(16);
    for (let i = 0; i < 1000; i++) w.int32(i);
    const out = w.toBuffer();
    expect(out.length).toBe(4000);
    expect(out.readInt32BE(999 * 4)).toBe(999);
  });

  it('appends buffers by reference as chunks of their own', () => {
    const big = Buffer.alloc(4096, 1);
    const w = new Writer(16);
    w.int32(big.length).appendBuffer(big).int16(7);
    // grow after sealing: sealed chunks must stay intact
    for (let i = 0; i < 100; i++) w.int32(i);
    const chunks = w.toChunks();
    expect(chunks).toHaveLength(3);
    expect(chunks[0]!.toString('hex')).toBe('00001000');
    expect(chunks[1]).toBe(big);
    expect(chunks[2]!.readInt16BE(0)).toBe(7);
    expect(w.length).toBe(4 + 4096 + 2 + 400);
  });

  it('records bytes go by reference, small bytes are copied', () => {
    const w = new Writer();
    const small = Buffer.from([9, 9]);
    w.nullableBytes(small).compactNullableBytes(small, true);
    const chunks = w.toChunks();
    expect(chunks.map((c) => c.toString('hex'))).toEqual(['00000002090903', '0909']);
    expect(chunks[1]).toBe(small);
  });

  it('patches a reserved int32 in the scratch and in a sealed chunk', () => {
    const w = new Writer(8);
    const first = w.reserveInt32();
    w.appendBuffer(Buffer.from([1, 2, 3]));
    const second = w.reserveInt32();
    w.int8(5);
    w.patchInt32(first, 0x11223344);
    w.patchInt32(second, -2);
    expect(hexOf(w)).toBe('11223344010203fffffffe05');
  });
});
