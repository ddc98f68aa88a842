import { describe, expect, it } from 'vitest';
import type { ListOffsetsResult, OffsetSpec } from '../../../src/client/index.js';
import { ReadCommittedFilter } from '../../../src/mirror/batch-filter.js';
import { hasOffsetHoles, reencodeContiguous } from '../../../src/mirror/batch-reencode.js';
import { type OffsetSyncPoint, PartitionOffsetMapping } from '../../../src/mirror/offset-mapping.js';
import { mappingFromSyncs } from '../../../src/mirror/offset-sync-log.js';
import { PartitionWriter } from '../../../src/mirror/target-writer.js';
import { isCopyOf, MirrorInvariantError, resumePartition } from '../../../src/mirror/task-resume.js';
import { baseOffset, CompressionType, RECORDS_OFFSET } from '../../../src/protocol/records/batch-header.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { FakeCluster, type PartitionLog, T0 } from './fake-partition-log.js';

const PID = 500;

/** A source partition with plain, compressed, committed, aborted data, markers and a compaction gap. */
function sourceCluster(): FakeCluster {
  const c = new FakeCluster();
  const log = c.log('t', 0);
  log.data(3);
  log.data(2, { txnProducerId: 7 }); // aborted
  log.data(4, { compression: CompressionType.Gzip });
  log.marker(7, false);
  log.data(1, { txnProducerId: 8 }); // committed
  log.marker(8, true);
  log.gap(4);
  for (let i = 0; i < 6; i++) log.data(1 + (i % 3));
  log.data(2, { txnProducerId: 9 }); // committed, transactional bit cleared on the target
  log.marker(9, true);
  log.data(5);
  return c;
}

/** Mirrors the first `count` kept batches as the task would; returns the syncs in emission order. */
async function mirror(source: FakeCluster, target: FakeCluster, count: number, offsetLagMax = 3) {
  const kept = new ReadCommittedFilter().filter(
    Buffer.from(source.log('t', 0).recordSet()),
    source.log('t', 0).aborted,
    0,
  ).kept;
  const writer = new PartitionWriter(target, {
    topic: 'east.t',
    partition: 0,
    producer: { producerId: PID, producerEpoch: 0, nextSequence: 0 },
  });
  const mapping = new PartitionOffsetMapping({ offsetLagMax });
  const syncs: OffsetSyncPoint[] = [];
  for (const k of kept.slice(0, count)) {
    const targetBase = await writer.send(k.batch);
    const sync = mapping.onBatchMirrored(k.baseOffset, k.lastOffset, targetBase);
    if (sync) syncs.push(sync);
  }
  return { kept, syncs, mapping, nextSequence: writer.producerState.nextSequence };
}

function resume(source: FakeCluster, target: FakeCluster, syncs: OffsetSyncPoint[]) {
  return resumePartition({
    source,
    target,
    topic: 't',
    partition: 0,
    remoteTopic: 'east.t',
    syncs,
    mappingOptions: { offsetLagMax: 3 },
  });
}

describe('resumePartition', () => {
  it('starts at the source log start when nothing was mirrored', async () => {
    const source = sourceCluster();
    source.log('t', 0).batches.shift(); // retention removed the first batch: the log starts at 3
    const r = await resume(source, new FakeCluster(), []);
    expect(r.sourceOffset).toBe(3);
    expect(r.matchedBatches).toBe(0);
    expect(r.producer).toBeNull();
    expect(r.missingSyncs).toEqual([]);
  });

  for (const durable of [0, 1, 2, 4]) {
    it(`matches the target from the last durable sync (${durable} durable) and re-emits what is missing`, async () => {
      const source = sourceCluster();
      const target = new FakeCluster();
      const { kept, syncs, nextSequence, mapping } = await mirror(source, target, 9);
      expect(syncs.length).toBeGreaterThan(4);
      const r = await resume(source, target, syncs.slice(0, durable));
      expect(r.sourceOffset).toBe(kept[8]!.lastOffset + 1);
      expect(r.targetEnd).toBe(target.log('east.t', 0).next);
      expect(r.matchedBatches).toBeGreaterThan(0);
      expect(r.producer).toEqual({ producerId: PID, producerEpoch: 0, nextSequence });
      // The durable syncs plus the re-emitted ones rebuild the mapping that was lost, offset for offset.
      const rebuilt = mappingFromSyncs([...syncs.slice(0, durable), ...r.missingSyncs], { offsetLagMax: 3 });
      for (let o = 0; o <= r.sourceOffset; o++) {
        expect(rebuilt.translate(o), `offset ${o}`).toEqual(mapping.translate(o));
        expect(r.mapping.translate(o), `offset ${o}`).toEqual(mapping.translate(o));
      }
      expect(rebuilt.runCount).toBe(mapping.runCount);
    });
  }

  it('rebuilds the exact mapping: every mirrored source batch translates to its copy on the target', async () => {
    const source = sourceCluster();
    const target = new FakeCluster();
    const { kept, syncs } = await mirror(source, target, 10);
    const r = await resume(source, target, syncs.slice(0, 2));
    const targetBatches = target.log('east.t', 0).batches;
    for (const [i, k] of kept.slice(0, 10).entries()) {
      const t = r.mapping.translate(k.baseOffset);
      expect(t).toEqual({ kind: 'exact', targetOffset: baseOffset(targetBatches[i]!) });
    }
  });

  it('refuses to resume when a target batch is not the copy of the next kept source batch', async () => {
    const source = sourceCluster();
    const target = new FakeCluster();
    const { syncs } = await mirror(source, target, 6);
    const batches = target.log('east.t', 0).batches;
    const victim = batches[4]!;
    victim.writeUInt8(victim.readUInt8(RECORDS_OFFSET + 3) ^ 1, RECORDS_OFFSET + 3);
    await expect(resume(source, target, syncs.slice(0, 1))).rejects.toThrow(MirrorInvariantError);
  });

  it('refuses when the target holds more batches than the source kept', async () => {
    const source = sourceCluster();
    const target = new FakeCluster();
    const { kept, syncs } = await mirror(source, target, 3);
    target.log('east.t', 0).append(kept[2]!.batch); // a duplicate on the target
    await expect(resume(source, target, syncs.slice(0, 1))).rejects.toThrow(MirrorInvariantError);
  });
});

describe('isCopyOf', () => {
  it('ignores the rewritten fields and the transactional bit, nothing else', async () => {
    const source = sourceCluster();
    const target = new FakeCluster();
    await mirror(source, target, 10);
    const copies = target.log('east.t', 0).batches;
    const originals = source.log('t', 0);
    // kept[i].batch was rewritten in place: compare with a fresh read of the source.
    const fresh = new ReadCommittedFilter().filter(originals.recordSet(), originals.aborted, 0).kept;
    expect(fresh).toHaveLength(11);
    for (let i = 0; i < 10; i++) {
      expect(isCopyOf(copies[i]!, fresh[i]!.batch)).toBe(true);
      expect(isCopyOf(copies[i]!, fresh[i + 1]!.batch)).toBe(false);
    }
    const changedTimestamp = Buffer.from(copies[0]!);
    changedTimestamp.writeUInt8(changedTimestamp.readUInt8(30) ^ 1, 30); // baseTimestamp
    expect(isCopyOf(changedTimestamp, fresh[0]!.batch)).toBe(false);
  });
});

/** A source whose log starts at 0 while its first batch is at 4: offsets 0..3 were compacted away. */
class CompactedFromStart extends FakeCluster {
  override async listOffsets(topic: string, partition: number, spec: OffsetSpec): Promise<ListOffsetsResult> {
    const r = await super.listOffsets(topic, partition, spec);
    return spec === 'earliest' && topic === 't' ? { ...r, offset: 0 } : r;
  }
}

/** A batch compaction emptied partly: base at the log end, records at `deltas`, its span kept to 9. */
function holedBatch(log: PartitionLog, deltas: number[]): void {
  log.append(
    encodeRecordBatchSync({
      compression: CompressionType.Gzip,
      lastOffsetDelta: 9,
      records: deltas.map((d) => ({
        key: Buffer.from(`k${d}`),
        value: Buffer.from(`v${log.next + d}`),
        offsetDelta: d,
        timestamp: T0 + d,
      })),
    }),
  );
}

function compactedSource(): CompactedFromStart {
  const c = new CompactedFromStart();
  const log = c.log('t', 0);
  log.gap(4);
  holedBatch(log, [1, 2, 5, 6, 7]); // 4..13: records at 5, 6, 9, 10, 11
  log.data(3); // 14..16
  holedBatch(log, [0, 3, 4]); // 17..26: records at 17, 20, 21
  log.data(2); // 27..28
  return c;
}

/** Mirrors as MirrorTaskRunner does: holed batches re-encoded and mapped stretch by stretch, leading gap first. */
async function mirrorCompacted(source: FakeCluster, target: FakeCluster) {
  const log = source.log('t', 0);
  const kept = new ReadCommittedFilter().filter(Buffer.from(log.recordSet()), log.aborted, 0).kept;
  const writer = new PartitionWriter(target, {
    topic: 'east.t',
    partition: 0,
    producer: { producerId: PID, producerEpoch: 0, nextSequence: 0 },
  });
  const mapping = new PartitionOffsetMapping({ offsetLagMax: 3 });
  const syncs: OffsetSyncPoint[] = [];
  const push = (s: OffsetSyncPoint | undefined) => {
    if (s) syncs.push(s);
  };
  for (const k of kept) {
    if (hasOffsetHoles(k.batch)) {
      const { batch, stretches } = await reencodeContiguous(k.batch);
      const targetBase = await writer.send(batch);
      push(mapping.onLeadingGap(0, stretches[0]!.sourceBase, targetBase));
      for (const st of stretches)
        push(mapping.onBatchMirrored(st.sourceBase, st.sourceLast, targetBase + st.targetDelta));
    } else {
      const targetBase = await writer.send(k.batch);
      push(mapping.onLeadingGap(0, k.baseOffset, targetBase));
      push(mapping.onBatchMirrored(k.baseOffset, k.lastOffset, targetBase));
    }
  }
  return { syncs, mapping };
}

describe('resumePartition over compacted batches', () => {
  it('the target holds the records contiguously and every source offset from the log start translates exactly', async () => {
    const source = compactedSource();
    const target = new FakeCluster();
    const { mapping } = await mirrorCompacted(source, target);
    const values = (c: FakeCluster, topic: string) =>
      c
        .log(topic, 0)
        .batches.flatMap((b) =>
          decodeRecordBatchSync(b).records.map((r) => [r.offset, r.value?.toString()] as const),
        );
    const src = values(source, 't');
    const tgt = values(target, 'east.t');
    expect(tgt.map(([, v]) => v)).toEqual(src.map(([, v]) => v));
    expect(tgt.map(([o]) => o)).toEqual(tgt.map((_, i) => i));
    // The next source record at or after O is the next target record at or after translate(O).
    for (let o = 0; o <= 29; o++) {
      const want = src.findIndex(([so]) => so >= o);
      const t = mapping.translate(o);
      expect(t.kind, `offset ${o}`).toBe('exact');
      if (t.kind !== 'exact') continue;
      const got = tgt.findIndex(([to]) => to >= t.targetOffset);
      expect(got, `offset ${o}`).toBe(want === -1 ? -1 : want);
    }
  });

  it('matches re-encoded copies by their records from any durable sync prefix and rebuilds the same mapping', async () => {
    const source = compactedSource();
    const target = new FakeCluster();
    const { syncs, mapping } = await mirrorCompacted(source, target);
    expect(syncs[0]).toEqual({ upstreamOffset: 0, downstreamOffset: 0 }); // the leading gap
    expect(syncs.length).toBeGreaterThan(5);
    for (let durable = 0; durable <= syncs.length; durable++) {
      const r = await resume(source, target, syncs.slice(0, durable));
      expect(r.sourceOffset, `${durable} durable`).toBe(29);
      expect(r.producer?.producerId).toBe(PID);
      const all = [...syncs.slice(0, durable), ...r.missingSyncs];
      const rebuilt = mappingFromSyncs(all, { offsetLagMax: 3 });
      // Syncs describe the mapping up to the last one's upstream offset (the rest is known in memory only).
      const described = Math.max(...all.map((s) => s.upstreamOffset));
      expect(described).toBeGreaterThanOrEqual(27);
      for (let o = 0; o <= 29; o++) {
        expect(r.mapping.translate(o), `resumed, ${durable} durable, offset ${o}`).toEqual(
          mapping.translate(o),
        );
        if (o <= described)
          expect(rebuilt.translate(o), `rebuilt, ${durable} durable, offset ${o}`).toEqual(
            mapping.translate(o),
          );
      }
    }
  });

  it('refuses a target batch whose records differ from the holed source batch', async () => {
    const source = compactedSource();
    const target = new FakeCluster();
    const { syncs } = await mirrorCompacted(source, target);
    const first = target.log('east.t', 0).batches[0]!;
    const decoded = decodeRecordBatchSync(first);
    target.log('east.t', 0).batches[0] = encodeRecordBatchSync({
      baseOffset: 0,
      compression: CompressionType.Gzip,
      producerId: PID,
      producerEpoch: 0,
      baseSequence: 0,
      records: decoded.records.map((r, i) => ({
        key: r.key,
        value: i === 2 ? Buffer.from('other') : r.value,
        timestamp: r.timestamp,
      })),
    });
    await expect(resume(source, target, syncs.slice(0, 1))).rejects.toThrow(MirrorInvariantError);
  });
});
