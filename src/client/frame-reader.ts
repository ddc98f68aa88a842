import { FrameTooLargeError } from '../protocol/wire/frame-splitter.js';

/**
 * Kafka response frames — `int32 size`, then `size` bytes — out of a socket that reads into one reused receive
 * buffer (net's `onread`). The bytes handed to `push` are valid only during the call, so every frame is copied
 * once, into a buffer of exactly its size that the caller then owns (record sets are sliced out of it and live
 * on in the mirror's pipeline).
 *
 * Why not FrameSplitter, which returns frames inside one socket chunk as slices: for the client the frames that
 * matter are large Fetch responses, which span many reads, so the splitter pays a 64 KiB allocation per read and
 * then copies the frame anyway. Here a frame costs one allocation and one copy, which halves the off-heap bytes
 * allocated per byte fetched — and those, not the JS heap, are what drive V8's full collections in the mirror.
 * A size prefix that is negative or above `maxFrameBytes` throws FrameTooLargeError; the caller closes the
 * connection.
 *
 * One instance belongs to one socket's read callback; nothing else touches it.
 */
export class FrameReader {
  private readonly prefix = Buffer.alloc(4);
  private prefixFilled = 0;
  /** The frame being filled, once its size is known. */
  private frame: Buffer | undefined;
  private filled = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds bytes read from the socket; returns the frames they complete, without their size prefix. */
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
