/**
 * Fixed-size buffers that the fetch path lends to `PartitionLog.read(..., into)` so that a fetch reads into
 * memory that is already mapped and warm instead of a fresh allocation per fetch (first-touch page faults on a
 * new ~1 MiB buffer cost more than the read itself).
 *
 * Aliasing rule: the records a read returns are a slice of the lent buffer. They are valid only while the
 * buffer is held: the holder releases it once nothing refers to the records any more (the broker: after the
 * socket has written the response that carries them). Releasing earlier lets the next fetch overwrite bytes a
 * response is still sending.
 *
 * The pool keeps at most `maxPooled` idle buffers; `acquire` never blocks or fails, it allocates when none is
 * idle, so the pool bounds idle memory, not in-flight memory (the fetch path bounds that with its own limits).
 * Buffers come from `Buffer.allocUnsafeSlow`: each owns its memory, so keeping one never pins a shared slab.
 * Not thread-safe and needs not be: the event loop is its only user.
 */
export class ReadBufferPool {
  private readonly idle: Buffer[] = [];
  private readonly lent = new Set<Buffer>();
  private allocatedCount = 0;

  constructor(
    /** Bytes per buffer: a fetch's max bytes plus slack for the index gap (2 × index.interval.bytes + a header). */
    readonly bufferSize: number,
    /** Idle buffers kept for reuse; more are freed on release. @defaultValue 16 */
    readonly maxPooled = 16,
  ) {
    if (!Number.isSafeInteger(bufferSize) || bufferSize <= 0) {
      throw new RangeError(`read buffer size ${bufferSize} must be a positive integer`);
    }
    if (!Number.isSafeInteger(maxPooled) || maxPooled < 0) {
      throw new RangeError(`read buffer pool size ${maxPooled} must be a non-negative integer`);
    }
  }

  /** A buffer of `bufferSize` bytes, idle or new; its contents are arbitrary. */
  acquire(): Buffer {
    const buf = this.idle.pop() ?? this.allocate();
    this.lent.add(buf);
    return buf;
  }

  /**
   * Returns a buffer `acquire` handed out (the whole buffer, not a slice of it). Every slice of it becomes
   * invalid. Releasing a buffer twice, or one the pool did not lend, is a bug and throws.
   */
  release(buf: Buffer): void {
    if (!this.lent.delete(buf)) throw new RangeError('released a buffer this pool did not lend (or twice)');
    if (this.idle.length < this.maxPooled) this.idle.push(buf);
  }

  /** Buffers currently lent out. */
  get inUse(): number {
    return this.lent.size;
  }

  /** Idle buffers ready for reuse. */
  get idleCount(): number {
    return this.idle.length;
  }

  /** Buffers ever allocated (a pool that keeps allocating is too small for its load). */
  get allocated(): number {
    return this.allocatedCount;
  }

  private allocate(): Buffer {
    this.allocatedCount++;
    return Buffer.allocUnsafeSlow(this.bufferSize);
  }
}
