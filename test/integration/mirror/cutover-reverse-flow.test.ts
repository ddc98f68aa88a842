import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../../src/client/index.js';
import { silentLogger } from '../../../src/common/logger.js';
import { Cutover } from '../../../src/mirror/cutover/cutover.js';
import { type ReverseFlowHandle, startReverseFlow } from '../../../src/mirror/cutover/reverse-flow-runner.js';
import {
  setWriteFreeze,
  topicOverrides,
  WRITE_FREEZE,
  WRITE_FREEZE_EXEMPT_CLIENT_ID,
} from '../../../src/mirror/cutover/write-freeze.js';
import { Flow } from '../../../src/mirror/flow.js';
import { type MirrorConfig, parseMirrorConfig } from '../../../src/mirror/mirror-config.js';
import { KafkaError } from '../../../src/protocol/errors/index.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { type ClusterHarness, waitUntil } from '../../harness/cluster.js';
import { type EastWest, eastToWest, startEastWest } from '../../harness/east-west.js';
import { readRawLog } from '../../harness/raw-log.js';

/**
 * Cutover east->west with the identity policy, then its reverse flow west->east started (as `cutover run
 * --reverse-flow` does): records produced on west's migrated topics after the switch arrive in east's topics of
 * the same names exactly once, and nothing the forward flow copied comes back — east's partition ends grow by
 * the new records only. East's migrated topics stay frozen all along: the reverse flow's client id is exempt,
 * an ordinary producer still pointed at east is refused (retriable NOT_ENOUGH_REPLICAS). Stopped and started
 * again (a resumed `cutover run --reverse-flow`), it goes on with no duplicate.
 */

const TOPICS = ['orders', 'payments'];
const PARTITIONS = 3;
const BEFORE = 8;

let clusters: EastWest | undefined;
let east: ClusterHarness;
let west: ClusterHarness;
let westKafka: Kafka;
let eastClient: ClusterClient;
let config: MirrorConfig;
let dir: string;
let handle: ReverseFlowHandle | undefined;
let producer: Producer | undefined;
let stray: ClusterClient | undefined;

beforeAll(async () => {
  clusters = await startEastWest();
  ({ east, west } = clusters);
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
  config = parseMirrorConfig(
    eastToWest(
      { east, west },
      {
        topics: 'orders|payments',
        'replication.policy': 'identity',
        'refresh.topics.interval.seconds': 0.3,
      },
    ),
  );
}, 60_000);

afterAll(async () => {
  eastClient?.close();
  await clusters?.close();
}, 30_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-cutover-reverse-'));
});
afterEach(async () => {
  await handle?.stop();
  handle = undefined;
  await producer?.disconnect();
  producer = undefined;
  stray?.close();
  stray = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function eastEnds(): Promise<Map<string, number>> {
  const ends = new Map<string, number>();
  for (const topic of TOPICS)
    for (let partition = 0; partition < PARTITIONS; partition++)
      ends.set(`${topic}-${partition}`, (await eastClient.listOffsets(topic, partition, 'latest')).offset);
  return ends;
}

/**
 * A producer still pointed at east after the switch writes one record to every migrated partition, without
 * retrying; returns the error name of each answer ('' for an append).
 */
async function strayProduce(client: ClusterClient): Promise<string[]> {
  const answers: string[] = [];
  for (const topic of TOPICS)
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const records = encodeRecordBatchSync({ records: [{ value: Buffer.from('stray'), timestamp: 1 }] });
      const answer = await client.produce(topic, partition, records, { acks: -1, timeoutMs: 10_000 }).then(
        () => '',
        (err: unknown) =>
          err instanceof KafkaError && err.retriable ? err.errorName : `not retriable: ${String(err)}`,
      );
      answers.push(answer);
    }
  return answers;
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
    expect([...plan.freezeExemptOnStart].sort()).toEqual(TOPICS);
    expect(plan.clientId).toBe('ferry-reverse-flow-west->east');
    const atSwitch = await eastEnds();
    expect([...atSwitch.values()].every((end) => end === BEFORE)).toBe(true);

    handle = await startReverseFlow({ plan, taskSettings: { fetchMaxWaitMs: 50 } });
    expect([...handle.freezeExemptTopics].sort()).toEqual(TOPICS);
    expect(handle.clientId).toBe(plan.clientId);
    const recorded = await cutover.recordReverseFlowStarted(
      plan.flow,
      handle.freezeExemptTopics,
      handle.clientId,
    );
    // Still frozen for everyone but the reverse flow: status goes on listing them.
    expect([...recorded.frozenTopics].sort()).toEqual(TOPICS);
    expect(recorded.log.at(-1)).toMatch(
      /reverse flow west->east started; write freeze kept; exempted for the reverse flow's client id ferry-reverse-flow-west->east on 2 topic\(s\)$/,
    );
    const eastAdmin = east.kafka('reverse-east-admin').admin();
    await eastAdmin.connect();
    try {
      for (const topic of TOPICS) {
        const overrides = await topicOverrides(eastAdmin, topic);
        expect(overrides.get(WRITE_FREEZE)).toBe('true');
        expect(overrides.get(WRITE_FREEZE_EXEMPT_CLIENT_ID)).toBe(plan.clientId);
      }
    } finally {
      await eastAdmin.disconnect();
    }
    // A producer still pointed at east is refused on every migrated partition while the reverse flow runs —
    // also one whose client id is the forward flow's, or a near miss of the reverse flow's.
    for (const clientId of ['orders-service', 'ferry-mirror', 'ferry-reverse-flow-west->eas']) {
      stray = new ClusterClient({ bootstrapServers: east.cluster.bootstrap, clientId, retries: 0 });
      expect(await strayProduce(stray)).toEqual(
        Array(TOPICS.length * PARTITIONS).fill('NOT_ENOUGH_REPLICAS'),
      );
      stray.close();
      stray = undefined;
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

    // Lifting the freeze (as abort does) takes the exemption with it: nothing lingers for the next freeze.
    await handle.stop();
    await setWriteFreeze(config.clusters.get('east')!, TOPICS, false, silentLogger);
    const liftedAdmin = east.kafka('reverse-east-lifted').admin();
    await liftedAdmin.connect();
    try {
      for (const topic of TOPICS) {
        const overrides = await topicOverrides(liftedAdmin, topic);
        expect([overrides.has(WRITE_FREEZE), overrides.has(WRITE_FREEZE_EXEMPT_CLIENT_ID)]).toEqual([
          false,
          false,
        ]);
      }
    } finally {
      await liftedAdmin.disconnect();
    }
  }, 60_000);
});
