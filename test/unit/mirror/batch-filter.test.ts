import { describe, expect, it } from 'vitest';
import { ReadCommittedFilter } from '../../../src/mirror/batch-filter.js';
import { CompressionType } from '../../../src/protocol/records/batch-header.js';
import { decodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { FakeCluster, PartitionLog } from './fake-partition-log.js';

function keptBases(log: PartitionLog, fromOffset = 0) {
  const aborted = log.aborted.map(({ producerId, firstOffset }) => ({ producerId, firstOffset }));
  return new ReadCommittedFilter().filter(log.recordSet(), aborted, fromOffset);
}

describe('ReadCommittedFilter', () => {
  it('keeps plain data, drops control batches and the aborted transaction only', () => {
    const log = new PartitionLog();
    log.data(3); // 0-2 kept
    log.data(2, { txnProducerId: 7 }); // 3-4 aborted
    log.data(2, { txnProducerId: 8 }); // 5-6 committed
    log.data(1); // 7 kept (non-transactional, interleaved)
    log.data(1, { txnProducerId: 7 }); // 8 aborted
    log.marker(7, false); // 9 abort marker
    log.marker(8, true); // 10 commit marker
    log.data(2, { txnProducerId: 7 }); // 11-12: producer 7's next transaction, committed
    log.marker(7, true); // 13
    const out = keptBases(log);
    expect(out.kept.map((k) => [k.baseOffset, k.lastOffset])).toEqual([
      [0, 2],
      [5, 6],
      [7, 7],
      [11, 12],
    ]);
    expect(out.dropped).toBe(5);
    expect(out.nextOffset).toBe(14);
  });

  it('hands out slices of the fetched buffer holding the whole batch, not copies', () => {
    const log = new PartitionLog();
    log.data(2);
    log.data(4, { compression: CompressionType.Gzip });
    const set = log.recordSet();
    const out = new ReadCommittedFilter().filter(set, null, 0);
    expect(out.kept).toHaveLength(2);
    const second = out.kept[1]!;
    expect(second.batch.buffer).toBe(set.buffer);
    expect(second.batch.equals(log.batches[1]!)).toBe(true);
    expect(decodeRecordBatchSync(second.batch).records.map((r) => r.value?.toString())).toEqual([
      'v1-0',
      'v1-1',
      'v1-2',
      'v1-3',
    ]);
  });

  it('a COMMIT marker of an aborted producer ends nothing, and an abort before the range aborts nothing', () => {
    const log = new PartitionLog();
    log.data(1, { txnProducerId: 5 }); // 0 aborted
    log.marker(5, false); // 1
    log.data(1, { txnProducerId: 5 }); // 2 committed: after the abort marker
    log.marker(5, true); // 3
    log.data(1, { txnProducerId: 6 }); // 4 aborted, although a commit of another producer sits inside
    log.data(1, { txnProducerId: 9 }); // 5 committed
    log.marker(9, true); // 6
    log.data(1, { txnProducerId: 6 }); // 7 aborted
    log.marker(6, false); // 8
    const out = keptBases(log);
    expect(out.kept.map((k) => k.baseOffset)).toEqual([2, 5]);
  });

  it('only starts treating a producer as aborted at the transaction first offset', () => {
    const log = new PartitionLog();
    log.data(1, { txnProducerId: 3 }); // 0 committed
    log.marker(3, true); // 1
    log.data(2, { txnProducerId: 3 }); // 2-3 aborted
    log.marker(3, false); // 4
    expect(keptBases(log).kept.map((k) => k.baseOffset)).toEqual([0]);
  });

  it('drops batches wholly before the fetch offset and tolerates a trailing partial batch', () => {
    const log = new PartitionLog();
    log.data(2); // 0-1
    log.data(2); // 2-3
    log.gap(5); // compaction removed 4-8
    log.data(1); // 9
    const set = log.recordSet();
    const out = new ReadCommittedFilter().filter(set.subarray(0, set.length - 3), null, 2);
    expect(out.kept.map((k) => k.baseOffset)).toEqual([2]);
    expect(out.nextOffset).toBe(4);
    const full = new ReadCommittedFilter().filter(set, null, 2);
    expect(full.kept.map((k) => k.baseOffset)).toEqual([2, 9]);
    expect(full.nextOffset).toBe(10);
  });

  it('drops a batch compaction emptied of records, keeping its offsets as a gap', () => {
    const log = new PartitionLog();
    log.data(2); // 0-1
    log.data(0, { lastOffsetDelta: 2 }); // 2-4, no record left
    log.data(1); // 5
    const out = keptBases(log);
    expect(out.kept.map((k) => k.baseOffset)).toEqual([0, 5]);
    expect(out.dropped).toBe(1);
    expect(out.nextOffset).toBe(6);
  });

  it('an empty record set reads nothing and stays at the fetch offset', () => {
    const out = new ReadCommittedFilter().filter(Buffer.alloc(0), [], 42);
    expect(out).toEqual({ kept: [], dropped: 0, nextOffset: 42 });
  });

  it('agrees with the broker-like fake across fetch boundaries', async () => {
    // The same log fetched in small pieces: per-fetch aborted lists give the same result as one pass.
    const cluster = new FakeCluster();
    const log = cluster.log('t', 0);
    for (let i = 0; i < 20; i++) {
      log.data(1 + (i % 3), { txnProducerId: 100 + (i % 2) });
      if (i % 4 === 3) log.marker(100 + (i % 2), i % 8 === 3);
      log.data(1);
    }
    log.marker(100, false);
    log.marker(101, true);
    const whole = keptBases(log).kept.map((k) => k.baseOffset);
    const filter = new ReadCommittedFilter();
    const pieces: number[] = [];
    let offset = 0;
    while (offset < log.next) {
      const [r] = await cluster.fetch([{ topic: 't', partition: 0, fetchOffset: offset, maxBytes: 200 }], {
        maxWaitMs: 0,
        minBytes: 0,
        isolationLevel: 1,
      });
      const out = filter.filter(r!.records, r!.abortedTransactions, offset);
      pieces.push(...out.kept.map((k) => k.baseOffset));
      offset = out.nextOffset;
    }
    expect(pieces).toEqual(whole);
    expect(whole.length).toBeGreaterThan(10);
  });
});
