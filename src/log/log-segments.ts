import type { LogSegment } from './log-segment.js';

/**
 * The ordered set of a partition's segments (Kafka's LogSegments): sorted by base offset, the last one is the
 * active segment. Segments are added only at the end (roll) and removed at either end (retention, truncation),
 * so a sorted array with binary search serves every lookup. The owning PartitionLog serialises access.
 */
export class LogSegments {
  private list: LogSegment[] = [];

  get size(): number {
    return this.list.length;
  }

  isEmpty(): boolean {
    return this.list.length === 0;
  }

  /** The segments, oldest first. The array is live: copy it before changing the set while iterating. */
  all(): readonly LogSegment[] {
    return this.list;
  }

  add(segment: LogSegment): void {
    const last = this.list.at(-1);
    if (last !== undefined && last.baseOffset >= segment.baseOffset) {
      throw new RangeError(`segment ${segment.baseOffset} does not follow segment ${last.baseOffset}`);
    }
    this.list.push(segment);
  }

  remove(segment: LogSegment): void {
    const i = this.list.indexOf(segment);
    if (i >= 0) this.list.splice(i, 1);
  }

  /**
   * Puts `replacement` where the consecutive `old` segments were (a compaction swap); its base offset is the
   * first old segment's, so the order holds.
   */
  replace(old: readonly LogSegment[], replacement: LogSegment): void {
    const i = this.list.indexOf(old[0]!);
    if (
      i < 0 ||
      old.some((s, k) => this.list[i + k] !== s) ||
      replacement.baseOffset !== old[0]!.baseOffset
    ) {
      throw new RangeError(
        `segments ${old.map((s) => s.baseOffset).join(', ')} are not consecutive in the log`,
      );
    }
    this.list.splice(i, old.length, replacement);
  }

  clear(): LogSegment[] {
    const removed = this.list;
    this.list = [];
    return removed;
  }

  first(): LogSegment | undefined {
    return this.list[0];
  }

  /** The active segment; a loaded log always has one. */
  active(): LogSegment {
    const last = this.list.at(-1);
    if (last === undefined) throw new RangeError('the log has no segment');
    return last;
  }

  /** The segment with the greatest base offset <= offset. */
  floorSegment(offset: number): LogSegment | undefined {
    const i = this.floorIndex(offset);
    return i < 0 ? undefined : this.list[i];
  }

  /** The segment after `segment`, or undefined for the active one. */
  next(segment: LogSegment): LogSegment | undefined {
    const i = this.list.indexOf(segment);
    return i < 0 ? undefined : this.list[i + 1];
  }

  /** Segments that may hold offsets >= `offset`: the floor segment and every later one. */
  from(offset: number): LogSegment[] {
    return this.list.slice(Math.max(0, this.floorIndex(offset)));
  }

  sizeInBytes(): number {
    let total = 0;
    for (const s of this.list) total += s.size;
    return total;
  }

  private floorIndex(offset: number): number {
    let lo = 0;
    let hi = this.list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
