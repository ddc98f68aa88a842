import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { partitionDirName } from '../../../src/log/log-file-names.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import type { PartitionState } from '../../../src/replication/partition.js';
import {
  HIGH_WATERMARK_CHECKPOINT_FILE,
  type ReplicaManager,
} from '../../../src/replication/replica-manager.js';
import { appendNow, shutDownAndRemove, standaloneReplicaManager } from './standalone-replica-manager.js';

/**
 * The periodic high-watermark checkpoint: the file is in place as soon as the call returns (its fsyncs run in
 * the thread pool, off the event loop), a round while a partition's fsync is still running leaves that
 * partition for the next round, and a clean stop writes the last high watermark durably.
 */

const leading: PartitionState = { leader: 1, leaderEpoch: 1, partitionEpoch: 1, replicas: [1], isr: [1] };

describe('ReplicaManager high watermark checkpoints', () => {
  let dir: string;
  let manager: ReplicaManager;
  const checkpointPath = () =>
    join(dir, partitionDirName({ topic: 't', partition: 0 }), HIGH_WATERMARK_CHECKPOINT_FILE);
  /** The checkpoint file's offset line ("t 0 <hw>"), or undefined when there is no file yet. */
  const checkpointed = (): number | undefined => {
    try {
      const line = readFileSync(checkpointPath(), 'utf8').split('\n')[2]!;
      return Number(line.split(' ')[2]);
    } catch {
      return undefined;
    }
  };
  const produce = (records: number) => {
    const batch = encodeRecordBatchSync({
      records: Array.from({ length: records }, () => ({ value: Buffer.from('v'), timestamp: 1 })),
    });
    expect(appendNow(manager, batch).error).toBeUndefined();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-hw-checkpoint-'));
    manager = standaloneReplicaManager(dir);
    manager.applyPartitionState('t', 0, leading);
  });

  afterEach(() => shutDownAndRemove(manager, dir));

  it('puts the moved high watermark in place before returning, and a restart reads it', async () => {
    produce(3);
    expect(manager.partition('t', 0)!.log.highWatermark).toBe(3);
    manager.checkpointHighWatermarks();
    expect(checkpointed()).toBe(3);
    await manager.shutdown();
    manager = standaloneReplicaManager(dir);
    // Opened without taking part in replication yet: the high watermark comes from the checkpoint.
    manager.applyPartitionState('t', 0, { ...leading, leaderEpoch: 2, partitionEpoch: 2 });
    expect(manager.partition('t', 0)!.log.highWatermark).toBe(3);
  });

  it('leaves a partition whose fsync is still running for the next round; a clean stop writes the last one', async () => {
    produce(2);
    manager.checkpointHighWatermarks();
    expect(checkpointed()).toBe(2);
    // Same turn: the first round's fsync has not completed, so this round does not rewrite the file.
    produce(5);
    manager.checkpointHighWatermarks();
    expect(checkpointed()).toBe(2);
    await manager.shutdown();
    expect(checkpointed()).toBe(7);
    manager = standaloneReplicaManager(dir);
  });
});
