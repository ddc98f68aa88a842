import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { ProduceOptions, ProduceResult } from '../../../src/client/index.js';
import { ManualClock } from '../../../src/common/clock.js';
import { silentLogger } from '../../../src/common/logger.js';
import { CheckpointEmitter } from '../../../src/mirror/checkpoints.js';
import { type Checkpoint, decodeCheckpoint } from '../../../src/mirror/formats/index.js';
import { GroupFilter } from '../../../src/mirror/group-filter.js';
import { PartitionOffsetMapping } from '../../../src/mirror/offset-mapping.js';
import type { PartitionOffsetSync } from '../../../src/mirror/offset-sync-log.js';
import { createReplicationPolicy } from '../../../src/mirror/replication-policy.js';
import { decodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';

type Committed = Record<string, Record<string, Record<number, number>>>;

function sourceAdmin(committed: Committed, groups: Array<{ groupId: string; protocolType: string }>): Admin {
  const fake = {
    listGroups: async () => ({ groups }),
    fetchOffsets: async ({ groupId, topics }: { groupId: string; topics: string[] }) =>
      topics.map((topic) => ({
        topic,
        partitions: Object.entries(committed[groupId]?.[topic] ?? {}).map(([partition, offset]) => ({
          partition: Number(partition),
          offset: String(offset),
          metadata: offset === 7 ? 'meta' : null,
        })),
      })),
  };
  return fake as unknown as Admin;
}

/** A target that records the checkpoint batches it is sent; `onProduce` runs before the ack. */
class CapturingTarget {
  readonly written: Checkpoint[] = [];
  produces = 0;
  onProduce: () => void = () => {};

  async produce(
    topic: string,
    partition: number,
    records: Buffer,
    _o: ProduceOptions,
  ): Promise<ProduceResult> {
    expect([topic, partition]).toEqual(['east.checkpoints.internal', 0]);
    this.onProduce();
    this.produces++;
    for (const r of decodeRecordBatchSync(records).records)
      this.written.push(decodeCheckpoint(r.key, r.value));
    return { baseOffset: 0, logAppendTimeMs: -1, logStartOffset: 0 };
  }
}

/** orders-0: source 0..4 at target 0..4, source 9..13 at target 5..9 (an aborted transaction dropped). */
function liveMapping(): PartitionOffsetMapping {
  const m = new PartitionOffsetMapping();
  m.onBatchMirrored(0, 4, 0);
  m.onBatchMirrored(9, 13, 5);
  return m;
}

function emitter(committed: Committed, options: { syncs?: PartitionOffsetSync[]; clock?: ManualClock } = {}) {
  const target = new CapturingTarget();
  let syncReads = 0;
  const e = new CheckpointEmitter({
    sourceAlias: 'east',
    targetAlias: 'west',
    policy: createReplicationPolicy('default'),
    groupFilter: new GroupFilter(),
    source: sourceAdmin(committed, [
      { groupId: 'billing', protocolType: 'consumer' },
      { groupId: 'console-consumer-42', protocolType: 'consumer' },
      { groupId: 'connect-sink', protocolType: 'consumer' },
      { groupId: 'simple', protocolType: '' },
    ]),
    topic: 'east.checkpoints.internal',
    client: target,
    mirroredTopics: () => new Set(['orders']),
    mapping: (topic, partition) => (topic === 'orders' && partition === 0 ? liveMapping() : undefined),
    readOffsetSyncs: async () => {
      syncReads++;
      return options.syncs ?? [];
    },
    logger: silentLogger,
    clock: options.clock,
  });
  return { e, target, syncReads: () => syncReads };
}

describe('CheckpointEmitter', () => {
  it('translates committed offsets exactly, names the remote topic, and skips excluded groups', async () => {
    const syncs: PartitionOffsetSync[] = [
      { topic: 'orders', partition: 1, upstreamOffset: 0, downstreamOffset: 100 },
      { topic: 'orders', partition: 1, upstreamOffset: 49, downstreamOffset: 149 },
    ];
    const { e, target, syncReads } = emitter(
      {
        billing: { orders: { 0: 11, 1: 20 } },
        simple: { orders: { 0: 6 } },
        'console-consumer-42': { orders: { 0: 3 } },
      },
      { syncs },
    );
    const round = await e.emit();
    expect(target.produces).toBe(1);
    expect(target.written).toEqual([
      // 11 sits in the second run: 11 - 9 + 5.
      {
        group: 'billing',
        topic: 'east.orders',
        partition: 0,
        upstreamOffset: 11,
        downstreamOffset: 7,
        metadata: '',
        version: 0,
      },
      // orders-1 is not mirrored here: rebuilt from the offset-syncs topic (shift +100).
      {
        group: 'billing',
        topic: 'east.orders',
        partition: 1,
        upstreamOffset: 20,
        downstreamOffset: 120,
        metadata: '',
        version: 0,
      },
      // 6 is in the dropped range 5..8: the next record it would read is source 9, target 5.
      {
        group: 'simple',
        topic: 'east.orders',
        partition: 0,
        upstreamOffset: 6,
        downstreamOffset: 5,
        metadata: '',
        version: 0,
      },
    ]);
    expect(syncReads()).toBe(1);
    expect(round.groups.get('billing')?.translationErrorBound).toBe(0);
    expect([...round.groups.keys()]).toEqual(['billing', 'simple']);
  });

  it('skips offsets the mirror has not passed yet and retries them; unchanged checkpoints are not rewritten', async () => {
    const committed: Committed = { billing: { orders: { 0: 20 } } };
    const { e, target } = emitter(committed);
    const first = await e.emit();
    expect(first.written).toBe(0);
    expect(first.groups.get('billing')?.pending).toBe(1);
    expect(target.produces).toBe(0);
    committed.billing!.orders![0] = 14;
    expect((await e.emit()).written).toBe(1);
    expect((await e.emit()).written).toBe(0);
    committed.billing!.orders![0] = 7;
    await e.emit();
    // 7 is in the dropped range 5..8: target 5. A rewind is reported as it is (checkpoints are exact).
    expect(target.written.map((c) => [c.upstreamOffset, c.downstreamOffset, c.metadata])).toEqual([
      [14, 10, ''],
      [7, 5, 'meta'],
    ]);
    expect(e.checkpoints().get('billing')?.get('east.orders:0')?.upstreamOffset).toBe(7);
  });

  it('measures checkpoint latency from the read of the committed offsets to the acknowledgement', async () => {
    const clock = new ManualClock(1_000);
    const { e, target } = emitter({ billing: { orders: { 0: 3 } } }, { clock });
    target.onProduce = () => clock.advance(25);
    const round = await e.emit();
    expect(round.latencyMs.get('billing/east.orders:0')).toBe(25);
  });

  it('keeps the previous checkpoints when the write fails, so the next round writes them again', async () => {
    const { e, target } = emitter({ billing: { orders: { 0: 3 } } });
    target.onProduce = () => {
      throw new Error('target down');
    };
    await expect(e.emit()).rejects.toThrow('target down');
    expect(e.checkpoints().get('billing')).toBeUndefined();
    target.onProduce = () => {};
    expect((await e.emit()).written).toBe(1);
  });
});
