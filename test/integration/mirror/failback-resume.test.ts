import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../../src/client/index.js';
import { type FailbackReport, type FailbackStep, failback } from '../../../src/mirror/failback.js';
import { Flow } from '../../../src/mirror/flow.js';
import { type MirrorConfig, parseMirrorConfig } from '../../../src/mirror/mirror-config.js';
import { type ClusterHarness, waitUntil } from '../../harness/cluster.js';
import { type EastWest, eastToWest, startEastWest } from '../../harness/east-west.js';
import { readRawLog } from '../../harness/raw-log.js';

/**
 * Failback east->west interrupted at chosen points and run again (failback-copy.ts's INVARIANT): every
 * scenario gets its own topic with the same records — on east before the failover, on west after it (one
 * batch per send, a three-record batch, an aborted transaction on partition 0) — and a group committed on
 * west midway through partition 0 and at the end of partition 1. An uninterrupted run is the reference: each
 * interrupted-then-resumed scenario must leave east's partitions with the very same records at the very same
 * offsets (every west record once, in order) and the group at the same positions.
 */

let clusters: EastWest | undefined;
let east: ClusterHarness;
let west: ClusterHarness;
let eastKafka: Kafka;
let westKafka: Kafka;
let eastAdmin: Admin;
let westAdmin: Admin;
let eastClient: ClusterClient;
let westClient: ClusterClient;

const PARTITIONS = 2;
const EAST_PER_PARTITION = 6;
const WEST_PER_PARTITION = 8;
/** Kept west batches per partition: one per send, one of them of three records (the aborted one is dropped). */
const WEST_BATCHES = WEST_PER_PARTITION;
const WEST_RECORDS = WEST_PER_PARTITION + 2;

class Crash extends Error {}

type Policy = 'default' | 'identity';

function mirrorConfig(topic: string, policy: Policy): MirrorConfig {
  return parseMirrorConfig(
    eastToWest(
      { east, west },
      {
        topics: topic,
        'replication.policy': policy,
        'refresh.topics.interval.seconds': 0.3,
      },
    ),
  );
}

/** Runs the flow of `config` until it has mirrored every partition of `topic` up to `ends`, then stops it. */
async function mirrorUpTo(config: MirrorConfig, topic: string, ends: readonly number[]): Promise<void> {
  const flow = new Flow({
    config: config.flows[0]!,
    source: config.clusters.get('east')!,
    target: config.clusters.get('west')!,
    taskSettings: { fetchMaxWaitMs: 50 },
  });
  await flow.start();
  try {
    await waitUntil(`${topic} mirrored to west`, () =>
      ends.every((end, p) => (flow.mapping(topic, p)?.sourceNext ?? -1) >= end),
    );
  } finally {
    await flow.stop();
  }
}

/** A topic on east mirrored to west by a flow that then stops, and new writes on west: the failover's aftermath. */
async function prepare(topic: string, policy: Policy = 'default'): Promise<MirrorConfig> {
  await eastAdmin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS }] });
  const producer = eastKafka.producer();
  await producer.connect();
  for (let i = 0; i < EAST_PER_PARTITION; i++) {
    for (let p = 0; p < PARTITIONS; p++) {
      await producer.send({ topic, messages: [{ partition: p, key: `k${p}-${i}`, value: `e${p}-${i}` }] });
    }
  }
  await producer.disconnect();

  const config = mirrorConfig(topic, policy);
  await mirrorUpTo(config, topic, Array<number>(PARTITIONS).fill(EAST_PER_PARTITION));

  const remote = policy === 'identity' ? topic : `east.${topic}`;
  const westProducer = westKafka.producer();
  const tx = westKafka.producer({ transactionalId: `tx-${topic}`, idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([westProducer.connect(), tx.connect()]);
  for (let i = 0; i < WEST_PER_PARTITION; i++) {
    for (let p = 0; p < PARTITIONS; p++) {
      if (i === 3) {
        const messages = [0, 1, 2].map((j) => ({
          partition: p,
          key: `w${p}-${i}.${j}`,
          value: `w${p}-${i}.${j}`,
        }));
        await westProducer.send({ topic: remote, messages });
      } else {
        await westProducer.send({
          topic: remote,
          messages: [{ partition: p, key: `w${p}-${i}`, value: `w${p}-${i}` }],
        });
      }
    }
    if (i === 5) {
      const txn = await tx.transaction();
      await txn.send({ topic: remote, messages: [{ partition: 0, value: 'aborted' }] });
      await txn.abort();
    }
  }
  await Promise.all([westProducer.disconnect(), tx.disconnect()]);

  // The failed-over consumers: midway through partition 0's new records, at partition 1's end.
  const end1 = await westClient.listOffsets(remote, 1, 'latest');
  await westAdmin.setOffsets({
    groupId: `app-${topic}`,
    topic: remote,
    partitions: [
      { partition: 0, offset: String(EAST_PER_PARTITION + 5) },
      { partition: 1, offset: String(end1.offset) },
    ],
  });
  return config;
}

/** What east holds of a topic, partition by partition: every kept record with its offset. */
async function eastRecords(topic: string, client = eastClient): Promise<string[][]> {
  const out: string[][] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const log = await readRawLog(client, topic, p);
    out.push(log.kept.map((r) => `${r.offset}:${r.key?.toString()}=${r.value?.toString()}`));
  }
  return out;
}

/** The group's committed positions on east, per partition. */
async function eastGroup(topic: string): Promise<number[]> {
  const [committed] = await eastAdmin.fetchOffsets({ groupId: `app-${topic}`, topics: [topic] });
  return [...committed!.partitions].sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
}

/** The records failback must bring back to each partition of east, in order. */
function expectedValues(): string[][] {
  return Array.from({ length: PARTITIONS }, (_, p) => {
    const values = Array.from({ length: EAST_PER_PARTITION }, (_, i) => `k${p}-${i}=e${p}-${i}`);
    for (let i = 0; i < WEST_PER_PARTITION; i++) {
      if (i === 3) for (const j of [0, 1, 2]) values.push(`w${p}-${i}.${j}=w${p}-${i}.${j}`);
      else values.push(`w${p}-${i}=w${p}-${i}`);
    }
    return values;
  });
}

function copiedBatches(report: FailbackReport): { batches: number; resumed: number } {
  return {
    batches: report.copies.reduce((s, c) => s + c.batches, 0),
    resumed: report.copies.reduce((s, c) => s + c.resumed, 0),
  };
}

beforeAll(async () => {
  clusters = await startEastWest();
  ({ east, west, eastAdmin, westAdmin } = clusters);
  eastKafka = east.kafka('failback-east');
  westKafka = west.kafka('failback-west');
  eastClient = new ClusterClient({ bootstrapServers: east.brokers });
  westClient = new ClusterClient({ bootstrapServers: west.brokers });
}, 60_000);

afterAll(async () => {
  eastClient?.close();
  westClient?.close();
  await clusters?.close();
}, 30_000);

describe('failback interrupted and run again', () => {
  let reference: { records: string[][]; group: number[] };
  const total = PARTITIONS * WEST_BATCHES;

  it('an uninterrupted run: the reference', async () => {
    const config = await prepare('ref');
    const dry = await failback({ config, flowName: 'east->west', dryRun: true });
    expect(copiedBatches(dry)).toEqual({ batches: 0, resumed: 0 });
    const report = await failback({ config, flowName: 'east->west' });
    expect(copiedBatches(report)).toEqual({ batches: total, resumed: 0 });
    expect(report.resumes.map((r) => r.status)).toEqual(['written', 'written']);
    const records = await eastRecords('ref');
    expect(records.map((p) => p.map((r) => r.slice(r.indexOf(':') + 1)))).toEqual(expectedValues());
    const group = await eastGroup('ref');
    // West's copies start right after east's own records on both sides, so offsets agree up to the abort.
    expect(group).toEqual([EAST_PER_PARTITION + 5, EAST_PER_PARTITION + WEST_RECORDS]);
    reference = { records, group };

    // A second run finds everything on east and copies nothing again.
    const again = await failback({ config, flowName: 'east->west' });
    expect(copiedBatches(again)).toEqual({ batches: 0, resumed: total });
    expect(await eastRecords('ref')).toEqual(records);
  });

  const crashes: Array<{ name: string; at: (s: FailbackStep) => boolean; landed: number }> = [
    { name: 'k0', at: (s) => s.step === 'producer-registered', landed: 0 },
    { name: 'k1', at: (s) => s.step === 'batch-copied' && s.batchesThisRun === 1, landed: 1 },
    { name: 'k4', at: (s) => s.step === 'batch-copied' && s.batchesThisRun === 4, landed: 4 },
    {
      name: 'k10',
      at: (s) => s.step === 'batch-copied' && s.batchesThisRun === WEST_BATCHES + 2,
      landed: WEST_BATCHES + 2,
    },
    { name: 'kall', at: (s) => s.step === 'copied', landed: total },
  ];
  for (const crash of crashes) {
    it(`interrupted (${crash.name}), run again: the same records, once each, and the same group positions`, async () => {
      const topic = `orders-${crash.name}`;
      const config = await prepare(topic);
      let fired = false;
      await expect(
        failback({
          config,
          flowName: 'east->west',
          onStep: (s) => {
            if (!fired && crash.at(s)) {
              fired = true;
              throw new Crash(crash.name);
            }
          },
        }),
      ).rejects.toBeInstanceOf(Crash);
      expect(fired).toBe(true);
      // Up to a few produces were still in flight at the crash: at least the acknowledged ones are there.
      const afterCrash = await eastRecords(topic);
      const landed = afterCrash.reduce((s, p) => s + p.length, 0) - PARTITIONS * EAST_PER_PARTITION;
      expect(landed).toBeGreaterThanOrEqual(crash.landed);
      expect(await eastGroup(topic)).toEqual([-1, -1]);

      const dry = await failback({ config, flowName: 'east->west', dryRun: true });
      expect(copiedBatches(dry).batches).toBe(0);
      expect(copiedBatches(dry).resumed).toBeGreaterThanOrEqual(crash.landed);

      const report = await failback({ config, flowName: 'east->west' });
      const { batches, resumed } = copiedBatches(report);
      expect(resumed).toBe(copiedBatches(dry).resumed);
      expect(batches + resumed).toBe(total);
      expect(await eastRecords(topic)).toEqual(reference.records);
      expect(await eastGroup(topic)).toEqual(reference.group);
      expect(report.resumes.map((r) => r.status)).toEqual(['written', 'written']);
    });
  }

  it("interrupted, then east's own producer writes, run again: the copy steps over east's batch", async () => {
    const topic = 'orders-mixed';
    const config = await prepare(topic);
    await expect(
      failback({
        config,
        flowName: 'east->west',
        onStep: (s) => {
          if (s.step === 'batch-copied' && s.batchesThisRun === 4) throw new Crash('k4');
        },
      }),
    ).rejects.toBeInstanceOf(Crash);
    // An idempotent producer: its producer id is not failback's, which the walk learns from the registry.
    const producer = eastKafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, messages: [{ partition: 0, key: 'x0', value: 'x0' }] });
    await producer.disconnect();

    const report = await failback({ config, flowName: 'east->west' });
    expect(copiedBatches(report).batches + copiedBatches(report).resumed).toBe(total);
    const records = await eastRecords(topic);
    const values = records.map((p) => p.map((r) => r.slice(r.indexOf(':') + 1)));
    expect(values[0]!.filter((v) => v === 'x0=x0')).toHaveLength(1);
    expect(values[0]!.filter((v) => v !== 'x0=x0')).toEqual(expectedValues()[0]);
    expect(records[1]).toEqual(reference.records[1]);
    // Partition 0's group resumes at the record it was at on west (the triple's third), wherever it landed.
    const at = records[0]!.find((r) => r.endsWith(':w0-3.2=w0-3.2'))!;
    expect(await eastGroup(topic)).toEqual([Number(at.slice(0, at.indexOf(':'))), reference.group[1]]);
  });
});

describe('failback under the identity policy, then the forward flow restarted', () => {
  it("drops the copied records as the reverse direction's writes (loop prevention by producer id)", async () => {
    const topic = 'orders-identity';
    const config = await prepare(topic, 'identity');
    const report = await failback({ config, flowName: 'east->west' });
    expect(report.copies.reduce((s, c) => s + c.batches, 0)).toBe(PARTITIONS * WEST_BATCHES);
    const onEast = await eastRecords(topic);
    expect(onEast.map((p) => p.map((r) => r.slice(r.indexOf(':') + 1)))).toEqual(expectedValues());

    // East writes on; the forward flow must mirror that, and not the copies before it, to west.
    const producer = eastKafka.producer();
    await producer.connect();
    for (let p = 0; p < PARTITIONS; p++)
      await producer.send({ topic, messages: [{ partition: p, key: `n${p}`, value: `n${p}` }] });
    await producer.disconnect();
    const ends = await Promise.all(
      Array.from(
        { length: PARTITIONS },
        async (_, p) => (await eastClient.listOffsets(topic, p, 'latest')).offset,
      ),
    );
    await mirrorUpTo(config, topic, ends);
    const onWest = await eastRecords(topic, westClient);
    expect(onWest.map((p) => p.map((r) => r.slice(r.indexOf(':') + 1)))).toEqual(
      expectedValues().map((values, p) => [...values, `n${p}=n${p}`]),
    );
  });
});
