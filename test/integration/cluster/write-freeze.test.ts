import { ConfigResourceTypes, Kafka, type LogEntry, logLevel } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../../src/client/index.js';
import {
  FERRY_WRITE_FREEZE,
  FERRY_WRITE_FREEZE_EXEMPT_CLIENT_ID,
} from '../../../src/cluster/topic-configs.js';
import { KafkaError } from '../../../src/protocol/errors/index.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { type ClusterHarness, fullyInSync, startClusterHarness, waitUntil } from '../../harness/cluster.js';

/**
 * `ferry.write.freeze` (issue 6, cutover step 2): a topic config that makes the topic's leaders refuse client
 * produce requests with a retriable NOT_ENOUGH_REPLICAS, while reads, replication and coordinator appends
 * (transaction markers) go on; it lives in the metadata log, so it survives a restart. Its exemption,
 * `ferry.write.freeze.exempt.client.id`, lets exactly the produce requests of that header client id through.
 */

const TOPIC = 'freeze-me';
let harness: ClusterHarness;

beforeEach(async () => {
  harness = await startClusterHarness({ brokers: 3 });
});

afterEach(async () => {
  await harness?.close();
});

async function setFreeze(kafka: Kafka, frozen: boolean, exemptClientId?: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // AlterConfigs replaces the topic's overrides: an exemption not named here is removed.
    const exemption =
      exemptClientId === undefined
        ? []
        : [{ name: FERRY_WRITE_FREEZE_EXEMPT_CLIENT_ID, value: exemptClientId }];
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: TOPIC,
          configEntries: [{ name: FERRY_WRITE_FREEZE, value: String(frozen) }, ...exemption],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

/** Every hosted replica of the topic's partitions agrees on the freeze (and its exemption). */
function frozenEverywhere(frozen: boolean, exemptClientId = ''): boolean {
  let seen = 0;
  for (const id of harness.cluster.brokerIds) {
    if (!harness.cluster.isRunning(id)) continue;
    for (const p of harness.cluster.broker(id).replicaManager.allPartitions()) {
      if (p.topic !== TOPIC) continue;
      seen++;
      if (p.writeFrozen !== frozen || p.writeFreezeExemptClientId !== exemptClientId) return false;
    }
  }
  return seen === 6; // 2 partitions × 3 replicas
}

async function describeFreeze(kafka: Kafka): Promise<string | undefined> {
  return describeConfig(kafka, FERRY_WRITE_FREEZE);
}

async function describeConfig(kafka: Kafka, name: string): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPIC }],
    });
    return described.resources[0]?.configEntries.find((e) => e.configName === name)?.configValue;
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

  it('lets exactly the exempt client id through a freeze; everyone else is refused, retriably', async () => {
    const kafka = harness.kafka('freeze-exempt');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 3 }] });
    await admin.disconnect();
    await waitUntil('topic in sync', () => fullyInSync(harness.cluster, [TOPIC]));

    const EXEMPT = 'ferry-reverse-flow-B->A';
    await setFreeze(kafka, true, EXEMPT);
    await waitUntil('freeze and exemption applied on every replica', () => frozenEverywhere(true, EXEMPT));
    expect(await describeConfig(kafka, FERRY_WRITE_FREEZE_EXEMPT_CLIENT_ID)).toBe(EXEMPT);

    // Two raw clients that differ in nothing but the client id of their request headers; no retries, so the
    // broker's first answer is the result.
    const client = (clientId: string) =>
      new ClusterClient({ bootstrapServers: harness.cluster.bootstrap, clientId, retries: 0 });
    const exempt = client(EXEMPT);
    const ordinary = client('ferry-reverse-flow-B->A-not');
    const produce = (c: ClusterClient, value: string) =>
      c
        .produce(
          TOPIC,
          0,
          encodeRecordBatchSync({ records: [{ value: Buffer.from(value), timestamp: 1 }] }),
          {
            acks: -1,
            timeoutMs: 10_000,
          },
        )
        .then(
          (r) => r.baseOffset,
          (err: unknown) => err,
        );
    try {
      expect(await produce(exempt, 'exempt-0')).toBe(0);
      const refused = await produce(ordinary, 'ordinary-0');
      expect(refused).toBeInstanceOf(KafkaError);
      expect((refused as KafkaError).errorName).toBe('NOT_ENOUGH_REPLICAS');
      expect((refused as KafkaError).retriable).toBe(true);
      expect(await produce(exempt, 'exempt-1')).toBe(1);

      // Still frozen without the exemption: the client it exempted is refused like any other.
      await setFreeze(kafka, true);
      await waitUntil('exemption removed on every replica', () => frozenEverywhere(true));
      expect(await describeConfig(kafka, FERRY_WRITE_FREEZE_EXEMPT_CLIENT_ID)).toBe('');
      expect(((await produce(exempt, 'exempt-2')) as KafkaError).errorName).toBe('NOT_ENOUGH_REPLICAS');

      await setFreeze(kafka, false);
      await waitUntil('freeze lifted on every replica', () => frozenEverywhere(false));
      expect(await produce(ordinary, 'ordinary-1')).toBe(2);
    } finally {
      exempt.close();
      ordinary.close();
    }
    expect(await readValues(kafka, 3)).toEqual(['exempt-0', 'exempt-1', 'ordinary-1']);
  }, 60_000);
});
