import { createServer } from 'node:net';
import { type Admin, CompressionTypes, type Consumer, Kafka, logLevel } from 'kafkajs';
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMirrorConfig } from '../../src/mirror/mirror-config.js';
import { MirrorMaker } from '../../src/mirror/mirror-maker.js';
import { type ClusterHarness, startClusterHarness, waitUntil } from '../harness/cluster.js';
import { dockerEngine, KAFKA_IMAGE, suiteName } from './docker-engine.js';

/**
 * Mirroring between a real Apache Kafka broker (KRaft, one node, in a container) and an embedded Ferry cluster,
 * both ways at once: `kafka->ferry` copies Kafka's `orders` into Ferry's `kafka.orders`, `ferry->kafka` copies
 * Ferry's `orders` into Kafka's `ferry.orders`. What only a real Kafka can show:
 *   - Ferry's fetch and read_committed handling of batches, transaction markers and aborted data that Kafka
 *     wrote;
 *   - Kafka accepting the batches Ferry rewrites as an idempotent producer of its own (producer id, epoch, base
 *     sequence, CRC);
 *   - a consumer group committed on Kafka, translated and synced into Ferry, reading on from exactly the next
 *     record.
 *
 * Runs only where testcontainers finds a Docker engine. Elsewhere the suite is reported as skipped, with the
 * reason in its name. FERRY_KAFKA_IMAGE picks another image (default apache/kafka:3.9.0).
 */

const engine = await dockerEngine();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * One combined broker/controller. Its client listener is bound to a host port chosen beforehand, because Kafka
 * must advertise the address clients reach it at, and a randomly mapped port is known only after the start.
 */
async function startApacheKafka(
  host: string,
): Promise<{ container: StartedTestContainer; bootstrap: string }> {
  const port = await freePort();
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: 9092, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(120_000)
    .start();
  return { container, bootstrap: `${host}:${port}` };
}

interface Seen {
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

describe.skipIf('why' in engine)(suiteName('mirroring with Apache Kafka', engine), () => {
  let kafka: { container: StartedTestContainer; bootstrap: string } | undefined;
  let ferry: ClusterHarness | undefined;
  let apacheKafka: Kafka;
  let ferryKafka: Kafka;
  let kafkaAdmin: Admin | undefined;
  let ferryAdmin: Admin | undefined;
  let mirror: MirrorMaker | undefined;
  const consumers: Consumer[] = [];

  /** Every message of `topic` from the beginning, as a fresh group reads it, until `count` have arrived. */
  async function readAll(client: Kafka, topic: string, count: number, groupId: string): Promise<Seen[]> {
    const seen: Seen[] = [];
    const consumer = client.consumer({ groupId, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({
          partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? '',
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? '']),
          ),
        });
      },
    });
    await waitUntil(`${count} records of ${topic}`, () => seen.length >= count, 30_000);
    await consumer.disconnect();
    return seen;
  }

  /**
   * Five keyed records with headers to each of three partitions of `topic`, one batch each: values `a<n>`,
   * `b<n>`, `c<n>` for n from `first`, gzip-compressed unless `compression` says otherwise.
   */
  async function produceOrders(
    client: Kafka,
    topic: string,
    origin: string,
    first = 0,
    compression = CompressionTypes.GZIP,
  ): Promise<void> {
    const producer = client.producer();
    await producer.connect();
    for (const [partition, prefix] of ['a', 'b', 'c'].entries()) {
      await producer.send({
        topic,
        compression,
        messages: Array.from({ length: 5 }, (_, i) => ({
          partition,
          key: `k-${prefix}${first + i}`,
          value: `${prefix}${first + i}`,
          headers: { origin, seq: String(first + i) },
        })),
      });
    }
    await producer.disconnect();
  }

  beforeAll(async () => {
    if (!('host' in engine)) return;
    kafka = await startApacheKafka(engine.host);
    ferry = await startClusterHarness({ brokers: 1, name: 'ferry' });
    apacheKafka = new Kafka({ clientId: 'ferry-it', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING });
    ferryKafka = ferry.kafka('ferry-it');
    kafkaAdmin = apacheKafka.admin();
    ferryAdmin = ferryKafka.admin();
    await Promise.all([kafkaAdmin.connect(), ferryAdmin.connect()]);
    await Promise.all(
      [kafkaAdmin, ferryAdmin].map((admin) =>
        admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'orders', numPartitions: 3 }] }),
      ),
    );

    // Kafka's orders-0: a0..a4 at 0..4, x0..x2 aborted at 5..7, the abort marker at 8, a5..a9 at 9..13.
    await produceOrders(apacheKafka, 'orders', 'kafka');
    const tx = apacheKafka.producer({
      transactionalId: 'ferry-it-tx',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await tx.connect();
    const txn = await tx.transaction();
    await txn.send({
      topic: 'orders',
      messages: ['x0', 'x1', 'x2'].map((value) => ({ partition: 0, value })),
    });
    await txn.abort();
    await tx.disconnect();
    await produceOrders(apacheKafka, 'orders', 'kafka', 5, CompressionTypes.None);
    await produceOrders(ferryKafka, 'orders', 'ferry');

    const flowSettings = {
      topics: 'orders',
      'refresh.topics.interval.seconds': 0.5,
      'emit.heartbeats.interval.seconds': 0.5,
      'emit.checkpoints.interval.seconds': 0.5,
      'sync.group.offsets.enabled': true,
      'sync.group.offsets.interval.seconds': 3600,
      'replication.factor': 1,
    };
    mirror = new MirrorMaker({
      config: parseMirrorConfig({
        clusters: {
          kafka: { 'bootstrap.servers': kafka.bootstrap },
          ferry: { 'bootstrap.servers': ferry.cluster.bootstrap },
        },
        flows: [
          { source: 'kafka', target: 'ferry', ...flowSettings },
          { source: 'ferry', target: 'kafka', ...flowSettings },
        ],
      }),
      taskSettings: { fetchMaxWaitMs: 100 },
    });
    await mirror.start();
  }, 300_000);

  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => {});
    await mirror?.stop().catch(() => {});
    await Promise.allSettled([kafkaAdmin?.disconnect(), ferryAdmin?.disconnect()]);
    await ferry?.close();
    await kafka?.container.stop();
  }, 120_000);

  it("copies Kafka's records into Ferry intact: keys, values, headers, partitions, order; no aborted data", async () => {
    const seen = await readAll(ferryKafka, 'kafka.orders', 30, 'check-kafka-orders');
    for (const [partition, prefix] of ['a', 'b', 'c'].entries()) {
      const values = seen.filter((s) => s.partition === partition).map((s) => s.value);
      expect(values).toEqual(Array.from({ length: 10 }, (_, i) => `${prefix}${i}`));
    }
    expect(seen.some((s) => s.value.startsWith('x'))).toBe(false);
    for (const s of seen) {
      expect(s.key).toBe(`k-${s.value}`);
      expect(s.headers).toEqual({ origin: 'kafka', seq: String(Number(s.value.slice(1))) });
    }
  });

  it("writes Ferry's records into Kafka as an idempotent producer Kafka accepts", async () => {
    const seen = await readAll(apacheKafka, 'ferry.orders', 15, 'check-ferry-orders');
    for (const [partition, prefix] of ['a', 'b', 'c'].entries()) {
      const onPartition = seen.filter((s) => s.partition === partition);
      expect(onPartition.map((s) => s.value)).toEqual(Array.from({ length: 5 }, (_, i) => `${prefix}${i}`));
      expect(onPartition.map((s) => s.offset)).toEqual([0, 1, 2, 3, 4]);
    }
    for (const s of seen) expect(s.headers.origin).toBe('ferry');
    const topics = await kafkaAdmin!.listTopics();
    expect(topics).toContain('heartbeats');
  });

  it('translates a group committed on Kafka into Ferry exactly: its consumer there reads on from the next record', async () => {
    // orders-0 at 11 (a7, past the aborted transaction and its marker), orders-1 at 3 (b3).
    await kafkaAdmin!.setOffsets({
      groupId: 'billing',
      topic: 'orders',
      partitions: [
        { partition: 0, offset: '11' },
        { partition: 1, offset: '3' },
      ],
    });
    const flow = mirror!.flow('kafka->ferry')!;
    await waitUntil(
      'a checkpoint of billing',
      () => (flow.checkpoints().get('billing')?.size ?? 0) === 2,
      30_000,
    );
    const outcomes = await flow.syncGroupOffsets();
    expect(outcomes.find((o) => o.group === 'billing')?.result).toBe('synced');

    const first = new Map<number, string>();
    const consumer = ferryKafka.consumer({ groupId: 'billing', maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: 'kafka.orders' });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (!first.has(partition)) first.set(partition, message.value?.toString() ?? '');
      },
    });
    await waitUntil('billing to read on Ferry', () => first.has(0) && first.has(1), 30_000);
    await consumer.disconnect();
    expect(first.get(0)).toBe('a7');
    expect(first.get(1)).toBe('b3');
  });
});
