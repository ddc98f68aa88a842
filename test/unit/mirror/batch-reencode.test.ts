import { describe, expect, it } from 'vitest';
import {
  hasOffsetHoles,
  reencodeContiguous,
  reencodedCopyStretches,
  stretchesOf,
} from '../../../src/mirror/batch-reencode.js';
import { rewriteProducerNonTransactional } from '../../../src/protocol/records/batch-crc.js';
import {
  CompressionType,
  compressionType,
  lastOffsetDelta,
  recordsCount,
  TimestampType,
  timestampType,
} from '../../../src/protocol/records/batch-header.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { T0 } from './fake-partition-log.js';

/** A batch as compaction leaves it: base 100, records at the given deltas, lastOffsetDelta kept at 9. */
function holed(deltas: number[], compression = CompressionType.Gzip): Buffer {
  return encodeRecordBatchSync({
    baseOffset: 100,
    compression,
    lastOffsetDelta: 9,
    records: deltas.map((d) => ({
      key: Buffer.from(`k${d}`),
      value: d === 4 ? null : Buffer.from(`v${d}`),
      headers: [{ key: 'h', value: Buffer.from(String(d)) }],
      timestamp: T0 + 10 - d, // not monotonic: the base is the first record's time
      offsetDelta: d,
    })),
  });
}

describe('hasOffsetHoles', () => {
  it('is true only when the batch spans more offsets than it holds records', () => {
    expect(hasOffsetHoles(holed([0, 1, 4, 5]))).toBe(true);
    expect(hasOffsetHoles(holed([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBe(false);
    expect(hasOffsetHoles(encodeRecordBatchSync({ records: [{ value: Buffer.from('x') }] }))).toBe(false);
  });
});

describe('reencodeContiguous', () => {
  it('keeps records, timestamps, headers and compression, with contiguous deltas, and maps stretch by stretch', async () => {
    const source = holed([2, 3, 5, 6, 7]);
    const { batch, stretches } = await reencodeContiguous(source);
    expect(hasOffsetHoles(batch)).toBe(false);
    expect(recordsCount(batch)).toBe(5);
    expect(lastOffsetDelta(batch)).toBe(4);
    expect(compressionType(batch)).toBe(CompressionType.Gzip);
    expect(timestampType(batch)).toBe(TimestampType.CreateTime);
    const s = decodeRecordBatchSync(source).records;
    const t = decodeRecordBatchSync(batch).records;
    expect(t.map((r) => r.offsetDelta)).toEqual([0, 1, 2, 3, 4]);
    expect(t.map((r) => [r.key, r.value, r.headers, r.timestamp])).toEqual(
      s.map((r) => [r.key, r.value, r.headers, r.timestamp]),
    );
    // Leading hole 100..101, inner hole 104, trailing hole 108..109.
    expect(stretches).toEqual([
      { sourceBase: 102, sourceLast: 103, targetDelta: 0 },
      { sourceBase: 105, sourceLast: 107, targetDelta: 2 },
    ]);
  });

  it('a re-encoded copy is recognised by its records, after the writer rewrote its producer', async () => {
    const source = holed([0, 1, 4, 5]);
    const { batch, stretches } = await reencodeContiguous(source);
    rewriteProducerNonTransactional(batch, 0, { producerId: 7, producerEpoch: 1, baseSequence: 40 });
    expect(await reencodedCopyStretches(batch, source)).toEqual(stretches);
    // Any record difference is not a copy.
    const other = holed([0, 1, 4, 6]);
    expect(await reencodedCopyStretches(batch, other)).toBeUndefined();
    const fewer = (await reencodeContiguous(holed([0, 1, 4]))).batch;
    expect(await reencodedCopyStretches(fewer, source)).toBeUndefined();
    const changed = Buffer.from((await reencodeContiguous(holed([0, 1, 4, 5], CompressionType.None))).batch);
    const at = changed.length - 3; // inside the last record's header
    changed.writeUInt8(changed.readUInt8(at) ^ 1, at);
    expect(await reencodedCopyStretches(changed, holed([0, 1, 4, 5], CompressionType.None))).toBeUndefined();
  });
});

describe('stretchesOf', () => {
  it('splits at every hole', () => {
    const records = [3, 4, 6, 9, 10].map((offset) => ({
      offset,
      attributes: 0,
      timestampDelta: 0,
      offsetDelta: 0,
      timestamp: T0,
      key: null,
      value: null,
      headers: [],
    }));
    expect(stretchesOf(records)).toEqual([
      { sourceBase: 3, sourceLast: 4, targetDelta: 0 },
      { sourceBase: 6, sourceLast: 6, targetDelta: 2 },
      { sourceBase: 9, sourceLast: 10, targetDelta: 3 },
    ]);
    expect(stretchesOf([])).toEqual([]);
  });
});
