import { AbstractIndex } from './abstract-index.js';

export interface OffsetPosition {
  /** An absolute offset: the last offset of the batch that starts at `position`. */
  readonly offset: number;
  readonly position: number;
}

const ENTRY_SIZE = 8;

/**
 * A segment's sparse offset index (`<base>.index`), as Kafka writes it:
 *
 *   entry => relativeOffset: int32   batch's last offset - segment base offset
 *            position: int32         byte position of that batch in the segment's .log
 *
 * One entry is added every `index.interval.bytes` of log. Invariants: relative offsets and positions both
 * strictly increase. `lookup(o)` returns the greatest entry with offset <= o: the batch that contains `o`
 * starts at or after its position, so a reader scans forward from there. See AbstractIndex for the file
 * handling and who serialises access.
 */
export class OffsetIndex extends AbstractIndex {
  constructor(path: string, baseOffset: number, maxIndexSize: number) {
    super(path, baseOffset, maxIndexSize, ENTRY_SIZE);
  }

  append(offset: number, position: number): void {
    if (this.count > 0 && offset <= this.lastOffset()) return;
    const slot = this.slotForAppend();
    this.buf.writeInt32BE(offset - this.baseOffset, slot * ENTRY_SIZE);
    this.buf.writeInt32BE(position, slot * ENTRY_SIZE + 4);
  }

  /** The greatest entry with offset <= target, or (baseOffset, 0) when there is none. */
  lookup(targetOffset: number): OffsetPosition {
    const slot = this.largestLowerBoundSlot(targetOffset - this.baseOffset);
    if (slot < 0) return { offset: this.baseOffset, position: 0 };
    return this.entry(slot);
  }

  /** Position to start scanning from for `targetOffset`: allocation-free form of `lookup(o).position`. */
  positionFor(targetOffset: number): number {
    const slot = this.largestLowerBoundSlot(targetOffset - this.baseOffset);
    return slot < 0 ? 0 : this.buf.readInt32BE(slot * ENTRY_SIZE + 4);
  }

  entry(slot: number): OffsetPosition {
    return {
      offset: this.baseOffset + this.buf.readInt32BE(slot * ENTRY_SIZE),
      position: this.buf.readInt32BE(slot * ENTRY_SIZE + 4),
    };
  }

  lastEntry(): OffsetPosition | undefined {
    return this.count === 0 ? undefined : this.entry(this.count - 1);
  }

  lastOffset(): number {
    return this.count === 0 ? this.baseOffset : this.baseOffset + this.buf.readInt32BE((this.count - 1) * 8);
  }

  /** Removes the entries of batches at or after `position` (the log is being truncated there). */
  truncateToPosition(position: number): void {
    let keep = this.count;
    while (keep > 0 && this.buf.readInt32BE((keep - 1) * ENTRY_SIZE + 4) >= position) keep--;
    this.truncateToEntries(keep);
  }

  /** A description of what is wrong with the entries for a log of `logSize` bytes, or undefined. */
  sanityProblem(logSize: number): string | undefined {
    let prevRel = -1;
    let prevPos = -1;
    for (let i = 0; i < this.count; i++) {
      const rel = this.buf.readInt32BE(i * ENTRY_SIZE);
      const pos = this.buf.readInt32BE(i * ENTRY_SIZE + 4);
      if (rel <= prevRel || pos <= prevPos || pos >= logSize) {
        return `${this.path}: entry ${i} (${rel}, ${pos}) after (${prevRel}, ${prevPos}) in a ${logSize}-byte log`;
      }
      prevRel = rel;
      prevPos = pos;
    }
    return undefined;
  }

  protected override keyAt(slot: number): number {
    return this.buf.readInt32BE(slot * ENTRY_SIZE);
  }
}
