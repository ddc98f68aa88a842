import { describe, expect, it } from 'vitest';
import { ReadCommittedFilter } from '../../../src/mirror/batch-filter.js';
import { type FailbackPartition, failbackPartition } from '../../../src/mirror/failback-copy.js';
import { isCopyOf, MirrorInvariantError } from '../../../src/mirror/task-resume.js';
import {
  baseOffset,
  baseSequence,
  CompressionType,
  lastOffsetDelta,
  producerId,
} from '../../../src/protocol/records/batch-header.js';
import { FakeCluster } from './fake-partition-log.js';

const FAILBACK_PID = 900;
const OTHER_PID = 55;

class Crash extends Error {}

/** B's remote partition after the failover: kept batches of 1, 3, 1 and 4 records around an aborted transaction. */
function standby(): FakeCluster {
  const b = new FakeCluster();
  const log = b.log('east.t', 0);
  log.data(1);
  log.data(3);
  log.data(2, { txnProducerId: 7 });
  log.marker(7, false);
  log.data(1);
  log.data(4, { compression: CompressionType.Gzip });
  return b;
}

/** A's origin partition with two records of its own. */
function origin(): FakeCluster {
  const a = new FakeCluster();
  a.log('t', 0).data(2);
  return a;
}

function keptOf(b: FakeCluster): Buffer[] {
  const log = b.log('east.t', 0);
  return new ReadCommittedFilter().filter(log.recordSet(), log.aborted, 0).kept.map((k) => k.batch);
}

function input(b: FakeCluster, a: FakeCluster, extra: Partial<FailbackPartition> = {}): FailbackPartition {
  return {
    standby: b,
    origin: a,
    remoteTopic: 'east.t',
    originTopic: 't',
    partition: 0,
    from: 0,
    to: b.log('east.t', 0).next,
    walkFrom: 0,
    isFailbackProducer: async (pid) => pid === FAILBACK_PID,
    freshProducer: async () => ({ producerId: FAILBACK_PID, producerEpoch: 0 }),
    dryRun: false,
    ...extra,
  };
}

function failbackBatches(a: FakeCluster): Buffer[] {
  return a.log('t', 0).batches.filter((t) => producerId(t, 0) === FAILBACK_PID);
}

/** A's failback batches are B's kept batches, once each, in order, with one unbroken sequence. */
function expectExactCopy(a: FakeCluster, b: FakeCluster): void {
  const copies = failbackBatches(a);
  const kept = keptOf(b);
  expect(copies).toHaveLength(kept.length);
  let sequence = 0;
  copies.forEach((t, i) => {
    expect(isCopyOf(t, kept[i]!)).toBe(true);
    expect(baseSequence(t, 0)).toBe(sequence);
    sequence += lastOffsetDelta(t, 0) + 1;
  });
}

describe('failbackPartition', () => {
  it('copies every kept batch after A’s own records as a fresh producer, and maps B to A exactly', async () => {
    const b = standby();
    const a = origin();
    const result = await failbackPartition(input(b, a));
    expect(result).toMatchObject({ batches: 4, resumed: 0, originStart: 2, originEnd: 11 });
    expectExactCopy(a, b);
    // B offset 7 follows the aborted transaction (4, 5) and its marker (6); offsets in that gap go to 7's copy.
    expect(result.mapping.translate(7)).toEqual({ kind: 'exact', targetOffset: 6 });
    expect(result.mapping.translate(4)).toEqual({ kind: 'exact', targetOffset: 6 });
  });

  for (const k of [0, 1, 2, 3, 4]) {
    it(`interrupted after ${k} acknowledged batches, then A writes, then a rerun copies only the rest`, async () => {
      const b = standby();
      const a = origin();
      let taken = 0;
      const fresh = async () => {
        taken++;
        return { producerId: FAILBACK_PID, producerEpoch: 0 };
      };
      // k = 0: the crash comes right after the producer id was taken (and registered), before any produce.
      const crashing = async () => {
        const producer = await fresh();
        if (k === 0) throw new Crash();
        return producer;
      };
      await expect(
        failbackPartition(
          input(b, a, {
            freshProducer: crashing,
            onBatchCopied: (n) => {
              if (n === k) throw new Crash();
            },
          }),
        ),
      ).rejects.toBeInstanceOf(Crash);
      const landed = failbackBatches(a).length;
      expect(landed).toBeGreaterThanOrEqual(k);
      // An idempotent producer of A's own between the runs: stepped over, not matched.
      a.log('t', 0).data(1, { producerId: OTHER_PID, producerEpoch: 0, baseSequence: 0 });

      const rerun = await failbackPartition(input(b, a, { freshProducer: fresh }));
      expect(rerun.resumed).toBe(landed);
      expect(rerun.batches).toBe(4 - landed);
      expectExactCopy(a, b);
      // A rerun that found a batch continues its producer instead of taking a new one.
      expect(taken).toBe(landed > 0 ? 1 : 2);
      expect(a.log('t', 0).batches.filter((t) => producerId(t, 0) === OTHER_PID)).toHaveLength(1);
    });
  }

  it('a dry run walks and reports, and writes nothing', async () => {
    const b = standby();
    const a = origin();
    await expect(
      failbackPartition(
        input(b, a, {
          onBatchCopied: (n) => {
            if (n === 2) throw new Crash();
          },
        }),
      ),
    ).rejects.toBeInstanceOf(Crash);
    const produced = a.produced;
    const dry = await failbackPartition(
      input(b, a, {
        dryRun: true,
        freshProducer: () => Promise.reject(new Error('a dry run takes no producer id')),
      }),
    );
    expect(dry.batches).toBe(0);
    expect(dry.resumed).toBe(failbackBatches(a).length);
    expect(a.produced).toBe(produced);
  });

  it('refuses when a failback batch on A is not the copy of the next kept B batch', async () => {
    const b = standby();
    const a = origin();
    a.log('t', 0).data(1, { producerId: FAILBACK_PID, producerEpoch: 0, baseSequence: 0 });
    await expect(failbackPartition(input(b, a))).rejects.toBeInstanceOf(MirrorInvariantError);
    expect(a.produced).toBe(0);
  });

  it('refuses when A holds more failback batches than B has kept batches below `to`', async () => {
    const b = standby();
    const a = origin();
    await failbackPartition(input(b, a));
    const secondKept = baseOffset(keptOf(b)[1]!, 0);
    await expect(failbackPartition(input(b, a, { to: secondKept }))).rejects.toBeInstanceOf(
      MirrorInvariantError,
    );
  });

  it('does not look below the walk start (an earlier failback the forward flow has passed)', async () => {
    const b = standby();
    const a = new FakeCluster();
    a.log('t', 0).data(1, { producerId: FAILBACK_PID, producerEpoch: 0, baseSequence: 0 });
    const result = await failbackPartition(
      input(b, a, { walkFrom: 1, freshProducer: async () => ({ producerId: 901, producerEpoch: 0 }) }),
    );
    expect(result).toMatchObject({ batches: 4, resumed: 0, originStart: 1 });
  });
});
