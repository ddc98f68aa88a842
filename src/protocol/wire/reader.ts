import { ProtocolDecodeError } from './protocol-errors.js';

/**
 * A cursor over one Kafka message held in a Buffer (big-endian, as everything on the Kafka wire).
 *
 * Invariants: `position` never passes `end`; every read checks that its bytes are there before touching
 * them and throws `ProtocolDecodeError` otherwise, so a malformed frame from the network can only fail
 * decoding, never raise a RangeError or make us allocate what a forged length prefix asks for (lengths are
 * checked against the bytes remaining before anything is sliced or allocated).
 *
 * Bytes and records come back as `subarray` slices of the underlying buffer: no copy. They stay valid as
 * long as the caller keeps that buffer unmodified; a broker that wants to keep a produced batch beyond the
 * request holds the frame, which is what it appends to the log anyway.
 *
 * UUIDs are 32 lowercase hex characters (see `Writer.uuid`). int64 values are JavaScript numbers; one
 * outside ±(2^53 − 1) cannot be represented and is a decode error.
 *
 * A Reader belongs to one decode call on one connection's frame; nothing shares it.
 */
export class Reader {
  readonly buffer: Buffer;
  position: number;
  readonly end: number;

  constructor(buffer: Buffer, start = 0, end = buffer.length) {
    if (start < 0 || end > buffer.length || start > end) {
      throw new ProtocolDecodeError(
        `reader bounds [${start}, ${end}) outside a buffer of ${buffer.length} bytes`,
      );
    }
    this.buffer = buffer;
    this.position = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  /** Throws unless `n` more bytes are available. */
  ensure(n: number): void {
    if (n > this.end - this.position) {
      throw new ProtocolDecodeError(
        `needs ${n} byte(s) at offset ${this.position}, only ${this.end - this.position} remain`,
      );
    }
  }

  int8(): number {
    this.ensure(1);
    const v = this.buffer.readInt8(this.position);
    this.position += 1;
    return v;
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.ensure(2);
    const v = this.buffer.readInt16BE(this.position);
    this.position += 2;
    return v;
  }

  uint16(): number {
    this.ensure(2);
    const v = this.buffer.readUInt16BE(this.position);
    this.position += 2;
    return v;
  }

  int32(): number {
    this.ensure(4);
    const v = this.buffer.readInt32BE(this.position);
    this.position += 4;
    return v;
  }

  uint32(): number {
    this.ensure(4);
    const v = this.buffer.readUInt32BE(this.position);
    this.position += 4;
    return v;
  }

  int64(): number {
    this.ensure(8);
    const hi = this.buffer.readInt32BE(this.position);
    const lo = this.buffer.readUInt32BE(this.position + 4);
    // |hi| < 2^21 keeps hi * 2^32 + lo within 2^53; anything wider is not a safe integer.
    if (hi >= 0x20_0000 || hi < -0x20_0000) {
      throw new ProtocolDecodeError(`int64 at offset ${this.position} is outside the safe integer range`);
    }
    this.position += 8;
    return hi * 0x1_0000_0000 + lo;
  }

  float64(): number {
    this.ensure(8);
    const v = this.buffer.readDoubleBE(this.position);
    this.position += 8;
    return v;
  }

  /** Unsigned LEB128 varint of at most 32 bits (five bytes), as Kafka uses for lengths and tags. */
  unsignedVarint(): number {
    // Fast path: compact lengths, counts and tag sections are almost always a single byte.
    const pos = this.position;
    if (pos < this.end) {
      const b = this.buffer[pos]!;
      if (b < 0x80) {
        this.position = pos + 1;
        return b;
      }
    }
    return this.multiByteVarint();
  }

  private multiByteVarint(): number {
    const buf = this.buffer;
    let pos = this.position;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= this.end) {
        throw new ProtocolDecodeError(`truncated varint at offset ${this.position}`);
      }
      const b = buf[pos++]!;
      if (shift === 28 && b > 0x0f) {
        throw new ProtocolDecodeError(`varint at offset ${this.position} exceeds 32 bits`);
      }
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        this.position = pos;
        return result;
      }
    }
    throw new ProtocolDecodeError(`varint at offset ${this.position} exceeds 32 bits`);
  }

  /** Zig-zag signed varint of at most 32 bits. */
  varint(): number {
    const u = this.unsignedVarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  uuid(): string {
    this.ensure(16);
    const v = this.buffer.toString('hex', this.position, this.position + 16);
    this.position += 16;
    return v;
  }

  /** Raw bytes as a slice of the underlying buffer (no copy). */
  slice(n: number): Buffer {
    if (n < 0) throw new ProtocolDecodeError(`negative length ${n} at offset ${this.position}`);
    this.ensure(n);
    const v = this.buffer.subarray(this.position, this.position + n);
    this.position += n;
    return v;
  }

  skip(n: number): void {
    this.ensure(n);
    this.position += n;
  }

  /** int16 length + UTF-8; -1 is null. */
  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    return this.utf8(len);
  }

  string(): string {
    const v = this.nullableString();
    if (v === null) throw new ProtocolDecodeError('null where a non-nullable string is required');
    return v;
  }

  /** Unsigned varint (length + 1) + UTF-8; 0 is null. */
  compactNullableString(): string | null {
    const len = this.unsignedVarint() - 1;
    if (len === -1) return null;
    return this.utf8(len);
  }

  compactString(): string {
    const v = this.compactNullableString();
    if (v === null) throw new ProtocolDecodeError('null where a non-nullable string is required');
    return v;
  }

  /** int32 length + bytes, as a slice; -1 is null. */
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    return this.slice(len);
  }

  bytes(): Buffer {
    const v = this.nullableBytes();
    if (v === null) throw new ProtocolDecodeError('null where non-nullable bytes are required');
    return v;
  }

  compactNullableBytes(): Buffer | null {
    const len = this.unsignedVarint() - 1;
    if (len === -1) return null;
    return this.slice(len);
  }

  compactBytes(): Buffer {
    const v = this.compactNullableBytes();
    if (v === null) throw new ProtocolDecodeError('null where non-nullable bytes are required');
    return v;
  }

  /**
   * An array's element count (int32, or unsigned varint count + 1 when compact); -1 is null. The count is
   * checked against the bytes left, given the least number of bytes one element can take, so that a forged
   * count can neither make the caller allocate nor loop billions of times.
   */
  arrayLength(compact: boolean, minElementSize: number): number {
    const start = this.position;
    const n = compact ? this.unsignedVarint() - 1 : this.int32();
    if (n < -1) throw new ProtocolDecodeError(`invalid array length ${n} at offset ${start}`);
    if (n > 0 && n * Math.max(minElementSize, 1) > this.end - this.position) {
      throw new ProtocolDecodeError(
        `array of ${n} element(s) at offset ${start} cannot fit in the ${this.end - this.position} byte(s) left`,
      );
    }
    return n;
  }

  private utf8(len: number): string {
    if (len < 0) throw new ProtocolDecodeError(`invalid string length ${len} at offset ${this.position}`);
    this.ensure(len);
    const v = this.buffer.toString('utf8', this.position, this.position + len);
    this.position += len;
    return v;
  }
}
