import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ListOffsetsResult, OffsetSpec } from '../../../src/client/index.js';
import { verifyFlowPartitions } from '../../../src/mirror/verify.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { FakeCluster, T0 } from './fake-partition-log.js';

/** A FakeCluster whose ListOffsets also answers timestamps, as a broker does: the first record at or after. */
class TimedCluster extends FakeCluster {
  override async listOffsets(topic: string, partition: number, spec: OffsetSpec): Promise<ListOffsetsResult> {
    if (typeof spec !== 'number' || spec < 0) return super.listOffsets(topic, partition, spec);
    for (const b of this.log(topic, partition).batches) {
      for (const r of decodeRecordBatchSync(b).records) {
        if (r.timestamp >= spec) return { offset: r.offset, timestamp: r.timestamp, leaderEpoch: 0 };
      }
    }
    return { offset: -1, timestamp: -1, leaderEpoch: 0 };
  }
}

const TOPICS = [{ sourceTopic: 't', remoteTopic: 'east.t', partitions: [0] }];

function batch(values: string[], timestamp: number, extra: { txnProducerId?: number } = {}): Buffer {
  const pid = extra.txnProducerId;
  return encodeRecordBatchSync({
    transactional: pid !== undefined,
    producerId: pid ?? -1,
    producerEpoch: pid === undefined ? -1 : 0,
    baseSequence: pid === undefined ? -1 : 0,
    records: values.map((v, i) => ({
      key: Buffer.from(`k-${v}`),
      value: Buffer.from(v),
      headers: [
        { key: 'a', value: Buffer.from(`1-${v}`) },
        { key: 'b', value: null },
      ],
      timestamp: timestamp + i,
    })),
  });
}

/**
 * A source with plain data, an aborted and a committed transaction (markers included) and a compaction gap;
 * the target holds the mirror's copies of the kept batches at its own offsets.
 */
function mirroredPair(): { source: TimedCluster; target: TimedCluster } {
  const source = new TimedCluster();
  const target = new TimedCluster();
  const s = source.log('t', 0);
  const t = target.log('east.t', 0);
  const keep = (b: Buffer) => {
    s.append(b);
    t.append(b);
  };
  keep(batch(['a', 'b', 'c'], T0));
  s.append(batch(['aborted-1', 'aborted-2'], T0 + 10, { txnProducerId: 7 }));
  s.aborted.push({ producerId: 7, firstOffset: 3, lastOffset: 5 });
  s.marker(7, false);
  s.append(batch(['tx-1', 'tx-2'], T0 + 20, { txnProducerId: 8 }));
  t.append(batch(['tx-1', 'tx-2'], T0 + 20));
  s.marker(8, true);
  s.gap(5);
  keep(batch(['d', 'e'], T0 + 30));
  return { source, target };
}

describe('verifyFlowPartitions', () => {
  it('matches a faithful copy: read_committed source against every target record, offsets aside', async () => {
    const { source, target } = mirroredPair();
    const report = await verifyFlowPartitions({ source, target, topics: TOPICS });
    const [p] = report.partitions;
    expect(report.match).toBe(true);
    expect(p).toMatchObject({
      sourceRecords: 7,
      targetRecords: 7,
      sourceStartOffset: 0,
      sourceEndOffset: 16,
      targetStartOffset: 0,
      targetEndOffset: 7,
      firstDivergence: null,
    });
    expect(p!.sourceChecksum).toBe(p!.targetChecksum);
  });

  it('checksums the canonical encoding of timestamp, key, value and headers', async () => {
    const source = new TimedCluster();
    source.log('t', 0).append(batch(['x'], T0));
    const target = new TimedCluster();
    target.log('east.t', 0).append(batch(['x'], T0));
    const report = await verifyFlowPartitions({ source, target, topics: TOPICS });
    const int32 = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(n);
      return b;
    };
    const ts = Buffer.alloc(8);
    ts.writeBigInt64BE(BigInt(T0));
    const expected = createHash('sha256')
      .update(
        Buffer.concat([
          ts,
          int32(3),
          Buffer.from('k-x'),
          int32(1),
          Buffer.from('x'),
          int32(2),
          int32(1),
          Buffer.from('a'),
          int32(3),
          Buffer.from('1-x'),
          int32(1),
          Buffer.from('b'),
          int32(-1),
        ]),
      )
      .digest('hex');
    expect(report.partitions[0]!.sourceChecksum).toBe(expected);
  });

  it('names the first divergent record on each side by its own offset', async () => {
    const { source, target } = mirroredPair();
    // The target's copy of the committed transaction differs in its second record.
    const t = target.log('east.t', 0);
    t.batches.splice(1);
    t.next = 3;
    t.append(batch(['tx-1', 'tx-X'], T0 + 20));
    t.append(batch(['d', 'e'], T0 + 30));
    const report = await verifyFlowPartitions({ source, target, topics: TOPICS });
    const [p] = report.partitions;
    expect(report.match).toBe(false);
    expect(p!.firstDivergence).toEqual({ sourceOffset: 7, targetOffset: 4 });
    expect(p!.sourceRecords).toBe(7);
    expect(p!.targetRecords).toBe(7);
    expect(p!.sourceChecksum).not.toBe(p!.targetChecksum);
  });

  it('reports the side that runs out first with a null offset', async () => {
    const { source, target } = mirroredPair();
    target.log('east.t', 0).append(batch(['extra'], T0 + 40));
    const report = await verifyFlowPartitions({ source, target, topics: TOPICS });
    expect(report.partitions[0]!.firstDivergence).toEqual({ sourceOffset: null, targetOffset: 7 });
    const shorter = mirroredPair();
    shorter.source.log('t', 0).append(batch(['late'], T0 + 40));
    const behind = await verifyFlowPartitions({
      source: shorter.source,
      target: shorter.target,
      topics: TOPICS,
    });
    expect(behind.partitions[0]!.firstDivergence).toEqual({ sourceOffset: 16, targetOffset: null });
  });

  it('stops at the committed position, even inside a batch', async () => {
    const { source, target } = mirroredPair();
    // Records mirrored past the committed position, and the source ahead of the mirror, do not count.
    target.log('east.t', 0).append(batch(['not-yet-synced'], T0 + 40));
    source.log('t', 0).append(batch(['not-yet-mirrored'], T0 + 40));
    const report = await verifyFlowPartitions({
      source,
      target,
      topics: TOPICS,
      upTo: {
        bound: (topic, partition) =>
          topic === 't' && partition === 0 ? { sourceOffset: 15, targetOffset: 6 } : undefined,
      },
    });
    const [p] = report.partitions;
    expect(report.match).toBe(true);
    expect(p!.sourceRecords).toBe(6);
    expect(p!.targetRecords).toBe(6);
  });

  it('from a timestamp starts both sides at the copy of the same record, markers and disorder aside', async () => {
    const source = new TimedCluster();
    const target = new TimedCluster();
    const s = source.log('t', 0);
    const t = target.log('east.t', 0);
    s.append(batch(['old'], T0));
    t.append(batch(['old'], T0));
    // The first source record at or after T0+10 is aborted data; the next kept record is older than T0+10.
    s.append(batch(['aborted'], T0 + 50, { txnProducerId: 7 }));
    s.aborted.push({ producerId: 7, firstOffset: 1, lastOffset: 2 });
    s.marker(7, false);
    s.append(batch(['older'], T0 + 5));
    t.append(batch(['older'], T0 + 5));
    s.append(batch(['new-1', 'new-2'], T0 + 60));
    t.append(batch(['new-1', 'new-2'], T0 + 60));
    const report = await verifyFlowPartitions({ source, target, topics: TOPICS, fromTimestamp: T0 + 10 });
    const [p] = report.partitions;
    expect(report.match).toBe(true);
    expect(p).toMatchObject({
      sourceStartOffset: 1,
      targetStartOffset: 2,
      sourceRecords: 2,
      targetRecords: 2,
    });
    const none = await verifyFlowPartitions({ source, target, topics: TOPICS, fromTimestamp: T0 + 1000 });
    expect(none.partitions[0]).toMatchObject({ sourceRecords: 0, targetRecords: 0, match: true });
  });
});
