import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../../src/client/index.js';
import { MirrorTaskRunner } from '../../../src/mirror/mirror-task.js';
import { DefaultReplicationPolicy } from '../../../src/mirror/replication-policy.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/index.js';
import { waitFor } from '../../harness/broker-harness.js';
import type { ClusterHarness } from '../../harness/cluster.js';
import { type EastWest, startEastWest } from '../../harness/east-west.js';

/**
 * A running task keeps only what is in flight: the batches it mirrored are garbage once acknowledged. (It once
 * raced every reader.next() against a failure promise that never settles; each race left a reaction on that
 * promise holding the fetched chunk, so a task kept every byte it mirrored until it stopped.)
 */

const BATCH_RECORDS = 64;
const RECORD_BYTES = 8 * 1024; // 512 KiB batches
const BATCHES = 192; // 96 MiB through the task

let clusters: EastWest | undefined;
let east: ClusterHarness;
let west: ClusterHarness;
let eastAdmin: Admin;
let westAdmin: Admin;
let eastClient: ClusterClient;
let runner: MirrorTaskRunner | undefined;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function arrayBufferBytesAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().arrayBuffers;
}

beforeAll(async () => {
  clusters = await startEastWest();
  ({ east, west, eastAdmin, westAdmin } = clusters);
  eastClient = new ClusterClient({ bootstrapServers: east.cluster.bootstrap });
}, 60_000);

afterAll(async () => {
  await runner?.stop();
  eastClient?.close();
  await clusters?.close();
}, 60_000);

describe('a running mirror task', () => {
  it('does not keep the batches it mirrored', async () => {
    const topic = 'memory';
    const spec = (name: string) => ({ topic: name, numPartitions: 1, replicationFactor: 1 });
    await eastAdmin.createTopics({ waitForLeaders: true, topics: [spec(topic), spec('syncs')] });
    await westAdmin.createTopics({ waitForLeaders: true, topics: [spec(`east.${topic}`)] });
    runner = new MirrorTaskRunner({
      task: {
        taskId: 'memory',
        flowId: 'east->west',
        sourceAlias: 'east',
        targetAlias: 'west',
        partitions: [{ topic, partition: 0 }],
      },
      clusterClientOptions: (alias) => ({
        bootstrapServers: (alias === 'east' ? east : west).cluster.bootstrap,
        clientId: 'mirror-memory',
      }),
      policy: new DefaultReplicationPolicy(),
      offsetSyncsTopic: 'syncs',
      fetchMaxWaitMs: 50,
    });
    await runner.start();
    const batch = encodeRecordBatchSync({
      records: Array.from({ length: BATCH_RECORDS }, (_, i) => ({
        value: Buffer.alloc(RECORD_BYTES, i),
        timestamp: Date.now(),
      })),
    });
    // Warm: the task resumed and mirrored one batch, so its connections and buffers exist before the baseline.
    await eastClient.produce(topic, 0, batch, { acks: 1, timeoutMs: 30_000 });
    await waitFor(
      'the first batch mirrored',
      () => runner!.metrics()[0]!.targetNextOffset === BATCH_RECORDS,
      30_000,
    );
    const before = arrayBufferBytesAfterGc();

    for (let i = 1; i < BATCHES; i++)
      await eastClient.produce(topic, 0, batch, { acks: 1, timeoutMs: 30_000 });
    await waitFor(
      'every batch mirrored',
      () => runner!.metrics()[0]!.targetNextOffset === BATCHES * BATCH_RECORDS,
      60_000,
    );
    const grown = arrayBufferBytesAfterGc() - before;

    // What a leak would keep: every mirrored byte (96 MiB). What the task may hold: its read-ahead and the
    // batches in flight, a few MiB.
    expect(grown).toBeLessThan((BATCHES * batch.length) / 4);
  }, 120_000);
});
