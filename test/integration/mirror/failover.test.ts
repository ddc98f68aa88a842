import type { Admin, Consumer, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failback } from '../../../src/mirror/failback.js';
import { failover } from '../../../src/mirror/failover.js';
import { Flow } from '../../../src/mirror/flow.js';
import { type MirrorConfig, parseMirrorConfig } from '../../../src/mirror/mirror-config.js';
import { type ClusterHarness, waitUntil } from '../../harness/cluster.js';
import { type EastWest, eastToWest, startEastWest } from '../../harness/east-west.js';

/**
 * Active-passive east->west (default policy): a group midway through `orders` on east fails over to west
 * and reads on from exactly the next record; new writes on west to `east.orders` fail back into `orders` on
 * east. Partition 0 holds an aborted transaction so that its remote copy is shifted.
 */

let clusters: EastWest | undefined;
let east: ClusterHarness;
let west: ClusterHarness;
let eastKafka: Kafka;
let westKafka: Kafka;
let eastAdmin: Admin;
let config: MirrorConfig;
let flow: Flow | undefined;
const consumers: Consumer[] = [];

const PARTITIONS = 2;
const PER_PARTITION = 15;

async function consume(
  kafka: Kafka,
  group: string,
  topic: string,
  stopAfter: number,
  expectAtLeast: number,
): Promise<string[]> {
  const seen: string[] = [];
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100, retry: { retries: 10 } });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic: t, partition, message }) => {
      if (seen.length >= stopAfter) return;
      seen.push(message.value!.toString());
      await consumer.commitOffsets([{ topic: t, partition, offset: String(Number(message.offset) + 1) }]);
    },
  });
  await waitUntil(
    `${group} to read ${expectAtLeast} of ${topic}`,
    () => seen.length >= expectAtLeast,
    20_000,
  );
  await consumer.disconnect();
  return seen;
}

beforeAll(async () => {
  clusters = await startEastWest();
  ({ east, west, eastAdmin } = clusters);
  eastKafka = east.kafka('failover-east');
  westKafka = west.kafka('failover-west');
  await eastAdmin.createTopics({
    waitForLeaders: true,
    topics: [{ topic: 'orders', numPartitions: PARTITIONS }],
  });
  const producer = eastKafka.producer();
  await producer.connect();
  const tx = eastKafka.producer({ transactionalId: 'failover-tx', idempotent: true, maxInFlightRequests: 1 });
  await tx.connect();
  for (let i = 0; i < PER_PARTITION; i++) {
    for (let p = 0; p < PARTITIONS; p++) {
      await producer.send({ topic: 'orders', messages: [{ partition: p, value: `e${p}-${i}` }] });
    }
    if (i === 4) {
      const txn = await tx.transaction();
      await txn.send({ topic: 'orders', messages: [{ partition: 0, value: 'aborted' }] });
      await txn.abort();
    }
  }
  await producer.disconnect();
  await tx.disconnect();
  config = parseMirrorConfig(
    eastToWest({ east, west }, { topics: 'orders', 'refresh.topics.interval.seconds': 0.3 }),
  );
  const flowConfig = config.flows[0]!;
  flow = new Flow({
    config: flowConfig,
    source: config.clusters.get('east')!,
    target: config.clusters.get('west')!,
    taskSettings: { fetchMaxWaitMs: 50 },
  });
  await flow.start();
}, 60_000);

afterAll(async () => {
  for (const c of consumers) await c.disconnect().catch(() => {});
  await flow?.stop().catch(() => {});
  await clusters?.close();
}, 30_000);

describe('failover east->west and failback', () => {
  const all = Array.from({ length: PARTITIONS }, (_, p) =>
    Array.from({ length: PER_PARTITION }, (_, i) => `e${p}-${i}`),
  ).flat();
  let readOnEast: string[] = [];

  it('a group midway on east reads on west from exactly the next record', async () => {
    readOnEast = await consume(eastKafka, 'app', 'orders', 11, 11);
    expect(readOnEast).toHaveLength(11);

    const dry = await failover({ config, flowName: 'east->west', flow, dryRun: true });
    expect(dry.flowStopped).toBe(false);
    expect(dry.resumes.filter((r) => r.group === 'app').every((r) => r.status === 'planned')).toBe(true);

    const report = await failover({ config, flowName: 'east->west', flow, maxLag: 1000 });
    expect(report.flowStopped).toBe(true);
    expect(report.lagAfter.every((p) => p.lag === 0)).toBe(true);
    const app = report.resumes.filter((r) => r.group === 'app');
    expect(app.length).toBeGreaterThan(0);
    expect(app.every((r) => r.status === 'written' && r.remoteTopic === 'east.orders')).toBe(true);
    // Partition 0 lost the aborted record and its marker on west: beyond it, the target offset is 2 lower.
    const p0 = app.find((r) => r.partition === 0);
    if (p0 !== undefined && p0.sourceOffset > 6) expect(p0.targetOffset).toBe(p0.sourceOffset - 2);

    const rest = all.length - readOnEast.length;
    const readOnWest = await consume(westKafka, 'app', 'east.orders', Number.POSITIVE_INFINITY, rest);
    expect(readOnWest).toHaveLength(rest);
    const both = [...readOnEast, ...readOnWest];
    expect(new Set(both).size).toBe(both.length); // none twice
    expect([...both].sort()).toEqual([...all].sort()); // none skipped

    // Run again: idempotent, nothing moves back.
    const again = await failover({ config, flowName: 'east->west', maxLag: 1000 });
    expect(again.resumes.filter((r) => r.group === 'app').every((r) => r.status === 'current')).toBe(true);
  });

  it('fails back: writes on west after the failover end up in orders on east', async () => {
    const producer = westKafka.producer();
    await producer.connect();
    const fresh: string[] = [];
    for (let i = 0; i < 5; i++) {
      for (let p = 0; p < PARTITIONS; p++) {
        fresh.push(`w${p}-${i}`);
        await producer.send({ topic: 'east.orders', messages: [{ partition: p, value: `w${p}-${i}` }] });
      }
    }
    await producer.disconnect();
    // The failed-over group read part of the new records on west.
    const readOnWest = await consume(westKafka, 'app', 'east.orders', 4, 4);

    const report = await failback({ config, flowName: 'east->west' });
    expect(report.reverseFlow).toBe('west->east');
    expect(report.copies.reduce((s, c) => s + c.batches, 0)).toBe(fresh.length);
    expect(report.resumes.filter((r) => r.group === 'app').every((r) => r.status === 'written')).toBe(true);

    // east's orders now holds the new records, once, and app resumes on east exactly after what it read.
    const rest = fresh.length - readOnWest.length;
    const readOnEastAgain = await consume(eastKafka, 'app', 'orders', Number.POSITIVE_INFINITY, rest);
    expect(readOnEastAgain).toHaveLength(rest);
    expect([...readOnWest, ...readOnEastAgain].sort()).toEqual([...fresh].sort());
  });
});
