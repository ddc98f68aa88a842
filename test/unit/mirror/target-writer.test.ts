import { describe, expect, it } from 'vitest';
import type { ProduceOptions, ProduceResult } from '../../../src/client/index.js';
import { nextSequenceAfter, PartitionWriter, type ProduceClient } from '../../../src/mirror/target-writer.js';
import { KafkaError } from '../../../src/protocol/errors/index.js';
import { verifyBatchCrc } from '../../../src/protocol/records/batch-crc.js';
import {
  baseSequence,
  isTransactional,
  producerEpoch,
  producerId,
  RECORDS_COUNT_OFFSET,
} from '../../../src/protocol/records/batch-header.js';
import { PartitionLog } from './fake-partition-log.js';

interface PendingProduce {
  topic: string;
  partition: number;
  records: Buffer;
  options: ProduceOptions;
  resolve(r: ProduceResult): void;
  reject(e: Error): void;
}

/** Holds every produce until the test answers it. */
class HeldClient implements ProduceClient {
  readonly pending: PendingProduce[] = [];
  produce(
    topic: string,
    partition: number,
    records: Buffer,
    options: ProduceOptions,
  ): Promise<ProduceResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ topic, partition, records, options, resolve, reject });
    });
  }
  async leaderFor() {
    return { brokerId: 1, leaderEpoch: 0 };
  }
  async brokerConnection() {
    return undefined;
  }
}

const ok = (baseOffset: number): ProduceResult => ({ baseOffset, logAppendTimeMs: -1, logStartOffset: 0 });

describe('PartitionWriter', () => {
  it('rewrites the producer in place, clears the transactional bit, keeps the records, pipelines in order', async () => {
    const log = new PartitionLog();
    const batches = [log.data(3, { txnProducerId: 77 }), log.data(1), log.data(5)];
    const originals = batches.map((b) => Buffer.from(b));
    const client = new HeldClient();
    const writer = new PartitionWriter(client, {
      topic: 'east.t',
      partition: 2,
      producer: { producerId: 4000, producerEpoch: 3, nextSequence: 10 },
    });
    const acks = batches.map((b) => writer.send(b));
    // All three requests are out before any answer: pipelined, in call order.
    expect(client.pending.map((p) => p.records)).toEqual(batches);
    expect(
      client.pending.every((p) => p.topic === 'east.t' && p.partition === 2 && p.options.acks === -1),
    ).toBe(true);
    expect(batches.map((b) => baseSequence(b))).toEqual([10, 13, 14]);
    expect(writer.producerState.nextSequence).toBe(19);
    for (const [i, b] of batches.entries()) {
      expect(producerId(b)).toBe(4000);
      expect(producerEpoch(b)).toBe(3);
      expect(isTransactional(b)).toBe(false);
      expect(verifyBatchCrc(b)).toBe(true);
      expect(b.subarray(RECORDS_COUNT_OFFSET).equals(originals[i]!.subarray(RECORDS_COUNT_OFFSET))).toBe(
        true,
      );
      expect(b.subarray(0, 21).equals(originals[i]!.subarray(0, 21))).toBe(false); // CRC changed
    }
    for (const [i, p] of client.pending.entries()) p.resolve(ok(100 + i * 10));
    expect(await Promise.all(acks)).toEqual([100, 110, 120]);
  });

  it('after a refused batch it sends nothing more: the caller restarts from resume', async () => {
    const log = new PartitionLog();
    const client = new HeldClient();
    const writer = new PartitionWriter(client, {
      topic: 't',
      partition: 0,
      producer: { producerId: 1, producerEpoch: 0, nextSequence: 7 },
    });
    const first = writer.send(log.data(1));
    const second = writer.send(log.data(1));
    client.pending[0]!.reject(new KafkaError('OUT_OF_ORDER_SEQUENCE_NUMBER'));
    await expect(first).rejects.toThrow('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(writer.failed?.message).toMatch('OUT_OF_ORDER_SEQUENCE_NUMBER');
    await expect(writer.send(log.data(1))).rejects.toThrow('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(client.pending).toHaveLength(2);
    client.pending[1]!.reject(new KafkaError('OUT_OF_ORDER_SEQUENCE_NUMBER'));
    await expect(second).rejects.toThrow();
  });

  it('a new producer id: only its first batch is on the wire until acknowledged, then the rest in call order', async () => {
    const log = new PartitionLog();
    const client = new HeldClient();
    const writer = new PartitionWriter(client, {
      topic: 't',
      partition: 0,
      producer: { producerId: 9, producerEpoch: 0, nextSequence: 0 },
    });
    const batches = [log.data(2), log.data(3), log.data(1)];
    const acks = batches.map((b) => writer.send(b));
    // Sequences are taken at call time; only the first request is out.
    expect(batches.map((b) => baseSequence(b))).toEqual([0, 2, 5]);
    expect(client.pending).toHaveLength(1);
    client.pending[0]!.resolve(ok(0));
    expect(await acks[0]).toBe(0);
    // A send made as soon as the first ack is seen still queues behind the waiting ones.
    const late = log.data(1);
    const lateAck = writer.send(late);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(client.pending.map((p) => p.records)).toEqual([...batches, late]);
    for (const [i, p] of client.pending.entries()) if (i > 0) p.resolve(ok(i * 10));
    expect(await Promise.all([acks[1], acks[2], lateAck])).toEqual([10, 20, 30]);
    // From now on the broker knows the producer: requests are pipelined again.
    const more = [writer.send(log.data(1)), writer.send(log.data(1))];
    expect(client.pending).toHaveLength(6);
    client.pending[4]!.resolve(ok(40));
    client.pending[5]!.resolve(ok(41));
    expect(await Promise.all(more)).toEqual([40, 41]);
  });

  it('a new producer id whose first batch is refused never sends the later ones', async () => {
    const log = new PartitionLog();
    const client = new HeldClient();
    const writer = new PartitionWriter(client, {
      topic: 't',
      partition: 0,
      producer: { producerId: 9, producerEpoch: 0, nextSequence: 0 },
    });
    const first = writer.send(log.data(1));
    const second = writer.send(log.data(1));
    const third = writer.send(log.data(1));
    client.pending[0]!.reject(new KafkaError('INVALID_RECORD'));
    await expect(first).rejects.toThrow('INVALID_RECORD');
    await expect(second).rejects.toThrow('INVALID_RECORD');
    await expect(third).rejects.toThrow('INVALID_RECORD');
    expect(client.pending).toHaveLength(1);
  });

  it('a continued producer (newProducerId false) pipelines from its first send', () => {
    const log = new PartitionLog();
    const client = new HeldClient();
    const writer = new PartitionWriter(client, {
      topic: 't',
      partition: 0,
      producer: { producerId: 9, producerEpoch: 0, nextSequence: 0 },
      newProducerId: false,
    });
    for (let i = 0; i < 3; i++) void writer.send(log.data(1)).catch(() => {});
    expect(client.pending).toHaveLength(3);
  });

  it('sequences wrap at int32 as brokers count them', () => {
    expect(nextSequenceAfter(0, 0)).toBe(1);
    expect(nextSequenceAfter(0x7fff_fffe, 0)).toBe(0x7fff_ffff);
    expect(nextSequenceAfter(0x7fff_fffe, 1)).toBe(0);
    expect(nextSequenceAfter(0x7fff_fff0, 20)).toBe(5);
  });
});
