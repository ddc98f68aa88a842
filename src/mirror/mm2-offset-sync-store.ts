import type { OffsetSyncPoint } from './offset-mapping.js';

/**
 * REFERENCE MODEL ONLY — MirrorMaker 2's published offset translation, re-implemented from its documented
 * behaviour (apache/kafka connect/mirror: OffsetSyncWriter, MirrorSourceTask, OffsetSyncStore, after
 * KAFKA-14666) so that tests and benchmarks can report how many records MM2 would re-deliver on the same
 * data. Ferry never translates with it.
 *
 * Emission (MM2's source task, per partition, per record acknowledged by the target): a sync is sent at once
 * when this is the first record of the task's lifetime, when the downstream offset is `offset.lag.max` or
 * more past (last sync's downstream + 1), when the upstream offset is not the previous one + 1 (anything
 * skipped: a gap, a marker, aborted data), or when the downstream offset went backwards. Otherwise the
 * record's sync is held as "delayed" and only the latest delayed one is sent at the next offset commit.
 * The model assumes MM2 is never throttled by its limit of 10 outstanding syncs (in MM2 a throttled sync can
 * be replaced by a later one), which favours MM2.
 *
 * Store (MM2's checkpoint task, per partition): 64 slots with
 *   A: slot 0 is the latest sync;
 *   B: for i < j with distinct syncs, slot_i.upstream <= slot_j.upstream + 2^j - 2^i;
 *   C: for i < j with distinct syncs, slot_i.upstream >= slot_j.upstream + 2^(i-2);
 *   D: slot 63 is the earliest sync usable for translation.
 * Until the store has read the syncs topic to its end once, and whenever the upstream offset rewinds, a sync
 * overwrites every slot — so a checkpoint task (re)started after the syncs were written keeps only the last.
 * translate(O): the latest slot with upstream <= O; O == upstream ⇒ downstream, else downstream + 1; none
 * ⇒ not translatable (MM2 returns -1 and emits no checkpoint).
 *
 * Offsets are JavaScript numbers; 2^j is computed in floating point, which orders the same as MM2's
 * overflow-guarded longs for offsets below 2^53. Not safe for concurrent use.
 */

export interface Mm2EmitterOptions {
  /** @defaultValue 100 (MM2's `offset.lag.max`) */
  readonly offsetLagMax?: number;
}

/** MM2's per-partition emission policy, fed with every mirrored record in order. */
export class Mm2OffsetSyncEmitterModel {
  private readonly offsetLagMax: number;
  private previousUpstream = -1;
  private previousDownstream = -1;
  private lastSyncDownstream = -1;
  private delayed: OffsetSyncPoint | undefined;

  constructor(options: Mm2EmitterOptions = {}) {
    this.offsetLagMax = options.offsetLagMax ?? 100;
  }

  /** A record at `upstreamOffset` was acknowledged at `downstreamOffset`; returns the sync sent now, if any. */
  onRecordCommitted(upstreamOffset: number, downstreamOffset: number): OffsetSyncPoint | undefined {
    const firstThisLifetime = this.lastSyncDownstream === -1;
    const tooStale = downstreamOffset - (this.lastSyncDownstream + 1) >= this.offsetLagMax;
    const skippedUpstream = upstreamOffset - this.previousUpstream !== 1;
    const downstreamRewound = downstreamOffset < this.previousDownstream;
    this.previousUpstream = upstreamOffset;
    this.previousDownstream = downstreamOffset;
    const sync = { upstreamOffset, downstreamOffset };
    if (firstThisLifetime || tooStale || skippedUpstream || downstreamRewound) {
      this.lastSyncDownstream = downstreamOffset;
      this.delayed = undefined;
      return sync;
    }
    this.delayed = sync;
    return undefined;
  }

  /** MM2's periodic offset commit: the latest delayed sync, if any, is sent. */
  commit(): OffsetSyncPoint | undefined {
    const sync = this.delayed;
    this.delayed = undefined;
    return sync;
  }

  /** A task restart: a new lifetime, which syncs its first record again. */
  restart(): void {
    this.previousUpstream = -1;
    this.previousDownstream = -1;
    this.lastSyncDownstream = -1;
    this.delayed = undefined;
  }
}

export type Mm2Translation =
  | { readonly kind: 'translated'; readonly downstreamOffset: number }
  /** Every stored sync is ahead of the offset (MM2: -1, no checkpoint). */
  | { readonly kind: 'too-old' }
  /** No sync for the partition, or the initial read of the syncs topic is not finished. */
  | { readonly kind: 'unavailable' };

const SLOTS = 64;

/** MM2's per-partition 64-slot OffsetSyncStore. */
export class Mm2OffsetSyncStoreModel {
  private slots: OffsetSyncPoint[] | undefined;
  private readToEnd: boolean;

  /** `readToEnd`: true models a store that was running before the syncs were written (MM2's best case). */
  constructor(options: { readonly readToEnd: boolean }) {
    this.readToEnd = options.readToEnd;
  }

  /** The initial read of the syncs topic reached its end. */
  markReadToEnd(): void {
    this.readToEnd = true;
  }

  /** The distinct syncs held, latest first (for tests and reports). */
  distinctSyncs(): OffsetSyncPoint[] {
    const out: OffsetSyncPoint[] = [];
    for (const sync of this.slots ?? []) if (out.at(-1) !== sync) out.push(sync);
    return out;
  }

  handleSync(sync: OffsetSyncPoint): void {
    const slots = this.slots;
    if (slots === undefined || !this.readToEnd || slots[0]!.upstreamOffset > sync.upstreamOffset) {
      this.slots = new Array<OffsetSyncPoint>(SLOTS).fill(sync);
      return;
    }
    this.slots = updatedSlots(slots, sync);
  }

  translate(upstreamOffset: number): Mm2Translation {
    if (!this.readToEnd || this.slots === undefined) return { kind: 'unavailable' };
    for (const sync of this.slots) {
      if (sync.upstreamOffset <= upstreamOffset) {
        const step = sync.upstreamOffset === upstreamOffset ? 0 : 1;
        return { kind: 'translated', downstreamOffset: sync.downstreamOffset + step };
      }
    }
    return { kind: 'too-old' };
  }
}

/**
 * Slot 0 takes the new sync; walking towards older slots, a slot is replaced only when the change before it
 * broke invariant B for it, and then by the most recent candidate — preferring a sync the store already held,
 * promoted from a younger slot, when it satisfies B and C at that position — so that distinct syncs stay
 * spread roughly exponentially and as many as possible survive.
 */
function updatedSlots(original: readonly OffsetSyncPoint[], sync: OffsetSyncPoint): OffsetSyncPoint[] {
  const slots = original.slice();
  slots[0] = sync;
  let replacement = sync;
  let candidate = 0;
  for (let current = 1; current < SLOTS; current++) {
    const previous = current - 1;
    let skip: boolean;
    do {
      const old = original[candidate]!;
      const recentEnough = invariantB(slots[previous]!, old, previous, current);
      const apartFromPrevious = invariantC(slots[previous]!, old, previous);
      const apartFromNext = current + 1 >= SLOTS || invariantC(old, slots[current + 1]!, current);
      const repeated = candidate + 1 < SLOTS && original[candidate + 1] === old;
      const promote = recentEnough && apartFromPrevious && apartFromNext;
      if (promote) replacement = old;
      skip = repeated || !apartFromPrevious;
      if (promote || skip) candidate++;
    } while (candidate < current && skip);
    if (invariantB(slots[previous]!, slots[current]!, previous, current)) break;
    slots[current] = replacement;
  }
  return slots;
}

function invariantB(iSync: OffsetSyncPoint, jSync: OffsetSyncPoint, i: number, j: number): boolean {
  return iSync === jSync || iSync.upstreamOffset <= jSync.upstreamOffset + 2 ** j - 2 ** i;
}

function invariantC(iSync: OffsetSyncPoint, jSync: OffsetSyncPoint, i: number): boolean {
  return iSync === jSync || iSync.upstreamOffset >= jSync.upstreamOffset + 2 ** Math.max(i - 2, 0);
}
