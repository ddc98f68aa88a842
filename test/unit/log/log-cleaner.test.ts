import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/common/clock.js';
import { groupBySize, LogCleaner } from '../../../src/log/log-cleaner.js';
import { CompressionType, TimestampType } from '../../../src/protocol/records/batch-header.js';
import { encodeRecordBatch, type RecordBatchSpec } from '../../../src/protocol/records/record-batch.js';
import { TestLog, type TestLog as TestLogType } from './cleanable-test-log.js';
import { markerBatch } from './producer-batches.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = 1_700_000_000_000;

type Pair = [string | null, string | null];

/** A batch at `baseOffset` holding the pairs at consecutive offsets. */
function kv(baseOffset: number, pairs: Pair[], extra: Partial<RecordBatchSpec> = {}): Promise<Buffer> {
  return encodeRecordBatch({
    baseOffset,
    records: pairs.map(([k, v], i) => ({
      key: k === null ? null : Buffer.from(k),
      value: v === null ? null : Buffer.from(v),
      timestamp: T0 + baseOffset + i,
    })),
    ...extra,
  });
}

describe('LogCleaner', () => {
  let dir: string;
  let clock: ManualClock;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-cleaner-'));
    clock = new ManualClock(T0 + 1000);
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const cleaner = (dedupeBufferSize?: number) =>
    new LogCleaner({ clock, ...(dedupeBufferSize !== undefined ? { dedupeBufferSize } : {}) });

  it('keeps the latest record per key with its offset, and records without a key', async () => {
    const log = new TestLog(dir);
    log.addSegment([
      await kv(0, [
        ['a', 'a1'],
        ['b', 'b1'],
      ]),
      await kv(2, [[null, 'n1']]),
    ]);
    log.addSegment([
      await kv(3, [
        ['a', 'a2'],
        ['c', 'c1'],
      ]),
      await kv(5, [['b', 'b2']]),
    ]);
    log.addSegment([await kv(6, [['a', 'a3']])]); // active
    const result = await cleaner().clean(log);
    expect(result).toMatchObject({ cleaned: true, firstDirtyOffset: 0, endOffset: 6, segmentsCleaned: 2 });
    expect(result.recordsRemoved).toBe(2);
    // a2 survives: a3 is in the active segment, which the cleaner neither maps nor touches
    expect(await log.records()).toEqual([
      [2, null, 'n1'],
      [3, 'a', 'a2'],
      [4, 'c', 'c1'],
      [5, 'b', 'b2'],
      [6, 'a', 'a3'],
    ]);
    expect(LogCleaner.firstDirtyOffset(dir)).toBe(6);
    expect(
      readdirSync(dir).filter((n) => n.includes('.cleaned') || n.includes('.swap') || n.includes('.deleted')),
    ).toEqual([]);
  });

  it('never touches the active segment', async () => {
    const log = new TestLog(dir);
    log.addSegment([await kv(0, [['a', '1']])]);
    const active = log.addSegment([
      await kv(1, [
        ['a', '2'],
        ['a', '3'],
      ]),
    ]);
    const before = active.bytes();
    await cleaner().clean(log);
    expect(active.bytes().equals(before)).toBe(true);
    expect(await log.records()).toEqual([
      [0, 'a', '1'],
      [1, 'a', '2'],
      [2, 'a', '3'],
    ]);
  });

  it("copies batches whose records all survive byte for byte and keeps a partial batch's header fields", async () => {
    const log = new TestLog(dir);
    const intact = await kv(0, [
      ['x', '1'],
      ['y', '1'],
    ]);
    const partial = await kv(
      2,
      [
        ['a', '1'],
        ['b', '1'],
        ['c', '1'],
      ],
      {
        producerId: 42,
        producerEpoch: 3,
        baseSequence: 10,
        partitionLeaderEpoch: 7,
      },
    );
    log.addSegment([intact, partial]);
    log.addSegment([await kv(5, [['c', '2']])]);
    log.addSegment([await kv(6, [['z', '1']])]);
    await cleaner().clean(log);
    const first = log.segments[0]!.bytes();
    expect(first.subarray(0, intact.length).equals(intact)).toBe(true);
    const batches = await log.batches();
    const rewritten = batches[1]!;
    expect(rewritten).toMatchObject({
      baseOffset: 2,
      lastOffsetDelta: 2,
      producerId: 42,
      producerEpoch: 3,
      baseSequence: 10,
      partitionLeaderEpoch: 7,
      recordsCount: 2,
    });
    expect(rewritten.records.map((r) => [r.offset, r.timestamp])).toEqual([
      [2, T0 + 2],
      [3, T0 + 3],
    ]);
  });

  it.each([CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd])(
    'compacts compressed batches (codec %i) and keeps their compression',
    async (compression) => {
      const log = new TestLog(dir);
      const untouched = await kv(
        0,
        [
          ['u', '1'],
          ['v', '1'],
        ],
        { compression },
      );
      log.addSegment([
        untouched,
        await kv(
          2,
          [
            ['a', '1'],
            ['b', '1'],
            ['a', '2'],
          ],
          { compression },
        ),
      ]);
      log.addSegment([await kv(5, [['b', '2']], { compression })]);
      log.addSegment([await kv(6, [['z', '1']])]);
      await cleaner().clean(log);
      const batches = await log.batches();
      expect(log.segments[0]!.bytes().subarray(0, untouched.length).equals(untouched)).toBe(true);
      expect(batches[1]!.compression).toBe(compression);
      expect(batches[1]!.lastOffsetDelta).toBe(2);
      expect(await log.records()).toEqual([
        [0, 'u', '1'],
        [1, 'v', '1'],
        [4, 'a', '2'],
        [5, 'b', '2'],
        [6, 'z', '1'],
      ]);
    },
  );

  it("keeps a LogAppendTime batch's append time", async () => {
    const log = new TestLog(dir);
    log.addSegment([
      await kv(
        0,
        [
          ['a', '1'],
          ['b', '1'],
        ],
        { timestampType: TimestampType.LogAppendTime, logAppendTime: T0 + 500 },
      ),
    ]);
    log.addSegment([await kv(2, [['a', '2']])]);
    log.addSegment([await kv(3, [['z', '1']])]);
    await cleaner().clean(log);
    const [first] = await log.batches();
    expect(first).toMatchObject({ timestampType: TimestampType.LogAppendTime, maxTimestamp: T0 + 500 });
    expect(first!.records.map((r) => [r.offset, r.timestamp])).toEqual([[1, T0 + 500]]);
  });

  it('keeps tombstones for delete.retention.ms after the pass that first kept them, then removes them', async () => {
    const log = new TestLog(dir, { deleteRetentionMs: DAY });
    log.addSegment([
      await kv(0, [
        ['a', '1'],
        ['b', '1'],
      ]),
    ]);
    log.addSegment([await kv(2, [['a', null]])]);
    log.addSegment([await kv(3, [['z', '1']])]);
    const c = cleaner();
    await c.clean(log);
    expect(await log.records()).toEqual([
      [1, 'b', '1'],
      [2, 'a', null],
      [3, 'z', '1'],
    ]);
    const tombstoneBatch = (await log.batches())[1]!;
    expect(tombstoneBatch.hasDeleteHorizon).toBe(true);
    expect(tombstoneBatch.baseTimestamp).toBe(clock.nowMs() + DAY);
    expect(tombstoneBatch.records[0]!.timestamp).toBe(T0 + 2);

    clock.advance(DAY - 1);
    expect((await c.clean(log)).cleaned).toBe(false);
    expect((await log.records()).map(([o]) => o)).toEqual([1, 2, 3]);

    clock.advance(1);
    const result = await c.clean(log);
    expect(result.cleaned).toBe(true);
    expect(await log.records()).toEqual([
      [1, 'b', '1'],
      [3, 'z', '1'],
    ]);
  });

  it('converges over several passes when the offset map holds few keys', async () => {
    const log = new TestLog(dir);
    const model = new Map<string, [number, string]>();
    let offset = 0;
    for (let s = 0; s < 4; s++) {
      const batches: Buffer[] = [];
      for (let b = 0; b < 5; b++) {
        const key = `k${(offset * 7) % 13}`;
        const value = `v${offset}`;
        model.set(key, [offset, value]);
        batches.push(await kv(offset, [[key, value]]));
        offset++;
      }
      log.addSegment(batches);
    }
    log.addSegment([await kv(offset, [['active', 'x']])]);
    // 8 slots: at most 7 keys per pass
    const c = cleaner(8 * 24);
    let passes = 0;
    for (;;) {
      const r = await c.clean(log);
      if (!r.cleaned) break;
      passes++;
      expect(passes).toBeLessThan(10);
    }
    expect(passes).toBeGreaterThan(1);
    const expected = [...model.entries()]
      .map(([k, [o, v]]): [number, string, string] => [o, k, v])
      .sort((x, y) => x[0] - y[0]);
    expect(await log.records()).toEqual([...expected, [offset, 'active', 'x']]);
  });

  it('refuses a map too small for a single batch', async () => {
    const log = new TestLog(dir);
    log.addSegment([
      await kv(0, [
        ['a', '1'],
        ['b', '1'],
        ['c', '1'],
        ['d', '1'],
      ]),
    ]);
    log.addSegment([await kv(4, [['z', '1']])]);
    await expect(cleaner(3 * 24).clean(log)).rejects.toThrow(/dedupe\.buffer\.size/);
    expect(readdirSync(dir).some((n) => n.includes('.cleaned'))).toBe(false);
  });

  it('removes aborted transactional data, keeps markers while their data remains, then drops them', async () => {
    const log = new TestLog(dir, { deleteRetentionMs: DAY });
    const aborted = { producerId: 7, firstOffset: 1, lastOffset: 3, lastStableOffset: 4 };
    log.aborted = [aborted];
    log.addSegment([
      await kv(0, [['a', '1']]),
      await kv(
        1,
        [
          ['t', 'aborted1'],
          ['u', 'aborted2'],
        ],
        { producerId: 7, producerEpoch: 0, baseSequence: 0, transactional: true },
      ),
      markerBatch({ baseOffset: 3, producerId: 7, producerEpoch: 0, abort: true }),
      await kv(4, [['c', 'committed']], {
        producerId: 8,
        producerEpoch: 0,
        baseSequence: 0,
        transactional: true,
      }),
      markerBatch({ baseOffset: 5, producerId: 8, producerEpoch: 0, abort: false }),
    ]);
    log.addSegment([await kv(6, [['z', '1']])]);
    const c = cleaner();
    await c.clean(log);
    expect(await log.records()).toEqual([
      [0, 'a', '1'],
      [4, 'c', 'committed'],
      [6, 'z', '1'],
    ]);
    const markers = (await log.batches()).filter((b) => b.isControl);
    expect(markers.map((m) => [m.baseOffset, m.hasDeleteHorizon])).toEqual([
      [3, false],
      [5, false],
    ]);
    expect(log.txnIndexOf(0)).toEqual([aborted]);

    // Next pass: the aborted data is gone, so the ABORT marker is stamped with a delete horizon; the committed
    // data is superseded and removed in this pass, so its COMMIT marker still stays as it is (Kafka's rule: a
    // marker goes only after a pass that saw none of its transaction's data).
    log.addSegment([await kv(7, [['c', 'newer']])], 7);
    log.addSegment([await kv(8, [['zz', '1']])], 8);
    await c.clean(log);
    const markerState = async () =>
      (await log.batches()).filter((b) => b.isControl).map((m) => [m.baseOffset, m.hasDeleteHorizon]);
    expect(await markerState()).toEqual([
      [3, true],
      [5, false],
    ]);
    expect(await log.records()).toEqual([
      [0, 'a', '1'],
      [6, 'z', '1'],
      [7, 'c', 'newer'],
      [8, 'zz', '1'],
    ]);
    log.addSegment([await kv(9, [['zzz', '1']])], 9);
    await c.clean(log);
    expect(await markerState()).toEqual([
      [3, true],
      [5, true],
    ]);

    clock.advance(DAY);
    await c.clean(log);
    expect((await log.batches()).filter((b) => b.isControl)).toEqual([]);
  });

  it("keeps a producer's last batch, emptied, so its sequence state survives", async () => {
    const log = new TestLog(dir);
    log.addSegment([
      await kv(
        0,
        [
          ['a', '1'],
          ['b', '1'],
        ],
        { producerId: 9, producerEpoch: 1, baseSequence: 0 },
      ),
    ]);
    log.addSegment([
      await kv(2, [
        ['a', '2'],
        ['b', '2'],
      ]),
    ]);
    log.addSegment([await kv(4, [['z', '1']])]);
    log.lastData.set(9, 1);
    await cleaner().clean(log);
    const [empty] = await log.batches();
    expect(empty).toMatchObject({
      baseOffset: 0,
      lastOffsetDelta: 1,
      recordsCount: 0,
      producerId: 9,
      baseSequence: 0,
    });
  });

  it("drops an emptied batch that is not a producer's last", async () => {
    const log = new TestLog(dir);
    log.addSegment([await kv(0, [['a', '1']], { producerId: 9, producerEpoch: 1, baseSequence: 0 })]);
    log.addSegment([await kv(1, [['a', '2']], { producerId: 9, producerEpoch: 1, baseSequence: 1 })]);
    log.addSegment([await kv(2, [['z', '1']])]);
    log.lastData.set(9, 1);
    await cleaner().clean(log);
    expect((await log.batches()).map((b) => b.baseOffset)).toEqual([1, 2]);
  });

  it('respects min.compaction.lag.ms and the last stable offset', async () => {
    const log = new TestLog(dir, { minCompactionLagMs: 10_000 });
    log.addSegment([await kv(0, [['a', '1']])]);
    log.addSegment([await kv(1, [['a', '2']])]);
    log.addSegment([await kv(2, [['z', '1']])]);
    // every record is younger than the lag
    expect((await cleaner().clean(log)).cleaned).toBe(false);
    clock.advance(10_000);
    log.lso = 1; // a transaction open from offset 1: only the first segment is cleanable
    const r = await cleaner().clean(log);
    expect(r).toMatchObject({ cleaned: true, endOffset: 1, segmentsCleaned: 1 });
    expect((await log.records()).map(([o]) => o)).toEqual([0, 1, 2]);
    log.lso = Number.MAX_SAFE_INTEGER;
    await cleaner().clean(log);
    expect((await log.records()).map(([o]) => o)).toEqual([1, 2]);
  });

  it('does nothing for cleanup.policy=delete', async () => {
    const log = new TestLog(dir, { cleanupPolicy: { delete: true, compact: false } });
    log.addSegment([await kv(0, [['a', '1']])]);
    log.addSegment([await kv(1, [['a', '2']])]);
    log.addSegment([await kv(2, [['z', '1']])]);
    expect((await cleaner().clean(log)).cleaned).toBe(false);
    expect((await log.records()).map(([o]) => o)).toEqual([0, 1, 2]);
  });

  it('discards its output when the log refuses the swap', async () => {
    const log: TestLogType = new TestLog(dir);
    log.addSegment([await kv(0, [['a', '1']])]);
    log.addSegment([await kv(1, [['a', '2']])]);
    log.addSegment([await kv(2, [['z', '1']])]);
    log.refuseSwaps = true;
    const r = await cleaner().clean(log);
    expect(r.groupsAbandoned).toBe(1);
    expect(readdirSync(dir).some((n) => n.includes('.cleaned'))).toBe(false);
    expect((await log.records()).map(([o]) => o)).toEqual([0, 1, 2]);
    expect(existsSync(join(dir, '00000000000000000000.log'))).toBe(true);
  });

  it('groups segments so that each group stays under segment.bytes', () => {
    const seg = (baseOffset: number, size: number, nextOffset = baseOffset + 1) => ({
      baseOffset,
      size,
      nextOffset,
      largestTimestamp: () => 0,
      read: () => undefined,
    });
    const groups = groupBySize([seg(0, 40), seg(1, 50), seg(2, 20), seg(3, 100), seg(4, 10)], 100);
    expect(groups.map((g) => g.map((s) => s.baseOffset))).toEqual([[0, 1], [2], [3], [4]]);
    const wide = groupBySize([seg(0, 1), seg(2 ** 31, 1, 2 ** 31 + 1)], 100);
    expect(wide).toHaveLength(2);
  });
});
