import { FrameTooLargeError } from '../protocol/wire/frame-splitter.js';

/**
 * Kafka response frames — `int32 size`, then `size` bytes — out of a socket that reads into buffers this reader
 * chooses (net's `onread`, whose `buffer` function is asked for the next read's target after every read):
 *
 * - while a frame of at least DIRECT_READ_MIN_BYTES is incomplete, the socket reads straight into the rest of that
 *   frame's own buffer, so a large Fetch response reaches its final place without any copy in JavaScript;
 * - otherwise it reads into one reused receive buffer, and the bytes are valid only during the call: size prefixes
 *   and small frames are copied out of it, each frame once, into a buffer of exactly its size.
 *
 * Either way the caller owns every frame it gets (record sets are sliced out of it and live on in the mirror's
 * pipeline), and a frame costs one allocation. FrameSplitter, which returns frames inside one socket chunk as
 * slices, would pay a 64 KiB allocation per socket read and then copy every frame that spans reads — the large
 * Fetch responses that matter here — and those off-heap bytes, not the JS heap, drive V8's full collections in the
 * mirror. A size prefix that is negative or above `maxFrameBytes` throws FrameTooLargeError; the caller closes the
 * connection.
 *
 * One instance belongs to one socket's read callbacks; nothing else touches it.
 */
/** A frame with at least this much still to come is read into directly. */
export const DIRECT_READ_MIN_BYTES = 64 * 1024;

export class FrameReader {
  private readonly prefix = Buffer.alloc(4);
  /** The target of the last direct read: the unfilled rest of `frame`. */
  private direct: Buffer | undefined;
  private prefixFilled = 0;
  /** The frame being filled, once its size is known. */
  private frame: Buffer | undefined;
  private filled = 0;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly receive: Buffer = Buffer.allocUnsafe(DIRECT_READ_MIN_BYTES),
  ) {}

  /** Where the socket's next read should land: the rest of a large incomplete frame, else the receive buffer. */
  nextReadTarget(): Buffer {
    const frame = this.frame;
    if (frame !== undefined && frame.length - this.filled >= DIRECT_READ_MIN_BYTES) {
      this.direct = frame.subarray(this.filled);
      return this.direct;
    }
    this.direct = undefined;
    return this.receive;
  }

  /** The socket read `bytes` into `target` (the last nextReadTarget); returns the frames that completes. */
  onRead(bytes: number, target: Uint8Array): Buffer[] {
    if (target !== this.direct) return this.push(Buffer.from(target.buffer, target.byteOffset, bytes));
    this.direct = undefined;
    this.filled += bytes;
    const frame = this.frame as Buffer;
    if (this.filled < frame.length) return [];
    this.frame = undefined;
    return [frame];
  }

  /** Feeds bytes valid only during this call; returns the frames they complete, without their size prefix. */
  push(data: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    const end = data.length;
    let pos = 0;
    while (pos < end) {
      let frame = this.frame;
      if (frame === undefined) {
        let size: number;
        if (this.prefixFilled === 0 && end - pos >= 4) {
          size = data.readInt32BE(pos);
          pos += 4;
        } else {
          const n = Math.min(4 - this.prefixFilled, end - pos);
          data.copy(this.prefix, this.prefixFilled, pos, pos + n);
          this.prefixFilled += n;
          pos += n;
          if (this.prefixFilled < 4) break;
          this.prefixFilled = 0;
          size = this.prefix.readInt32BE(0);
        }
        if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
        frame = Buffer.allocUnsafe(size);
        this.frame = frame;
        this.filled = 0;
      }
      const n = Math.min(frame.length - this.filled, end - pos);
      data.copy(frame, this.filled, pos, pos + n);
      this.filled += n;
      pos += n;
      if (this.filled === frame.length) {
        frames.push(frame);
        this.frame = undefined;
      }
    }
    return frames;
  }
}
