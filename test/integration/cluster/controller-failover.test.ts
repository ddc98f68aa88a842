import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClusterHarness,
  describeImage,
  fullyInSync,
  notInSync,
  startClusterHarness,
  waitUntil,
} from '../../harness/cluster.js';

/**
 * Controller failover during a leader election storm: 20 topics × 3 partitions with RF 3, one other broker
 * stopped and started over and over (every stop and start moves leaderships and ISRs), and the controller's
 * broker stopped — cleanly, and in a crash — in the middle of it. Another broker takes over within a few
 * seconds, the elections complete (every partition led by a live broker of its ISR, the ISR full again), topics
 * can still be created, and every broker has the same metadata.
 */

const TOPICS = Array.from({ length: 20 }, (_, i) => `storm-${i}`);

let harness: ClusterHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function failoverDuringStorm(crash: boolean): Promise<number> {
  harness = await startClusterHarness({
    overrides: { 'broker.heartbeat.interval.ms': 250 },
  });
  const cluster = harness.cluster;
  const admin = harness.kafka('controller-failover').admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: TOPICS.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 3 })),
    });
    await waitUntil(
      'the storm topics in sync',
      () => fullyInSync(cluster, TOPICS),
      15_000,
      () => notInSync(cluster, TOPICS).join('; '),
    );

    const controller = cluster.controllerId;
    const other = cluster.brokerIds.find((id) => id !== controller)!;
    // The storm: the other broker goes and comes back three times; the controller goes during the first stop.
    const storm = (async () => {
      for (let i = 0; i < 3; i++) {
        await cluster.stopBroker(other, { crash: crash && i % 2 === 0 });
        await cluster.startBroker(other);
      }
    })();
    await new Promise((resolve) => setImmediate(resolve));
    const stoppedAt = Date.now();
    const stopping = cluster.stopBroker(controller, { crash });
    await waitUntil(
      'a new controller',
      () =>
        cluster.controllerId > 0 &&
        cluster.controllerId !== controller &&
        cluster.isRunning(cluster.controllerId),
      10_000,
    );
    const takeoverMs = Date.now() - stoppedAt;
    await Promise.all([storm, stopping]);
    await cluster.startBroker(controller);

    await waitUntil(
      'every partition led by a live broker of its ISR, with the ISR full',
      () => fullyInSync(cluster, TOPICS),
      15_000,
      () => notInSync(cluster, TOPICS).join('; '),
    );
    // A fresh admin: kafkajs' CreateTopics gives up on a connection the stopped controller closed.
    const after = harness.kafka('after-failover').admin();
    await after.connect();
    try {
      await after.createTopics({
        topics: [{ topic: 'after-failover', numPartitions: 3, replicationFactor: 3 }],
      });
    } finally {
      await after.disconnect();
    }
    await waitUntil('the new topic in sync', () => fullyInSync(cluster, ['after-failover']), 15_000);

    // Same metadata everywhere, and every broker acts on it: leads what it leads, follows the rest.
    const images = cluster.brokerIds.map((id) => describeImage(cluster.broker(id).metadata));
    for (const image of images) expect(image).toBe(images[0]);
    const image = cluster.broker(cluster.controllerId).metadata;
    for (const id of cluster.brokerIds) {
      for (const { topic, partition, image: p } of image.partitionsOf(id)) {
        const local = cluster.broker(id).replicaManager.partition(topic, partition);
        expect(local?.leaderId, `${topic}-${partition} on broker ${id}`).toBe(p.leader);
        expect(local?.leaderEpoch, `${topic}-${partition} on broker ${id}`).toBe(p.leaderEpoch);
      }
    }
    return takeoverMs;
  } finally {
    // kafkajs' disconnect can reject for a connection the stopped controller already closed.
    await admin.disconnect().catch(() => {});
  }
}

describe('controller failover during a leader election storm', () => {
  it('survives a clean stop of the controller', async () => {
    const ms = await failoverDuringStorm(false);
    console.log(`clean stop: new controller after ${ms} ms`);
    expect(ms).toBeLessThan(5000);
  }, 60_000);

  it('survives a crash of the controller', async () => {
    const ms = await failoverDuringStorm(true);
    console.log(`crash: new controller after ${ms} ms`);
    expect(ms).toBeLessThan(5000);
  }, 60_000);
});
