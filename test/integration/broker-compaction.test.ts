import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartitionLog } from '../../src/log/partition-log.js';
import { lastOffset, recordsCount } from '../../src/protocol/records/batch-header.js';
import { RecordSetIterator } from '../../src/protocol/records/record-set.js';
import { type BrokerHarness, startBrokerHarness, waitFor } from '../harness/broker-harness.js';

/** Records the log holds from its start to its end, summed from the batch headers. */
function recordsInLog(log: PartitionLog): number {
  let count = 0;
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1024 * 1024, log.logEndOffset, true);
    if (records.length === 0) break;
    const batches = new RecordSetIterator(records);
    while (batches.next()) {
      count += recordsCount(records, batches.position);
      offset = lastOffset(records, batches.position) + 1;
    }
  }
  return count;
}

/**
 * The broker's own compaction scheduler (log.cleaner.*): a compacted topic with small segments and many updates of
 * few keys is compacted in the background, and a consumer then reads the latest value of every key.
 */
describe('broker compaction', () => {
  let harness: BrokerHarness;

  beforeAll(async () => {
    harness = await startBrokerHarness({
      'log.cleaner.backoff.ms': 100,
      'log.cleaner.min.cleanable.ratio': 0.1,
    });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('compacts a compacted topic in the background, keeping the latest value per key with its offset', async () => {
    const kafka = new Kafka({
      clientId: 'compaction',
      brokers: [harness.bootstrap],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      await admin.createTopics({
        topics: [
          {
            topic: 'changelog',
            numPartitions: 1,
            configEntries: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'segment.bytes', value: '1024' },
            ],
          },
        ],
      });
      const latest = new Map<string, { value: string; offset: number }>();
      for (let round = 0; round < 40; round++) {
        const messages = Array.from({ length: 5 }, (_, k) => ({ key: `k${k}`, value: `v${round}-${k}` }));
        const [meta] = await producer.send({ topic: 'changelog', messages });
        messages.forEach((m, i) => {
          latest.set(m.key, { value: m.value, offset: Number(meta!.baseOffset) + i });
        });
      }
      const log = harness.broker.replicaManager.partition('changelog', 0)!.log;
      // Passes may run while the producer is still writing: judge by the records left, not by a size before/after.
      const produced = 40 * 5;
      await waitFor('a compaction pass', () => recordsInLog(log) < produced / 2, 20_000);

      const seen = new Map<string, { value: string; offset: number }>();
      const consumer = kafka.consumer({ groupId: 'compaction-reader' });
      await consumer.connect();
      await consumer.subscribe({ topic: 'changelog', fromBeginning: true });
      const end = log.highWatermark;
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen.set(message.key!.toString(), {
              value: message.value!.toString(),
              offset: Number(message.offset),
            });
            if (Number(message.offset) === end - 1) resolve();
          },
        });
      });
      await consumer.disconnect();
      expect(seen).toEqual(latest);
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
  });
});
