import { describe, expect, it } from 'vitest';
import type { ProduceOptions, ProduceResult } from '../../../src/client/index.js';
import { ManualClock } from '../../../src/common/clock.js';
import { decodeHeartbeat } from '../../../src/mirror/formats/index.js';
import { HeartbeatEmitter } from '../../../src/mirror/heartbeats.js';
import { decodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';

describe('HeartbeatEmitter', () => {
  it('appends one MM2 heartbeat (source, target, now) per emit to partition 0 of the topic, acks=all', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const sent: Array<{ topic: string; partition: number; records: Buffer; acks: number }> = [];
    const client = {
      async produce(
        topic: string,
        partition: number,
        records: Buffer,
        o: ProduceOptions,
      ): Promise<ProduceResult> {
        sent.push({ topic, partition, records, acks: o.acks });
        return { baseOffset: sent.length - 1, logAppendTimeMs: -1, logStartOffset: 0 };
      },
    };
    const emitter = new HeartbeatEmitter({
      sourceAlias: 'east',
      targetAlias: 'west',
      topic: 'heartbeats',
      client,
      clock,
    });
    expect(emitter.lastHeartbeatMs).toBe(-1);
    await emitter.emit();
    clock.advance(1000);
    await emitter.emit();
    expect(emitter.count).toBe(2);
    expect(emitter.lastHeartbeatMs).toBe(1_700_000_001_000);
    expect(sent.map((s) => [s.topic, s.partition, s.acks])).toEqual([
      ['heartbeats', 0, -1],
      ['heartbeats', 0, -1],
    ]);
    const decoded = sent.map((s) => {
      const [record] = decodeRecordBatchSync(s.records).records;
      return { ...decodeHeartbeat(record!.key, record!.value), recordTimestamp: record!.timestamp };
    });
    expect(decoded).toEqual([
      {
        sourceClusterAlias: 'east',
        targetClusterAlias: 'west',
        timestamp: 1_700_000_000_000,
        version: 0,
        recordTimestamp: 1_700_000_000_000,
      },
      {
        sourceClusterAlias: 'east',
        targetClusterAlias: 'west',
        timestamp: 1_700_000_001_000,
        version: 0,
        recordTimestamp: 1_700_000_001_000,
      },
    ]);
  });

  it('does not count a heartbeat the target refused', async () => {
    const client = {
      produce: async (): Promise<ProduceResult> => {
        throw new Error('NOT_LEADER_OR_FOLLOWER');
      },
    };
    const emitter = new HeartbeatEmitter({
      sourceAlias: 'east',
      targetAlias: 'west',
      topic: 'heartbeats',
      client,
    });
    await expect(emitter.emit()).rejects.toThrow('NOT_LEADER_OR_FOLLOWER');
    expect(emitter.count).toBe(0);
  });
});
