import { type Admin, CompressionTypes, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../../src/client/index.js';
import { type MirrorTaskHooks, MirrorTaskRunner } from '../../../src/mirror/mirror-task.js';
import { mappingFromSyncs, syncsOfPartition } from '../../../src/mirror/offset-sync-log.js';
import { readOffsetSyncs } from '../../../src/mirror/offset-sync-reader.js';
import { DefaultReplicationPolicy } from '../../../src/mirror/replication-policy.js';
import { nextSequenceAfter, PartitionWriter } from '../../../src/mirror/target-writer.js';
import { resumePartition } from '../../../src/mirror/task-resume.js';
import { rewriteProducerNonTransactional } from '../../../src/protocol/records/batch-crc.js';
import {
  CompressionType,
  compressionType,
  isControl,
  RECORDS_COUNT_OFFSET,
} from '../../../src/protocol/records/batch-header.js';
import { decodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { recordBatchSpans } from '../../../src/protocol/records/record-set.js';
import { InProcessRuntime, type Task } from '../../../src/runtime/index.js';
import { waitFor } from '../../harness/broker-harness.js';
import type { ClusterHarness } from '../../harness/cluster.js';
import { type EastWest, startEastWest } from '../../harness/east-west.js';

/**
 * The mirror's data path between two embedded Ferry clusters, east → west (policy `default`: `east.<topic>`):
 * records arrive intact and in order, compressed batches keep their compressed bytes, aborted transactions
 * never arrive; and the crash test — a task killed abruptly at random points (seeded) while a producer keeps
 * writing, restarted each time — ends with the remote topic an exact copy of the source's committed records.
 */

const SYNCS_TOPIC = 'mm2-offset-syncs.west.internal';
const T0 = 1_700_000_000_000;
/** One broker per cluster: with three, kafkajs transactions against Ferry hit CONCURRENT_TRANSACTIONS past their retries (see the report). */
const BROKERS = 1;

let clusters: EastWest | undefined;
let east: ClusterHarness;
let west: ClusterHarness;
let eastAdmin: Admin;
let westAdmin: Admin;
let eastClient: ClusterClient;
let westClient: ClusterClient;

/** Hooks of the runner that the factory builds next (the crash test swaps them per incarnation). */
let nextHooks: MirrorTaskHooks | undefined;
let lastRunner: MirrorTaskRunner | undefined;

const runtime = new InProcessRuntime((task) => {
  lastRunner = new MirrorTaskRunner({
    task,
    clusterClientOptions: (alias) => ({
      bootstrapServers: (alias === 'east' ? east : west).cluster.bootstrap,
      clientId: `mirror-${task.taskId}`,
    }),
    policy: new DefaultReplicationPolicy(),
    offsetLagMax: 10,
    fetchMaxWaitMs: 50,
    restartBackoffMs: 20,
    hooks: nextHooks,
  });
  return lastRunner;
});

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function createTopics(admin: Admin, names: string[], partitions: number): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: BROKERS })),
  });
}

/** Every batch of a partition, raw, read_uncommitted, from the log start to the high watermark. */
async function rawBatches(client: ClusterClient, topic: string, partition: number): Promise<Buffer[]> {
  const end = (await client.listOffsets(topic, partition, 'latest')).offset;
  const out: Buffer[] = [];
  let offset = 0;
  while (offset < end) {
    const [r] = await client.fetch([{ topic, partition, fetchOffset: offset, maxBytes: 1 << 20 }], {
      maxWaitMs: 0,
      minBytes: 0,
    });
    if (r!.error) throw r!.error;
    const spans = recordBatchSpans(r!.records);
    if (spans.length === 0) throw new Error(`no batch at ${topic}-${partition}@${offset} (end ${end})`);
    for (const [pos, size] of spans) {
      const b = r!.records.subarray(pos, pos + size);
      const batch = decodeRecordBatchSync(b);
      if (batch.baseOffset + batch.lastOffsetDelta < offset) continue;
      out.push(Buffer.from(b));
      offset = batch.baseOffset + batch.lastOffsetDelta + 1;
    }
  }
  return out;
}

interface SeenRecord {
  offset: number;
  key: string | null;
  value: string;
  headers: Record<string, string>;
  timestamp: number;
}

function recordsOf(batches: Buffer[]): SeenRecord[] {
  const out: SeenRecord[] = [];
  for (const b of batches) {
    if (isControl(b)) continue;
    for (const r of decodeRecordBatchSync(b).records) {
      const headers: Record<string, string> = {};
      for (const h of r.headers) headers[h.key] = h.value?.toString() ?? '';
      out.push({
        offset: r.offset,
        key: r.key?.toString() ?? null,
        value: r.value?.toString() ?? '',
        headers,
        timestamp: r.timestamp,
      });
    }
  }
  return out;
}

/** Source data batches that are not aborted, told apart by the values the test wrote into aborted transactions. */
function committedSourceBatches(batches: Buffer[]): Buffer[] {
  return batches.filter(
    (b) =>
      !isControl(b) &&
      !decodeRecordBatchSync(b).records.some((r) => r.value?.toString().startsWith('ABORTED')),
  );
}

const strip = ({ offset: _offset, ...rest }: SeenRecord) => rest;

beforeAll(async () => {
  clusters = await startEastWest({ brokers: BROKERS });
  ({ east, west, eastAdmin, westAdmin } = clusters);
  await createTopics(eastAdmin, [SYNCS_TOPIC], 1);
  eastClient = new ClusterClient({ bootstrapServers: east.cluster.bootstrap });
  westClient = new ClusterClient({ bootstrapServers: west.cluster.bootstrap });
}, 60_000);

afterAll(async () => {
  await runtime.close();
  eastClient?.close();
  westClient?.close();
  await clusters?.close();
}, 60_000);

describe('mirror data path east → west', () => {
  it('copies keys, values, headers, timestamps, partitions and order; compressed bytes; no aborted data', async () => {
    const PARTITIONS = 3;
    await createTopics(eastAdmin, ['orders'], PARTITIONS);
    await createTopics(westAdmin, ['east.orders'], PARTITIONS);

    const producer = east.kafka('plain').producer({ idempotent: true, maxInFlightRequests: 1 });
    const txProducer = east.kafka('tx').producer({
      transactionalId: 'orders-tx',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await Promise.all([producer.connect(), txProducer.connect()]);
    try {
      let n = 0;
      const messages = (p: number, count: number, tag: string) =>
        Array.from({ length: count }, () => {
          const i = n++;
          return {
            partition: p,
            key: i % 5 === 0 ? null : `key-${i}`,
            value: `${tag}-${i}-${'x'.repeat(i % 40)}`,
            headers: { trace: `t${i}`, origin: 'east' },
            timestamp: String(T0 + i * 7),
          };
        });
      for (let round = 0; round < 4; round++) {
        for (let p = 0; p < PARTITIONS; p++) {
          await producer.send({ topic: 'orders', messages: messages(p, 1 + round * 3, 'plain') });
          await producer.send({
            topic: 'orders',
            compression: CompressionTypes.GZIP,
            messages: messages(p, 20, 'gzip'),
          });
        }
        const tx = await txProducer.transaction();
        for (let p = 0; p < PARTITIONS; p++) {
          await tx.send({
            topic: 'orders',
            messages: messages(p, 3, round % 2 === 0 ? 'committed' : 'ABORTED'),
          });
        }
        if (round % 2 === 0) await tx.commit();
        else await tx.abort();
      }
    } finally {
      await Promise.all([producer.disconnect(), txProducer.disconnect()]);
    }

    const task: Task = {
      taskId: 'orders-0',
      flowId: 'east->west',
      sourceAlias: 'east',
      targetAlias: 'west',
      partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: 'orders', partition })),
    };
    nextHooks = undefined;
    await runtime.start(task);
    const runner = lastRunner!;

    for (let p = 0; p < PARTITIONS; p++) {
      const source = committedSourceBatches(await rawBatches(eastClient, 'orders', p));
      const expected = recordsOf(source);
      await waitFor(`east.orders-${p} caught up`, async () => {
        return recordsOf(await rawBatches(westClient, 'east.orders', p)).length >= expected.length;
      });
      const targetBatches = await rawBatches(westClient, 'east.orders', p);
      const got = recordsOf(targetBatches);
      expect(got.map(strip)).toEqual(expected.map(strip));
      expect(got.some((r) => r.value.startsWith('ABORTED'))).toBe(false);
      expect(got.filter((r) => r.value.startsWith('committed'))).toHaveLength(6);
      // Batch for batch: the same records section, compressed as it was (gzip stays gzip, bytes identical).
      expect(targetBatches).toHaveLength(source.length);
      let gzip = 0;
      for (let i = 0; i < source.length; i++) {
        expect(compressionType(targetBatches[i]!)).toBe(compressionType(source[i]!));
        expect(
          targetBatches[i]!.subarray(RECORDS_COUNT_OFFSET).equals(source[i]!.subarray(RECORDS_COUNT_OFFSET)),
        ).toBe(true);
        if (compressionType(source[i]!) === CompressionType.Gzip) gzip++;
      }
      expect(gzip).toBe(4);
      const m = runner.metrics()[p]!;
      expect(m.recordsMirrored).toBe(expected.length);
      expect(m.batchesDropped).toBeGreaterThanOrEqual(4); // two commit and two abort markers at least
      expect(m.recordAgeMs).toBeGreaterThan(0);
    }
    await runtime.stop(task.taskId);
    expect(runtime.list().find((s) => s.task.taskId === task.taskId)?.state).toBe('stopped');
  }, 60_000);

  it('a crashed incarnation whose batches land late is de-duplicated by the producer the next one continues', async () => {
    await createTopics(eastAdmin, ['zombie'], 1);
    await createTopics(westAdmin, ['east.zombie'], 1);
    const producer = east.kafka('zombie').producer();
    await producer.connect();
    for (let i = 0; i < 4; i++) {
      await producer.send({ topic: 'zombie', messages: [{ value: `z${i}-a` }, { value: `z${i}-b` }] });
    }
    await producer.disconnect();
    const source = committedSourceBatches(await rawBatches(eastClient, 'zombie', 0));
    expect(source).toHaveLength(4);
    const copy = (i: number) => Buffer.from(source[i]!);
    const resumeInput = {
      source: eastClient,
      target: westClient,
      topic: 'zombie',
      partition: 0,
      remoteTopic: 'east.zombie',
      syncs: [],
    };

    // Incarnation A: a new producer, two batches acknowledged, two more rewritten and still "in flight".
    expect((await resumePartition(resumeInput)).producer).toBeNull();
    const zombieClient = new ClusterClient({ bootstrapServers: west.cluster.bootstrap });
    try {
      const a = new PartitionWriter(zombieClient, {
        topic: 'east.zombie',
        partition: 0,
        producer: { ...(await zombieClient.initProducerId()), nextSequence: 0 },
      });
      await a.send(copy(0));
      await a.send(copy(1));
      const late: Buffer[] = [];
      let sequence = a.producerState.nextSequence;
      for (const i of [2, 3]) {
        const b = copy(i);
        rewriteProducerNonTransactional(b, 0, { ...a.producerState, baseSequence: sequence });
        sequence = nextSequenceAfter(sequence, source[i]!.readInt32BE(23));
        late.push(b);
      }

      // Incarnation B resumes from the target (which holds batches 0 and 1) and continues A's producer.
      const resumed = await resumePartition(resumeInput);
      expect(resumed.matchedBatches).toBe(2);
      expect(resumed.producer).toEqual(a.producerState);
      const b = new PartitionWriter(westClient, {
        topic: 'east.zombie',
        partition: 0,
        producer: resumed.producer!,
      });
      const b2 = await b.send(copy(2));
      const options = { acks: -1 as const, timeoutMs: 5000 };
      // A's late batch 2 arrives after B's copy: the broker answers it as a duplicate, appends nothing.
      expect((await zombieClient.produce('east.zombie', 0, late[0]!, options)).baseOffset).toBe(b2);
      // A's late batch 3 arrives before B's: appended once; B's copy is then the duplicate.
      const z3 = await zombieClient.produce('east.zombie', 0, late[1]!, options);
      expect(await b.send(copy(3))).toBe(z3.baseOffset);
    } finally {
      zombieClient.close();
    }
    const target = recordsOf(await rawBatches(westClient, 'east.zombie', 0));
    expect(target.map((r) => r.value)).toEqual(recordsOf(source).map((r) => r.value));
  }, 30_000);

  it('crash test: killed at random points while data flows, the remote topic ends an exact copy', async () => {
    const PARTITIONS = 3;
    const KILLS = 15;
    await createTopics(eastAdmin, ['events'], PARTITIONS);
    await createTopics(westAdmin, ['east.events'], PARTITIONS);
    const task: Task = {
      taskId: 'events-0',
      flowId: 'east->west',
      sourceAlias: 'east',
      targetAlias: 'west',
      partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: 'events', partition })),
    };

    const producer: Producer = east.kafka('events').producer({ idempotent: true, maxInFlightRequests: 1 });
    const txProducer: Producer = east
      .kafka('events-tx')
      .producer({ transactionalId: 'events-tx', idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([producer.connect(), txProducer.connect()]);
    let producing = true;
    let sent = 0;
    const produceLoop = (async () => {
      const rnd = mulberry32(Number(process.env.MIRROR_CRASH_SEED ?? 7));
      while (producing) {
        const p = Math.floor(rnd() * PARTITIONS);
        const count = 1 + Math.floor(rnd() * 6);
        if (rnd() < 0.15) {
          const tx = await txProducer.transaction();
          const commit = rnd() < 0.5;
          await tx.send({
            topic: 'events',
            messages: Array.from({ length: count }, () => ({
              partition: p,
              value: `${commit ? 'tx' : 'ABORTED'}-${sent++}`,
            })),
          });
          if (commit) await tx.commit();
          else await tx.abort();
        } else {
          await producer.send({
            topic: 'events',
            compression: rnd() < 0.3 ? CompressionTypes.GZIP : CompressionTypes.None,
            messages: Array.from({ length: count }, () => ({
              partition: p,
              key: `k${sent}`,
              value: `v-${sent++}`,
            })),
          });
        }
      }
    })();

    const rnd = mulberry32(Number(process.env.MIRROR_CRASH_SEED ?? 20_240_611));
    const points: string[] = [];
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        const mode = ['sent', 'acked', 'resumed'][Math.floor(rnd() * 3)]!;
        const after = 1 + Math.floor(rnd() * (mode === 'resumed' ? PARTITIONS : 25));
        points.push(`${mode}@${after}`);
        let seen = 0;
        let onKilled: () => void = () => {};
        const killed = new Promise<void>((resolve) => {
          onKilled = resolve;
        });
        const hit = () => {
          if (++seen === after) {
            runtime.kill(task.taskId);
            onKilled();
          }
        };
        nextHooks = {
          onBatchSent: mode === 'sent' ? hit : undefined,
          onBatchAcked: mode === 'acked' ? hit : undefined,
          onResumed: mode === 'resumed' ? hit : undefined,
        };
        await runtime.start(task);
        await killed;
      }
    } finally {
      producing = false;
      await produceLoop;
      await Promise.all([producer.disconnect(), txProducer.disconnect()]);
    }

    // The last incarnation runs to the end.
    nextHooks = undefined;
    await runtime.start(task);
    const runner = lastRunner!;
    const sourceBatches: Buffer[][] = [];
    for (let p = 0; p < PARTITIONS; p++) {
      const source = committedSourceBatches(await rawBatches(eastClient, 'events', p));
      sourceBatches.push(source);
      const expected = recordsOf(source).length;
      await waitFor(
        `east.events-${p} caught up`,
        async () => recordsOf(await rawBatches(westClient, 'east.events', p)).length >= expected,
        30_000,
      );
    }
    await runtime.stop(task.taskId);

    let totalRecords = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      const expected = recordsOf(sourceBatches[p]!);
      const target = recordsOf(await rawBatches(westClient, 'east.events', p));
      expect(
        target.map((r) => r.value),
        `partition ${p} after kills ${points.join(' ')}`,
      ).toEqual(expected.map((r) => r.value));
      totalRecords += expected.length;

      // The durable mapping: every mirrored source record translates to the offset of its copy.
      const syncs = syncsOfPartition(await readOffsetSyncs(eastClient, SYNCS_TOPIC), 'events', p);
      const mapping = mappingFromSyncs(syncs, { offsetLagMax: 10 });
      for (let i = 0; i < expected.length; i++) {
        expect(mapping.translate(expected[i]!.offset)).toEqual({
          kind: 'exact',
          targetOffset: target[i]!.offset,
        });
      }
    }
    expect(totalRecords).toBeGreaterThan(100);
    expect(sent).toBeGreaterThan(totalRecords); // aborted records were produced and left out
    expect(runner.metrics().every((m) => m.restarts === 0)).toBe(true);
  }, 60_000);
});
