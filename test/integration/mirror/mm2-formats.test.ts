import type { Admin, Consumer, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../../src/client/index.js';
import { RawGroupOffsetCommitter } from '../../../src/mirror/group-offset-committer.js';
import { parseMirrorConfig } from '../../../src/mirror/mirror-config.js';
import { MirrorMaker } from '../../../src/mirror/mirror-maker.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { type ClusterHarness, waitUntil } from '../../harness/cluster.js';
import { type EastWest, eastToWest, startEastWest } from '../../harness/east-west.js';

/**
 * Issue 5's "MM2 formats": what a running flow east->west actually wrote to MirrorMaker 2's internal topics,
 * read back with kafkajs consumers (raw key and value bytes) and decoded here by hand against MM2's schemas
 * (connect/mirror-client Heartbeat and Checkpoint, connect/mirror OffsetSync: Kafka `Struct` serialisation,
 * fields back to back, big-endian, STRING = INT16 length + UTF-8), independently of src/mirror/formats —
 * so that Kafka's own tooling (RemoteClusterUtils, the MM2 formatters) reads the same values:
 *
 *   heartbeats (on the target)                     key   sourceClusterAlias:STRING targetClusterAlias:STRING
 *                                                  value version:INT16(0) timestamp:INT64
 *   mm2-offset-syncs.<target>.internal (source)    key   topic:STRING partition:INT32
 *                                                  value upstreamOffset:INT64 offset:INT64 (no version)
 *   <source>.checkpoints.internal (on the target)  key   consumerGroupId:STRING topic:STRING partition:INT32
 *                                                  value version:INT16(0) upstreamOffset:INT64 offset:INT64
 *                                                        metadata:STRING
 *
 * Every record's bytes are compared whole with bytes built here from the schema, so a stray or missing byte
 * fails. The data: orders-0 holds 0..4 plain, 5..7 an aborted transaction, 8 its marker, 9..13 plain (remote
 * offsets 0..9); orders-1 holds 0..2. Group billing commits orders-0 at 11 (metadata "m-0") and orders-1 at 2.
 */

let clusters: EastWest | undefined;
let east: ClusterHarness;
let west: ClusterHarness;
let eastKafka: Kafka;
let westKafka: Kafka;
let eastAdmin: Admin;
let westAdmin: Admin;
let eastClient: ClusterClient;
let mirror: MirrorMaker;
let startedAtMs: number;
const consumers: Consumer[] = [];

// The schema's types, written by hand.
const int16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
};
const int32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
};
const int64 = (v: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(v));
  return b;
};
const string = (s: string) => {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([int16(bytes.length), bytes]);
};

/** A reader of the same types that insists every byte is accounted for. */
class Cursor {
  private position = 0;
  constructor(private readonly bytes: Buffer) {}
  int16(): number {
    const v = this.bytes.readInt16BE(this.position);
    this.position += 2;
    return v;
  }
  int32(): number {
    const v = this.bytes.readInt32BE(this.position);
    this.position += 4;
    return v;
  }
  int64(): number {
    const v = this.bytes.readBigInt64BE(this.position);
    this.position += 8;
    return Number(v);
  }
  string(): string {
    const length = this.int16();
    expect(length).toBeGreaterThanOrEqual(0);
    const s = this.bytes.toString('utf8', this.position, this.position + length);
    expect(this.position + length).toBeLessThanOrEqual(this.bytes.length);
    this.position += length;
    return s;
  }
  end(): void {
    expect(this.position, 'bytes after the last field').toBe(this.bytes.length);
  }
}

interface RawMessage {
  partition: number;
  offset: number;
  key: Buffer;
  value: Buffer;
}

/** Every record of `topic` up to its current end, through a kafkajs consumer of a fresh group. */
async function consumeAll(kafka: Kafka, admin: Admin, topic: string): Promise<RawMessage[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const out: RawMessage[] = [];
  const next = new Map(ends.map((e) => [e.partition, 0]));
  const consumer = kafka.consumer({
    groupId: `mm2-formats-reader-${topic}-${Date.now()}`,
    maxWaitTimeInMs: 100,
  });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      expect(message.key).not.toBeNull();
      expect(message.value).not.toBeNull();
      out.push({ partition, offset: Number(message.offset), key: message.key!, value: message.value! });
      next.set(partition, Number(message.offset) + 1);
    },
  });
  await waitUntil(
    `${topic} read to its end`,
    () => ends.every((e) => next.get(e.partition)! >= Number(e.high)),
    20_000,
  );
  await consumer.disconnect();
  return out;
}

async function produce(partition: number, values: string[]): Promise<void> {
  const now = Date.now();
  const batch = encodeRecordBatchSync({
    records: values.map((v, i) => ({
      key: Buffer.from(`k-${v}`),
      value: Buffer.from(v),
      timestamp: now + i,
    })),
  });
  await eastClient.produce('orders', partition, batch, { acks: -1, timeoutMs: 10_000 });
}

beforeAll(async () => {
  clusters = await startEastWest();
  ({ east, west, eastAdmin, westAdmin } = clusters);
  eastKafka = east.kafka('mm2-formats-east');
  westKafka = west.kafka('mm2-formats-west');
  eastClient = new ClusterClient({ bootstrapServers: east.cluster.bootstrap });
  await eastAdmin.createTopics({ waitForLeaders: true, topics: [{ topic: 'orders', numPartitions: 2 }] });
  await produce(0, ['a0', 'a1', 'a2', 'a3', 'a4']);
  const tx = eastKafka.producer({
    transactionalId: 'mm2-formats-tx',
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await tx.connect();
  const txn = await tx.transaction();
  await txn.send({ topic: 'orders', messages: ['x0', 'x1', 'x2'].map((value) => ({ partition: 0, value })) });
  await txn.abort();
  await tx.disconnect();
  await produce(0, ['a5', 'a6', 'a7', 'a8', 'a9']);
  await produce(1, ['b0', 'b1', 'b2']);

  startedAtMs = Date.now();
  mirror = new MirrorMaker({
    config: parseMirrorConfig(
      eastToWest(
        { east, west },
        {
          topics: 'orders',
          'emit.heartbeats.interval.seconds': 0.2,
          'emit.checkpoints.interval.seconds': 0.3,
        },
      ),
    ),
    taskSettings: { fetchMaxWaitMs: 50 },
  });
  await mirror.start();
}, 60_000);

afterAll(async () => {
  for (const c of consumers) await c.disconnect().catch(() => {});
  await mirror?.stop().catch(() => {});
  eastClient?.close();
  await clusters?.close();
}, 30_000);

describe("MirrorMaker 2's internal topics as a running flow writes them", () => {
  it('names the internal topics exactly as MM2 does', async () => {
    expect(await eastAdmin.listTopics()).toContain('mm2-offset-syncs.west.internal');
    const westTopics = await westAdmin.listTopics();
    expect(westTopics).toContain('heartbeats');
    expect(westTopics).toContain('east.checkpoints.internal');
    expect(westTopics).toContain('east.orders');
    // Nothing else internal of the flow's own making, under other spellings.
    expect(westTopics.filter((t) => /offset-syncs|checkpoints|heartbeat/.test(t)).sort()).toEqual(
      [
        'east.checkpoints.internal',
        'heartbeats',
        ...westTopics.filter((t) => t === 'east.heartbeats'),
      ].sort(),
    );
  });

  it('heartbeats: key (source alias, target alias), value version 0 + timestamp', async () => {
    await waitUntil('two heartbeats on west', async () => {
      const [p] = await westAdmin.fetchTopicOffsets('heartbeats');
      return Number(p?.high ?? 0) >= 2;
    });
    const records = await consumeAll(westKafka, westAdmin, 'heartbeats');
    const ours = records.filter((r) => r.key.equals(Buffer.concat([string('east'), string('west')])));
    expect(ours.length).toBeGreaterThanOrEqual(2);
    let previous = 0;
    for (const r of records) {
      expect(r.partition).toBe(0);
      const key = new Cursor(r.key);
      const source = key.string();
      const target = key.string();
      key.end();
      expect(`${source}->${target}`).toBe('east->west');
      const value = new Cursor(r.value);
      expect(value.int16()).toBe(0);
      const timestamp = value.int64();
      value.end();
      expect(r.value).toEqual(Buffer.concat([int16(0), int64(timestamp)]));
      expect(timestamp).toBeGreaterThanOrEqual(startedAtMs);
      expect(timestamp).toBeLessThanOrEqual(Date.now());
      expect(timestamp).toBeGreaterThanOrEqual(previous);
      previous = timestamp;
    }
  });

  it('offset-syncs: key (source topic, partition), value upstream + downstream offsets, no version', async () => {
    const want = [
      { partition: 0, upstream: 0, downstream: 0 },
      { partition: 0, upstream: 9, downstream: 5 },
      { partition: 1, upstream: 0, downstream: 0 },
    ];
    const read = async () =>
      (await consumeAll(eastKafka, eastAdmin, 'mm2-offset-syncs.west.internal')).map((r) => {
        const key = new Cursor(r.key);
        const topic = key.string();
        const partition = key.int32();
        key.end();
        const value = new Cursor(r.value);
        const upstream = value.int64();
        const downstream = value.int64();
        value.end();
        expect(r.key).toEqual(Buffer.concat([string(topic), int32(partition)]));
        expect(r.value).toEqual(Buffer.concat([int64(upstream), int64(downstream)]));
        expect(r.value.length).toBe(16);
        return { topic, partition, upstream, downstream, syncsPartition: r.partition };
      });
    let syncs: Awaited<ReturnType<typeof read>> = [];
    await waitUntil(
      'the run starts of orders in the offset-syncs topic',
      async () => {
        syncs = await read();
        return want.every((w) =>
          syncs.some(
            (s) =>
              s.topic === 'orders' &&
              s.partition === w.partition &&
              s.upstream === w.upstream &&
              s.downstream === w.downstream,
          ),
        );
      },
      20_000,
      () => JSON.stringify(syncs),
    );
    // east's own `heartbeats` (from the west->east heartbeat pair) is mirrored too, so it has syncs as well.
    for (const s of syncs) expect(['orders', 'heartbeats']).toContain(s.topic);
    for (const s of syncs) {
      expect(s.syncsPartition).toBe(0);
      if (s.topic !== 'orders') continue;
      // Every sync is a true point of the mapping: orders-0 is shifted by 4 from offset 9 on.
      if (s.partition === 0) expect(s.downstream).toBe(s.upstream < 5 ? s.upstream : s.upstream - 4);
      else expect(s.downstream).toBe(s.upstream);
      expect(s.upstream < 5 || s.upstream >= 9).toBe(true);
    }
  });

  it('checkpoints: key (group, remote topic, partition), value version 0 + upstream + downstream + metadata', async () => {
    await new RawGroupOffsetCommitter(eastClient).commit('billing', [
      { topic: 'orders', partition: 0, offset: 11, metadata: 'm-0' },
      { topic: 'orders', partition: 1, offset: 2 },
    ]);
    const expected = new Map([
      [0, { upstream: 11, downstream: 7, metadata: 'm-0' }],
      [1, { upstream: 2, downstream: 2, metadata: '' }],
    ]);
    await waitUntil(
      'checkpoints of billing on west',
      async () => {
        const [p] = await westAdmin.fetchTopicOffsets('east.checkpoints.internal');
        return Number(p?.high ?? 0) >= 2;
      },
      20_000,
    );
    const latest = new Map<number, RawMessage>();
    for (const r of await consumeAll(westKafka, westAdmin, 'east.checkpoints.internal')) {
      expect(r.partition).toBe(0);
      const key = new Cursor(r.key);
      expect(key.string()).toBe('billing');
      expect(key.string()).toBe('east.orders');
      const partition = key.int32();
      key.end();
      latest.set(partition, r);
    }
    expect([...latest.keys()].sort()).toEqual([0, 1]);
    for (const [partition, want] of expected) {
      const r = latest.get(partition)!;
      expect(r.key).toEqual(Buffer.concat([string('billing'), string('east.orders'), int32(partition)]));
      const value = new Cursor(r.value);
      expect(value.int16()).toBe(0);
      expect(value.int64()).toBe(want.upstream);
      expect(value.int64()).toBe(want.downstream);
      expect(value.string()).toBe(want.metadata);
      value.end();
      expect(r.value).toEqual(
        Buffer.concat([int16(0), int64(want.upstream), int64(want.downstream), string(want.metadata)]),
      );
    }
  });
});
