import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CompressionType,
  decodeRecordBatch,
  decodeRecordBatchSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
  flipByte,
  hex,
  isKafkaErrorNamed,
  lastOffset,
  type RecordBatchSpec,
  type RecordSpec,
  TimestampType,
  verifyBatchCrc,
} from './helpers.js';

describe('record batch', () => {
  it('round-trips an uncompressed batch with header fields, nulls and headers', async () => {
    const buf = await encodeRecordBatch({
      baseOffset: 100,
      partitionLeaderEpoch: 7,
      producerId: 4000,
      producerEpoch: 3,
      baseSequence: 12,
      transactional: true,
      records: [
        { key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: 1_700_000_000_000 },
        { key: null, value: null, timestamp: 1_699_999_999_000, headers: [{ key: 'h', value: null }] },
        {
          value: Buffer.from('v3'),
          timestamp: 1_700_000_005_000,
          headers: [{ key: 'é', value: Buffer.from([1]) }],
        },
      ],
    });
    expect(verifyBatchCrc(buf, 0)).toBe(true);
    expect(lastOffset(buf)).toBe(102);
    const batch = await decodeRecordBatch(buf);
    expect(batch).toMatchObject({
      baseOffset: 100,
      sizeInBytes: buf.length,
      partitionLeaderEpoch: 7,
      magic: 2,
      compression: CompressionType.None,
      timestampType: TimestampType.CreateTime,
      isTransactional: true,
      isControl: false,
      lastOffsetDelta: 2,
      baseTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_005_000,
      producerId: 4000,
      producerEpoch: 3,
      baseSequence: 12,
      recordsCount: 3,
    });
    expect(batch.records.map((r) => [r.offset, r.timestamp, r.key?.toString(), r.value?.toString()])).toEqual(
      [
        [100, 1_700_000_000_000, 'k1', 'v1'],
        [101, 1_699_999_999_000, undefined, undefined],
        [102, 1_700_000_005_000, undefined, 'v3'],
      ],
    );
    expect(batch.records[1]!.key).toBeNull();
    expect(batch.records[1]!.headers).toEqual([{ key: 'h', value: null }]);
    expect(batch.records[2]!.headers).toEqual([{ key: 'é', value: Buffer.from([1]) }]);
    expect(decodeRecordBatchSync(buf)).toEqual(batch);
  });

  it('rejects a batch whose CRC does not match', async () => {
    const buf = encodeRecordBatchSync({ records: [{ value: Buffer.from('x'), timestamp: 1 }] });
    flipByte(buf, buf.length - 2);
    await expect(decodeRecordBatch(buf)).rejects.toSatisfy(isKafkaErrorNamed('CORRUPT_MESSAGE'));
  });

  // Written by hand from the protocol guide's RecordBatch and Record grammars, not by this codec.
  const golden = hex(`
    00 00 00 00 00 00 00 10   # baseOffset 16
    00 00 00 47               # batchLength 71 = 83 - 12
    00 00 00 05               # partitionLeaderEpoch 5
    02                        # magic 2
    e8 70 30 02               # crc: CRC-32C of attributes..end (computed with a bitwise reference)
    00 00                     # attributes: no compression, CreateTime, not transactional, not control
    00 00 00 01               # lastOffsetDelta 1
    00 00 01 74 87 6e 80 00   # baseTimestamp 1600000000000
    00 00 01 74 87 6e 80 05   # maxTimestamp 1600000000005
    ff ff ff ff ff ff ff ff   # producerId -1
    ff ff                     # producerEpoch -1
    ff ff ff ff               # baseSequence -1
    00 00 00 02               # recordsCount 2
    12                        # record 0: length varint 9
    00                        #   attributes
    00                        #   timestampDelta 0
    00                        #   offsetDelta 0
    02 6b                     #   key length 1, 'k'
    04 76 31                  #   value length 2, 'v1'
    00                        #   headers count 0
    16                        # record 1: length varint 11
    00                        #   attributes
    0a                        #   timestampDelta 5
    02                        #   offsetDelta 1
    01                        #   key length -1 (null)
    02 76                     #   value length 1, 'v'
    02                        #   headers count 1
    02 68                     #   header key length 1, 'h'
    02 78                     #   header value length 1, 'x'
  `);
  const goldenSpec: RecordBatchSpec = {
    baseOffset: 16,
    partitionLeaderEpoch: 5,
    records: [
      { key: Buffer.from('k'), value: Buffer.from('v1'), timestamp: 1_600_000_000_000 },
      {
        value: Buffer.from('v'),
        timestamp: 1_600_000_000_005,
        headers: [{ key: 'h', value: Buffer.from('x') }],
      },
    ],
  };

  it('encodes a hand-written batch byte for byte', async () => {
    expect(golden.length).toBe(83);
    expect((await encodeRecordBatch(goldenSpec)).toString('hex')).toBe(golden.toString('hex'));
    expect(encodeRecordBatchSync(goldenSpec).toString('hex')).toBe(golden.toString('hex'));
  });

  it('decodes the hand-written batch, handing out slices of the input', async () => {
    const batch = await decodeRecordBatch(golden);
    expect(batch).toMatchObject({
      baseOffset: 16,
      partitionLeaderEpoch: 5,
      crc: 0xe8703002,
      recordsCount: 2,
    });
    expect(batch.records).toEqual([
      {
        attributes: 0,
        timestampDelta: 0,
        offsetDelta: 0,
        offset: 16,
        timestamp: 1_600_000_000_000,
        key: Buffer.from('k'),
        value: Buffer.from('v1'),
        headers: [],
      },
      {
        attributes: 0,
        timestampDelta: 5,
        offsetDelta: 1,
        offset: 17,
        timestamp: 1_600_000_000_005,
        key: null,
        value: Buffer.from('v'),
        headers: [{ key: 'h', value: Buffer.from('x') }],
      },
    ]);
    const value = batch.records[0]!.value!;
    expect(value.buffer).toBe(golden.buffer);
    expect(value.byteOffset - golden.byteOffset).toBe(68);
  });

  it('decodes a batch at a position inside a larger buffer', async () => {
    const buf = Buffer.concat([Buffer.from([1, 2, 3]), golden, Buffer.from([4])]);
    expect((await decodeRecordBatch(buf, 3)).records.map((r) => r.offset)).toEqual([16, 17]);
  });

  const header = fc.record({
    key: fc.string({ maxLength: 8 }),
    value: fc.option(fc.uint8Array({ maxLength: 16 })),
  });
  const recordSpec: fc.Arbitrary<RecordSpec> = fc
    .record({
      key: fc.option(fc.uint8Array({ maxLength: 40 })),
      value: fc.option(
        fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 2000, maxLength: 70_000 })),
        {
          freq: 5,
        },
      ),
      headers: fc.array(header, { maxLength: 3 }),
      timestamp: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.constant(0), fc.constant(2 ** 52)),
    })
    .map((r) => ({
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value) })),
      timestamp: r.timestamp,
    }));
  const batchSpec = fc.record({
    baseOffset: fc
      .maxSafeInteger()
      .map((n) => (Math.abs(n) - 2 ** 31 > 0 ? Math.abs(n) - 2 ** 31 : Math.abs(n))),
    partitionLeaderEpoch: fc.integer({ min: -1, max: 0x7fff_ffff }),
    producerId: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    producerEpoch: fc.integer({ min: -1, max: 0x7fff }),
    baseSequence: fc.integer({ min: -1, max: 0x7fff_ffff }),
    transactional: fc.boolean(),
    records: fc.array(recordSpec, { maxLength: 12 }),
  });

  for (const compression of [
    CompressionType.None,
    CompressionType.Gzip,
    CompressionType.Snappy,
    CompressionType.Lz4,
    CompressionType.Zstd,
  ]) {
    it(`round-trips random batches compressed with ${CompressionType[compression]}`, async () => {
      await fc.assert(
        fc.asyncProperty(batchSpec, async (spec) => {
          const buf = await encodeRecordBatch({ ...spec, compression });
          expect(verifyBatchCrc(buf, 0)).toBe(true);
          const batch = await decodeRecordBatch(buf);
          expect(batch.compression).toBe(compression);
          expect(batch.sizeInBytes).toBe(buf.length);
          expect(batch).toMatchObject({
            baseOffset: spec.baseOffset,
            partitionLeaderEpoch: spec.partitionLeaderEpoch,
            producerId: spec.producerId,
            producerEpoch: spec.producerEpoch,
            baseSequence: spec.baseSequence,
            isTransactional: spec.transactional,
            recordsCount: spec.records.length,
            lastOffsetDelta: Math.max(0, spec.records.length - 1),
          });
          const times = spec.records.map((r) => r.timestamp!);
          expect(batch.maxTimestamp).toBe(times.length ? Math.max(...times) : -1);
          expect(
            batch.records.map((r) => ({
              key: r.key,
              value: r.value,
              headers: r.headers,
              timestamp: r.timestamp,
              offset: r.offset,
            })),
          ).toEqual(spec.records.map((r, i) => ({ ...r, offset: spec.baseOffset + i })));
          if (compression !== CompressionType.Zstd) {
            expect(encodeRecordBatchSync({ ...spec, compression })).toEqual(buf);
            expect(decodeRecordBatchSync(buf)).toEqual(batch);
          }
        }),
        { numRuns: compression === CompressionType.None ? 100 : 40 },
      );
    });
  }

  it('reads LogAppendTime batches with maxTimestamp as every record time', async () => {
    const buf = await encodeRecordBatch({
      timestampType: TimestampType.LogAppendTime,
      logAppendTime: 5000,
      records: [
        { value: Buffer.from('a'), timestamp: 10 },
        { value: Buffer.from('b'), timestamp: 20 },
      ],
    });
    const batch = await decodeRecordBatch(buf);
    expect(batch.timestampType).toBe(TimestampType.LogAppendTime);
    expect(batch.maxTimestamp).toBe(5000);
    expect(batch.records.map((r) => r.timestamp)).toEqual([5000, 5000]);
  });

  it('writes empty batches and keeps a compacted batch offset range and delete horizon', async () => {
    const buf = await encodeRecordBatch({
      baseOffset: 40,
      lastOffsetDelta: 9,
      deleteHorizonMs: 777,
      records: [],
    });
    const batch = await decodeRecordBatch(buf);
    expect(batch).toMatchObject({
      lastOffsetDelta: 9,
      hasDeleteHorizon: true,
      baseTimestamp: 777,
      maxTimestamp: -1,
    });
    expect(batch.records).toEqual([]);
    expect(lastOffset(buf)).toBe(49);
    expect(() => encodeRecordBatchSync({ lastOffsetDelta: 0, records: [{}, {}] })).toThrow(RangeError);
  });

  it('keeps explicit offset deltas with gaps, as compaction leaves them', async () => {
    const buf = await encodeRecordBatch({
      baseOffset: 1000,
      records: [
        { value: Buffer.from('a'), offsetDelta: 0, timestamp: 1 },
        { value: Buffer.from('b'), offsetDelta: 7, timestamp: 1 },
      ],
    });
    const batch = await decodeRecordBatch(buf);
    expect(batch.lastOffsetDelta).toBe(7);
    expect(batch.records.map((r) => r.offset)).toEqual([1000, 1007]);
  });

  it('rejects malformed batches as CORRUPT_MESSAGE', async () => {
    const corrupt = isKafkaErrorNamed('CORRUPT_MESSAGE');
    // truncated
    await expect(decodeRecordBatch(golden.subarray(0, 80))).rejects.toSatisfy(corrupt);
    // magic 1
    const magic1 = Buffer.from(golden);
    magic1[16] = 1;
    await expect(decodeRecordBatch(magic1)).rejects.toSatisfy(corrupt);
    // a records count that disagrees with the records, CRC fixed up so that only the count is wrong
    const extraCount = Buffer.from(golden);
    extraCount.writeInt32BE(3, 57);
    await expect(decodeRecordBatch(extraCount, 0, { verifyCrc: false })).rejects.toSatisfy(corrupt);
    const fewerCount = Buffer.from(golden);
    fewerCount.writeInt32BE(1, 57);
    await expect(decodeRecordBatch(fewerCount, 0, { verifyCrc: false })).rejects.toSatisfy(corrupt);
    // compressed records that do not decompress
    const badGzip = Buffer.from(golden);
    badGzip.writeInt16BE(CompressionType.Gzip, 21);
    await expect(decodeRecordBatch(badGzip, 0, { verifyCrc: false })).rejects.toSatisfy(corrupt);
    // an unknown codec
    const codec7 = Buffer.from(golden);
    codec7.writeInt16BE(7, 21);
    await expect(decodeRecordBatch(codec7, 0, { verifyCrc: false })).rejects.toSatisfy(
      isKafkaErrorNamed('UNSUPPORTED_COMPRESSION_TYPE'),
    );
  });
});
