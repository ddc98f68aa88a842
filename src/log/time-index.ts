import { NO_TIMESTAMP, readInt64, writeInt64 } from '../protocol/records/batch-header.js';
import { AbstractIndex } from './abstract-index.js';

export interface TimestampOffset {
  readonly timestamp: number;
  /** Absolute offset of the record batch that holds `timestamp` as its max timestamp. */
  readonly offset: number;
}

const ENTRY_SIZE = 12;

/**
 * A segment's sparse time index (`<base>.timeindex`), as Kafka writes it:
 *
 *   entry => timestamp: int64        the segment's max timestamp so far
 *            relativeOffset: int32   offset of the batch that first carried it - segment base offset
 *
 * Entries are added with the offset index entries (every `index.interval.bytes`) and once more when the
 * segment becomes inactive, so the last entry of an inactive segment holds its largest timestamp.
 * Invariants: timestamps strictly increase, offsets never decrease. Every batch before an entry's offset has a
 * max timestamp below the entry's, so the first batch with timestamp >= t is at or after `lookup(t).offset`.
 */
export class TimeIndex extends AbstractIndex {
  constructor(path: string, baseOffset: number, maxIndexSize: number) {
    super(path, baseOffset, maxIndexSize, ENTRY_SIZE);
  }

  /** Appends when the timestamp is newer than the last entry's (the index stays monotonic). */
  maybeAppend(timestamp: number, offset: number): void {
    if (timestamp === NO_TIMESTAMP) return;
    if (this.count > 0) {
      const last = this.lastEntry()!;
      if (timestamp <= last.timestamp || offset < last.offset) return;
    }
    const slot = this.slotForAppend();
    writeInt64(this.buf, slot * ENTRY_SIZE, timestamp);
    this.buf.writeInt32BE(offset - this.baseOffset, slot * ENTRY_SIZE + 8);
  }

  /** The greatest entry with timestamp <= target, or (NO_TIMESTAMP, baseOffset) when there is none. */
  lookup(targetTimestamp: number): TimestampOffset {
    const slot = this.largestLowerBoundSlot(targetTimestamp);
    if (slot < 0) return { timestamp: NO_TIMESTAMP, offset: this.baseOffset };
    return this.entry(slot);
  }

  entry(slot: number): TimestampOffset {
    return {
      timestamp: readInt64(this.buf, slot * ENTRY_SIZE),
      offset: this.baseOffset + this.buf.readInt32BE(slot * ENTRY_SIZE + 8),
    };
  }

  lastEntry(): TimestampOffset | undefined {
    return this.count === 0 ? undefined : this.entry(this.count - 1);
  }

  /** Removes entries whose offset is >= `offset` (the log is being truncated there). */
  truncateToOffset(offset: number): void {
    let keep = this.count;
    while (keep > 0 && this.baseOffset + this.buf.readInt32BE((keep - 1) * ENTRY_SIZE + 8) >= offset) keep--;
    this.truncateToEntries(keep);
  }

  /** A description of what is wrong with the entries, or undefined. */
  sanityProblem(): string | undefined {
    let prevTs = Number.NEGATIVE_INFINITY;
    let prevRel = 0;
    for (let i = 0; i < this.count; i++) {
      const ts = readInt64(this.buf, i * ENTRY_SIZE);
      const rel = this.buf.readInt32BE(i * ENTRY_SIZE + 8);
      if (ts <= prevTs || rel < prevRel || ts < 0) {
        return `${this.path}: entry ${i} (${ts}, ${rel}) after (${prevTs}, ${prevRel})`;
      }
      prevTs = ts;
      prevRel = rel;
    }
    return undefined;
  }

  protected override keyAt(slot: number): number {
    return readInt64(this.buf, slot * ENTRY_SIZE);
  }
}
