import { describe, expect, it } from 'vitest';
import {
  CompressionType,
  decodeRecordBatch,
  decodeRecordBatchSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
  flipByte,
  isKafkaErrorNamed,
  lastOffset,
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
    expect(encodeRecordBatchSync({ records: [] })).toBeInstanceOf(Buffer);
  });

  it('rejects a batch whose CRC does not match', async () => {
    const buf = encodeRecordBatchSync({ records: [{ value: Buffer.from('x'), timestamp: 1 }] });
    flipByte(buf, buf.length - 2);
    await expect(decodeRecordBatch(buf)).rejects.toSatisfy(isKafkaErrorNamed('CORRUPT_MESSAGE'));
  });
});
