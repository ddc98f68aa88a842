import { describe, expect, it } from 'vitest';
import { OFFSET_MAP_BYTES_PER_ENTRY, OffsetMap } from '../../../src/log/offset-map.js';

describe('OffsetMap', () => {
  const key = (i: number) => Buffer.from(`key-${i}`);

  it('maps each key to its latest offset', () => {
    const map = new OffsetMap(1024 * OFFSET_MAP_BYTES_PER_ENTRY);
    map.put(key(1), 5);
    map.put(key(2), 6);
    map.put(key(1), 9);
    expect(map.get(key(1))).toBe(9);
    expect(map.get(key(2))).toBe(6);
    expect(map.get(key(3))).toBe(-1);
    expect(map.size).toBe(2);
    expect(map.latestOffset).toBe(9);
  });

  it('holds at most 90% of its slots and says when more keys would not fit', () => {
    const map = new OffsetMap(100 * OFFSET_MAP_BYTES_PER_ENTRY);
    expect(map.slots).toBe(100);
    expect(map.maxEntries).toBe(90);
    for (let i = 0; i < 90; i++) map.put(key(i), i);
    expect(map.wouldFit(1)).toBe(false);
    expect(() => map.put(key(1000), 1000)).toThrow(RangeError);
    // updating a present key still works when full
    map.put(key(3), 500);
    expect(map.get(key(3))).toBe(500);
    for (let i = 0; i < 90; i++) if (i !== 3) expect(map.get(key(i))).toBe(i);
  });

  it('forgets everything on clear', () => {
    const map = new OffsetMap(10 * OFFSET_MAP_BYTES_PER_ENTRY);
    map.put(key(1), 0);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.get(key(1))).toBe(-1);
    expect(map.latestOffset).toBe(-1);
    expect(map.wouldFit(9)).toBe(true);
  });

  it('keeps large offsets exactly', () => {
    const map = new OffsetMap(10 * OFFSET_MAP_BYTES_PER_ENTRY);
    map.put(key(1), 2 ** 52 + 1);
    expect(map.get(key(1))).toBe(2 ** 52 + 1);
  });
});
