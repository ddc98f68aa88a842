import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';

/**
 * The shared body of the offset index and the time index: a file of fixed-size big-endian entries, sorted by
 * their key, that a segment searches to avoid scanning its log from the start.
 *
 * Ferry does not preallocate index files to `segment.index.bytes` as Kafka does for its memory maps (Node has
 * no mmap): the file holds exactly its entries, so there is nothing to trim on roll or close, and a file whose
 * size is not a multiple of the entry size is corrupt. The entries live in a growable Buffer; appends go to
 * memory and reach the file in one write on `flush()` (roll, flush.ms/flush.messages, close). That keeps the
 * append path free of index syscalls; the price is that after a crash the file may lag the log, which recovery
 * repairs by rebuilding the index of every segment past the recovery point, the only place the lag can be.
 *
 * A new segment's index files are created lazily, at its first `flush()` (roll, flush.ms/flush.messages,
 * close), as Kafka's LazyIndex does: creating a file costs a directory update, and a broker creating
 * thousands of partitions would pay two per partition for files that hold nothing. The loader accepts a
 * missing index next to an empty log file (there is nothing to index); next to a non-empty one a missing
 * index means the segment never reached a flush, so it is past the recovery point and rebuilt anyway.
 *
 * `maxEntries` follows `segment.index.bytes`; a full index makes the log roll. An index never refuses an
 * append: a multi-batch append may run past `maxEntries`, which only makes the next append roll.
 *
 * Not safe for concurrent use: the owning segment's log serialises every call.
 */
export abstract class AbstractIndex {
  protected buf: Buffer;
  protected count = 0;
  private persistedCount = 0;
  /** The file does not exist yet and the next flush must create it, even with no entries. */
  private fileDeferred = false;
  readonly maxEntries: number;

  protected constructor(
    private filePath: string,
    readonly baseOffset: number,
    maxIndexSize: number,
    readonly entrySize: number,
  ) {
    this.maxEntries = Math.max(1, Math.floor(maxIndexSize / entrySize));
    this.buf = Buffer.alloc(Math.min(this.maxEntries, 1024) * entrySize);
  }

  get path(): string {
    return this.filePath;
  }

  get entries(): number {
    return this.count;
  }

  isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** Creates an empty file, so that a missing index on open means it was lost, not never written. */
  createEmptyFile(): void {
    closeSync(openSync(this.filePath, 'w'));
    this.count = 0;
    this.persistedCount = 0;
    this.fileDeferred = false;
  }

  /** Starts empty with no file: the first flush creates it (see the class comment). */
  deferFileCreation(): void {
    this.count = 0;
    this.persistedCount = 0;
    this.fileDeferred = true;
  }

  /**
   * Reads the file into memory. Returns a description of the problem when the file is missing or its size is
   * not a whole number of entries; callers then rebuild the index from the log.
   */
  load(): string | undefined {
    if (!existsSync(this.filePath)) return `${this.filePath} is missing`;
    const data = readFileSync(this.filePath);
    this.count = 0;
    this.persistedCount = 0;
    if (data.length % this.entrySize !== 0) {
      return `${this.filePath} has ${data.length} bytes, not a multiple of ${this.entrySize}`;
    }
    this.ensureCapacity(data.length / this.entrySize);
    data.copy(this.buf, 0);
    this.count = data.length / this.entrySize;
    this.persistedCount = this.count;
    return undefined;
  }

  /** Writes the entries not yet in the file in one write; fsyncs when asked. */
  /** Whether every entry is in the file (not necessarily fsynced). */
  get isPersisted(): boolean {
    return this.persistedCount === this.count && !this.fileDeferred;
  }

  flush(fsync = true): void {
    if (this.persistedCount === this.count) {
      // An empty new file has no data to make durable; its directory entry is not fsynced either (a crash
      // that loses it leaves a segment the loader handles as described in the class comment).
      if (this.fileDeferred && !existsSync(this.filePath)) closeSync(openSync(this.filePath, 'w'));
      this.fileDeferred = false;
      return;
    }
    const fd = openSync(this.filePath, existsSync(this.filePath) ? 'r+' : 'w+');
    try {
      const from = this.persistedCount * this.entrySize;
      let written = 0;
      const length = this.count * this.entrySize - from;
      while (written < length) {
        written += writeSync(fd, this.buf, from + written, length - written, from + written);
      }
      if (fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.persistedCount = this.count;
    this.fileDeferred = false;
  }

  /** Drops every entry from slot `n` on, in memory and in the file. */
  truncateToEntries(n: number): void {
    if (n >= this.count) return;
    this.count = n;
    if (this.persistedCount > n) {
      if (existsSync(this.filePath)) truncateSync(this.filePath, n * this.entrySize);
      this.persistedCount = n;
    }
  }

  reset(): void {
    this.count = 0;
    this.persistedCount = 0;
    if (existsSync(this.filePath)) truncateSync(this.filePath, 0);
  }

  /** Cuts the file back to what the last fsync wrote: what a crash that loses the page cache leaves. */
  dropUnpersisted(): void {
    this.count = this.persistedCount;
  }

  renameTo(newPath: string, rename: (from: string, to: string) => void): void {
    if (existsSync(this.filePath)) rename(this.filePath, newPath);
    this.filePath = newPath;
  }

  deleteIfExists(): void {
    if (existsSync(this.filePath)) unlinkSync(this.filePath);
  }

  /**
   * The largest slot whose key is <= target, or -1 when every key is greater (or there are no entries).
   * Binary search over the in-memory entries; allocates nothing.
   */
  protected largestLowerBoundSlot(target: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keyAt(mid) <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The smallest slot whose key is >= target, or `entries` when there is none. */
  protected smallestUpperBoundSlot(target: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keyAt(mid) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  protected abstract keyAt(slot: number): number;

  /** Room for one more entry; the Buffer doubles, so appends are amortised O(1). */
  protected slotForAppend(): number {
    this.ensureCapacity(this.count + 1);
    return this.count++;
  }

  private ensureCapacity(entries: number): void {
    const needed = entries * this.entrySize;
    if (needed <= this.buf.length) return;
    let size = Math.max(this.buf.length, this.entrySize);
    while (size < needed) size *= 2;
    const grown = Buffer.alloc(size);
    this.buf.copy(grown, 0, 0, this.count * this.entrySize);
    this.buf = grown;
  }
}
