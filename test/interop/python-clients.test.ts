import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Admin, CompressionTypes, type Consumer, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  LOG_OVERHEAD,
  PRODUCER_ID_OFFSET,
  readInt64,
} from '../../src/protocol/records/batch-header.js';
import { type ClusterHarness, fullyInSync, startClusterHarness, waitUntil } from '../harness/cluster.js';
import { fetchPartition } from '../harness/raw-fetch.js';
import { runProcess } from '../harness/run-process.js';

/**
 * The Python clients, unmodified from Debian, against a real three-broker Ferry cluster: kafka-python 2.0.2
 * (python3-kafka) and confluent-kafka 1.7.0 on librdkafka 2.0.2 (python3-confluent-kafka). Each is driven through
 * test/interop/python/<client>_client.py, which prints one JSON object per command. Per client: topic admin,
 * keyed produce with headers at acks=all under every codec the Debian package brings (kafka-python: gzip only;
 * confluent-kafka: gzip, snappy, lz4, zstd, idempotent), a consumer group that reads everything in order and
 * commits, a second run of the group that resumes after its commits, group listing and description; and records
 * crossing between kafkajs and each Python client in both directions.
 *
 * Debian's packages live in Debian's interpreter, so /usr/bin/python3 is called by path (a pyenv python3 may come
 * first on PATH). scripts/ensure-system-packages.sh installs them; as root this suite runs it when they are
 * missing, otherwise it skips with the command to run.
 */

const PYTHON = '/usr/bin/python3';
const SCRIPTS_DIR = fileURLToPath(new URL('./python/', import.meta.url));
const ENSURE_SCRIPT = fileURLToPath(new URL('../../scripts/ensure-system-packages.sh', import.meta.url));
const INSTALL = 'sudo apt-get update && sudo apt-get install -y python3-kafka python3-confluent-kafka';

function pythonClientsPresent(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import kafka, confluent_kafka'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** Why the suite cannot run, or null: as root a missing package is installed first, as anyone else it is not. */
function missingReason(): string | null {
  if (pythonClientsPresent()) return null;
  if (process.getuid?.() === 0) {
    spawnSync('bash', [ENSURE_SCRIPT], { stdio: 'inherit' });
    if (pythonClientsPresent()) return null;
    throw new Error(`${ENSURE_SCRIPT} ran as root but ${PYTHON} still lacks kafka or confluent_kafka`);
  }
  return `${PYTHON} with kafka-python and confluent-kafka is missing. Run: ${INSTALL}`;
}

const skipReason = missingReason();
if (skipReason !== null) console.warn(`python-clients suite skipped: ${skipReason}`);

interface PythonClient {
  readonly name: string;
  readonly script: string;
  /** Codecs the client can write with the Debian packages installed, besides `none`. */
  readonly codecs: readonly string[];
  readonly idempotent: boolean;
}

const CLIENTS: readonly PythonClient[] = [
  { name: 'kafka-python', script: 'kafka_python_client.py', codecs: ['gzip'], idempotent: false },
  {
    name: 'confluent-kafka',
    script: 'confluent_kafka_client.py',
    codecs: ['gzip', 'snappy', 'lz4', 'zstd'],
    idempotent: true,
  },
];

/** The codec id a record batch's attributes carry for each `compression.type`. */
const CODEC_IDS: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

const PARTITIONS = 3;
const REPLICATION_FACTOR = 3;
const KEYS = 10;

interface Delivery {
  seq: number;
  key: string;
  partition: number;
  offset: number;
}

interface ConsumedRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
}

interface GroupDescription {
  state: string;
  protocolType: string;
  protocol: string;
  members: Array<{ clientId: string; assignment: Array<[string, number[]]> }>;
}

interface ConsumeResult {
  records: ConsumedRecord[];
  committed: Record<string, number>;
  group: GroupDescription;
}

interface TopicDescription {
  topics: string[];
  topic: {
    name: string;
    error: number;
    partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }>;
  };
  configs: Record<string, string>;
}

let harness: ClusterHarness;
let kafka: Kafka;
let admin: Admin;
const openConsumers = new Set<Consumer>();

/** Runs one driver command to completion and parses its JSON line; killed (and failed) past `timeoutMs`. */
async function runPython<T>(
  client: PythonClient,
  command: string,
  args: Record<string, string | number | boolean>,
  timeoutMs = 25_000,
): Promise<T> {
  const argv = [`${SCRIPTS_DIR}${client.script}`, command, '--bootstrap', harness.cluster.bootstrap];
  for (const [name, value] of Object.entries(args)) {
    if (value === false) continue;
    argv.push(`--${name}`);
    if (value !== true) argv.push(String(value));
  }
  // The script's own deadline fires first, so a stuck client reports what it was waiting for.
  argv.push('--timeout', String(timeoutMs / 1000 - 5));
  const what = `${client.name} ${command}`;
  const { code, stdout, stderr } = await runProcess(PYTHON, argv, { what, timeoutMs });
  if (code !== 0) throw new Error(`${what} exited with ${code}: ${stderr}`);
  try {
    return JSON.parse(stdout) as T;
  } catch (err) {
    throw new Error(`${what} printed no JSON (${(err as Error).message}): ${stdout} ${stderr}`);
  }
}

async function createTopic(topic: string): Promise<void> {
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: REPLICATION_FACTOR }],
    waitForLeaders: true,
  });
  await waitUntil(`${topic} fully in sync`, () => fullyInSync(harness.cluster, [topic]));
}

/** The value the drivers write for record `seq` (interop_cli.record_for). */
function recordValue(prefix: string, seq: number): string {
  return `${prefix}-v${seq}|${'ferry '.repeat(30)}`;
}

/** What a consumer must read back for these deliveries, in offset order per partition. */
function expectedRecords(deliveries: readonly Delivery[], prefix: string, client: string): ConsumedRecord[] {
  return deliveries
    .map((d) => ({
      partition: d.partition,
      offset: d.offset,
      key: d.key,
      value: recordValue(prefix, d.seq),
      headers: [
        ['seq', String(d.seq)],
        ['client', client],
      ] as Array<[string, string | null]>,
    }))
    .sort(byPartitionOffset);
}

function byPartitionOffset(
  a: { partition: number; offset: number },
  b: { partition: number; offset: number },
) {
  return a.partition - b.partition || a.offset - b.offset;
}

/**
 * Deliveries as Kafka promises them: every seq once, one partition per key, and in each partition consecutive
 * offsets from `firstOffsets` in the order the records were sent.
 */
function expectDeliveriesInOrder(
  deliveries: readonly Delivery[],
  seqs: readonly number[],
  firstOffsets: Record<number, number> = {},
): void {
  expect(deliveries.map((d) => d.seq).sort((a, b) => a - b)).toEqual(seqs);
  const partitionOfKey = new Map<string, number>();
  const next = new Map<number, number>();
  for (const d of [...deliveries].sort((a, b) => a.seq - b.seq)) {
    expect(partitionOfKey.get(d.key) ?? d.partition).toBe(d.partition);
    partitionOfKey.set(d.key, d.partition);
    const expected = next.get(d.partition) ?? firstOffsets[d.partition] ?? 0;
    expect(d.offset, `seq ${d.seq} in partition ${d.partition}`).toBe(expected);
    next.set(d.partition, expected + 1);
  }
}

/** A consumer read each partition in offset order, and exactly the expected records. */
function expectConsumed(records: readonly ConsumedRecord[], expected: readonly ConsumedRecord[]): void {
  for (let p = 0; p < PARTITIONS; p++) {
    const offsets = records.filter((r) => r.partition === p).map((r) => r.offset);
    expect(offsets, `partition ${p} read in offset order`).toEqual([...offsets].sort((a, b) => a - b));
  }
  expect([...records].sort(byPartitionOffset)).toEqual(expected);
}

function endOffsets(deliveries: readonly Delivery[]): Record<string, number> {
  const ends: Record<string, number> = {};
  for (const d of deliveries)
    ends[String(d.partition)] = Math.max(ends[String(d.partition)] ?? 0, d.offset + 1);
  return ends;
}

/** Codec and producer id of every batch stored in `partition` of `topic`, read raw from its leader. */
async function storedBatches(
  topic: string,
  partition: number,
): Promise<Array<{ codec: number; producerId: number }>> {
  const image = harness.cluster.broker(harness.cluster.controllerId).metadata;
  const leader = image.topic(topic)?.partitions[partition]?.leader ?? -1;
  const data = await fetchPartition(harness.cluster.broker(leader).port, topic, partition, 0, 0);
  const out: Array<{ codec: number; producerId: number }> = [];
  const records = data.records;
  if (records === null) return out;
  for (let pos = 0; records.length - pos >= LOG_OVERHEAD; ) {
    const size = LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    if (records.length - pos < size) break;
    out.push({
      codec: records.readInt16BE(pos + ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK,
      producerId: readInt64(records, pos + PRODUCER_ID_OFFSET),
    });
    pos += size;
  }
  return out;
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/** A kafkajs group member that reads `topic` from the beginning until it holds `count` records. */
async function kafkajsConsume(topic: string, groupId: string, count: number): Promise<ConsumedRecord[]> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 300 });
  openConsumers.add(consumer);
  const got: ConsumedRecord[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        got.push({
          partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? null]),
        });
      },
    });
    await waitUntil(`kafkajs to read ${count} records of ${topic}`, () => got.length >= count);
  } finally {
    await consumer.disconnect();
    openConsumers.delete(consumer);
  }
  return got;
}

beforeAll(async () => {
  if (skipReason !== null) return;
  harness = await startClusterHarness({ brokers: 3, overrides: { 'min.insync.replicas': 2 } });
  kafka = harness.kafka('ferry-python-interop');
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  try {
    for (const consumer of openConsumers) await consumer.disconnect().catch(() => {});
    await admin?.disconnect().catch(() => {});
  } finally {
    await harness?.close();
  }
});

describe.skipIf(skipReason !== null)('Python Kafka clients', () => {
  for (const client of CLIENTS) {
    const slug = client.name.replace(/[^a-z]/g, '');

    describe(client.name, () => {
      it('creates a 3-partition topic and lists and describes it', async () => {
        const topic = `py-${slug}-admin`;
        await runPython(client, 'create-topic', {
          topic,
          partitions: PARTITIONS,
          'replication-factor': REPLICATION_FACTOR,
        });
        await waitUntil(`${topic} fully in sync`, () => fullyInSync(harness.cluster, [topic]));
        const described = await runPython<TopicDescription>(client, 'describe-topic', { topic });
        expect(described.topics).toContain(topic);
        expect(described.topic.name).toBe(topic);
        expect(described.topic.error).toBe(0);
        expect(described.topic.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
        for (const p of described.topic.partitions) {
          expect(p.replicas).toContain(p.leader);
          expect([...p.replicas].sort()).toEqual([1, 2, 3]);
          expect([...p.isr].sort()).toEqual([1, 2, 3]);
        }
        // Leaders spread over the brokers, so the client had to route to more than the bootstrap broker.
        expect(new Set(described.topic.partitions.map((p) => p.leader)).size).toBe(3);
        expect(described.configs['cleanup.policy']).toBe('delete');
        expect(described.configs['min.insync.replicas']).toBe('2');
        // The broker's own view, not the client's: the topic exists with the partitions asked for.
        const [fromKafkajs] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
        expect(fromKafkajs?.partitions).toHaveLength(PARTITIONS);
      });

      for (const codec of ['none', ...client.codecs]) {
        const idempotent = client.idempotent && codec === 'none';
        it(`produces keyed records with headers at acks=all, compression ${codec}${idempotent ? ', idempotent' : ''}, and a group reads them in order`, async () => {
          const topic = `py-${slug}-${codec}`;
          const group = `${topic}-group`;
          await createTopic(topic);
          const { deliveries } = await runPython<{ deliveries: Delivery[] }>(client, 'produce', {
            topic,
            count: 60,
            keys: KEYS,
            prefix: topic,
            compression: codec,
            idempotent,
          });
          expectDeliveriesInOrder(deliveries, range(0, 60));
          // The client's partitioner spreads the keys (fixed names, so the spread is too): order is per partition.
          expect(new Set(deliveries.map((d) => d.partition)).size).toBeGreaterThan(1);

          for (const p of new Set(deliveries.map((d) => d.partition))) {
            const batches = await storedBatches(topic, p);
            expect(batches.length, `batches stored in partition ${p}`).toBeGreaterThan(0);
            expect(batches, `codec and producer id of the batches in partition ${p}`).toEqual(
              batches.map((b) => ({
                codec: CODEC_IDS[codec],
                producerId: idempotent ? Math.max(b.producerId, 0) : -1,
              })),
            );
          }

          const consumed = await runPython<ConsumeResult>(client, 'consume', { topic, group });
          expectConsumed(consumed.records, expectedRecords(deliveries, topic, client.name));
          expect(consumed.committed).toEqual(endOffsets(deliveries));
          expect(consumed.group).toMatchObject({ state: 'Stable', protocolType: 'consumer' });
          expect(consumed.group.members).toEqual([
            { clientId: client.name, assignment: [[topic, [0, 1, 2]]] },
          ]);
        });
      }

      it('a second run of the group resumes after its committed offsets; the group is listed and described', async () => {
        const topic = `py-${slug}-resume`;
        const group = `${topic}-group`;
        await createTopic(topic);
        const first = await runPython<{ deliveries: Delivery[] }>(client, 'produce', {
          topic,
          count: 30,
          prefix: topic,
        });
        const firstRun = await runPython<ConsumeResult>(client, 'consume', { topic, group });
        expect(firstRun.records).toHaveLength(30);
        const committed = endOffsets(first.deliveries);
        expect(firstRun.committed).toEqual(committed);

        const second = await runPython<{ deliveries: Delivery[] }>(client, 'produce', {
          topic,
          count: 21,
          'first-seq': 30,
          prefix: topic,
        });
        expectDeliveriesInOrder(second.deliveries, range(30, 21), committed);
        const secondRun = await runPython<ConsumeResult>(client, 'consume', { topic, group });
        expectConsumed(secondRun.records, expectedRecords(second.deliveries, topic, client.name));
        expect(secondRun.committed).toEqual(endOffsets([...first.deliveries, ...second.deliveries]));

        const groups = await runPython<{ listed: string[]; group: GroupDescription }>(client, 'groups', {
          topic,
          group,
        });
        expect(groups.listed).toContain(group);
        // Both runs closed their consumer: the group is left with its offsets and no members.
        expect(groups.group).toMatchObject({ state: 'Empty', protocolType: 'consumer', members: [] });
        const [fromKafkajs] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        const kafkajsCommitted = Object.fromEntries(
          (fromKafkajs?.partitions ?? []).map((p) => [String(p.partition), Number(p.offset)]),
        );
        expect(kafkajsCommitted).toEqual(secondRun.committed);
      });

      it('reads what kafkajs produced, and kafkajs reads what it produced', async () => {
        const fromKafkajs = `py-${slug}-from-kafkajs`;
        await createTopic(fromKafkajs);
        const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        const sent: ConsumedRecord[] = [];
        try {
          const meta = await producer.send({
            topic: fromKafkajs,
            acks: -1,
            compression: CompressionTypes.GZIP,
            messages: range(0, 45).map((seq) => ({
              key: `${fromKafkajs}-k${seq % KEYS}`,
              value: `${fromKafkajs}-v${seq}`,
              headers: { seq: String(seq), client: 'kafkajs' },
            })),
          });
          expect(meta.every((m) => m.errorCode === 0)).toBe(true);
        } finally {
          await producer.disconnect();
        }
        // kafkajs reports offsets per batch only: its own consumer tells where each record landed.
        const readByKafkajs = await kafkajsConsume(fromKafkajs, `${fromKafkajs}-kafkajs`, 45);
        expect(readByKafkajs.map((r) => r.value).sort()).toEqual(
          range(0, 45)
            .map((seq) => `${fromKafkajs}-v${seq}`)
            .sort(),
        );
        sent.push(...readByKafkajs);
        const consumed = await runPython<ConsumeResult>(client, 'consume', {
          topic: fromKafkajs,
          group: `${fromKafkajs}-group`,
        });
        expectConsumed(consumed.records, [...sent].sort(byPartitionOffset));
        expect(consumed.records.map((r) => r.headers.find(([k]) => k === 'client')?.[1])).toEqual(
          Array(45).fill('kafkajs'),
        );

        const toKafkajs = `py-${slug}-to-kafkajs`;
        await createTopic(toKafkajs);
        const { deliveries } = await runPython<{ deliveries: Delivery[] }>(client, 'produce', {
          topic: toKafkajs,
          count: 45,
          prefix: toKafkajs,
          compression: 'gzip',
        });
        const read = await kafkajsConsume(toKafkajs, `${toKafkajs}-kafkajs`, 45);
        expectConsumed(read, expectedRecords(deliveries, toKafkajs, client.name));
      });
    });
  }
});
