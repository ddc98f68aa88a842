import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import type { PartitionState } from '../../../src/replication/partition.js';
import type {
  FetchParams,
  FetchPartitionResult,
  ReplicaManager,
} from '../../../src/replication/replica-manager.js';
import { shutDownAndRemove, standaloneReplicaManager } from './standalone-replica-manager.js';

const LEADER = 1;
const FOLLOWERS = [2, 3];
const leading: PartitionState = {
  leader: LEADER,
  leaderEpoch: 1,
  partitionEpoch: 1,
  replicas: [LEADER, ...FOLLOWERS],
  isr: [LEADER, ...FOLLOWERS],
};

function batch(records: number): Buffer {
  return encodeRecordBatchSync({
    records: Array.from({ length: records }, (_, i) => ({ value: Buffer.alloc(100, i), timestamp: 1 })),
  });
}

function fetch(replicaId: number, offsets: Record<number, number>, maxWaitMs = 60_000): FetchParams {
  return {
    replicaId,
    maxWaitMs,
    minBytes: 1,
    maxBytes: 10 * 1024 * 1024,
    isolation: 'read_uncommitted',
    partitions: Object.entries(offsets).map(([partition, fetchOffset]) => ({
      topic: 't',
      partition: Number(partition),
      fetchOffset,
      partitionMaxBytes: 1024 * 1024,
      currentLeaderEpoch: 1,
    })),
  };
}

/** Lets promise callbacks run (no timer involved): settled promises have called their handlers after this. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function tracked<T>(value: T | Promise<T>): { settled: () => T | undefined } {
  let result: T | undefined;
  if (value instanceof Promise) void value.then((v) => (result = v));
  else result = value;
  return { settled: () => result };
}

const recordBytes = (results: readonly FetchPartitionResult[] | undefined, partition: number) =>
  results?.find((r) => r.partition === partition)?.records?.length ?? 0;

describe('ReplicaManager fetch and produce purgatories on a leader', () => {
  let dir: string;
  let manager: ReplicaManager;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-replica-manager-'));
    manager = standaloneReplicaManager(dir, { brokerId: LEADER, minInsyncReplicas: 2 });
    manager.applyPartitionState('t', 0, leading);
    manager.applyPartitionState('t', 1, leading);
  });

  afterEach(() => shutDownAndRemove(manager, dir));

  it('answers a parked follower fetch once with every partition one produce request appended', async () => {
    const parked = tracked(manager.fetchMessages(fetch(2, { 0: 0, 1: 0 })));
    await settle();
    expect(parked.settled()).toBeUndefined();

    const b0 = batch(3);
    const b1 = batch(5);
    const produced = tracked(
      manager.appendRecords(
        [
          { topic: 't', partition: 0, records: Buffer.from(b0) },
          { topic: 't', partition: 1, records: Buffer.from(b1) },
        ],
        -1,
        60_000,
      ),
    );
    await settle();
    // One answer carrying both partitions, not one for the first partition and a second round trip for the next.
    expect(recordBytes(parked.settled(), 0)).toBe(b0.length);
    expect(recordBytes(parked.settled(), 1)).toBe(b1.length);
    expect(produced.settled()).toBeUndefined();
  });

  it('acknowledges acks=all once every ISR follower fetched past it, and wakes consumers waiting for the HW', async () => {
    const consumer = tracked(manager.fetchMessages(fetch(-1, { 0: 0 })));
    const produced = tracked(
      manager.appendRecords([{ topic: 't', partition: 0, records: batch(4) }], -1, 60_000),
    );
    await settle();
    // The data is on the leader but below no HW yet: the consumer sees nothing, the producer waits.
    expect(consumer.settled()).toBeUndefined();
    expect(produced.settled()).toBeUndefined();

    const first = tracked(manager.fetchMessages(fetch(2, { 0: 4 })));
    await settle();
    expect(first.settled()).toBeUndefined(); // caught up: parked until new data
    expect(produced.settled()).toBeUndefined(); // follower 3 has not fetched past it yet
    expect(manager.partition('t', 0)?.log.highWatermark).toBe(0);

    const second = tracked(manager.fetchMessages(fetch(3, { 0: 4 })));
    await settle();
    expect(manager.partition('t', 0)?.log.highWatermark).toBe(4);
    expect(produced.settled()?.[0]?.error).toBeUndefined();
    expect(produced.settled()?.[0]?.baseOffset).toBe(0);
    // Woken by the HW move itself, not by a later append or its max wait.
    expect(recordBytes(consumer.settled(), 0)).toBeGreaterThan(0);
    expect(second.settled()).toBeUndefined();
  });

  it('answers a follower fetch at once when data is already there, from the offset it asked', async () => {
    manager.appendRecords([{ topic: 't', partition: 0, records: batch(2) }], 1, 60_000);
    const b = batch(3);
    manager.appendRecords([{ topic: 't', partition: 0, records: Buffer.from(b) }], 1, 60_000);
    const answer = manager.fetchMessages(fetch(2, { 0: 2, 1: 0 }));
    expect(answer).not.toBeInstanceOf(Promise);
    expect(recordBytes(answer as FetchPartitionResult[], 0)).toBe(b.length);
    expect(recordBytes(answer as FetchPartitionResult[], 1)).toBe(0);
  });
});
