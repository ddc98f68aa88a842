import { KafkaError } from '../../protocol/errors/index.js';
import { Reader } from '../../protocol/wire/reader.js';

/**
 * The subset of Kafka's `Struct`/`Schema` serialisation (org.apache.kafka.common.protocol.types) that
 * MirrorMaker 2's internal records use: fields written back to back, big-endian, no tags, no framing —
 *
 *   INT16   2 bytes            INT32   4 bytes            INT64   8 bytes
 *   STRING  INT16 length n >= 0, then n bytes of UTF-8 (never null)
 *
 * An encoder sizes its buffer first and allocates exactly once. Decoders read with the wire Reader (every
 * length checked against the bytes present) and turn any shortfall into CORRUPT_MESSAGE naming the record
 * part; bytes after the last known field are ignored, as Kafka's Schema.read ignores them.
 */
export class StructWriter {
  private readonly buffer: Buffer;
  private position = 0;

  constructor(size: number) {
    this.buffer = Buffer.alloc(size);
  }

  static stringSize(value: string): number {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > 0x7fff) throw new KafkaError('INVALID_RECORD', `string of ${bytes} bytes exceeds 32767`);
    return 2 + bytes;
  }

  int16(value: number): this {
    this.position = this.buffer.writeInt16BE(value, this.position);
    return this;
  }

  int32(value: number): this {
    this.position = this.buffer.writeInt32BE(value, this.position);
    return this;
  }

  int64(value: number): this {
    if (!Number.isSafeInteger(value))
      throw new KafkaError('INVALID_RECORD', `int64 ${value} is not a safe integer`);
    this.position = this.buffer.writeBigInt64BE(BigInt(value), this.position);
    return this;
  }

  string(value: string): this {
    const bytes = this.buffer.write(value, this.position + 2, 'utf8');
    this.buffer.writeInt16BE(bytes, this.position);
    this.position += 2 + bytes;
    return this;
  }

  /** The encoded bytes; throws if the declared size and the fields written disagree (a bug, not bad input). */
  finish(): Buffer {
    if (this.position !== this.buffer.length) {
      throw new Error(`struct encoder wrote ${this.position} of ${this.buffer.length} bytes`);
    }
    return this.buffer;
  }
}

/** Runs `read` over `bytes`, reporting a short or malformed record as CORRUPT_MESSAGE for `what`. */
export function decodeStruct<T>(bytes: Buffer | null | undefined, what: string, read: (r: Reader) => T): T {
  if (bytes === null || bytes === undefined) throw new KafkaError('CORRUPT_MESSAGE', `${what} is null`);
  try {
    return read(new Reader(bytes));
  } catch (err) {
    throw new KafkaError('CORRUPT_MESSAGE', `${what}: ${(err as Error).message}`, { cause: err });
  }
}

/** Kafka's STRING refuses a negative length (it has no null); the wire Reader would return null for -1. */
export function readString(r: Reader): string {
  const s = r.nullableString();
  if (s === null) throw new Error('negative string length');
  return s;
}
