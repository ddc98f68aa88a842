import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClusterClient,
  IsolationLevel,
  PartitionReader,
  type RecordSetChunk,
} from '../../../src/client/index.js';
import { Broker } from '../../../src/cluster/broker.js';
import { loadConfig } from '../../../src/common/config/index.js';
import { silentLogger } from '../../../src/common/logger.js';
import { isKafkaError, KafkaError } from '../../../src/protocol/errors/index.js';
import {
  baseOffset,
  batchLength,
  lastOffset,
  PARTITION_LEADER_EPOCH_OFFSET,
  recordBatchSpans,
} from '../../../src/protocol/records/index.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';

/**
 * The raw-batch client against a real single Ferry broker: produce batches built here, read them back as the
 * same bytes through Fetch and the PartitionReader (all but the header fields the leader stamps: baseOffset
 * and partitionLeaderEpoch), and through kafkajs as records.
 */

const T0 = 1_700_000_000_000;
let dataDir: string;
let broker: Broker;
let client: ClusterClient;
let admin: Admin;
let kafka: Kafka;
let bootstrap: string;

function batch(prefix: string, count: number, timestamp: number): Buffer {
  return encodeRecordBatchSync({
    records: Array.from({ length: count }, (_, i) => ({
      key: Buffer.from(`${prefix}-k${i}`),
      value: Buffer.from(`${prefix}-v${i}`),
      headers: [{ key: 'h', value: Buffer.from(String(i)) }],
      timestamp,
    })),
  });
}

/** The bytes a broker must keep: everything after partitionLeaderEpoch, plus batchLength. */
function preserved(buf: Buffer): Buffer {
  return Buffer.concat([
    buf.subarray(8, PARTITION_LEADER_EPOCH_OFFSET),
    buf.subarray(PARTITION_LEADER_EPOCH_OFFSET + 4),
  ]);
}

function batchesOf(records: Buffer): Buffer[] {
  return recordBatchSpans(records).map(([pos, size]) => records.subarray(pos, pos + size));
}

async function readAll(reader: PartitionReader, untilOffset: number): Promise<RecordSetChunk[]> {
  const chunks: RecordSetChunk[] = [];
  while (reader.nextOffset < untilOffset) chunks.push(await reader.next());
  return chunks;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ferry-raw-client-'));
  broker = await Broker.start({
    brokerId: 1,
    clusterId: 't',
    dataDir,
    host: '127.0.0.1',
    port: 0,
    rack: null,
    config: loadConfig({
      env: {},
      overrides: { 'offsets.topic.num.partitions': 3, 'group.initial.rebalance.delay.ms': 0 },
    }),
    logger: silentLogger,
  });
  bootstrap = `127.0.0.1:${broker.port}`;
  kafka = new Kafka({ clientId: 'raw-client-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'raw', numPartitions: 3, replicationFactor: 1 },
      { topic: 'pipelined', numPartitions: 1, replicationFactor: 1 },
    ],
  });
  client = await ClusterClient.connect({
    bootstrapServers: [bootstrap],
    clientId: 'raw-test',
    retryBackoffMs: 10,
  });
});

afterAll(async () => {
  client?.close();
  await admin?.disconnect();
  await broker?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('ClusterClient against a Ferry broker', () => {
  const sent = [batch('a', 5, T0), batch('b', 3, T0 + 1000), batch('c', 4, T0 + 2000)];

  it('knows the brokers and the leaders after a metadata refresh', async () => {
    expect(client.metadata.brokers().map((b) => [b.nodeId, b.port])).toEqual([[1, broker.port]]);
    expect(client.metadata.clusterId).toBe('t');
    const leader = await client.leaderFor('raw', 2);
    expect(leader.brokerId).toBe(1);
    expect(leader.leaderEpoch).toBeGreaterThanOrEqual(0);
    await expect(client.leaderFor('raw', 3)).rejects.toThrow(/no partition 3/);
  });

  it('produces raw batches and fetches back the same bytes', async () => {
    const offsets: number[] = [];
    for (const b of sent) {
      const r = await client.produce('raw', 0, b, { acks: -1, timeoutMs: 5000 });
      offsets.push(r.baseOffset);
      expect(r.logStartOffset).toBe(0);
    }
    expect(offsets).toEqual([0, 5, 8]);

    const [result] = await client.fetch([{ topic: 'raw', partition: 0, fetchOffset: 0, maxBytes: 1 << 20 }], {
      maxWaitMs: 0,
      minBytes: 0,
    });
    expect(result?.error).toBeNull();
    expect(result?.highWatermark).toBe(12);
    expect(result?.lastStableOffset).toBe(12);
    const got = batchesOf(result?.records ?? Buffer.alloc(0));
    expect(got.map((b) => baseOffset(b))).toEqual([0, 5, 8]);
    expect(got.map((b) => lastOffset(b))).toEqual([4, 7, 11]);
    got.forEach((b, i) => {
      expect(batchLength(b)).toBe(batchLength(sent[i]!));
      expect(preserved(b).equals(preserved(sent[i]!))).toBe(true);
    });
  });

  it('produces to several partitions in one call and fetches them grouped by leader', async () => {
    const results = await client.produceMany(
      [
        { topic: 'raw', partition: 1, records: batch('p1', 2, T0) },
        { topic: 'raw', partition: 2, records: batch('p2', 7, T0) },
        { topic: 'raw', partition: 9, records: batch('p9', 1, T0) },
      ],
      { acks: 1, timeoutMs: 5000 },
    );
    expect(results.map((r) => [r.partition, r.error?.errorName ?? null, r.baseOffset])).toEqual([
      [1, null, 0],
      [2, null, 0],
      [9, 'UNKNOWN_TOPIC_OR_PARTITION', -1],
    ]);
    const fetched = await client.fetch(
      [
        { topic: 'raw', partition: 2, fetchOffset: 3, maxBytes: 1 << 20 },
        { topic: 'raw', partition: 1, fetchOffset: 0, maxBytes: 1 << 20 },
      ],
      { maxWaitMs: 0, minBytes: 0, isolationLevel: IsolationLevel.ReadCommitted },
    );
    expect(fetched.map((f) => [f.partition, f.highWatermark, f.error])).toEqual([
      [2, 7, null],
      [1, 2, null],
    ]);
    // The whole batch holding offset 3 comes back, from its base offset.
    expect(batchesOf(fetched[0]!.records).map((b) => baseOffset(b))).toEqual([0]);
  });

  it('reads the partition with a PartitionReader, byte for byte, even when the limit is below one batch', async () => {
    for (const partitionMaxBytes of [1 << 20, 20]) {
      const reader = new PartitionReader(client, {
        topic: 'raw',
        partition: 0,
        startOffset: 0,
        partitionMaxBytes,
        maxWaitMs: 10,
      });
      try {
        const chunks = await readAll(reader, 12);
        const got = chunks.flatMap((c) => batchesOf(c.records));
        expect(got.length).toBe(3);
        got.forEach((b, i) => {
          expect(preserved(b).equals(preserved(sent[i]!))).toBe(true);
        });
        expect(chunks.at(-1)?.nextOffset).toBe(12);
        expect(chunks.at(-1)?.highWatermark).toBe(12);
        expect(reader.highWatermark).toBe(12);
        if (partitionMaxBytes === 20) expect(chunks.length).toBe(3);
      } finally {
        reader.close();
      }
    }
  });

  it('hands the reader new batches as they are produced', async () => {
    const reader = new PartitionReader(client, {
      topic: 'raw',
      partition: 1,
      startOffset: 2,
      maxWaitMs: 100,
    });
    try {
      const next = reader.next();
      const more = batch('late', 3, T0);
      await client.produce('raw', 1, more, { acks: 1, timeoutMs: 5000 });
      const chunk = await next;
      expect([chunk.firstOffset, chunk.lastOffset, chunk.nextOffset]).toEqual([2, 4, 5]);
      expect(preserved(chunk.records).equals(preserved(more))).toBe(true);
    } finally {
      reader.close();
    }
  });

  it('lets kafkajs read what the raw client produced', async () => {
    const consumer = kafka.consumer({ groupId: 'raw-client-readers' });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'raw', fromBeginning: true });
      const seen: Array<{ offset: string; key: string; value: string; ts: string; h: string }> = [];
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              if (partition !== 0) return;
              seen.push({
                offset: message.offset,
                key: message.key?.toString() ?? '',
                value: message.value?.toString() ?? '',
                ts: message.timestamp,
                h: message.headers?.h?.toString() ?? '',
              });
              if (seen.length === 12) resolve();
            },
          })
          .catch(reject);
      });
      expect(seen[0]).toEqual({ offset: '0', key: 'a-k0', value: 'a-v0', ts: String(T0), h: '0' });
      expect(seen[6]).toEqual({ offset: '6', key: 'b-k1', value: 'b-v1', ts: String(T0 + 1000), h: '1' });
      expect(seen[11]).toEqual({ offset: '11', key: 'c-k3', value: 'c-v3', ts: String(T0 + 2000), h: '3' });
    } finally {
      await consumer.disconnect();
    }
  });

  it('lists earliest, latest and by-timestamp offsets', async () => {
    expect((await client.listOffsets('raw', 0, 'earliest')).offset).toBe(0);
    expect((await client.listOffsets('raw', 0, 'latest')).offset).toBe(12);
    expect((await client.listOffsets('raw', 0, 'latest', IsolationLevel.ReadCommitted)).offset).toBe(12);
    const byTime = await client.listOffsets('raw', 0, T0 + 1000);
    expect([byTime.offset, byTime.timestamp]).toEqual([5, T0 + 1000]);
    expect((await client.listOffsets('raw', 0, T0 + 1500)).offset).toBe(8);
    expect((await client.listOffsets('raw', 0, T0 + 99_000)).offset).toBe(-1);
  });

  it('answers OffsetForLeaderEpoch with the log end for the current epoch', async () => {
    const { leaderEpoch } = await client.leaderFor('raw', 0);
    const end = await client.offsetForLeaderEpoch('raw', 0, leaderEpoch);
    expect(end).toEqual({ leaderEpoch, endOffset: 12 });
  });

  it('reports OFFSET_OUT_OF_RANGE from fetch and from the reader', async () => {
    const [result] = await client.fetch([{ topic: 'raw', partition: 0, fetchOffset: 1000, maxBytes: 1024 }], {
      maxWaitMs: 0,
      minBytes: 0,
    });
    expect(result?.error?.errorName).toBe('OFFSET_OUT_OF_RANGE');
    expect(result?.records.length).toBe(0);

    const reader = new PartitionReader(client, {
      topic: 'raw',
      partition: 0,
      startOffset: 1000,
      maxWaitMs: 0,
    });
    const err = await reader.next().catch((e: unknown) => e);
    expect(isKafkaError(err, 'OFFSET_OUT_OF_RANGE')).toBe(true);
    expect(reader.nextOffset).toBe(1000);
    reader.close();
  });

  it('fails a produce to a missing topic with UNKNOWN_TOPIC_OR_PARTITION naming the topic', async () => {
    const err = await client
      .produce('no-such-topic', 0, batch('x', 1, T0), { acks: 1, timeoutMs: 1000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaError);
    expect((err as KafkaError).errorName).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect((err as KafkaError).message).toMatch(/"no-such-topic" does not exist/);
    // No auto-creation behind the operator's back.
    expect((await admin.listTopics()).includes('no-such-topic')).toBe(false);
  });

  it('keeps 100 produce requests in flight on one connection, acknowledged in order', async () => {
    await client.leaderFor('pipelined', 0);
    const connection = await client.brokerConnection(1);
    const batches = Array.from({ length: 100 }, (_, i) => batch(`q${i}`, 1 + (i % 4), T0 + i));
    const order: number[] = [];
    const pending = batches.map((b, i) =>
      client.produce('pipelined', 0, b, { acks: 1, timeoutMs: 5000 }).then((r) => {
        order.push(i);
        return r.baseOffset;
      }),
    );
    // Every request was written before this line: nothing in produce awaits when the route is known.
    expect(connection.inFlightCount).toBe(100);
    const offsets = await Promise.all(pending);
    expect(order).toEqual(batches.map((_, i) => i));
    let expected = 0;
    offsets.forEach((offset, i) => {
      expect(offset).toBe(expected);
      expected += 1 + (i % 4);
    });
    expect((await client.listOffsets('pipelined', 0, 'latest')).offset).toBe(expected);
  });

  it('sends acks=0 produces without waiting for an answer', async () => {
    const before = (await client.listOffsets('pipelined', 0, 'latest')).offset;
    const r = await client.produce('pipelined', 0, batch('z', 1, T0), { acks: 0, timeoutMs: 1000 });
    expect(r.baseOffset).toBe(-1);
    // A later acks=1 produce on the same connection is appended after it.
    const after = await client.produce('pipelined', 0, batch('y', 1, T0), { acks: 1, timeoutMs: 1000 });
    expect(after.baseOffset).toBe(before + 1);
  });
});
