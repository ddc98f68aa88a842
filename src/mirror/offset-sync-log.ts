import {
  type OffsetRun,
  type OffsetSyncPoint,
  PartitionOffsetMapping,
  type PartitionOffsetMappingOptions,
} from './offset-mapping.js';

/**
 * What a task writes to, and reads back from, the offset-syncs topic for its partitions: MirrorMaker 2
 * OffsetSync records (source topic, partition) → (upstreamOffset, downstreamOffset), in the order the
 * mapping emitted them. The record encoding is mm2-formats' business; this file only turns a partition's
 * syncs back into its mapping.
 *
 * Every run start is a sync, so the rebuild is exact up to the last sync's upstream offset; syncs inside a
 * run (periodic refreshes, the end-of-run sync, a sync re-read twice) only extend what is known of a run.
 * A sync that contradicts the mapping built so far (the upstream offset rewound, e.g. the source topic was
 * recreated, or the target went backwards) discards everything before it, as MirrorMaker 2's store does:
 * older offsets become "before-start" rather than being translated against a history that no longer holds.
 *
 * A first sync followed by one with a higher upstream and the same downstream is a leading gap: the task
 * started reading at the first one's upstream and found nothing before the second's, so everything from the
 * first upstream on translates to that downstream (a zero-length first run; offset-mapping.ts onLeadingGap).
 */
export interface PartitionOffsetSync extends OffsetSyncPoint {
  readonly topic: string;
  readonly partition: number;
}

export function toPartitionOffsetSync(
  topic: string,
  partition: number,
  point: OffsetSyncPoint,
): PartitionOffsetSync {
  return { topic, partition, upstreamOffset: point.upstreamOffset, downstreamOffset: point.downstreamOffset };
}

/** The runs described by one partition's syncs, in emission order, and the last run's known end. */
export function runsFromSyncs(syncs: Iterable<OffsetSyncPoint>): {
  runs: OffsetRun[];
  lastRunSourceEnd: number;
} {
  let runs: OffsetRun[] = [];
  let end = 0;
  for (const { upstreamOffset: u, downstreamOffset: d } of syncs) {
    const last = runs.at(-1);
    if (last === undefined) {
      runs.push({ sourceStart: u, targetStart: d });
      end = u + 1;
      continue;
    }
    if (runs.length === 1 && end === last.sourceStart + 1 && d === last.targetStart && u > last.sourceStart) {
      // The first sync was a leading gap (PartitionOffsetMapping.onLeadingGap): where the task started
      // reading, before its first record, which this sync names. A zero-length run, then this one.
      runs.push({ sourceStart: u, targetStart: d });
      end = u + 1;
      continue;
    }
    const lastShift = last.targetStart - last.sourceStart;
    if (d - u === lastShift && u >= last.sourceStart) {
      if (u + 1 > end) end = u + 1;
      continue;
    }
    if (u >= end && d >= end + lastShift) {
      runs.push({ sourceStart: u, targetStart: d });
      end = u + 1;
      continue;
    }
    if (agreesWithEarlierRun(runs, u, d)) continue;
    runs = [{ sourceStart: u, targetStart: d }];
    end = u + 1;
  }
  return { runs, lastRunSourceEnd: end };
}

/** Rebuilds a partition's mapping from its syncs as read back from the offset-syncs topic. */
export function mappingFromSyncs(
  syncs: Iterable<OffsetSyncPoint>,
  options?: PartitionOffsetMappingOptions,
): PartitionOffsetMapping {
  const { runs, lastRunSourceEnd } = runsFromSyncs(syncs);
  const mapping = new PartitionOffsetMapping(options);
  mapping.restore(runs, lastRunSourceEnd);
  return mapping;
}

/** The syncs of one source partition, in order, out of a read of the whole offset-syncs topic. */
export function syncsOfPartition(
  syncs: Iterable<PartitionOffsetSync>,
  topic: string,
  partition: number,
): PartitionOffsetSync[] {
  const out: PartitionOffsetSync[] = [];
  for (const sync of syncs) if (sync.topic === topic && sync.partition === partition) out.push(sync);
  return out;
}

/** True when (u, d) lies inside a run that is not the last one, with that run's shift: a redundant sync. */
function agreesWithEarlierRun(runs: readonly OffsetRun[], u: number, d: number): boolean {
  let lo = 0;
  let hi = runs.length - 2;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (runs[mid]!.sourceStart <= u) lo = mid + 1;
    else hi = mid - 1;
  }
  if (hi < 0) return false;
  const run = runs[hi]!;
  const length = runs[hi + 1]!.targetStart - run.targetStart;
  return u < run.sourceStart + length && d - u === run.targetStart - run.sourceStart;
}
