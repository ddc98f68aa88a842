import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterHarness, fullyInSync, startClusterHarness, waitUntil } from '../../harness/cluster.js';

/**
 * A whole cluster stopped and started again from its data directories comes back as it was: the same brokers,
 * topics (ids included), config overrides, partition assignments, every partition led by a member of a full ISR,
 * and the data.
 */

let harness: ClusterHarness;

beforeAll(async () => {
  harness = await startClusterHarness();
});

afterAll(async () => {
  await harness?.close();
});

/** Everything that must survive a restart; leader epochs may move (shutdown and start elect leaders). */
function snapshot() {
  const cluster = harness.cluster;
  const image = cluster.broker(cluster.controllerId).metadata;
  return {
    brokers: [...image.brokers.keys()].sort(),
    topics: [...image.topicsByName.values()]
      .filter((t) => !t.name.startsWith('__'))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((t) => ({
        name: t.name,
        topicId: t.topicId,
        configs: Object.fromEntries([...t.configs].sort()),
        replicas: t.partitions.map((p) => p.replicas),
      })),
  };
}

async function consumeAll(topics: string[], expected: number): Promise<string[]> {
  const values: string[] = [];
  const consumer = harness.kafka('restart-consumer').consumer({ groupId: `restart-${Date.now()}` });
  await consumer.connect();
  try {
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        values.push(`${topic}/${partition}/${message.offset}/${message.value!.toString()}`);
      },
    });
    await waitUntil(`${expected} records consumed`, () => values.length >= expected, 20_000);
  } finally {
    await consumer.disconnect();
  }
  return values.sort();
}

describe('a whole cluster restarted from its data directories', () => {
  it('comes back with its topics, configs, assignments, leaders and data', async () => {
    const topics = ['restart-a', 'restart-b', 'restart-c'];
    const kafka = harness.kafka('restart');
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await admin.createTopics({
        topics: [
          {
            topic: 'restart-a',
            numPartitions: 6,
            replicationFactor: 3,
            configEntries: [
              { name: 'min.insync.replicas', value: '2' },
              { name: 'retention.ms', value: '86400000' },
            ],
          },
          { topic: 'restart-b', numPartitions: 2, replicationFactor: 1 },
          {
            topic: 'restart-c',
            replicaAssignment: [
              { partition: 0, replicas: [3, 1] },
              { partition: 1, replicas: [2] },
            ],
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
      });
      await waitUntil('the topics in sync', () => fullyInSync(harness.cluster, topics));
      for (let i = 0; i < 20; i++) {
        await producer.send({
          topic: topics[i % 3]!,
          acks: -1,
          messages: [
            { key: `k${i}`, value: `v${i}` },
            { key: `k${i}b`, value: `v${i}b` },
          ],
        });
      }
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
    const before = snapshot();
    const data = await consumeAll(topics, 40);
    expect(data).toHaveLength(40);

    await harness.restartAll();

    await waitUntil(
      'every partition led by a member of a full ISR',
      () => fullyInSync(harness.cluster, topics),
      15_000,
    );
    expect(snapshot()).toEqual(before);
    const image = harness.cluster.broker(harness.cluster.controllerId).metadata;
    for (const name of topics) {
      for (const p of image.topic(name)!.partitions) {
        expect(p.isr).toContain(p.leader);
        expect(harness.cluster.isRunning(p.leader)).toBe(true);
      }
    }
    expect(await consumeAll(topics, 40)).toEqual(data);
  });
});
