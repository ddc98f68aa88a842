import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/common/clock.js';
import { silentLogger } from '../../../src/common/logger.js';
import { logConfig } from '../../../src/log/log-config.js';
import { PartitionLog } from '../../../src/log/partition-log.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { Partition } from '../../../src/replication/partition.js';
import {
  REPLICA_FETCH_MAX_BYTES,
  REPLICA_FETCH_RESPONSE_MAX_BYTES,
  REPLICA_FETCH_WAIT_MAX_MS,
  ReplicaFetchRequest,
} from '../../../src/replication/replica-fetch-request.js';

describe('ReplicaFetchRequest', () => {
  let root: string;
  const logs: PartitionLog[] = [];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ferry-replica-fetch-request-'));
  });

  afterEach(() => {
    try {
      for (const log of logs.splice(0)) log.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  function partition(topic: string, index: number): Partition {
    const dir = join(root, `${topic}-${index}`);
    mkdirSync(dir);
    const clock = new ManualClock();
    const log = PartitionLog.open({ dir, config: logConfig({ fileDeleteDelayMs: 0 }), clock });
    logs.push(log);
    return new Partition(topic, index, log, 2, clock, silentLogger, () =>
      Promise.reject(new Error('unused')),
    );
  }

  it("groups partitions by topic, and each refresh reads the logs' positions into the same request", () => {
    const a0 = partition('a', 0);
    const b3 = partition('b', 3);
    const a1 = partition('a', 1);
    const request = new ReplicaFetchRequest(2, {
      maxWaitMs: REPLICA_FETCH_WAIT_MAX_MS,
      maxBytes: REPLICA_FETCH_RESPONSE_MAX_BYTES,
      partitionMaxBytes: REPLICA_FETCH_MAX_BYTES,
    });
    expect(request.isStale).toBe(true);
    request.rebuild([
      { partition: a0, leaderEpoch: 4 },
      { partition: b3, leaderEpoch: 4 },
      { partition: a1, leaderEpoch: 5 },
    ]);
    expect(request.size).toBe(3);

    const first = request.refresh();
    expect(first).toMatchObject({ replicaId: 2, maxWaitMs: 500, minBytes: 1, maxBytes: 10 * 1024 * 1024 });
    expect(first.topics.map((t) => [t.topic, t.partitions.map((p) => p.partition)])).toEqual([
      ['a', [0, 1]],
      ['b', [3]],
    ]);
    expect(first.topics[0]?.partitions[1]).toMatchObject({
      currentLeaderEpoch: 5,
      fetchOffset: 0,
      lastFetchedEpoch: -1,
      logStartOffset: 0,
      partitionMaxBytes: 1024 * 1024,
    });

    // The follower appended what the leader (epoch 5) sent: the next fetch asks from the new LEO.
    const records = encodeRecordBatchSync({
      baseOffset: 0,
      partitionLeaderEpoch: 5,
      records: [0, 1, 2].map((i) => ({ value: Buffer.from([i]), timestamp: 1 })),
    });
    a1.appendRecordsAsFollower(records, 3, 0);
    const second = request.refresh();
    expect(second).toBe(first);
    expect(second.topics[0]?.partitions[1]).toMatchObject({ fetchOffset: 3, lastFetchedEpoch: 5 });
    expect(second.topics[0]?.partitions[0]).toMatchObject({ fetchOffset: 0, lastFetchedEpoch: -1 });

    request.invalidate();
    expect(request.isStale).toBe(true);
    expect(() => request.refresh()).toThrow();
  });
});
