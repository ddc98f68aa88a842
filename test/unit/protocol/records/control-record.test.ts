import { describe, expect, it } from 'vitest';
import {
  ControlRecordType,
  decodeControlRecordKey,
  decodeEndTxnMarkerValue,
  decodeRecordBatch,
  encodeEndTxnMarkerBatch,
  encodeRecordBatchSync,
  isControl,
  isKafkaErrorNamed,
  isTransactional,
  readControlRecordType,
  verifyBatchCrc,
} from './helpers.js';

describe('control records', () => {
  for (const commit of [true, false]) {
    it(`encodes and decodes a ${commit ? 'COMMIT' : 'ABORT'} end-txn marker batch`, async () => {
      const buf = encodeEndTxnMarkerBatch({
        producerId: 5000,
        producerEpoch: 4,
        coordinatorEpoch: 17,
        commit,
        baseOffset: 300,
        timestamp: 1_700_000_000_123,
        partitionLeaderEpoch: 3,
      });
      expect(verifyBatchCrc(buf)).toBe(true);
      expect(isControl(buf)).toBe(true);
      expect(isTransactional(buf)).toBe(true);
      expect(readControlRecordType(buf)).toBe(commit ? ControlRecordType.Commit : ControlRecordType.Abort);

      const batch = await decodeRecordBatch(buf);
      expect(batch).toMatchObject({
        baseOffset: 300,
        partitionLeaderEpoch: 3,
        producerId: 5000,
        producerEpoch: 4,
        baseSequence: -1,
        lastOffsetDelta: 0,
        recordsCount: 1,
        maxTimestamp: 1_700_000_000_123,
      });
      const record = batch.records[0]!;
      // key: version 0, type; value: version 0, coordinatorEpoch 17
      expect(record.key!.toString('hex')).toBe(commit ? '00000001' : '00000000');
      expect(record.value!.toString('hex')).toBe('000000000011');
      expect(decodeControlRecordKey(record.key!)).toEqual({ version: 0, type: commit ? 1 : 0 });
      expect(decodeEndTxnMarkerValue(record.value!)).toEqual({ version: 0, coordinatorEpoch: 17 });
    });
  }

  it('reads the control type of a batch inside a larger buffer', () => {
    const marker = encodeEndTxnMarkerBatch({
      producerId: 1,
      producerEpoch: 0,
      coordinatorEpoch: 0,
      commit: true,
      timestamp: 2 ** 45,
    });
    const buf = Buffer.concat([Buffer.alloc(9), marker]);
    expect(readControlRecordType(buf, 9)).toBe(ControlRecordType.Commit);
  });

  it('refuses to read a control type from a data batch', () => {
    const data = encodeRecordBatchSync({ records: [{ key: Buffer.from([0, 0, 0, 1]), timestamp: 1 }] });
    expect(() => readControlRecordType(data)).toThrow(
      expect.objectContaining({ errorName: 'CORRUPT_MESSAGE' }),
    );
    const shortKey = encodeRecordBatchSync({
      control: true,
      records: [{ key: Buffer.from([0]), timestamp: 1 }],
    });
    let caught: unknown;
    try {
      readControlRecordType(shortKey);
    } catch (err) {
      caught = err;
    }
    expect(isKafkaErrorNamed('CORRUPT_MESSAGE')(caught)).toBe(true);
  });
});
