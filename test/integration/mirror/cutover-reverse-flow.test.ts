import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../../src/client/index.js';
import { Cutover } from '../../../src/mirror/cutover/cutover.js';
import { type ReverseFlowHandle, startReverseFlow } from '../../../src/mirror/cutover/reverse-flow-runner.js';
import { topicOverrides, WRITE_FREEZE } from '../../../src/mirror/cutover/write-freeze.js';
import { Flow } from '../../../src/mirror/flow.js';
import { type MirrorConfig, parseMirrorConfig } from '../../../src/mirror/mirror-config.js';
import { type ClusterHarness, startClusterHarness, waitUntil } from '../../harness/cluster.js';
import { readRawLog } from '../../harness/raw-log.js';

/**
 * Cutover east->west with the identity policy, then its reverse flow west->east started (as `cutover run
 * --reverse-flow` does): records produced on west's migrated topics after the switch arrive in east's topics of
 * the same names exactly once, and nothing the forward flow copied comes back — east's partition ends grow by
 * the new records only. Stopped and started again (a resumed `cutover run --reverse-flow`), it goes on with
 * no duplicate.
 */

const TOPICS = ['orders', 'payments'];
const PARTITIONS = 3;
const BEFORE = 8;

let east: ClusterHarness;
let west: ClusterHarness;
let westKafka: Kafka;
let eastClient: ClusterClient;
let config: MirrorConfig;
let dir: string;
let handle: ReverseFlowHandle | undefined;
let producer: Producer | undefined;

beforeAll(async () => {
  [east, west] = await Promise.all([
    startClusterHarness({ brokers: 1, name: 'east' }),
    startClusterHarness({ brokers: 1, name: 'west' }),
  ]);
  westKafka = west.kafka('reverse-west');
  const eastKafka = east.kafka('reverse-east');
  const admin = eastKafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: TOPICS.map((topic) => ({ topic, numPartitions: PARTITIONS })),
  });
  await admin.disconnect();
  const p = eastKafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  for (const topic of TOPICS)
    for (let partition = 0; partition < PARTITIONS; partition++)
      await p.send({
        topic,
        messages: Array.from({ length: BEFORE }, (_, i) => ({
          partition,
          value: `e-${topic}-${partition}-${i}`,
        })),
      });
  await p.disconnect();
  eastClient = new ClusterClient({ bootstrapServers: east.cluster.bootstrap });
  config = parseMirrorConfig({
    clusters: {
      east: { 'bootstrap.servers': east.cluster.bootstrap },
      west: { 'bootstrap.servers': west.cluster.bootstrap },
    },
    flows: [
      {
        source: 'east',
        target: 'west',
        topics: 'orders|payments',
        'replication.policy': 'identity',
        'refresh.topics.interval.seconds': 0.3,
      },
    ],
  });
}, 60_000);

afterAll(async () => {
  eastClient?.close();
  await Promise.allSettled([east?.close(), west?.close()]);
}, 30_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-cutover-reverse-'));
});
afterEach(async () => {
  await handle?.stop();
  handle = undefined;
  await producer?.disconnect();
  producer = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function eastEnds(): Promise<Map<string, number>> {
  const ends = new Map<string, number>();
  for (const topic of TOPICS)
    for (let partition = 0; partition < PARTITIONS; partition++)
      ends.set(`${topic}-${partition}`, (await eastClient.listOffsets(topic, partition, 'latest')).offset);
  return ends;
}

/** Produces `count` records per partition of every topic on west; returns them per `topic-partition`. */
async function produceOnWest(p: Producer, tag: string, count: number): Promise<Map<string, string[]>> {
  const sent = new Map<string, string[]>();
  for (const topic of TOPICS)
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const values = Array.from({ length: count }, (_, i) => `w${tag}-${topic}-${partition}-${i}`);
      await p.send({ topic, messages: values.map((value) => ({ partition, value })) });
      sent.set(`${topic}-${partition}`, values);
    }
  return sent;
}

/** Waits for east's ends to reach `want`, then checks they are exactly `want` and hold `sent` after `from`. */
async function expectArrivedOnce(
  from: Map<string, number>,
  want: Map<string, number>,
  sent: Map<string, string[]>,
): Promise<void> {
  let ends = new Map<string, number>();
  await waitUntil(
    'the records produced on west to reach east',
    async () => {
      ends = await eastEnds();
      return [...want].every(([k, end]) => (ends.get(k) ?? 0) >= end);
    },
    20_000,
    () => JSON.stringify(Object.fromEntries(ends)),
  );
  // West's log holds the forward copies before the new records: had any been copied back, they would sit
  // in front of the new ones and the ends would overshoot.
  expect(ends).toEqual(want);
  for (const topic of TOPICS)
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const k = `${topic}-${partition}`;
      const log = await readRawLog(eastClient, topic, partition);
      const after = log.kept.filter((r) => r.offset >= from.get(k)!).map((r) => r.value?.toString());
      expect(after).toEqual(sent.get(k));
    }
}

describe('cutover east->west (identity policy) and its reverse flow', () => {
  it('carries back only what is produced on west after the switch, exactly once, across a restart', async () => {
    const flow = new Flow({
      config: config.flows[0]!,
      source: config.clusters.get('east')!,
      target: config.clusters.get('west')!,
      taskSettings: { fetchMaxWaitMs: 50 },
    });
    await flow.start();
    try {
      const state = await new Cutover({
        config,
        flowName: 'east->west',
        stateDir: dir,
        flow,
        reverseFlow: true,
      }).run();
      expect(state.phase).toBe('completed');
    } finally {
      await flow.stop();
    }
    const cutover = new Cutover({ config, flowName: 'east->west', stateDir: dir });
    const plan = await cutover.reverseFlow();
    expect(plan.flow).toBe('west->east');
    expect([...plan.unfreezeOnStart].sort()).toEqual(TOPICS);
    const atSwitch = await eastEnds();
    expect([...atSwitch.values()].every((end) => end === BEFORE)).toBe(true);

    handle = await startReverseFlow({ plan, taskSettings: { fetchMaxWaitMs: 50 } });
    expect([...handle.unfrozenTopics].sort()).toEqual(TOPICS);
    expect((await cutover.status()).frozenTopics).toHaveLength(TOPICS.length);
    const recorded = await cutover.recordReverseFlowStarted(plan.flow, handle.unfrozenTopics);
    expect(recorded.frozenTopics).toEqual([]);
    expect(recorded.log.at(-1)).toMatch(/reverse flow west->east started; freeze lifted on 2 topic\(s\)$/);
    const eastAdmin = east.kafka('reverse-east-admin').admin();
    await eastAdmin.connect();
    try {
      for (const topic of TOPICS)
        expect((await topicOverrides(eastAdmin, topic)).has(WRITE_FREEZE)).toBe(false);
    } finally {
      await eastAdmin.disconnect();
    }
    producer = westKafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const first = await produceOnWest(producer, '1', 3);
    const afterFirst = new Map([...atSwitch].map(([k, end]) => [k, end + 3]));
    await expectArrivedOnce(atSwitch, afterFirst, first);

    // A resumed `cutover run --reverse-flow`: stopped, more written on west, started again from the plan.
    await handle.stop();
    const second = await produceOnWest(producer, '2', 2);
    handle = await startReverseFlow({
      plan: await cutover.reverseFlow(),
      taskSettings: { fetchMaxWaitMs: 50 },
    });
    const afterSecond = new Map([...afterFirst].map(([k, end]) => [k, end + 2]));
    await expectArrivedOnce(afterFirst, afterSecond, second);
  }, 60_000);
});
