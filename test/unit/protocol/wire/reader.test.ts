import { describe, expect, it } from 'vitest';
import { ProtocolDecodeError } from '../../../../src/protocol/wire/protocol-errors.js';
import { Reader } from '../../../../src/protocol/wire/reader.js';

const r = (hex: string) => new Reader(Buffer.from(hex, 'hex'));

describe('Reader', () => {
  it('reads big-endian fixed-width integers', () => {
    const reader = r('ff' + '8000' + 'ffff' + '7fffffff' + 'ffffffff' + '3ff0000000000000');
    expect(reader.int8()).toBe(-1);
    expect(reader.int16()).toBe(-32768);
    expect(reader.uint16()).toBe(65535);
    expect(reader.int32()).toBe(0x7fffffff);
    expect(reader.uint32()).toBe(0xffffffff);
    expect(reader.float64()).toBe(1);
    expect(reader.remaining).toBe(0);
  });

  it('reads int64 within the safe range and rejects values beyond it', () => {
    expect(r('001fffffffffffff').int64()).toBe(Number.MAX_SAFE_INTEGER);
    expect(r('ffe0000000000001').int64()).toBe(-Number.MAX_SAFE_INTEGER);
    expect(r('ffffffffffffffff').int64()).toBe(-1);
    expect(() => r('7fffffffffffffff').int64()).toThrow(ProtocolDecodeError);
    expect(() => r('8000000000000000').int64()).toThrow(ProtocolDecodeError);
  });

  it('reads unsigned and zig-zag varints', () => {
    expect(r('00').unsignedVarint()).toBe(0);
    expect(r('7f').unsignedVarint()).toBe(127);
    expect(r('8001').unsignedVarint()).toBe(128);
    expect(r('ffffffff0f').unsignedVarint()).toBe(0xffffffff);
    expect(r('01').varint()).toBe(-1);
    expect(r('02').varint()).toBe(1);
    expect(r('feffffff0f').varint()).toBe(0x7fffffff);
    expect(r('ffffffff0f').varint()).toBe(-0x80000000);
  });

  it('rejects varints that are truncated or wider than 32 bits', () => {
    expect(() => r('80').unsignedVarint()).toThrow(ProtocolDecodeError);
    expect(() => r('ffffffff1f').unsignedVarint()).toThrow(/exceeds 32 bits/);
    expect(() => r('ffffffffff01').unsignedVarint()).toThrow(/exceeds 32 bits/);
  });

  it('reads strings classic and compact, with null', () => {
    expect(r('0002 6869'.replace(' ', '')).string()).toBe('hi');
    expect(r('ffff').nullableString()).toBeNull();
    expect(r('036869').compactString()).toBe('hi');
    expect(r('00').compactNullableString()).toBeNull();
    expect(() => r('ffff').string()).toThrow(ProtocolDecodeError);
    expect(() => r('00').compactString()).toThrow(ProtocolDecodeError);
    expect(() => r('fffe').nullableString()).toThrow(/invalid string length/);
  });

  it('returns bytes as slices of the input, without copying', () => {
    const buf = Buffer.from('00000003aabbcc', 'hex');
    const bytes = new Reader(buf).bytes();
    expect(bytes.toString('hex')).toBe('aabbcc');
    expect(bytes.buffer).toBe(buf.buffer);
    bytes[0] = 0;
    expect(buf[4]).toBe(0);
    expect(r('ffffffff').nullableBytes()).toBeNull();
    expect(r('04aabbcc').compactBytes().toString('hex')).toBe('aabbcc');
  });

  it('reads uuids as 32 hex characters', () => {
    expect(r('0123456789abcdef0123456789abcdef').uuid()).toBe('0123456789abcdef0123456789abcdef');
  });

  it('checks every read against the end and says where it failed', () => {
    const reader = r('0001');
    expect(() => reader.int32()).toThrow('needs 4 byte(s) at offset 0, only 2 remain');
    expect(reader.position).toBe(0);
    expect(() => r('00000010aa').bytes()).toThrow(ProtocolDecodeError);
    expect(() => r('00000001').int64()).toThrow(ProtocolDecodeError);
  });

  it('honours a sub-range of the buffer', () => {
    const reader = new Reader(Buffer.from('aabbccdd', 'hex'), 1, 3);
    expect(reader.uint16()).toBe(0xbbcc);
    expect(() => reader.int8()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.alloc(2), 0, 3)).toThrow(ProtocolDecodeError);
  });

  it('rejects an array count that cannot fit before allocating anything', () => {
    expect(() => r('7fffffff').arrayLength(false, 1)).toThrow(/cannot fit/);
    expect(() => r('ffffffff0f').arrayLength(true, 1)).toThrow(/cannot fit/);
    // elements of at least 4 bytes: 2 elements need 8
    expect(() => r('00000002 00000000'.replace(' ', '')).arrayLength(false, 4)).toThrow(/cannot fit/);
    expect(r('ffffffff').arrayLength(false, 4)).toBe(-1);
    expect(r('00').arrayLength(true, 4)).toBe(-1);
    expect(() => r('fffffffe').arrayLength(false, 4)).toThrow(/invalid array length/);
  });
});
