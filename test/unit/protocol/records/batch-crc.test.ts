import { describe, expect, it } from 'vitest';
import {
  baseSequence,
  CompressionType,
  computeBatchCrc,
  decodeRecordBatch,
  encodeRecordBatchSync,
  flipByte,
  isTransactional,
  producerEpoch,
  producerId,
  RECORDS_OFFSET,
  rewriteBatchCrc,
  rewriteProducer,
  rewriteProducerNonTransactional,
  setBaseOffset,
  setPartitionLeaderEpoch,
  storedCrc,
  verifyBatchCrc,
} from './helpers.js';

function sampleBatch(compression = CompressionType.None): Buffer {
  return encodeRecordBatchSync({
    compression,
    producerId: 11,
    producerEpoch: 2,
    baseSequence: 30,
    records: [
      { key: Buffer.from('a'), value: Buffer.from('first'), timestamp: 1000 },
      { key: null, value: Buffer.from('second'), timestamp: 1001, headers: [{ key: 'h', value: null }] },
    ],
  });
}

describe('batch CRC', () => {
  it('detects a flipped byte anywhere from attributes to the end', () => {
    const buf = sampleBatch();
    expect(verifyBatchCrc(buf, 0)).toBe(true);
    for (let pos = 21; pos < buf.length; pos++) {
      flipByte(buf, pos);
      expect(verifyBatchCrc(buf, 0), `byte ${pos}`).toBe(false);
      flipByte(buf, pos);
    }
    expect(verifyBatchCrc(buf, 0)).toBe(true);
  });

  it('detects a corrupted stored CRC', () => {
    const buf = sampleBatch();
    flipByte(buf, 19);
    expect(verifyBatchCrc(buf, 0)).toBe(false);
    rewriteBatchCrc(buf, 0);
    expect(verifyBatchCrc(buf, 0)).toBe(true);
  });

  it('leaves baseOffset and partitionLeaderEpoch outside the CRC', () => {
    const buf = sampleBatch();
    const crc = storedCrc(buf);
    setBaseOffset(buf, 123_456_789_012);
    setPartitionLeaderEpoch(buf, 42);
    expect(computeBatchCrc(buf)).toBe(crc);
    expect(verifyBatchCrc(buf)).toBe(true);
  });

  it('works on a batch inside a larger buffer', () => {
    const batch = sampleBatch();
    const buf = Buffer.concat([Buffer.alloc(5, 0xee), batch, Buffer.alloc(3, 0xdd)]);
    expect(verifyBatchCrc(buf, 5)).toBe(true);
    flipByte(buf, 5 + batch.length - 1);
    expect(verifyBatchCrc(buf, 5)).toBe(false);
  });

  for (const compression of [CompressionType.None, CompressionType.Lz4]) {
    it(`rewriteProducer patches the producer fields with a valid CRC and leaves ${CompressionType[compression]} records byte-identical`, async () => {
      const buf = sampleBatch(compression);
      const before = Buffer.from(buf);
      rewriteProducer(buf, 0, { producerId: 2 ** 40 + 7, producerEpoch: 9, baseSequence: 0x7fff_fff0 });
      expect(verifyBatchCrc(buf, 0)).toBe(true);
      expect(producerId(buf)).toBe(2 ** 40 + 7);
      expect(producerEpoch(buf)).toBe(9);
      expect(baseSequence(buf)).toBe(0x7fff_fff0);
      expect(buf.subarray(RECORDS_OFFSET)).toEqual(before.subarray(RECORDS_OFFSET));
      expect(buf.subarray(0, 17)).toEqual(before.subarray(0, 17));
      expect(buf.subarray(21, 43)).toEqual(before.subarray(21, 43));
      const batch = await decodeRecordBatch(buf);
      expect(batch.records.map((r) => r.value?.toString())).toEqual(['first', 'second']);
    });
  }

  it('rewriteProducerNonTransactional clears the transactional bit with the new producer, CRC valid', () => {
    const buf = encodeRecordBatchSync({
      transactional: true,
      producerId: 5,
      producerEpoch: 1,
      baseSequence: 0,
      records: [{ key: null, value: Buffer.from('committed'), timestamp: 1 }],
    });
    expect(isTransactional(buf)).toBe(true);
    rewriteProducerNonTransactional(buf, 0, { producerId: 77, producerEpoch: 3, baseSequence: 12 });
    expect(isTransactional(buf)).toBe(false);
    expect([producerId(buf), producerEpoch(buf), baseSequence(buf)]).toEqual([77, 3, 12]);
    expect(verifyBatchCrc(buf)).toBe(true);
  });

  it('a rewrite keeps a batch damaged before it detectably damaged, instead of certifying it', () => {
    const buf = sampleBatch();
    flipByte(buf, buf.length - 2);
    rewriteProducer(buf, 0, { producerId: 1, producerEpoch: 0, baseSequence: 0 });
    expect(verifyBatchCrc(buf)).toBe(false);
    flipByte(buf, buf.length - 2);
    expect(verifyBatchCrc(buf)).toBe(true);
  });

  it('rewrites batches anywhere in a buffer, of any size', () => {
    const big = encodeRecordBatchSync({
      records: Array.from({ length: 300 }, (_, i) => ({
        key: null,
        value: Buffer.alloc(900, i),
        timestamp: i,
      })),
    });
    const buf = Buffer.concat([Buffer.alloc(13, 0xee), big]);
    rewriteProducer(buf, 13, { producerId: 2 ** 45, producerEpoch: 32_000, baseSequence: 1 });
    expect(verifyBatchCrc(buf, 13)).toBe(true);
    expect(computeBatchCrc(buf, 13)).toBe(storedCrc(buf.subarray(13)));
  });
});
