/**
 * Splits a TCP byte stream into Kafka frames: `int32 size` followed by `size` bytes (a request or a response,
 * header included), for the broker's connections (the raw-batch client reads with its own FrameReader).
 *
 * A frame that arrives inside one chunk is returned as a slice of that chunk (no copy) — the common case for
 * small requests and for anything read in one go; only a frame that spans chunks is copied once into a buffer of
 * its own size. A size prefix that is negative or above `maxFrameBytes` is a protocol violation: `push` throws
 * and the caller closes that one connection.
 *
 * One instance belongs to one socket's data handler; nothing else touches it.
 */
export class FrameTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly maxFrameBytes: number,
  ) {
    super(
      size < 0
        ? `invalid frame size ${size}`
        : `frame of ${size} bytes exceeds the limit of ${maxFrameBytes} bytes (socket.request.max.bytes)`,
    );
    this.name = 'FrameTooLargeError';
  }
}

const EMPTY = Buffer.alloc(0);

export class FrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the frame being assembled, once its 4-byte prefix is known; -1 before. */
  private pendingSize = -1;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes received but not yet returned as frames. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Feeds a chunk from the socket; returns the complete frames it finished, without their size prefix. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    // Fast path only at a frame boundary: nothing buffered AND no size prefix already taken. A prefix that
    // arrived as the last bytes of the previous chunks leaves nothing buffered while its frame is still owed;
    // reading this chunk's first bytes as a new prefix then would misframe the rest of the connection.
    if (this.buffered === 0 && this.pendingSize < 0) {
      // Frames straight out of this chunk, as slices.
      let pos = 0;
      while (chunk.length - pos >= 4) {
        const size = chunk.readInt32BE(pos);
        this.check(size);
        if (chunk.length - pos - 4 < size) break;
        frames.push(chunk.subarray(pos + 4, pos + 4 + size));
        pos += 4 + size;
      }
      if (pos < chunk.length) this.keep(chunk.subarray(pos));
      return frames;
    }
    this.keep(chunk);
    for (;;) {
      if (this.pendingSize < 0) {
        if (this.buffered < 4) return frames;
        this.pendingSize = this.take(4).readInt32BE(0);
        this.check(this.pendingSize);
      }
      if (this.buffered < this.pendingSize) return frames;
      frames.push(this.take(this.pendingSize));
      this.pendingSize = -1;
    }
  }

  private check(size: number): void {
    if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
  }

  private keep(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Removes `n` bytes from the front: a slice when they sit in the first chunk, else one copy. */
  private take(n: number): Buffer {
    // An empty frame (size 0) may come when nothing is buffered; the request decoder refuses it, not this.
    if (n === 0) return EMPTY;
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const head = this.chunks[0]!;
        const part = Math.min(head.length, n - filled);
        head.copy(out, filled, 0, part);
        filled += part;
        if (part === head.length) this.chunks.shift();
        else this.chunks[0] = head.subarray(part);
      }
    }
    this.buffered -= n;
    return out;
  }
}
