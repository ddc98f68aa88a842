import { describe, expect, it } from 'vitest';
import {
  baseOffset,
  encodeRecordBatchSync,
  isKafkaErrorNamed,
  RecordSetIterator,
  recordBatchSpans,
} from './helpers.js';

function batchAt(offset: number, values: string[]): Buffer {
  return encodeRecordBatchSync({
    baseOffset: offset,
    records: values.map((v) => ({ value: Buffer.from(v), timestamp: 1 })),
  });
}

describe('record set', () => {
  const a = batchAt(0, ['a', 'b']);
  const b = batchAt(2, ['c']);
  const c = batchAt(3, ['d', 'e', 'f']);
  const set = Buffer.concat([a, b, c]);

  it('walks concatenated batches by their lengths', () => {
    const it = new RecordSetIterator(set);
    const seen: Array<[number, number, number]> = [];
    while (it.next()) seen.push([it.position, it.size, baseOffset(set, it.position)]);
    expect(seen).toEqual([
      [0, a.length, 0],
      [a.length, b.length, 2],
      [a.length + b.length, c.length, 3],
    ]);
    expect(it.validBytes).toBe(set.length);
  });

  it('stops before a trailing partial batch, wherever the cut falls', () => {
    const whole = a.length + b.length;
    for (let cut = whole; cut < set.length; cut++) {
      const spans = recordBatchSpans(set.subarray(0, cut));
      expect(spans, `cut at ${cut}`).toEqual([
        [0, a.length],
        [a.length, b.length],
      ]);
      const it = new RecordSetIterator(set, 0, cut);
      while (it.next()) {}
      expect(it.validBytes).toBe(whole);
    }
  });

  it('yields nothing for an empty set and restarts on reset', () => {
    const it = new RecordSetIterator(Buffer.alloc(0));
    expect(it.next()).toBe(false);
    it.reset(set, a.length);
    expect(it.next()).toBe(true);
    expect(it.position).toBe(a.length);
  });

  it('treats a batch length too small for a header as corruption', () => {
    const bad = Buffer.from(set);
    bad.writeInt32BE(10, a.length + 8);
    const it = new RecordSetIterator(bad);
    expect(it.next()).toBe(true);
    let caught: unknown;
    try {
      it.next();
    } catch (err) {
      caught = err;
    }
    expect(isKafkaErrorNamed('CORRUPT_MESSAGE')(caught)).toBe(true);
  });
});
