/**
 * The exact source→target offset mapping of one mirrored partition.
 *
 * A mirrored batch keeps its records' offset deltas, so within a batch target - source (the *shift*) is the
 * same for every offset. Consecutive mirrored batches keep the shift unless the task dropped something
 * between them (a control batch, aborted transactional data, a compaction gap between batches, data deleted
 * while the task was down) or the target jumped. A *run* is a maximal sequence of mirrored batches with one
 * shift; the mapping is the sorted list of run starts (sourceStart_i, targetStart_i), plus, for the last run,
 * how far it has been mirrored.
 *
 * Invariant (precondition: the remote partition holds only this task's writes, in order):
 *   - sourceStart and targetStart are both strictly increasing over the runs, except that the first run may
 *     have length zero (a leading gap: where the task started reading, before its first record — see
 *     onLeadingGap) and share its targetStart with the second;
 *   - run i covers source [sourceStart_i, sourceStart_i + len_i) where len_i = targetStart_{i+1} - targetStart_i
 *     (the last run: up to `lastRunSourceEnd`), and source offset O in it sits at target O + shift_i;
 *   - source offsets after run i's cover and before sourceStart_{i+1} were read and dropped by the task;
 *   - everything below `sourceNext` has been mirrored or dropped, and the next mirrored record lands at or
 *     after `targetNext`.
 * Hence translate(O), for a committed source offset O (the next offset a consumer would read), returns the
 * target offset of the first target record whose source offset is >= O: the target consumer resumes exactly
 * where the source consumer would have (gaps inside a batch exist identically on both sides). An offset the
 * mirror has not passed yet is "not-yet", never guessed. If foreign records were written to the remote
 * partition, a committed offset in a source gap may translate onto them; no mirrored record is ever skipped
 * or read twice.
 *
 * Offsets are JavaScript numbers (exact below 2^53). Runs live in two growable Float64Arrays, so a partition
 * with millions of runs costs 16 bytes a run and a lookup is a binary search with no allocation.
 *
 * Offset-syncs: every run start is emitted as a sync (upstream = the batch's base offset), and within a run a
 * sync at the last offset of a batch whenever the target moved by `offsetLagMax` or more since the previous
 * sync, so that readers of MirrorMaker 2's format see fresh syncs. Every sync names a source offset covered by
 * a mirrored batch, which keeps MM2's reading of a sync (`O > upstream` ⇒ at least `downstream + 1`) safe —
 * save the one leading-gap sync (onLeadingGap), which names where the task started reading: an MM2 reader
 * translates offsets strictly between it and the first record one record too far (Ferry's own readers
 * rebuild the zero-length run and are exact).
 * Offsets dropped after the last mirrored batch (see markMirroredUpTo) are known in memory only.
 *
 * Not safe for concurrent use: the task owning the partition serialises every call.
 */

/** One point of the mapping as MirrorMaker 2 writes it to the offset-syncs topic, for one partition. */
export interface OffsetSyncPoint {
  readonly upstreamOffset: number;
  readonly downstreamOffset: number;
}

export interface OffsetRun {
  readonly sourceStart: number;
  readonly targetStart: number;
}

export type OffsetTranslation =
  | { readonly kind: 'exact'; readonly targetOffset: number }
  /** The mirror has not passed this offset yet: records below it may still be mirrored. */
  | { readonly kind: 'not-yet' }
  /**
   * Below the first mirrored offset the mapping knows. `firstTargetOffset` is where the first mirrored
   * record sits; it is the exact answer only if the task began mirroring at the source's log start offset
   * (so that nothing below was ever readable), which the caller knows and the mapping does not.
   */
  | { readonly kind: 'before-start'; readonly firstTargetOffset: number };

export interface PartitionOffsetMappingOptions {
  /**
   * Emit a sync within a run when the target offset moved by this much since the previous sync.
   * @defaultValue 100 (MirrorMaker 2's `offset.lag.max`); Infinity emits run starts only.
   */
  readonly offsetLagMax?: number;
}

const NOT_YET: OffsetTranslation = Object.freeze({ kind: 'not-yet' });
const INITIAL_CAPACITY = 16;

export class PartitionOffsetMapping {
  private readonly offsetLagMax: number;
  private sourceStarts = new Float64Array(INITIAL_CAPACITY);
  private targetStarts = new Float64Array(INITIAL_CAPACITY);
  private count = 0;
  /** Exclusive end of the last run's mirrored source offsets. */
  private lastRunSourceEnd = 0;
  /** Everything below has been mirrored or dropped (>= lastRunSourceEnd); -1 before any knowledge. */
  private sourceNextOffset = -1;
  /** Where the next mirrored record lands at the earliest (>= the last run's target end). */
  private targetNextOffset = -1;
  /** Downstream offset of the last sync this mapping emitted or was restored from. */
  private lastSyncDownstream = -1;
  private lastSyncUpstream = -1;

  constructor(options: PartitionOffsetMappingOptions = {}) {
    this.offsetLagMax = options.offsetLagMax ?? 100;
    if (!(this.offsetLagMax >= 1))
      throw new RangeError(`offsetLagMax must be >= 1, got ${this.offsetLagMax}`);
  }

  /** The number of runs, i.e. of discontinuities seen plus one. */
  get runCount(): number {
    return this.count;
  }

  /** Every source offset below this has been mirrored or dropped; -1 when nothing is known yet. */
  get sourceNext(): number {
    return this.sourceNextOffset;
  }

  /** The target offset at which the next mirrored record will sit at the earliest; -1 when unknown. */
  get targetNext(): number {
    return this.targetNextOffset;
  }

  /**
   * Records that the batch [sourceBaseOffset, sourceLastOffset] was acknowledged by the target at
   * targetBaseOffset. Returns the sync to persist (after this ack) when the batch starts a new run (the first
   * batch, or the shift changed) or the periodic refresh is due; undefined otherwise.
   *
   * A batch already covered by the last run with the same shift (a crashed task re-matching the target after
   * restoring from its syncs) extends it. Anything else that goes backwards is a broken caller or a
   * truncated target, and throws.
   */
  onBatchMirrored(
    sourceBaseOffset: number,
    sourceLastOffset: number,
    targetBaseOffset: number,
  ): OffsetSyncPoint | undefined {
    if (sourceLastOffset < sourceBaseOffset)
      throw new RangeError(`batch last offset ${sourceLastOffset} below its base ${sourceBaseOffset}`);
    const shift = targetBaseOffset - sourceBaseOffset;
    const n = this.count;
    if (
      n === 1 &&
      targetBaseOffset === this.targetStarts[0]! &&
      sourceBaseOffset > this.sourceStarts[0]! &&
      this.lastRunSourceEnd === this.sourceStarts[0]! + 1
    ) {
      // The only run is a leading-gap sync read back without the sync of the batch it names (a crash
      // between the two): no record can sit at its target start but this batch's first one. Shrink it to
      // the zero-length run onLeadingGap would have made.
      this.lastRunSourceEnd = this.sourceStarts[0]!;
      this.sourceNextOffset = this.lastRunSourceEnd;
      this.targetNextOffset = targetBaseOffset;
    }
    if (this.count > 0 && shift === this.targetStarts[n - 1]! - this.sourceStarts[n - 1]!) {
      if (sourceBaseOffset < this.sourceStarts[n - 1]!)
        throw new RangeError(`batch at source ${sourceBaseOffset} is below the last run's start`);
      if (sourceBaseOffset >= this.lastRunSourceEnd) this.checkAppendable(sourceBaseOffset, targetBaseOffset);
      // Same shift: the run continues. If the source skipped ahead here, the target skipped as much
      // (foreign records), and those source offsets translate onto them — see the header.
      if (sourceLastOffset + 1 > this.lastRunSourceEnd) this.lastRunSourceEnd = sourceLastOffset + 1;
      this.advanceNext(this.lastRunSourceEnd, this.lastRunSourceEnd + shift);
      const targetLast = sourceLastOffset + shift;
      if (
        targetLast - this.lastSyncDownstream >= this.offsetLagMax &&
        sourceLastOffset > this.lastSyncUpstream
      )
        return this.emit(sourceLastOffset, targetLast);
      return undefined;
    }
    this.checkAppendable(sourceBaseOffset, targetBaseOffset);
    this.pushRun(sourceBaseOffset, targetBaseOffset);
    this.lastRunSourceEnd = sourceLastOffset + 1;
    this.sourceNextOffset = this.lastRunSourceEnd;
    this.targetNextOffset = this.lastRunSourceEnd + shift;
    return this.emit(sourceBaseOffset, targetBaseOffset);
  }

  /**
   * The task began reading the partition at `sourceStart` (the source's log start when it first started)
   * with nothing mirrored yet, and its first mirrored record, from a later source offset, was acknowledged
   * at `targetStart`: every source offset in between was read and found empty (compacted away), so they
   * all translate to `targetStart`. Recorded as a zero-length first run (sourceStart, targetStart) — the
   * first batch's own run then starts at the same target offset — and returned as the sync to persist
   * before that batch's: a reader rebuilding the mapping (offset-sync-log.ts runsFromSyncs) learns where
   * the task started and translates offsets from there. Offsets below `sourceStart` stay 'before-start'.
   * Returns undefined (and records nothing) when runs exist already or the first record is at sourceStart.
   */
  onLeadingGap(
    sourceStart: number,
    firstSourceOffset: number,
    targetStart: number,
  ): OffsetSyncPoint | undefined {
    if (this.count > 0 || firstSourceOffset <= sourceStart) return undefined;
    if (targetStart < this.targetNextOffset)
      throw new RangeError(
        `target start ${targetStart} below the mapped target end ${this.targetNextOffset}`,
      );
    this.pushRun(sourceStart, targetStart);
    this.lastRunSourceEnd = sourceStart;
    if (this.sourceNextOffset < sourceStart) this.sourceNextOffset = sourceStart;
    this.targetNextOffset = targetStart;
    return this.emit(sourceStart, targetStart);
  }

  /**
   * The task read and dropped everything below sourceNextOffset (control batches, aborted data, an empty
   * fetch past a compaction gap); the next mirrored record lands at targetEnd at the earliest. Committed
   * offsets up to sourceNextOffset then translate to targetEnd. A position at or behind what is known is
   * ignored.
   */
  markMirroredUpTo(sourceNextOffset: number, targetEnd: number): void {
    if (sourceNextOffset <= this.sourceNextOffset) return;
    if (targetEnd < this.targetNextOffset)
      throw new RangeError(`target end ${targetEnd} below the mapped target end ${this.targetNextOffset}`);
    this.sourceNextOffset = sourceNextOffset;
    this.targetNextOffset = targetEnd;
  }

  /**
   * A sync at the last mirrored offset if none was emitted there yet: for a periodic commit or a clean
   * shutdown, so that a mapping rebuilt from the syncs knows the whole of the last run.
   */
  syncAtMirroredEnd(): OffsetSyncPoint | undefined {
    const n = this.count;
    if (n === 0) return undefined;
    const upstream = this.lastRunSourceEnd - 1;
    if (upstream <= this.lastSyncUpstream) return undefined;
    return this.emit(upstream, upstream + this.targetStarts[n - 1]! - this.sourceStarts[n - 1]!);
  }

  /** Translates a committed source offset (the next offset to read); see the header for the rule. */
  translate(sourceOffset: number): OffsetTranslation {
    const n = this.count;
    if (n === 0) {
      if (this.sourceNextOffset >= 0 && sourceOffset < this.sourceNextOffset)
        return { kind: 'before-start', firstTargetOffset: this.targetNextOffset };
      return NOT_YET;
    }
    const i = this.runIndexFor(sourceOffset);
    if (i < 0) return { kind: 'before-start', firstTargetOffset: this.targetStarts[0]! };
    const sourceStart = this.sourceStarts[i]!;
    const targetStart = this.targetStarts[i]!;
    if (i < n - 1) {
      const nextTargetStart = this.targetStarts[i + 1]!;
      if (sourceOffset < sourceStart + (nextTargetStart - targetStart))
        return { kind: 'exact', targetOffset: sourceOffset + targetStart - sourceStart };
      return { kind: 'exact', targetOffset: nextTargetStart };
    }
    if (sourceOffset < this.lastRunSourceEnd)
      return { kind: 'exact', targetOffset: sourceOffset + targetStart - sourceStart };
    if (sourceOffset <= this.sourceNextOffset) return { kind: 'exact', targetOffset: this.targetNextOffset };
    return NOT_YET;
  }

  /**
   * Replaces the state with durable runs: `runs` sorted, both starts strictly increasing; the last run
   * mirrored up to (exclusive) lastRunSourceEnd. The periodic sync clock restarts from the last run's end.
   */
  restore(runs: readonly OffsetRun[], lastRunSourceEnd: number): void {
    for (let i = 1; i < runs.length; i++) {
      // A zero-length first run (a leading gap, see onLeadingGap) shares its target start with the next.
      const sameTargetAllowed = i === 1;
      if (
        runs[i]!.sourceStart <= runs[i - 1]!.sourceStart ||
        runs[i]!.targetStart < runs[i - 1]!.targetStart ||
        (runs[i]!.targetStart === runs[i - 1]!.targetStart && !sameTargetAllowed)
      )
        throw new RangeError(`runs not strictly increasing at index ${i}`);
    }
    const last = runs.at(-1);
    if (last !== undefined && lastRunSourceEnd <= last.sourceStart)
      throw new RangeError(`last run end ${lastRunSourceEnd} not after its start ${last.sourceStart}`);
    this.count = 0;
    this.lastSyncUpstream = -1;
    this.lastSyncDownstream = -1;
    this.sourceNextOffset = -1;
    this.targetNextOffset = -1;
    for (const run of runs) this.pushRun(run.sourceStart, run.targetStart);
    if (last === undefined) return;
    this.lastRunSourceEnd = lastRunSourceEnd;
    this.sourceNextOffset = lastRunSourceEnd;
    this.targetNextOffset = lastRunSourceEnd + last.targetStart - last.sourceStart;
    this.lastSyncUpstream = lastRunSourceEnd - 1;
    this.lastSyncDownstream = this.targetNextOffset - 1;
  }

  /** A copy of the runs, oldest first. */
  runs(): OffsetRun[] {
    const out: OffsetRun[] = new Array(this.count);
    for (let i = 0; i < this.count; i++)
      out[i] = { sourceStart: this.sourceStarts[i]!, targetStart: this.targetStarts[i]! };
    return out;
  }

  /** Exclusive end of the last run's mirrored source offsets (0 when there is no run). */
  get lastRunEnd(): number {
    return this.count === 0 ? 0 : this.lastRunSourceEnd;
  }

  /** Index of the last run whose sourceStart <= sourceOffset, or -1. */
  private runIndexFor(sourceOffset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sourceStarts[mid]! <= sourceOffset) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi;
  }

  private checkAppendable(sourceBaseOffset: number, targetBaseOffset: number): void {
    if (sourceBaseOffset < this.sourceNextOffset)
      throw new RangeError(
        `batch at source ${sourceBaseOffset} overlaps what was already mirrored or dropped (below ${this.sourceNextOffset})`,
      );
    if (targetBaseOffset < this.targetNextOffset)
      throw new RangeError(
        `batch at target ${targetBaseOffset} is below the target end ${this.targetNextOffset}: target truncated or written twice`,
      );
  }

  private advanceNext(sourceNext: number, targetNext: number): void {
    if (sourceNext > this.sourceNextOffset) this.sourceNextOffset = sourceNext;
    if (targetNext > this.targetNextOffset) this.targetNextOffset = targetNext;
  }

  private emit(upstreamOffset: number, downstreamOffset: number): OffsetSyncPoint {
    this.lastSyncUpstream = upstreamOffset;
    this.lastSyncDownstream = downstreamOffset;
    return { upstreamOffset, downstreamOffset };
  }

  private pushRun(sourceStart: number, targetStart: number): void {
    if (this.count === this.sourceStarts.length) {
      const sources = new Float64Array(this.count * 2);
      const targets = new Float64Array(this.count * 2);
      sources.set(this.sourceStarts);
      targets.set(this.targetStarts);
      this.sourceStarts = sources;
      this.targetStarts = targets;
    }
    this.sourceStarts[this.count] = sourceStart;
    this.targetStarts[this.count] = targetStart;
    this.count++;
  }
}
