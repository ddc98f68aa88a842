import type { Admin, Producer } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../../src/client/index.js';
import { MirrorTaskRunner } from '../../../src/mirror/mirror-task.js';
import { ensureProducerIdsTopic } from '../../../src/mirror/producer-registry.js';
import {
  DefaultReplicationPolicy,
  IdentityReplicationPolicy,
  type ReplicationPolicy,
} from '../../../src/mirror/replication-policy.js';
import { TopicFilter } from '../../../src/mirror/topic-filter.js';
import { isControl } from '../../../src/protocol/records/batch-header.js';
import { decodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { recordBatchSpans } from '../../../src/protocol/records/record-set.js';
import type { Task, TaskPartition } from '../../../src/runtime/index.js';
import { waitFor } from '../../harness/broker-harness.js';
import type { ClusterHarness } from '../../harness/cluster.js';
import { type EastWest, startEastWest } from '../../harness/east-west.js';

/**
 * Active-active: east->west and west->east running at once while producers on both clusters write `orders`
 * concurrently — with the default policy (MM2's loop prevention by name: `east.orders` on west, `west.orders`
 * on east, never `west.east.orders`; heartbeats never echo as `west.east.heartbeats`) and with the identity
 * policy (`orders` on both; Ferry's loop prevention by producer id, loop-guard.ts). Afterwards every record
 * produced anywhere exists exactly once in each cluster. The test plays the flow layer's part: it selects
 * topics with MM2's TopicFilter, creates the remote topics and internal topics, and runs one
 * MirrorTaskRunner per direction; the identity case then restarts both directions to exercise resume on
 * partitions shared with local producers and the reverse flow.
 */

const ORDERS_PARTITIONS = 2;
const ALIASES = ['east', 'west'] as const;
type Alias = (typeof ALIASES)[number];

let eastWest: EastWest | undefined;
let clusters: Record<Alias, ClusterHarness>;
let admins: Record<Alias, Admin>;
let clients: Record<Alias, ClusterClient>;
const runners: MirrorTaskRunner[] = [];
const producers: Producer[] = [];

const other = (a: Alias): Alias => (a === 'east' ? 'west' : 'east');

beforeEach(async () => {
  eastWest = await startEastWest();
  const { east, west } = eastWest;
  clusters = { east, west };
  admins = { east: eastWest.eastAdmin, west: eastWest.westAdmin };
  clients = {
    east: new ClusterClient({ bootstrapServers: east.cluster.bootstrap }),
    west: new ClusterClient({ bootstrapServers: west.cluster.bootstrap }),
  };
}, 60_000);

afterEach(async () => {
  for (const r of runners.splice(0)) r.kill();
  await Promise.allSettled(producers.splice(0).map((p) => p.disconnect()));
  for (const a of ALIASES) clients?.[a]?.close();
  await eastWest?.close();
  eastWest = undefined;
}, 60_000);

async function createTopic(alias: Alias, topic: string, partitions: number): Promise<void> {
  const existing = await admins[alias].listTopics();
  if (existing.includes(topic)) return;
  await admins[alias].createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
  });
}

/** The flow layer's topic selection: MM2's filter over the source's topics (internal ones are never picked). */
async function selectedTopics(source: Alias, policy: ReplicationPolicy): Promise<string[]> {
  const filter = new TopicFilter({ source, target: other(source), policy });
  return (await admins[source].listTopics()).filter((t) => filter.shouldReplicateTopic(t)).sort();
}

async function partitionCount(alias: Alias, topic: string): Promise<number> {
  const meta = await admins[alias].fetchTopicMetadata({ topics: [topic] });
  return meta.topics[0]!.partitions.length;
}

/** Creates the remote topics of a direction and returns its task. */
async function taskOf(source: Alias, policy: ReplicationPolicy, generation: number): Promise<Task> {
  const target = other(source);
  const partitions: TaskPartition[] = [];
  for (const topic of await selectedTopics(source, policy)) {
    const n = await partitionCount(source, topic);
    await createTopic(target, policy.formatRemoteTopic(source, topic), n);
    for (let p = 0; p < n; p++) partitions.push({ topic, partition: p });
  }
  return {
    taskId: `${source}->${target}-0-g${generation}`,
    flowId: `${source}->${target}`,
    sourceAlias: source,
    targetAlias: target,
    partitions,
  };
}

function startRunner(task: Task, policy: ReplicationPolicy, loopPrevention: boolean): MirrorTaskRunner {
  const runner = new MirrorTaskRunner({
    task,
    clusterClientOptions: (alias) => ({
      bootstrapServers: clusters[alias as Alias].cluster.bootstrap,
      clientId: `mirror-${task.taskId}`,
    }),
    policy,
    offsetLagMax: 10,
    fetchMaxWaitMs: 20,
    restartBackoffMs: 20,
    ...(loopPrevention ? { loopPrevention: {} } : {}),
  });
  runners.push(runner);
  return runner;
}

/** Every record value of a topic (all partitions), read_uncommitted from offset 0 to the high watermark. */
async function valuesOf(alias: Alias, topic: string): Promise<string[]> {
  const client = clients[alias];
  const out: string[] = [];
  const n = await partitionCount(alias, topic);
  for (let partition = 0; partition < n; partition++) {
    const end = (await client.listOffsets(topic, partition, 'latest')).offset;
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
        const batch = decodeRecordBatchSync(r!.records.subarray(pos, pos + size));
        const next = batch.baseOffset + batch.lastOffsetDelta + 1;
        if (next <= offset) continue;
        offset = next;
        if (isControl(r!.records.subarray(pos, pos + size))) continue;
        for (const rec of batch.records) out.push(rec.value?.toString() ?? '');
      }
    }
  }
  return out;
}

/** The multiset as sorted "value×count" lines, so a failure shows what is missing or doubled. */
function multiset(values: string[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, c]) => `${v}×${c}`).sort();
}

/** Both directions have read (copied or dropped) everything their sources hold, twice in a row. */
async function converged(pairs: Array<{ runner: MirrorTaskRunner; source: Alias }>): Promise<boolean> {
  for (let round = 0; round < 2; round++) {
    for (const { runner, source } of pairs) {
      for (const { topic, partition } of runner.task.partitions) {
        const end = (await clients[source].listOffsets(topic, partition, 'latest')).offset;
        const mapping = runner.mapping(topic, partition);
        if (end > 0 && (mapping === undefined || mapping.sourceNext < end)) return false;
      }
    }
  }
  return true;
}

/** Concurrent writers on one cluster: an idempotent producer (producer ids) and a plain one (producer id -1). */
async function produceConcurrently(alias: Alias, rounds: number): Promise<string[]> {
  const written: string[] = [];
  const idempotent = clusters[alias]
    .kafka(`${alias}-idem`)
    .producer({ idempotent: true, maxInFlightRequests: 1 });
  const plain = clusters[alias].kafka(`${alias}-plain`).producer({ idempotent: false });
  producers.push(idempotent, plain);
  await Promise.all([idempotent.connect(), plain.connect()]);
  const run = async (producer: Producer, kind: string) => {
    for (let i = 0; i < rounds; i++) {
      const messages = Array.from({ length: 1 + (i % 4) }, (_, j) => ({
        partition: (i + j) % ORDERS_PARTITIONS,
        key: `k${j}`,
        value: `${alias}-${kind}-${i}-${j}`,
      }));
      await producer.send({ topic: 'orders', acks: -1, messages });
      for (const m of messages) written.push(m.value);
    }
  };
  await Promise.all([run(idempotent, 'idem'), run(plain, 'plain')]);
  return written;
}

async function scenario(policy: ReplicationPolicy, loopPrevention: boolean): Promise<void> {
  for (const a of ALIASES) {
    await createTopic(a, 'orders', ORDERS_PARTITIONS);
    // Each cluster's own heartbeats topic, with a record as the heartbeat emitter would write.
    await createTopic(a, 'heartbeats', 1);
    const hb = clusters[a].kafka(`${a}-hb`).producer();
    producers.push(hb);
    await hb.connect();
    await hb.send({ topic: 'heartbeats', messages: [{ key: a, value: `hb-${a}` }] });
    // Offset-syncs on the source (MM2's default location), named after the target.
    await createTopic(a, policy.offsetSyncsTopic(other(a)), 1);
    if (loopPrevention) await ensureProducerIdsTopic(admins[a], a, 1);
  }
  const selectedBefore = {
    east: await selectedTopics('east', policy),
    west: await selectedTopics('west', policy),
  };
  expect(selectedBefore.east).toEqual(['heartbeats', 'orders']);

  const tasks = { east: await taskOf('east', policy, 1), west: await taskOf('west', policy, 1) };
  // The remote topics exist now; the selection must not pick any of them up (MM2's cycle rule).
  expect(await selectedTopics('east', policy)).toEqual(selectedBefore.east);
  expect(await selectedTopics('west', policy)).toEqual(selectedBefore.west);

  const first = ALIASES.map((source) => ({
    source,
    runner: startRunner(tasks[source], policy, loopPrevention),
  }));
  await Promise.all(first.map((f) => f.runner.start()));
  const [eastWritten, westWritten] = await Promise.all([
    produceConcurrently('east', 60),
    produceConcurrently('west', 60),
  ]);
  await waitFor('both directions caught up', () => converged(first), 30_000);
  for (const { runner } of first) await runner.stop();
  for (const { runner } of first) {
    for (const m of runner.metrics()) {
      expect(m.restarts, `${runner.task.taskId} ${m.topic}-${m.partition}: ${m.lastError}`).toBe(0);
    }
  }

  const expected = multiset([...eastWritten, ...westWritten]);
  const ordersIn = async (a: Alias) =>
    policy.formatRemoteTopic('x', 'orders') === 'orders'
      ? valuesOf(a, 'orders')
      : [
          ...(await valuesOf(a, 'orders')),
          ...(await valuesOf(a, policy.formatRemoteTopic(other(a), 'orders'))),
        ];
  expect(multiset(await ordersIn('east'))).toEqual(expected);
  expect(multiset(await ordersIn('west'))).toEqual(expected);

  // Heartbeats: each cluster holds its own and one copy of the other's, and nothing echoed back.
  for (const a of ALIASES) {
    expect(await valuesOf(a, 'heartbeats')).toEqual([`hb-${a}`]);
    expect(await valuesOf(a, `${other(a)}.heartbeats`)).toEqual([`hb-${other(a)}`]);
  }
  // No recursive topics, and the selection over the final topic lists is what it was.
  for (const a of ALIASES) {
    const topics = await admins[a].listTopics();
    expect(topics.filter((t) => /^(east|west)\.(east|west)\./.test(t))).toEqual([]);
    expect(await selectedTopics(a, policy)).toEqual(selectedBefore[a]);
  }
  expect(await admins.east.listTopics()).not.toContain('east.west.heartbeats');
  expect(await admins.west.listTopics()).not.toContain('west.east.heartbeats');

  if (!loopPrevention) return;
  // The guard did the work: each direction dropped the other's copies (the identity case has no names to go by).
  for (const { runner } of first) {
    const dropped = runner.metrics().reduce((n, m) => n + m.batchesDropped, 0);
    expect(dropped, runner.task.taskId).toBeGreaterThan(0);
  }

  // New incarnations resume on partitions shared with local producers and the reverse flow, then carry on
  // while both clusters take more writes.
  const second = ALIASES.map((source) => ({
    source,
    runner: startRunner({ ...tasks[source], taskId: `${tasks[source].taskId}-r` }, policy, true),
  }));
  await Promise.all(second.map((s) => s.runner.start()));
  const [eastMore, westMore] = await Promise.all([
    produceConcurrently('east', 15),
    produceConcurrently('west', 15),
  ]);
  await waitFor('both directions caught up again', () => converged(second), 30_000);
  for (const { runner } of second) await runner.stop();
  for (const { runner } of second) {
    for (const m of runner.metrics()) {
      expect(m.restarts, `${runner.task.taskId} ${m.topic}-${m.partition}: ${m.lastError}`).toBe(0);
    }
  }
  const all = multiset([...eastWritten, ...westWritten, ...eastMore, ...westMore]);
  expect(multiset(await ordersIn('east'))).toEqual(all);
  expect(multiset(await ordersIn('west'))).toEqual(all);
}

describe('active-active east <-> west', () => {
  it('default policy: MM2 naming keeps records and heartbeats from looping', async () => {
    await scenario(new DefaultReplicationPolicy(), false);
  }, 120_000);

  it('identity policy: loop prevention by producer id copies every record exactly once each way', async () => {
    await scenario(new IdentityReplicationPolicy(), true);
  }, 120_000);
});
