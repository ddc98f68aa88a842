import { ConfigResourceTypes, Kafka, type LogEntry, logLevel } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FERRY_WRITE_FREEZE } from '../../../src/cluster/topic-configs.js';
import { type ClusterHarness, fullyInSync, startClusterHarness, waitUntil } from '../../harness/cluster.js';

/**
 * `ferry.write.freeze` (issue 6, cutover step 2): a topic config that makes the topic's leaders refuse client
 * produce requests with a retriable NOT_ENOUGH_REPLICAS, while reads, replication and coordinator appends
 * (transaction markers) go on; it lives in the metadata log, so it survives a restart.
 */

const TOPIC = 'freeze-me';
let harness: ClusterHarness;

beforeEach(async () => {
  harness = await startClusterHarness({ brokers: 3 });
});

afterEach(async () => {
  await harness?.close();
});

async function setFreeze(kafka: Kafka, frozen: boolean): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: TOPIC,
          configEntries: [{ name: FERRY_WRITE_FREEZE, value: String(frozen) }],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

/** Every hosted replica of the topic's partitions agrees on the freeze. */
function frozenEverywhere(frozen: boolean): boolean {
  let seen = 0;
  for (const id of harness.cluster.brokerIds) {
    if (!harness.cluster.isRunning(id)) continue;
    for (const p of harness.cluster.broker(id).replicaManager.allPartitions()) {
      if (p.topic !== TOPIC) continue;
      seen++;
      if (p.writeFrozen !== frozen) return false;
    }
  }
  return seen === 6; // 2 partitions × 3 replicas
}

async function describeFreeze(kafka: Kafka): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPIC }],
    });
    return described.resources[0]?.configEntries.find((e) => e.configName === FERRY_WRITE_FREEZE)
      ?.configValue;
  } finally {
    await admin.disconnect();
  }
}

async function readValues(kafka: Kafka, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `freeze-reader-${expected}-${Math.random()}` });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? '');
      },
    });
    await waitUntil(`${expected} records read`, () => values.length >= expected, 20_000);
  } finally {
    await consumer.disconnect();
  }
  return values.sort();
}

describe('ferry.write.freeze', () => {
  it('refuses client produce with a retriable error until lifted; reads, markers and restarts go on', async () => {
    const kafka = harness.kafka('freeze');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 3 }] });
    await admin.disconnect();
    await waitUntil('topic in sync', () => fullyInSync(harness.cluster, [TOPIC]));
    expect(await describeFreeze(kafka)).toBe('false');

    const plain = kafka.producer({ idempotent: true });
    await plain.connect();
    await plain.send({ topic: TOPIC, acks: -1, messages: [{ value: 'before-0' }, { value: 'before-1' }] });
    // A transaction open across the freeze: its commit marker is a coordinator append and must go through.
    const txProducer = kafka.producer({
      transactionalId: 'freeze-tx',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await txProducer.connect();
    const tx = await txProducer.transaction();
    await tx.send({ topic: TOPIC, messages: [{ value: 'tx-0', partition: 0 }] });

    await setFreeze(kafka, true);
    await waitUntil('freeze applied on every replica', () => frozenEverywhere(true));
    expect(await describeFreeze(kafka)).toBe('true');
    await tx.commit();
    await txProducer.disconnect();

    // A producer with a small retry budget: retries the retriable error, then gives up.
    const logged: string[] = [];
    const logCreator = () => (entry: LogEntry) => {
      logged.push(entry.log.message);
    };
    const brief = new Kafka({
      clientId: 'freeze-brief',
      brokers: harness.brokers,
      logLevel: logLevel.ERROR,
      logCreator,
      retry: { retries: 2, initialRetryTime: 20, maxRetryTime: 50 },
    });
    const briefProducer = brief.producer();
    await briefProducer.connect();
    const refused = await briefProducer
      .send({ topic: TOPIC, acks: -1, messages: [{ value: 'refused', partition: 1 }] })
      .then(
        () => undefined,
        (err: unknown) =>
          err as { name: string; retryCount?: number; cause?: { type?: string; retriable?: boolean } },
      );
    await briefProducer.disconnect();
    expect(refused?.name).toBe('KafkaJSNumberOfRetriesExceeded');
    expect(refused?.retryCount).toBe(2);
    expect(refused?.cause?.type).toBe('NOT_ENOUGH_REPLICAS');
    expect(refused?.cause?.retriable).toBe(true);

    // Reads go on while frozen, committed transaction included.
    expect(await readValues(kafka, 3)).toEqual(['before-0', 'before-1', 'tx-0']);

    // The freeze is a topic config in the metadata log: a whole-cluster restart keeps it.
    await plain.disconnect();
    await harness.restartAll();
    await waitUntil('topic in sync after restart', () => fullyInSync(harness.cluster, [TOPIC]));
    await waitUntil('freeze still applied after restart', () => frozenEverywhere(true));

    // A patient producer keeps retrying the frozen topic; lifting the freeze lets the same send through.
    const patientLog: string[] = [];
    const patient = new Kafka({
      clientId: 'freeze-patient',
      brokers: harness.brokers,
      logLevel: logLevel.ERROR,
      logCreator: () => (entry: LogEntry) => {
        patientLog.push(entry.log.message);
      },
      retry: { retries: 1000, initialRetryTime: 20, maxRetryTime: 100 },
    });
    const patientProducer = patient.producer({ idempotent: true });
    await patientProducer.connect();
    const sent = patientProducer.send({
      topic: TOPIC,
      acks: -1,
      messages: [{ value: 'after-0', partition: 1 }],
    });
    await waitUntil('the patient producer was refused at least twice', () => {
      return patientLog.filter((m) => m.includes('Failed to send messages')).length >= 2;
    });
    const restarted = harness.kafka('freeze-after-restart');
    await setFreeze(restarted, false);
    const [result] = await sent;
    expect(result?.errorCode).toBe(0);
    expect(frozenEverywhere(false)).toBe(true);
    await patientProducer.disconnect();
    expect(await describeFreeze(restarted)).toBe('false');
    expect(await readValues(restarted, 4)).toEqual(['after-0', 'before-0', 'before-1', 'tx-0']);
    expect(logged.some((m) => m.includes('Failed to send messages'))).toBe(true);
  }, 90_000);
});
