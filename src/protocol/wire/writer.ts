import { ProtocolEncodeError } from './protocol-errors.js';

const INITIAL_SCRATCH = 1024;
const TWO_POW_32 = 0x1_0000_0000;
const HEX_UUID = /^[0-9a-fA-F]{32}$/;

/**
 * Encodes one Kafka message (big-endian) as a list of Buffer chunks.
 *
 * Small fields go into a growing scratch buffer. A large external Buffer (a `records` field: record batches
 * read from the log for a Fetch response, or a produced batch forwarded by a client) is appended BY
 * REFERENCE: the scratch written so far is sealed as one chunk, the external buffer becomes the next chunk,
 * and writing continues in the scratch after the sealed part. The caller writes the chunks with one
 * cork/uncork or writev, so a 64 KiB batch is never copied on its way from the log to the socket.
 *
 * Sealed chunks are `subarray` views of the scratch; the scratch grows by allocating a bigger one and
 * carrying only the unsealed tail over, so sealed views never move. `reserveInt32`/`patchInt32` fill in a
 * length (the frame's size prefix) once the rest is written; reserved bytes never span chunks because
 * sealing happens only at `appendBuffer`.
 *
 * UUIDs are 32 hex characters (Kafka prints them in base64, but hex is what the log directory tools and
 * humans compare most easily, and a string makes a natural Map key). int64 values are JavaScript numbers;
 * one that is not a safe integer throws.
 *
 * A Writer belongs to the one encode call that created it; nothing shares it.
 */
export class Writer {
  private scratch: Buffer;
  /** Start of the scratch bytes not yet sealed into `chunks`. */
  private segmentStart = 0;
  private pos = 0;
  private readonly chunks: Buffer[] = [];
  /** Bytes in `chunks`. */
  private sealedLength = 0;

  constructor(initialSize = INITIAL_SCRATCH) {
    this.scratch = Buffer.allocUnsafe(Math.max(initialSize, 16));
  }

  /** Bytes written so far (scratch and appended buffers). */
  get length(): number {
    return this.sealedLength + (this.pos - this.segmentStart);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.scratch.length) return;
    const tail = this.pos - this.segmentStart;
    let size = this.scratch.length * 2;
    while (size < tail + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.scratch.copy(next, 0, this.segmentStart, this.pos);
    this.scratch = next;
    this.segmentStart = 0;
    this.pos = tail;
  }

  int8(v: number): this {
    this.ensure(1);
    this.scratch.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.ensure(2);
    this.scratch.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.scratch.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.scratch.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.scratch.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  int64(v: number): this {
    if (!Number.isSafeInteger(v)) {
      throw new ProtocolEncodeError(`int64 value ${v} is not a safe integer`);
    }
    this.ensure(8);
    const hi = Math.floor(v / TWO_POW_32);
    this.scratch.writeInt32BE(hi, this.pos);
    this.scratch.writeUInt32BE(v - hi * TWO_POW_32, this.pos + 4);
    this.pos += 8;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.scratch.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** Unsigned LEB128 varint, 0 ≤ v < 2^32. */
  unsignedVarint(v: number): this {
    if (!(v >= 0 && v < TWO_POW_32) || !Number.isInteger(v)) {
      throw new ProtocolEncodeError(`unsigned varint value ${v} is out of range`);
    }
    this.ensure(5);
    const buf = this.scratch;
    let p = this.pos;
    while (v >= 0x80) {
      buf[p++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[p++] = v;
    this.pos = p;
    return this;
  }

  /** Zig-zag signed varint, −2^31 ≤ v < 2^31. */
  varint(v: number): this {
    if (!(v >= -0x8000_0000 && v <= 0x7fff_ffff) || !Number.isInteger(v)) {
      throw new ProtocolEncodeError(`varint value ${v} is out of range`);
    }
    return this.unsignedVarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  uuid(v: string): this {
    if (!HEX_UUID.test(v))
      throw new ProtocolEncodeError(`uuid ${JSON.stringify(v)} is not 32 hex characters`);
    this.ensure(16);
    this.scratch.write(v, this.pos, 16, 'hex');
    this.pos += 16;
    return this;
  }

  /** Raw bytes copied into the scratch (for small values; large ones go through `appendBuffer`). */
  raw(b: Buffer): this {
    this.ensure(b.length);
    b.copy(this.scratch, this.pos);
    this.pos += b.length;
    return this;
  }

  /** int16 length + UTF-8; null is length -1. */
  nullableString(v: string | null): this {
    if (v === null) return this.int16(-1);
    const len = Buffer.byteLength(v, 'utf8');
    if (len > 0x7fff) throw new ProtocolEncodeError(`string of ${len} bytes exceeds the int16 length limit`);
    this.int16(len);
    return this.utf8(v, len);
  }

  /** Unsigned varint (length + 1) + UTF-8; null is 0. */
  compactNullableString(v: string | null): this {
    if (v === null) return this.unsignedVarint(0);
    const len = Buffer.byteLength(v, 'utf8');
    this.unsignedVarint(len + 1);
    return this.utf8(v, len);
  }

  /** int32 length + bytes; null is -1. `byReference` appends the buffer as its own chunk (see the header). */
  nullableBytes(v: Buffer | null, byReference = false): this {
    if (v === null) return this.int32(-1);
    this.int32(v.length);
    return byReference ? this.appendBuffer(v) : this.raw(v);
  }

  compactNullableBytes(v: Buffer | null, byReference = false): this {
    if (v === null) return this.unsignedVarint(0);
    this.unsignedVarint(v.length + 1);
    return byReference ? this.appendBuffer(v) : this.raw(v);
  }

  /** An array's element count: int32, or unsigned varint count + 1 when compact; null is -1 / 0. */
  arrayLength(n: number | null, compact: boolean): this {
    if (compact) return this.unsignedVarint(n === null ? 0 : n + 1);
    return this.int32(n === null ? -1 : n);
  }

  /** Appends `b` as a chunk of its own, without copying it. */
  appendBuffer(b: Buffer): this {
    if (b.length === 0) return this;
    this.seal();
    this.chunks.push(b);
    this.sealedLength += b.length;
    return this;
  }

  /** Reserves four bytes to be filled by `patchInt32`; returns their absolute offset in the output. */
  reserveInt32(): number {
    const at = this.length;
    this.ensure(4);
    this.pos += 4;
    return at;
  }

  /** Writes an int32 at an absolute output offset previously returned by `reserveInt32`. */
  patchInt32(offset: number, v: number): void {
    if (offset >= this.sealedLength) {
      this.scratch.writeInt32BE(v, this.segmentStart + (offset - this.sealedLength));
      return;
    }
    let base = 0;
    for (const chunk of this.chunks) {
      if (offset < base + chunk.length) {
        chunk.writeInt32BE(v, offset - base);
        return;
      }
      base += chunk.length;
    }
  }

  /** The encoded message as chunks to be written in order; the Writer must not be used afterwards. */
  toChunks(): Buffer[] {
    this.seal();
    return this.chunks;
  }

  /** The encoded message as one Buffer (copies; for tests, tagged-field sizing and small messages). */
  toBuffer(): Buffer {
    const chunks = this.toChunks();
    if (chunks.length === 1) return chunks[0]!;
    return Buffer.concat(chunks, this.sealedLength);
  }

  private seal(): void {
    if (this.pos > this.segmentStart) {
      this.chunks.push(this.scratch.subarray(this.segmentStart, this.pos));
      this.sealedLength += this.pos - this.segmentStart;
      this.segmentStart = this.pos;
    }
  }

  private utf8(v: string, len: number): this {
    this.ensure(len);
    this.scratch.write(v, this.pos, len, 'utf8');
    this.pos += len;
    return this;
  }
}
