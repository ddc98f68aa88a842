import kafkajs, { type Admin, type Consumer, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient, IsolationLevel } from '../../../src/client/index.js';
import type { Flow } from '../../../src/mirror/flow.js';
import { decodeCheckpoint, decodeHeartbeat } from '../../../src/mirror/formats/index.js';
import { RawGroupOffsetCommitter } from '../../../src/mirror/group-offset-committer.js';
import { type MirrorConfig, parseMirrorConfig } from '../../../src/mirror/mirror-config.js';
import { MirrorMaker } from '../../../src/mirror/mirror-maker.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { RecordSetIterator } from '../../../src/protocol/records/record-set.js';
import { type ClusterHarness, waitUntil } from '../../harness/cluster.js';
import { type EastWest, eastToWest, startEastWest } from '../../harness/east-west.js';

const { ConfigResourceTypes } = kafkajs;

/**
 * A flow east->west (default policy) between two one-broker embedded clusters, end to end: topic creation,
 * records, new topics, partition growth, config changes, exclusions, heartbeats, exact checkpoints and group
 * offset sync. Partition 0 of `orders` holds an aborted transaction, so its remote copy is shifted: source
 * offsets 9.. sit at target 5.. — which is what makes the translation checks non-trivial.
 */

interface ReadRecord {
  offset: number;
  key: string | null;
  value: string;
  timestamp: number;
  headers: Record<string, string>;
}

let clusters: EastWest | undefined;
let east: ClusterHarness;
let west: ClusterHarness;
let eastKafka: Kafka;
let westKafka: Kafka;
let eastAdmin: Admin;
let westAdmin: Admin;
let mirror: MirrorMaker;
let mirrorConfig: MirrorConfig;
let flow: Flow;
let eastClient: ClusterClient;
let westClient: ClusterClient;
const consumers: Consumer[] = [];

/** Every data record of a partition from its start to its high watermark, read_committed. */
async function readPartition(client: ClusterClient, topic: string, partition: number): Promise<ReadRecord[]> {
  const end = (await client.listOffsets(topic, partition, 'latest')).offset;
  const out: ReadRecord[] = [];
  let offset = (await client.listOffsets(topic, partition, 'earliest')).offset;
  const it = new RecordSetIterator(Buffer.alloc(0));
  while (offset < end) {
    const [result] = await client.fetch([{ topic, partition, fetchOffset: offset, maxBytes: 1 << 20 }], {
      maxWaitMs: 0,
      minBytes: 0,
      isolationLevel: IsolationLevel.ReadCommitted,
    });
    if (!result || result.error) throw result?.error ?? new Error('no fetch result');
    const aborted = new Set((result.abortedTransactions ?? []).map((a) => a.producerId));
    it.reset(result.records);
    const before = offset;
    while (it.next()) {
      const batch = decodeRecordBatchSync(result.records, it.position);
      offset = batch.baseOffset + batch.lastOffsetDelta + 1;
      if (batch.isControl || (batch.isTransactional && aborted.has(batch.producerId))) continue;
      for (const r of batch.records) {
        out.push({
          offset: r.offset,
          key: r.key?.toString() ?? null,
          value: r.value?.toString() ?? '',
          timestamp: r.timestamp,
          headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString() ?? ''])),
        });
      }
    }
    if (offset === before) break;
  }
  return out;
}

/** Appends keyed records with headers through the raw client (kafkajs' producer would not see new partitions yet). */
async function produce(topic: string, partition: number, values: string[]): Promise<void> {
  const now = Date.now();
  const batch = encodeRecordBatchSync({
    records: values.map((value, i) => ({
      key: Buffer.from(`k-${value}`),
      value: Buffer.from(value),
      timestamp: now + i,
      headers: [
        { key: 'origin', value: Buffer.from('east') },
        { key: 'seq', value: Buffer.from(String(i)) },
      ],
    })),
  });
  await eastClient.produce(topic, partition, batch, { acks: -1, timeoutMs: 10_000 });
}

async function topicConfig(admin: Admin, topic: string): Promise<Map<string, string>> {
  const { resources } = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    includeSynonyms: false,
  });
  return new Map(
    (resources[0]?.configEntries ?? [])
      .filter((e) => e.configSource === 1)
      .map((e) => [e.configName, e.configValue]),
  );
}

async function partitionCount(admin: Admin, topic: string): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return topics[0]?.partitions.length ?? 0;
}

async function waitMirrored(topic: string, partition: number, count: number): Promise<void> {
  await waitUntil(
    `${count} records in east.${topic}-${partition} on west`,
    async () => (await readPartition(westClient, `east.${topic}`, partition)).length >= count,
    20_000,
  );
}

beforeAll(async () => {
  clusters = await startEastWest();
  ({ east, west, eastAdmin, westAdmin } = clusters);
  eastKafka = east.kafka('flow-test-east');
  westKafka = west.kafka('flow-test-west');
  eastClient = new ClusterClient({ bootstrapServers: east.cluster.bootstrap });
  westClient = new ClusterClient({ bootstrapServers: west.cluster.bootstrap });

  await eastAdmin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic: 'orders',
        numPartitions: 3,
        configEntries: [
          { name: 'retention.ms', value: '3600000' },
          { name: 'min.insync.replicas', value: '1' },
        ],
      },
      { topic: 'excluded-secret', numPartitions: 1 },
    ],
  });
  // orders-0: 0..4 plain, 5..7 aborted, 8 the abort marker, 9..13 plain.
  await produce('orders', 0, ['a0', 'a1', 'a2', 'a3', 'a4']);
  const txProducer = eastKafka.producer({
    transactionalId: 'flow-test-tx',
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await txProducer.connect();
  const txn = await txProducer.transaction();
  await txn.send({ topic: 'orders', messages: ['x0', 'x1', 'x2'].map((value) => ({ partition: 0, value })) });
  await txn.abort();
  await txProducer.disconnect();
  await produce('orders', 0, ['a5', 'a6', 'a7', 'a8', 'a9']);
  await produce(
    'orders',
    1,
    Array.from({ length: 10 }, (_, i) => `b${i}`),
  );
  await produce(
    'orders',
    2,
    Array.from({ length: 4 }, (_, i) => `c${i}`),
  );
  await produce('excluded-secret', 0, ['s0']);

  mirrorConfig = parseMirrorConfig(
    eastToWest(
      { east, west },
      {
        topics: 'orders, late-.*, excluded-.*',
        'topics.exclude': 'excluded-.*',
        'refresh.topics.interval.seconds': 0.3,
        'sync.topic.configs.interval.seconds': 0.3,
        'emit.heartbeats.interval.seconds': 0.2,
        'emit.checkpoints.interval.seconds': 0.3,
        'sync.group.offsets.enabled': true,
        'sync.group.offsets.interval.seconds': 3600,
        'replication.factor': 3,
        'tasks.max': 2,
      },
    ),
  );
  mirror = new MirrorMaker({
    config: mirrorConfig,
    taskSettings: { fetchMaxWaitMs: 50 },
  });
  await mirror.start();
  flow = mirror.flow('east->west')!;
}, 60_000);

afterAll(async () => {
  for (const c of consumers) await c.disconnect().catch(() => {});
  await mirror?.stop().catch(() => {});
  eastClient?.close();
  westClient?.close();
  await clusters?.close();
}, 30_000);

describe('flow east->west', () => {
  it('mirrors a topic into east.orders with its partitions, records and synced configs', async () => {
    expect(await partitionCount(westAdmin, 'east.orders')).toBe(3);
    await waitMirrored('orders', 0, 10);
    await waitMirrored('orders', 1, 10);
    await waitMirrored('orders', 2, 4);
    for (const partition of [0, 1, 2]) {
      const source = await readPartition(eastClient, 'orders', partition);
      const target = await readPartition(westClient, 'east.orders', partition);
      const strip = (r: ReadRecord) => ({
        key: r.key,
        value: r.value,
        timestamp: r.timestamp,
        headers: r.headers,
      });
      expect(target.map(strip)).toEqual(source.map(strip));
    }
    // The aborted transaction never reaches west: the remote partition 0 is dense.
    expect((await readPartition(westClient, 'east.orders', 0)).map((r) => r.offset)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    const configs = await topicConfig(westAdmin, 'east.orders');
    expect(configs.get('retention.ms')).toBe('3600000');
    expect(configs.has('min.insync.replicas')).toBe(false);
    // replication.factor 3 capped to west's single broker.
    const { topics } = await westAdmin.fetchTopicMetadata({ topics: ['east.orders'] });
    expect(topics[0]!.partitions.every((p) => p.replicas.length === 1)).toBe(true);
  });

  it('starts mirroring a topic created later within the refresh interval', async () => {
    await eastAdmin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: 'late-topic', numPartitions: 2 }],
    });
    await produce('late-topic', 1, ['l0', 'l1', 'l2']);
    await waitMirrored('late-topic', 1, 3);
    expect(await partitionCount(westAdmin, 'east.late-topic')).toBe(2);
    expect((await readPartition(westClient, 'east.late-topic', 1)).map((r) => r.value)).toEqual([
      'l0',
      'l1',
      'l2',
    ]);
  });

  it('propagates partition growth and a config change', async () => {
    await eastAdmin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 4 }] });
    await eastAdmin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'orders',
          configEntries: [
            { name: 'retention.ms', value: '7200000' },
            { name: 'min.insync.replicas', value: '1' },
          ],
        },
      ],
    });
    await waitUntil(
      'east.orders to have 4 partitions',
      async () => (await partitionCount(westAdmin, 'east.orders')) === 4,
    );
    await produce('orders', 3, ['d0', 'd1']);
    await waitMirrored('orders', 3, 2);
    await waitUntil(
      'retention.ms of east.orders to follow',
      async () => (await topicConfig(westAdmin, 'east.orders')).get('retention.ms') === '7200000',
    );
    expect(flow.partitions()).toContainEqual({ topic: 'orders', partition: 3 });
  });

  it('leaves excluded and internal topics alone and mirrors the heartbeats topic', async () => {
    await flow.refreshTopics();
    await waitUntil('east.heartbeats on west', async () =>
      (await westAdmin.listTopics()).includes('east.heartbeats'),
    );
    const westTopics = await westAdmin.listTopics();
    const eastTopics = await eastAdmin.listTopics();
    // Internal topics do exist on east (the offsets topic, the offset-syncs topic, the transaction log) …
    expect(eastTopics).toContain('mm2-offset-syncs.west.internal');
    expect(eastTopics.some((t) => t.startsWith('__'))).toBe(true);
    // … and none of them, nor the excluded topic, has a remote copy.
    const remote = westTopics.filter((t) => t.startsWith('east.')).sort();
    expect(remote).toEqual([
      'east.checkpoints.internal',
      'east.heartbeats',
      'east.late-topic',
      'east.orders',
    ]);
    expect(flow.partitions().map((p) => p.topic)).not.toContain('excluded-secret');
  });

  it('emits heartbeats that decode as MirrorMaker 2 heartbeats', async () => {
    await waitUntil(
      'two heartbeats on west',
      async () => (await readPartition(westClient, 'heartbeats', 0)).length >= 2,
    );
    const heartbeats = await readHeartbeats(westClient, 'heartbeats');
    expect(heartbeats.length).toBeGreaterThanOrEqual(2);
    for (const h of heartbeats) {
      expect(h).toMatchObject({ sourceClusterAlias: 'east', targetClusterAlias: 'west', version: 0 });
    }
    expect(heartbeats.map((h) => h.timestamp)).toEqual(
      [...heartbeats.map((h) => h.timestamp)].sort((a, b) => a - b),
    );
    // The reverse pair's heartbeats, written on east, arrive mirrored: the hop east->west as RemoteClusterUtils sees it.
    await waitUntil(
      'a heartbeat in east.heartbeats',
      async () => (await readPartition(westClient, 'east.heartbeats', 0)).length > 0,
    );
    for (const h of await readHeartbeats(westClient, 'east.heartbeats')) {
      expect(h).toMatchObject({ sourceClusterAlias: 'west', targetClusterAlias: 'east' });
    }
  });

  it('checkpoints committed groups exactly and syncs them into idle west groups: none twice, none skipped', async () => {
    // billing: orders-0 at 11 (source a7; target 7), orders-1 at 3, orders-2 at 4 (the end).
    // audit: orders-0 at 6, inside the aborted transaction: the next record it would read is a5 (source 9).
    const committer = new RawGroupOffsetCommitter(eastClient);
    await committer.commit('billing', [
      { topic: 'orders', partition: 0, offset: 11 },
      { topic: 'orders', partition: 1, offset: 3 },
      { topic: 'orders', partition: 2, offset: 4 },
    ]);
    await committer.commit('audit', [{ topic: 'orders', partition: 0, offset: 6 }]);

    await waitUntil('checkpoints of billing and audit', () => {
      const c = flow.checkpoints();
      return (c.get('billing')?.size ?? 0) === 3 && (c.get('audit')?.size ?? 0) === 1;
    });
    const expected = new Map([
      ['billing/0', { upstreamOffset: 11, downstreamOffset: 7 }],
      ['billing/1', { upstreamOffset: 3, downstreamOffset: 3 }],
      ['billing/2', { upstreamOffset: 4, downstreamOffset: 4 }],
      ['audit/0', { upstreamOffset: 6, downstreamOffset: 5 }],
    ]);
    // The records on west's checkpoints topic, as MirrorMaker 2's tooling would decode them.
    const written = new Map<string, { upstreamOffset: number; downstreamOffset: number }>();
    for (const r of await readRaw(westClient, 'east.checkpoints.internal')) {
      const c = decodeCheckpoint(r.key, r.value);
      expect(c.topic).toBe('east.orders');
      written.set(`${c.group}/${c.partition}`, {
        upstreamOffset: c.upstreamOffset,
        downstreamOffset: c.downstreamOffset,
      });
    }
    expect(written).toEqual(expected);
    const metrics = await mirror.metrics();
    expect(metrics).toContain('ferry_mirror_translation_error_bound{flow="east->west",group="billing"} 0');
    expect(metrics).toMatch(
      /ferry_mirror_record_count\{flow="east->west",topic="east\.orders",partition="1"\} 10/,
    );

    const outcomes = await flow.syncGroupOffsets();
    expect(outcomes.find((o) => o.group === 'billing')?.result).toBe('synced');
    const committed = await westAdmin.fetchOffsets({ groupId: 'billing', topics: ['east.orders'] });
    expect(
      committed[0]!.partitions
        .filter((p) => Number(p.offset) >= 0)
        .map((p) => [p.partition, Number(p.offset)])
        .sort((a, b) => a[0]! - b[0]!),
    ).toEqual([
      [0, 7],
      [1, 3],
      [2, 4],
    ]);

    // What a consumer of billing on east would read next, per partition …
    const want = new Map<number, string[]>();
    for (const [partition, from] of [
      [0, 11],
      [1, 3],
      [2, 4],
    ] as const) {
      want.set(
        partition,
        (await readPartition(eastClient, 'orders', partition))
          .filter((r) => r.offset >= from)
          .map((r) => r.value),
      );
    }
    // … is exactly what billing on west reads from its synced offsets.
    const got = new Map<number, string[]>([
      [0, []],
      [1, []],
      [2, []],
    ]);
    const consumer = westKafka.consumer({
      groupId: 'billing',
      maxWaitTimeInMs: 100,
      retry: { retries: 10, initialRetryTime: 50 },
    });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: 'east.orders', fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        got.get(partition)?.push(message.value?.toString() ?? '');
      },
    });
    await waitUntil(
      'billing on west to read the rest',
      () => [0, 1, 2].every((p) => got.get(p)!.length >= want.get(p)!.length),
      20_000,
      () => JSON.stringify([...got]),
    );
    expect(got.get(0)).toEqual(want.get(0));
    expect(got.get(1)).toEqual(want.get(1));
    expect(got.get(2)).toEqual(want.get(2));
    expect(want.get(0)).toEqual(['a7', 'a8', 'a9']);

    // With a member on west, the group is left alone.
    const active = await flow.syncGroupOffsets();
    expect(active.find((o) => o.group === 'billing')?.result).toBe('active');
    await consumer.disconnect();

    // Idle again and ahead of the checkpoints: nothing moves backwards.
    const after = await flow.syncGroupOffsets();
    expect(after.find((o) => o.group === 'billing')?.result).toBe('current');
  });

  it('resumes after a restart of the MirrorMaker: remote partitions end equal to the source, no gap, no duplicate', async () => {
    await mirror.stop();
    await produce('orders', 1, ['b10', 'b11', 'b12']);
    await produce('orders', 0, ['a10']);
    mirror = new MirrorMaker({ config: mirrorConfig, taskSettings: { fetchMaxWaitMs: 50 } });
    await mirror.start();
    flow = mirror.flow('east->west')!;
    await waitMirrored('orders', 1, 13);
    await waitMirrored('orders', 0, 11);
    for (const partition of [0, 1, 2, 3]) {
      const source = (await readPartition(eastClient, 'orders', partition)).map((r) => r.value);
      const target = (await readPartition(westClient, 'east.orders', partition)).map((r) => r.value);
      expect(target).toEqual(source);
    }
    // Checkpoints still translate exactly after the restart (the mappings were rebuilt by resume).
    await new RawGroupOffsetCommitter(eastClient).commit('billing', [
      { topic: 'orders', partition: 0, offset: 14 },
    ]);
    const round = await flow.emitCheckpoints();
    expect(round.groups.get('billing')?.checkpoints.get('east.orders:0')).toMatchObject({
      upstreamOffset: 14,
      downstreamOffset: 10,
    });
  });
});

async function readRaw(
  client: ClusterClient,
  topic: string,
): Promise<Array<{ key: Buffer | null; value: Buffer | null }>> {
  const end = (await client.listOffsets(topic, 0, 'latest')).offset;
  const out: Array<{ key: Buffer | null; value: Buffer | null }> = [];
  let offset = 0;
  const it = new RecordSetIterator(Buffer.alloc(0));
  while (offset < end) {
    const [result] = await client.fetch([{ topic, partition: 0, fetchOffset: offset, maxBytes: 1 << 20 }], {
      maxWaitMs: 0,
      minBytes: 0,
    });
    if (!result || result.error) throw result?.error ?? new Error('no fetch result');
    it.reset(result.records);
    const before = offset;
    while (it.next()) {
      const batch = decodeRecordBatchSync(result.records, it.position);
      offset = batch.baseOffset + batch.lastOffsetDelta + 1;
      if (!batch.isControl) for (const r of batch.records) out.push({ key: r.key, value: r.value });
    }
    if (offset === before) break;
  }
  return out;
}

async function readHeartbeats(client: ClusterClient, topic: string) {
  return (await readRaw(client, topic)).map((r) => decodeHeartbeat(r.key, r.value));
}
