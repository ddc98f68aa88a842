import { KafkaError } from '../errors/index.js';

/**
 * Variable-length integers as record batch v2 and the flexible protocol versions use them (protobuf's
 * encoding): 7 bits a byte, least significant group first, high bit set on every byte but the last.
 *
 *   unsigned varint  uint32, up to 5 bytes
 *   varint           int32 zig-zag encoded ((n << 1) ^ (n >> 31)), up to 5 bytes
 *   varlong          int64 zig-zag encoded, up to 10 bytes; here a JavaScript number, so only values within
 *                    Number.MAX_SAFE_INTEGER are representable and anything wider reads as corruption
 *
 * Every record field is read through these, so reads take a caller-owned {@link Cursor} and advance it
 * instead of returning a fresh { value, next } object, and the common one-byte case returns early.
 * Writes return the next position.
 */

/** A read position that the varint readers advance. Owned by one caller; reuse it across reads. */
export interface Cursor {
  pos: number;
}

const TWO_POW_27 = 0x800_0000;
const TWO_POW_32 = 0x1_0000_0000;

export function sizeOfUnsignedVarint(value: number): number {
  const v = value >>> 0;
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x20_0000) return 3;
  if (v < 0x1000_0000) return 4;
  return 5;
}

export function sizeOfVarint(value: number): number {
  return sizeOfUnsignedVarint((value << 1) ^ (value >> 31));
}

export function sizeOfVarlong(value: number): number {
  if (value >= -0x4000_0000 && value < 0x4000_0000) return sizeOfVarint(value);
  // |value| >= 2^30, so the zig-zag value has at least 32 significant bits: count 7-bit groups from there.
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (zigzag >= 0x80) {
    zigzag = Math.floor(zigzag / 0x80);
    size++;
  }
  return size;
}

export function writeUnsignedVarint(buf: Buffer, pos: number, value: number): number {
  let v = value >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

export function writeVarint(buf: Buffer, pos: number, value: number): number {
  return writeUnsignedVarint(buf, pos, (value << 1) ^ (value >> 31));
}

export function writeVarlong(buf: Buffer, pos: number, value: number): number {
  if (value >= -0x4000_0000 && value < 0x4000_0000) return writeVarint(buf, pos, value);
  if (!Number.isSafeInteger(value)) throw new RangeError(`varlong ${value} is not a safe integer`);
  // The zig-zag value of a safe integer needs up to 54 bits, past exact doubles: work in 32-bit halves.
  const magnitude = Math.abs(value);
  const mhi = Math.floor(magnitude / TWO_POW_32);
  const mlo = magnitude - mhi * TWO_POW_32;
  let hi = mhi * 2 + (mlo >= 0x8000_0000 ? 1 : 0);
  let lo = (mlo * 2) % TWO_POW_32;
  if (value < 0) {
    // zig-zag of a negative n is 2|n| - 1; |n| >= 2^30 here, so the borrow never underflows hi.
    if (lo === 0) {
      lo = 0xffff_ffff;
      hi -= 1;
    } else {
      lo -= 1;
    }
  }
  while (hi !== 0 || lo >= 0x80) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  buf[pos++] = lo;
  return pos;
}

function truncated(what: string, pos: number): KafkaError {
  return new KafkaError('CORRUPT_MESSAGE', `${what} at ${pos} runs past the end of the buffer`);
}

export function readUnsignedVarint(buf: Buffer, cursor: Cursor): number {
  let pos = cursor.pos;
  const first = buf[pos];
  if (first === undefined) throw truncated('unsigned varint', pos);
  if (first < 0x80) {
    cursor.pos = pos + 1;
    return first;
  }
  let value = first & 0x7f;
  let shift = 7;
  pos++;
  for (;;) {
    const b = buf[pos];
    if (b === undefined) throw truncated('unsigned varint', cursor.pos);
    pos++;
    value |= (b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
    if (shift > 28) throw new KafkaError('CORRUPT_MESSAGE', `varint at ${cursor.pos} is longer than 5 bytes`);
  }
  cursor.pos = pos;
  return value >>> 0;
}

export function readVarint(buf: Buffer, cursor: Cursor): number {
  const zigzag = readUnsignedVarint(buf, cursor);
  return (zigzag >>> 1) ^ -(zigzag & 1);
}

export function readVarlong(buf: Buffer, cursor: Cursor): number {
  let pos = cursor.pos;
  const first = buf[pos];
  if (first === undefined) throw truncated('varlong', pos);
  if (first < 0x80) {
    cursor.pos = pos + 1;
    return (first >>> 1) ^ -(first & 1);
  }
  // The low 28 bits collect in an int, the rest (up to 36 bits) in a double: both stay exact.
  let low = 0;
  let high = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos];
    if (b === undefined) throw truncated('varlong', cursor.pos);
    pos++;
    if (shift < 28) low |= (b & 0x7f) << shift;
    else high += (b & 0x7f) * 2 ** (shift - 28);
    if (b < 0x80) break;
    shift += 7;
    if (shift > 63)
      throw new KafkaError('CORRUPT_MESSAGE', `varlong at ${cursor.pos} is longer than 10 bytes`);
  }
  const magnitude = high * TWO_POW_27 + (low >>> 1);
  const value = low & 1 ? -magnitude - 1 : magnitude;
  if (!Number.isSafeInteger(value)) {
    throw new KafkaError('CORRUPT_MESSAGE', `varlong at ${cursor.pos} is outside the safe integer range`);
  }
  cursor.pos = pos;
  return value;
}
