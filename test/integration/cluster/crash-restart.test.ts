import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClusterHarness,
  fullyInSync,
  partitionsOf,
  startClusterHarness,
  waitUntil,
} from '../../harness/cluster.js';

/**
 * A leader that crashes and is started again at once — before its session expired, so the controller never
 * fenced it — comes back with only what it had fsynced. It must not lead again in the epoch it led before the
 * crash: its followers would truncate the acknowledged records it lost to match it.
 */

const TOPIC = 'crash-restart';

let harness: ClusterHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('a leader crashed and restarted within its session', () => {
  it('loses no acknowledged record', async () => {
    // A long session, so that nothing but the restart itself can tell the controller about the crash.
    harness = await startClusterHarness({ overrides: { 'broker.session.timeout.ms': 30_000 } });
    const cluster = harness.cluster;
    const kafka = harness.kafka('crash-restart');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          {
            topic: TOPIC,
            numPartitions: 1,
            replicationFactor: 3,
            configEntries: [{ name: 'min.insync.replicas', value: '2' }],
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    await waitUntil('the topic in sync', () => fullyInSync(cluster, [TOPIC]));
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const acked: string[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        await producer.send({ topic: TOPIC, acks: -1, messages: [{ partition: 0, value: `v${i}` }] });
        acked.push(`v${i}`);
      }
    } finally {
      await producer.disconnect();
    }
    const leader = partitionsOf(cluster, TOPIC)[0]!.leader;
    const epochBefore = partitionsOf(cluster, TOPIC)[0]!.leaderEpoch;

    await cluster.stopBroker(leader, { crash: true });
    await cluster.startBroker(leader);

    await waitUntil(
      'the ISR full again',
      () => fullyInSync(cluster, [TOPIC]),
      15_000,
      () => JSON.stringify(partitionsOf(cluster, TOPIC)),
    );
    expect(partitionsOf(cluster, TOPIC)[0]!.leaderEpoch).toBeGreaterThan(epochBefore);
    const p = partitionsOf(cluster, TOPIC)[0]!;
    const log = cluster.broker(p.leader).replicaManager.partition(TOPIC, 0)!.log;
    expect(log.highWatermark).toBeGreaterThanOrEqual(acked.length);
    for (const id of p.replicas) {
      await waitUntil(`broker ${id} caught up`, () => {
        const replica = cluster.broker(id).replicaManager.partition(TOPIC, 0)!.log;
        return replica.logEndOffset >= acked.length;
      });
    }
  });
});
