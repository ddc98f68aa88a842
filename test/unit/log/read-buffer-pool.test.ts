import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/common/clock.js';
import type { PartitionLog } from '../../../src/log/partition-log.js';
import { ReadBufferPool } from '../../../src/log/read-buffer-pool.js';
import { makeBatch, openLog, splitBatches, TempLogDir } from './log-test-helpers.js';

const T0 = 1_700_000_000_000;
let tmp: TempLogDir;
let log: PartitionLog | undefined;

beforeEach(() => {
  tmp = new TempLogDir();
});

afterEach(() => {
  log?.close();
  log = undefined;
  tmp.remove();
});

/** A log of 40 batches of 3 records (~400 bytes each) over several segments, with a sparse index. */
function filledLog(): PartitionLog {
  const l = openLog(tmp.dir, { segmentBytes: 6000, indexIntervalBytes: 500 }, new ManualClock(T0));
  for (let i = 0; i < 40; i++) l.appendAsLeader(makeBatch(3, T0, 100, i), 0);
  expect(l.numberOfSegments).toBeGreaterThan(2);
  return l;
}

function offsetsOf(records: Buffer): number[][] {
  return splitBatches(records).map((b) => [b.baseOffset, b.lastOffset]);
}

describe('PartitionLog.read into a lent buffer', () => {
  it('returns the same batches as a fresh read, as a slice of the lent buffer', () => {
    log = filledLog();
    const into = Buffer.alloc(64 * 1024, 0xee);
    for (const fetchOffset of [0, 1, 7, 44, 61, 119, 120]) {
      for (const maxBytes of [1, 300, 1000, 5000]) {
        const fresh = log.read(fetchOffset, maxBytes, log.logEndOffset, true).records;
        const lent = log.read(fetchOffset, maxBytes, log.logEndOffset, true, into).records;
        expect(lent.equals(fresh)).toBe(true);
        if (lent.length > 0) expect(lent.buffer).toBe(into.buffer);
      }
    }
  });

  it('falls back to a fresh buffer when the lent one is too small, and still answers right', () => {
    log = filledLog();
    const tiny = Buffer.alloc(100);
    const fresh = log.read(10, 3000, log.logEndOffset, true).records;
    const lent = log.read(10, 3000, log.logEndOffset, true, tiny).records;
    expect(offsetsOf(lent)).toEqual(offsetsOf(fresh));
    expect(lent.equals(fresh)).toBe(true);
    expect(lent.buffer).not.toBe(tiny.buffer);
  });

  it('uses a lent buffer smaller than the index gap by re-reading within it', () => {
    log = filledLog();
    // room for one batch plus a header, less than maxBytes + 2 * index.interval.bytes
    const small = Buffer.alloc(600);
    const fresh = log.read(50, 450, log.logEndOffset, true).records;
    const lent = log.read(50, 450, log.logEndOffset, true, small).records;
    expect(splitBatches(lent)).toHaveLength(1);
    expect(lent.equals(fresh)).toBe(true);
    expect(lent.buffer).toBe(small.buffer);
  });

  it('aliases the lent buffer: the next read into it overwrites the previous records', () => {
    log = filledLog();
    const pool = new ReadBufferPool(16 * 1024, 1);
    const buf = pool.acquire();
    const first = log.read(0, 1000, log.logEndOffset, true, buf).records;
    const firstOffsets = offsetsOf(first);
    pool.release(buf);
    const again = pool.acquire();
    expect(again).toBe(buf);
    log.read(60, 1000, log.logEndOffset, true, again);
    expect(offsetsOf(first)).not.toEqual(firstOffsets);
    pool.release(again);
  });
});

describe('ReadBufferPool', () => {
  it('reuses released buffers and keeps at most maxPooled idle', () => {
    const pool = new ReadBufferPool(1024, 2);
    const a = pool.acquire();
    const b = pool.acquire();
    const c = pool.acquire();
    expect([a.length, pool.inUse, pool.allocated]).toEqual([1024, 3, 3]);
    pool.release(a);
    pool.release(b);
    pool.release(c);
    expect([pool.inUse, pool.idleCount]).toEqual([0, 2]);
    const d = pool.acquire();
    expect([a, b]).toContain(d);
    expect(pool.allocated).toBe(3);
  });

  it('refuses a double release, a slice and a foreign buffer', () => {
    const pool = new ReadBufferPool(1024);
    const a = pool.acquire();
    expect(() => pool.release(a.subarray(0, 10))).toThrow(RangeError);
    pool.release(a);
    expect(() => pool.release(a)).toThrow(RangeError);
    expect(() => pool.release(Buffer.alloc(1024))).toThrow(RangeError);
    expect(() => new ReadBufferPool(0)).toThrow(RangeError);
  });
});
