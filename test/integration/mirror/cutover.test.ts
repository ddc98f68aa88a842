import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../../src/client/index.js';
import { Cutover, type SwitchPlan } from '../../../src/mirror/cutover/cutover.js';
import { CUTOVER_STEPS, type CutoverStep } from '../../../src/mirror/cutover/cutover-state.js';
import { startReverseFlow } from '../../../src/mirror/cutover/reverse-flow-runner.js';
import { Flow } from '../../../src/mirror/flow.js';
import { RawGroupOffsetCommitter } from '../../../src/mirror/group-offset-committer.js';
import { type MirrorConfig, parseMirrorConfig } from '../../../src/mirror/mirror-config.js';
import { type ClusterHarness, waitUntil } from '../../harness/cluster.js';
import { type EastWest, eastToWest, startEastWest } from '../../harness/east-west.js';
import { readRawLog } from '../../harness/raw-log.js';

/**
 * Cutover east->west: 20 topics × 6 partitions (issue 6's scale) under a steady producer, two groups committed on east. A run
 * crashed after each step's work in turn (before it was recorded) resumes to a completed cutover; verify
 * passes; both groups sit on west at their translated positions, and a consumer of each group joining on west
 * reads on from exactly the record it would have read next on east (a sample of topics, every partition);
 * the final run writes the reverse flow's mirror config (reverse-flow.json), which loads, and started (default
 * policy) it brings a topic created on west after the switch back as west.<topic>. Abort lifts the freeze.
 */

const TOPICS = Array.from({ length: 20 }, (_, i) => `t${i}`);
const PARTITIONS = 6;

let clusters: EastWest | undefined;
let east: ClusterHarness;
let west: ClusterHarness;
let eastKafka: Kafka;
let westKafka: Kafka;
let westAdmin: Admin;
let eastClient: ClusterClient;
let config: MirrorConfig;
let dir: string;

function newFlow(): Flow {
  return new Flow({
    config: config.flows[0]!,
    source: config.clusters.get('east')!,
    target: config.clusters.get('west')!,
    taskSettings: { fetchMaxWaitMs: 50 },
  });
}

/** Sends one record at a time round-robin until stopped; counts acknowledged and refused sends. */
function steadyProducer(producer: Producer): {
  stop: () => Promise<void>;
  acked: () => number;
  refused: () => number;
} {
  let running = true;
  let acked = 0;
  let refused = 0;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      try {
        await producer.send({
          topic: TOPICS[i % TOPICS.length]!,
          messages: [{ partition: Math.floor(i / TOPICS.length) % PARTITIONS, key: `k${i}`, value: `v${i}` }],
        });
        acked++;
      } catch {
        refused++;
        if (refused > 2) return;
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
    acked: () => acked,
    refused: () => refused,
  };
}

beforeAll(async () => {
  clusters = await startEastWest();
  ({ east, west, westAdmin } = clusters);
  eastKafka = east.kafka('cutover-east');
  westKafka = west.kafka('cutover-west');
  const admin = eastKafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: TOPICS.map((topic) => ({ topic, numPartitions: PARTITIONS })),
  });
  await admin.disconnect();
  eastClient = new ClusterClient({ bootstrapServers: east.cluster.bootstrap });
  config = parseMirrorConfig(
    eastToWest({ east, west }, { topics: 't\\d+', 'refresh.topics.interval.seconds': 0.3 }),
  );
}, 60_000);

afterAll(async () => {
  eastClient?.close();
  await clusters?.close();
}, 30_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-cutover-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Each of `group`'s consumers on west reads `topics` until `total` records came; `topic-partition` → key=value. */
async function readOnWest(
  group: string,
  topics: readonly string[],
  total: number,
): Promise<Map<string, string[]>> {
  const read = new Map<string, string[]>();
  let count = 0;
  const consumer: Consumer = westKafka.consumer({ groupId: group, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics] });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const k = `${topic}-${partition}`;
        read.set(k, [...(read.get(k) ?? []), `${message.key}=${message.value}`]);
        count++;
      },
    });
    await waitUntil(
      `${group} to read ${total} records on west`,
      () => count >= total,
      30_000,
      () => `${count}`,
    );
  } finally {
    await consumer.disconnect();
  }
  return read;
}

describe('cutover east->west', () => {
  it('runs to completion across a crash after each step; groups resume at their translated positions', async () => {
    const flow = newFlow();
    await flow.start();
    const producer = eastKafka.producer({ retry: { retries: 2, initialRetryTime: 50 } });
    await producer.connect();
    const steady = steadyProducer(producer);
    try {
      // Every partition past offset 7 (the furthest commit below) before the groups commit.
      while (steady.acked() < TOPICS.length * PARTITIONS * 9) await new Promise((r) => setTimeout(r, 20));
      const committer = new RawGroupOffsetCommitter(eastClient);
      for (const [group, offset] of [
        ['g1', 3],
        ['g2', 7],
      ] as const) {
        await committer.commit(
          group,
          TOPICS.flatMap((topic) =>
            Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, offset })),
          ),
        );
      }
      // Crash after the work of each step in turn; every run but the first is a new process (no live flow).
      for (const [i, crashAt] of CUTOVER_STEPS.entries()) {
        const cutover = new Cutover({
          config,
          flowName: 'east->west',
          stateDir: dir,
          flow: i === 0 ? flow : undefined,
          maxLag: 100_000,
          beforeRecord: (step) => {
            if (step === crashAt) throw new Error(`crash at ${step}`);
          },
        });
        await expect(cutover.run()).rejects.toThrow(`crash at ${crashAt}`);
        if (crashAt === 'freeze') {
          // Every topic is frozen now: the producer's next send is refused (the one in flight may have landed).
          while (steady.refused() === 0) await new Promise((r) => setTimeout(r, 20));
          await steady.stop();
        }
        const state = await cutover.status();
        expect(CUTOVER_STEPS.filter((s) => state.steps[s].status === 'done')).toEqual(
          CUTOVER_STEPS.slice(0, i),
        );
      }
      const final = await new Cutover({
        config,
        flowName: 'east->west',
        stateDir: dir,
        reverseFlow: true,
      }).run();
      expect(final.phase).toBe('completed');
      expect(steady.refused()).toBeGreaterThan(0);
    } finally {
      await steady.stop();
      await producer.disconnect();
      await flow.stop();
    }
    const final = await new Cutover({ config, flowName: 'east->west', stateDir: dir }).status();
    expect((final.steps.verify.result as { match: boolean }).match).toBe(true);
    const plan = JSON.parse(await readFile(join(dir, 'switch.json'), 'utf8')) as SwitchPlan;
    expect(plan.producers.topics).toEqual(Object.fromEntries(TOPICS.map((t) => [t, `east.${t}`])));
    // The rollback path: a west->east flow over west's own topics (east.* would be a cycle), loadable as is.
    expect(plan.reverseFlow?.configFile).toBe(join(dir, 'reverse-flow.json'));
    const reverse = parseMirrorConfig(JSON.parse(await readFile(join(dir, 'reverse-flow.json'), 'utf8')));
    expect(reverse.flows.map((f) => [f.name, f.replicationPolicy, f.topicsExclude.at(-1)])).toEqual([
      ['west->east', 'default', '^east\\.'],
    ]);
    expect(reverse.clusters.get('west')?.bootstrapServers).toEqual(
      config.clusters.get('west')?.bootstrapServers,
    );
    for (const group of ['g1', 'g2']) {
      const want = plan.consumers.groups[group]!;
      expect(want).toHaveLength(TOPICS.length * PARTITIONS);
      const committed = await westAdmin.fetchOffsets({
        groupId: group,
        topics: TOPICS.map((t) => `east.${t}`),
      });
      const got = committed.flatMap((t) =>
        t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) })),
      );
      const key = (x: { topic: string; partition: number }) => `${x.topic}:${x.partition}`;
      expect(new Map(got.map((g) => [key(g), g.offset]))).toEqual(
        new Map(want.map((w) => [key(w), w.offset])),
      );
      // No transactions here: the copies are dense, so translated = source offsets.
      expect(want.every((w) => w.offset === (group === 'g1' ? 3 : 7))).toBe(true);
    }

    // Each group's consumer on west reads next exactly what it would have read next on east: east's records from
    // the group's committed offset to the end, none twice, none skipped (a sample of topics, all partitions).
    const sample = ['t0', 't13'];
    const onEast = new Map<string, string[]>();
    for (const topic of sample)
      for (let partition = 0; partition < PARTITIONS; partition++) {
        const log = await readRawLog(eastClient, topic, partition);
        onEast.set(
          `${topic}-${partition}`,
          log.kept.map((r) => `${r.offset} ${r.key}=${r.value}`),
        );
      }
    await Promise.all(
      (
        [
          ['g1', 3],
          ['g2', 7],
        ] as const
      ).map(async ([group, committed]) => {
        const want = new Map(
          [...onEast].map(([k, records]) => [
            `east.${k}`,
            records
              .filter((r) => Number(r.split(' ')[0]) >= committed)
              .map((r) => r.slice(r.indexOf(' ') + 1)),
          ]),
        );
        // Every partition has records past both commits (the producer ran until the freeze): none is vacuous.
        expect([...want.values()].every((r) => r.length > 0)).toBe(true);
        const total = [...want.values()].reduce((s, r) => s + r.length, 0);
        const read = await readOnWest(
          group,
          sample.map((t) => `east.${t}`),
          total,
        );
        expect(read).toEqual(want);
      }),
    );

    // The rollback path runs: with the default policy a topic created on west after the switch comes back as
    // west.<topic>; west's east.* copies are a cycle and stay out.
    const rollback = await startReverseFlow({
      plan: plan.reverseFlow!,
      taskSettings: { fetchMaxWaitMs: 50 },
    });
    const westProducer = westKafka.producer();
    try {
      expect(rollback.freezeExemptTopics).toEqual([]);
      expect(rollback.mirror.flows[0]!.partitions().filter((p) => p.topic.startsWith('east.'))).toEqual([]);
      await westAdmin.createTopics({ waitForLeaders: true, topics: [{ topic: 'fresh', numPartitions: 1 }] });
      await westProducer.connect();
      const fresh = ['f0', 'f1', 'f2'];
      await westProducer.send({ topic: 'fresh', messages: fresh.map((value) => ({ partition: 0, value })) });
      await waitUntil(
        'west.fresh on east',
        async () => (await eastClient.listOffsets('west.fresh', 0, 'latest')).offset >= fresh.length,
        20_000,
      );
      const back = await readRawLog(eastClient, 'west.fresh', 0);
      expect(back.kept.map((r) => r.value?.toString())).toEqual(fresh);
    } finally {
      await westProducer.disconnect();
      await rollback.stop();
    }
  }, 90_000);
  it('abort after a crash inside the freeze lifts it: producers write again', async () => {
    // After the completed cutover above the source is frozen: a fresh abort lifts it first.
    const lift = await mkdtemp(join(tmpdir(), 'ferry-cutover-lift-'));
    try {
      await new Cutover({ config, flowName: 'east->west', stateDir: lift }).abort();
    } finally {
      await rm(lift, { recursive: true, force: true });
    }
    const crash = (step: CutoverStep) => {
      if (step === 'freeze') throw new Error('crash');
    };
    await expect(
      new Cutover({ config, flowName: 'east->west', stateDir: dir, beforeRecord: crash }).run(),
    ).rejects.toThrow('crash');
    const producer = eastKafka.producer({ retry: { retries: 1, initialRetryTime: 50 } });
    await producer.connect();
    try {
      await expect(
        producer.send({ topic: 't0', messages: [{ partition: 0, value: 'frozen?' }] }),
      ).rejects.toThrow();
      const state = await new Cutover({ config, flowName: 'east->west', stateDir: dir }).abort();
      expect(state.phase).toBe('aborted');
      await producer.send({ topic: 't0', messages: [{ partition: 0, value: 'after abort' }] });
    } finally {
      await producer.disconnect();
    }
    await expect(new Cutover({ config, flowName: 'east->west', stateDir: dir }).run()).rejects.toThrow(
      'aborted',
    );
  });
});
