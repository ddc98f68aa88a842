import { describe, expect, it } from 'vitest';
import {
  Mm2OffsetSyncEmitterModel,
  Mm2OffsetSyncStoreModel,
} from '../../../src/mirror/mm2-offset-sync-store.js';
import { PartitionOffsetMapping } from '../../../src/mirror/offset-mapping.js';
import { mappingFromSyncs, runsFromSyncs } from '../../../src/mirror/offset-sync-log.js';

const exact = (targetOffset: number) => ({ kind: 'exact', targetOffset });

describe('PartitionOffsetMapping', () => {
  it('knows nothing before the first batch', () => {
    const m = new PartitionOffsetMapping();
    expect(m.translate(0)).toEqual({ kind: 'not-yet' });
    expect(m.syncAtMirroredEnd()).toBeUndefined();
    m.markMirroredUpTo(5, 0); // control batches at 0..4 before any data
    expect(m.translate(3)).toEqual({ kind: 'before-start', firstTargetOffset: 0 });
    expect(m.translate(6)).toEqual({ kind: 'not-yet' });
  });

  it('syncs at run starts only, and translates inside runs, in gaps, at markers and at the end', () => {
    const m = new PartitionOffsetMapping({ offsetLagMax: Number.POSITIVE_INFINITY });
    expect(m.onBatchMirrored(10, 19, 0)).toEqual({ upstreamOffset: 10, downstreamOffset: 0 });
    expect(m.onBatchMirrored(20, 24, 10)).toBeUndefined(); // contiguous: same run
    // 25 is a transaction marker (dropped), 26..29 compacted away between batches.
    m.markMirroredUpTo(26, 15);
    expect(m.translate(25)).toEqual(exact(15));
    expect(m.translate(26)).toEqual(exact(15));
    expect(m.translate(27)).toEqual({ kind: 'not-yet' });
    expect(m.onBatchMirrored(30, 39, 15)).toEqual({ upstreamOffset: 30, downstreamOffset: 15 });
    expect(m.runCount).toBe(2);
    expect(m.translate(9)).toEqual({ kind: 'before-start', firstTargetOffset: 0 });
    expect(m.translate(10)).toEqual(exact(0));
    expect(m.translate(22)).toEqual(exact(12));
    expect(m.translate(25)).toEqual(exact(15));
    expect(m.translate(28)).toEqual(exact(15));
    expect(m.translate(33)).toEqual(exact(18));
    expect(m.translate(40)).toEqual(exact(25)); // the end: where the next mirrored record lands
    expect(m.translate(41)).toEqual({ kind: 'not-yet' });
    expect(m.syncAtMirroredEnd()).toEqual({ upstreamOffset: 39, downstreamOffset: 24 });
    expect(m.syncAtMirroredEnd()).toBeUndefined();
    expect(m.runs()).toEqual([
      { sourceStart: 10, targetStart: 0 },
      { sourceStart: 30, targetStart: 15 },
    ]);
  });

  it('refreshes the sync within a run once the target moved offsetLagMax', () => {
    const m = new PartitionOffsetMapping({ offsetLagMax: 100 });
    expect(m.onBatchMirrored(0, 49, 0)).toBeDefined();
    expect(m.onBatchMirrored(50, 98, 50)).toBeUndefined();
    expect(m.onBatchMirrored(99, 149, 99)).toEqual({ upstreamOffset: 149, downstreamOffset: 149 });
  });

  it('accepts a re-matched batch of the last run and rejects overlaps and a target going back', () => {
    const m = mappingFromSyncs([{ upstreamOffset: 100, downstreamOffset: 7 }]);
    expect(m.translate(100)).toEqual(exact(7));
    expect(m.translate(101)).toEqual(exact(8)); // the sync's own offset is mirrored: the next one is at 8
    expect(m.translate(102)).toEqual({ kind: 'not-yet' });
    expect(m.onBatchMirrored(100, 109, 7)).toBeUndefined(); // the batch whose start was the sync
    expect(m.translate(110)).toEqual(exact(17));
    expect(() => m.onBatchMirrored(105, 120, 30)).toThrow(RangeError);
    expect(() => m.onBatchMirrored(115, 120, 16)).toThrow(RangeError);
  });

  it('keeps millions of runs cheap', () => {
    const m = new PartitionOffsetMapping({ offsetLagMax: Number.POSITIVE_INFINITY });
    const runs = 1_000_000;
    for (let i = 0; i < runs; i++) m.onBatchMirrored(i * 3, i * 3 + 1, i * 2); // a marker after every batch
    expect(m.runCount).toBe(runs);
    expect(m.translate(3 * 777_777 + 1)).toEqual(exact(2 * 777_777 + 1));
    expect(m.translate(3 * 777_777 + 2)).toEqual(exact(2 * 777_778));
  });
});

describe('leading gap (the task started before its first record)', () => {
  it('translates from where the task started to the first record, and nothing below', () => {
    const m = new PartitionOffsetMapping({ offsetLagMax: Number.POSITIVE_INFINITY });
    expect(m.onLeadingGap(0, 7, 0)).toEqual({ upstreamOffset: 0, downstreamOffset: 0 });
    expect(m.onBatchMirrored(7, 9, 0)).toEqual({ upstreamOffset: 7, downstreamOffset: 0 });
    for (let o = 0; o <= 7; o++) expect(m.translate(o), `offset ${o}`).toEqual(exact(0));
    expect(m.translate(9)).toEqual(exact(2));
    expect(m.translate(10)).toEqual(exact(3));
    const late = new PartitionOffsetMapping();
    expect(late.onLeadingGap(5, 7, 0)).toBeDefined();
    expect(late.onBatchMirrored(7, 7, 0)).toBeDefined();
    expect(late.translate(4)).toEqual({ kind: 'before-start', firstTargetOffset: 0 });
    expect(late.translate(5)).toEqual(exact(0));
  });

  it('is nothing when the first record is where the task started, or runs exist', () => {
    const m = new PartitionOffsetMapping();
    expect(m.onLeadingGap(3, 3, 0)).toBeUndefined();
    m.onBatchMirrored(3, 4, 0);
    expect(m.onLeadingGap(0, 9, 2)).toBeUndefined();
    expect(m.runCount).toBe(1);
  });

  it('survives the offset-syncs: rebuilt with the first batch sync, or alone (its batch sync lost in a crash)', () => {
    const m = new PartitionOffsetMapping({ offsetLagMax: Number.POSITIVE_INFINITY });
    const syncs = [m.onLeadingGap(0, 7, 0)!, m.onBatchMirrored(7, 9, 0)!, m.onBatchMirrored(12, 12, 3)!];
    const rebuilt = mappingFromSyncs(syncs);
    expect(rebuilt.runs()).toEqual([
      { sourceStart: 0, targetStart: 0 },
      { sourceStart: 7, targetStart: 0 },
      { sourceStart: 12, targetStart: 3 },
    ]);
    for (let o = 0; o <= 12; o++) expect(rebuilt.translate(o), `offset ${o}`).toEqual(m.translate(o));
    // Only the leading-gap sync is durable: re-matching the first batch makes the zero-length run again.
    const alone = mappingFromSyncs(syncs.slice(0, 1));
    expect(alone.onBatchMirrored(7, 9, 0)).toEqual({ upstreamOffset: 7, downstreamOffset: 0 });
    for (let o = 0; o <= 10; o++) expect(alone.translate(o), `offset ${o}`).toEqual(m.translate(o));
    // A later sync with the same downstream is no leading gap once the first run is known to hold records.
    expect(
      runsFromSyncs([
        { upstreamOffset: 0, downstreamOffset: 0 },
        { upstreamOffset: 5, downstreamOffset: 5 },
        { upstreamOffset: 9, downstreamOffset: 0 },
      ]).runs,
    ).toEqual([{ sourceStart: 9, targetStart: 0 }]);
  });
});

describe('batches with holes (mapped stretch by stretch)', () => {
  it('translates holes inside a batch to the next record, as on the source', () => {
    // Source batch 10..19 holds 10, 11, 14, 15, 16 (re-encoded at target 0..4), then batch 20..21 at 5..6.
    const m = new PartitionOffsetMapping({ offsetLagMax: Number.POSITIVE_INFINITY });
    m.onBatchMirrored(10, 11, 0);
    m.onBatchMirrored(14, 16, 2);
    m.onBatchMirrored(20, 21, 5);
    const want = new Map([
      [10, 0],
      [11, 1],
      [12, 2],
      [13, 2],
      [14, 2],
      [16, 4],
      [17, 5],
      [19, 5],
      [20, 5],
      [21, 6],
      [22, 7],
    ]);
    for (const [o, t] of want) expect(m.translate(o), `offset ${o}`).toEqual(exact(t));
  });
});

describe('runsFromSyncs', () => {
  it('treats syncs inside a run as redundant, re-read old syncs as harmless, and a rewind as a reset', () => {
    const syncs = [
      { upstreamOffset: 0, downstreamOffset: 0 },
      { upstreamOffset: 150, downstreamOffset: 150 },
      { upstreamOffset: 200, downstreamOffset: 190 },
      { upstreamOffset: 150, downstreamOffset: 150 },
      { upstreamOffset: 260, downstreamOffset: 250 },
    ];
    expect(runsFromSyncs(syncs)).toEqual({
      runs: [
        { sourceStart: 0, targetStart: 0 },
        { sourceStart: 200, targetStart: 190 },
      ],
      lastRunSourceEnd: 261,
    });
    expect(runsFromSyncs([...syncs, { upstreamOffset: 5, downstreamOffset: 400 }])).toEqual({
      runs: [{ sourceStart: 5, targetStart: 400 }],
      lastRunSourceEnd: 6,
    });
  });
});

describe('MM2 reference model', () => {
  it('emits on the first record, on skipped upstream offsets and once the downstream is offset.lag.max stale', () => {
    const e = new Mm2OffsetSyncEmitterModel({ offsetLagMax: 100 });
    expect(e.onRecordCommitted(0, 0)).toBeDefined();
    for (let o = 1; o < 100; o++) expect(e.onRecordCommitted(o, o)).toBeUndefined();
    expect(e.onRecordCommitted(100, 100)).toBeUndefined(); // 100 - (0 + 1) < 100
    expect(e.onRecordCommitted(101, 101)).toEqual({ upstreamOffset: 101, downstreamOffset: 101 });
    expect(e.onRecordCommitted(102, 102)).toBeUndefined();
    expect(e.commit()).toEqual({ upstreamOffset: 102, downstreamOffset: 102 });
    expect(e.onRecordCommitted(104, 103)).toEqual({ upstreamOffset: 104, downstreamOffset: 103 });
  });

  it('translates one past the latest sync at or below the offset, and keeps 64 slots spread out', () => {
    const s = new Mm2OffsetSyncStoreModel({ readToEnd: true });
    expect(s.translate(0)).toEqual({ kind: 'unavailable' });
    for (let u = 10; u <= 100_000; u += 10) s.handleSync({ upstreamOffset: u, downstreamOffset: u * 2 });
    expect(s.translate(100_000)).toEqual({ kind: 'translated', downstreamOffset: 200_000 });
    expect(s.translate(99_995)).toEqual({ kind: 'translated', downstreamOffset: 199_981 });
    expect(s.translate(5)).toEqual({ kind: 'too-old' });
    const held = s.distinctSyncs().map((x) => x.upstreamOffset);
    expect(held.length).toBeLessThanOrEqual(64);
    expect(held.at(-1)).toBe(10); // invariant D: the earliest stays usable
    // An old position is translated from a sync far behind it: the records in between are re-delivered.
    const t = s.translate(50_005);
    expect(t.kind === 'translated' && t.downstreamOffset < 100_001).toBe(true);
  });

  it('keeps only the last sync when it starts after the syncs were written', () => {
    const s = new Mm2OffsetSyncStoreModel({ readToEnd: false });
    for (let u = 0; u < 1000; u += 10) s.handleSync({ upstreamOffset: u, downstreamOffset: u });
    s.markReadToEnd();
    expect(s.distinctSyncs()).toEqual([{ upstreamOffset: 990, downstreamOffset: 990 }]);
    expect(s.translate(500)).toEqual({ kind: 'too-old' });
  });
});
