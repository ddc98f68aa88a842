import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClusterHarness,
  fullyInSync,
  logBytes,
  partitionsOf,
  seededRandom,
  startClusterHarness,
  waitUntil,
} from '../../harness/cluster.js';

/**
 * No acknowledged write is lost: RF 3, min.insync.replicas=2, an idempotent acks=all producer writing numbered
 * records (value `partition:seq`) to 6 partitions while the leader of some partition is stopped — alternately
 * cleanly and by a crash that loses everything the broker had not fsynced — then restarted once the producer
 * got an ack from the new leader. Afterwards every acknowledged number is there, in order, exactly once, and
 * every replica's log is byte-identical to the leader's below the HW. Seeded: FERRY_SEED repeats a run (the seed
 * is in the test name and printed); FERRY_ROUNDS runs more failovers.
 */

const TOPIC = 'acked';
const PARTITIONS = 6;
const ROUNDS = Number(process.env.FERRY_ROUNDS ?? 6);
const seed = Number(process.env.FERRY_SEED ?? Math.floor(Math.random() * 2 ** 31));

let harness: ClusterHarness;
let kafka: Kafka;

beforeAll(async () => {
  harness = await startClusterHarness({
    overrides: { 'broker.session.timeout.ms': 1500, 'broker.heartbeat.interval.ms': 250 },
  });
  kafka = harness.kafka('no-acked-write-lost');
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic: TOPIC,
          numPartitions: PARTITIONS,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
});

afterAll(async () => {
  await harness?.close();
});

/** One writer per partition: numbers records 0, 1, 2, … and keeps the numbers that were acknowledged. */
class Writers {
  readonly acked: number[][] = Array.from({ length: PARTITIONS }, () => []);
  readonly ackTimes: number[] = Array.from({ length: PARTITIONS }, () => 0);
  private stopped = false;
  private producer: Producer | undefined;
  private loops: Promise<void>[] = [];
  failures = 0;

  constructor(private readonly kafka: Kafka) {}

  async start(): Promise<void> {
    this.producer = await this.newProducer();
    this.loops = Array.from({ length: PARTITIONS }, (_, p) => this.loop(p));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
    await this.producer?.disconnect().catch(() => {});
  }

  private async newProducer(): Promise<Producer> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 30, initialRetryTime: 50, maxRetryTime: 300 },
    });
    await producer.connect();
    return producer;
  }

  private async loop(partition: number): Promise<void> {
    let seq = 0;
    while (!this.stopped) {
      const producer = this.producer!;
      const value = `${partition}:${seq}`;
      try {
        await producer.send({ topic: TOPIC, acks: -1, timeout: 5000, messages: [{ partition, value }] });
        this.acked[partition]!.push(seq);
        this.ackTimes[partition] = Date.now();
      } catch {
        // Not acknowledged: the record may or may not be in the log. A fresh producer id, so that kafkajs
        // does not reuse this sequence number for the next record (the broker would take it for a retry).
        this.failures++;
        if (this.producer === producer) {
          this.producer = await this.newProducer();
          void producer.disconnect().catch(() => {});
        }
      }
      seq++;
    }
  }
}

describe('no acknowledged write is lost across leader stops and crashes', () => {
  it(`keeps every acked record, once and in order, with identical replica logs (seed ${seed})`, async () => {
    const cluster = harness.cluster;
    const random = seededRandom(seed);
    const writers = new Writers(kafka);
    await writers.start();
    const failovers: Array<{ round: number; crash: boolean; broker: number; ms: number }> = [];
    try {
      await waitUntil('first acks', () => writers.acked.every((a) => a.length > 0), 15_000);
      for (let round = 0; round < ROUNDS; round++) {
        const crash = round % 2 === 1;
        const partition = Math.floor(random() * PARTITIONS);
        const leader = partitionsOf(cluster, TOPIC)[partition]!.leader;
        const stoppedAt = Date.now();
        await cluster.stopBroker(leader, { crash });
        await waitUntil(
          `a new leader of ${TOPIC}-${partition} acknowledging (round ${round}, seed ${seed})`,
          () => {
            if (cluster.controllerId < 0) return false;
            const p = partitionsOf(cluster, TOPIC)[partition]!;
            return p.leader >= 0 && p.leader !== leader && writers.ackTimes[partition]! > stoppedAt;
          },
          15_000,
        );
        failovers.push({ round, crash, broker: leader, ms: Date.now() - stoppedAt });
        await cluster.startBroker(leader);
        await waitUntil(
          `a full ISR after restarting broker ${leader} (round ${round}, seed ${seed})`,
          () => fullyInSync(cluster, [TOPIC]),
          15_000,
          () => JSON.stringify(partitionsOf(cluster, TOPIC)),
        );
      }
    } finally {
      await writers.stop();
    }
    console.log(`seed ${seed}: failovers ${JSON.stringify(failovers)}; failed sends ${writers.failures}`);

    // Every replica's log equals the leader's, byte for byte, below the HW.
    await waitUntil('a full ISR at the end', () => fullyInSync(cluster, [TOPIC]), 15_000);
    const highWatermarks: number[] = [];
    for (const p of partitionsOf(cluster, TOPIC)) {
      const leaderLog = cluster.broker(p.leader).replicaManager.partition(TOPIC, p.partition)!.log;
      // Followers' HWs trail the leader's by a fetch: wait until every replica has the leader's HW.
      const hw = leaderLog.highWatermark;
      await waitUntil(`replicas of ${TOPIC}-${p.partition} at HW ${hw}`, () =>
        p.replicas.every(
          (id) => cluster.broker(id).replicaManager.partition(TOPIC, p.partition)!.log.logEndOffset >= hw,
        ),
      );
      const expected = logBytes(leaderLog, hw);
      for (const id of p.replicas) {
        const log = cluster.broker(id).replicaManager.partition(TOPIC, p.partition)!.log;
        expect(
          logBytes(log, hw).equals(expected),
          `broker ${id} ${TOPIC}-${p.partition} (seed ${seed})`,
        ).toBe(true);
      }
      highWatermarks[p.partition] = hw;
    }

    // Every acknowledged number is there, in order, exactly once.
    const seen: number[][] = Array.from({ length: PARTITIONS }, () => []);
    const consumer = kafka.consumer({ groupId: `verify-${seed}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      const next: number[] = Array.from({ length: PARTITIONS }, () => 0);
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const [p, s] = message.value!.toString().split(':').map(Number);
          expect(p).toBe(partition);
          seen[partition]!.push(s!);
          next[partition] = Number(message.offset) + 1;
        },
      });
      await waitUntil(
        'the consumer reaching every HW',
        () => next.every((n, p) => n >= highWatermarks[p]!),
        20_000,
      );
    } finally {
      await consumer.disconnect();
    }
    for (let p = 0; p < PARTITIONS; p++) {
      const values = seen[p]!;
      for (let i = 1; i < values.length; i++) {
        expect(values[i]!, `${TOPIC}-${p} out of order or duplicated at ${i} (seed ${seed})`).toBeGreaterThan(
          values[i - 1]!,
        );
      }
      const present = new Set(values);
      const lost = writers.acked[p]!.filter((s) => !present.has(s));
      expect(lost, `acknowledged but lost in ${TOPIC}-${p} (seed ${seed})`).toEqual([]);
    }
  }, 90_000);
});
