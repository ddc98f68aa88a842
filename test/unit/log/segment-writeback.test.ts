import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/common/clock.js';
import type { PartitionLog } from '../../../src/log/partition-log.js';
import { makeBatch, openLog, readAll, TempLogDir } from './log-test-helpers.js';

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

describe('SegmentWriteback through the log append path (log.writeback.bytes)', () => {
  it('starts one unawaited fdatasync per writebackBytes appended, never two at once, and moves nothing', async () => {
    const batch = makeBatch(10, T0, 100); // ~1.2 KiB
    log = openLog(tmp.dir, { writebackBytes: 4 * batch.length }, new ManualClock(T0));
    for (let i = 0; i < 3; i++) log.appendAsLeader(makeBatch(10, T0, 100, i), 0);
    expect(log.activeSegment.writeback.started).toBe(0);
    log.appendAsLeader(makeBatch(10, T0, 100, 3), 0);
    expect(log.activeSegment.writeback.started).toBe(1);
    // While that one is in flight, more appends start none.
    for (let i = 4; i < 12; i++) log.appendAsLeader(makeBatch(10, T0, 100, i), 0);
    expect(log.activeSegment.writeback.started).toBe(1);
    // Not a flush: the recovery point and what a crash keeps are as before.
    expect(log.recoveryPoint).toBe(0);
    await log.activeSegment.writeback.settled();
    for (let i = 0; i < 4; i++) log.appendAsLeader(makeBatch(10, T0, 100, 100 + i), 0);
    expect(log.activeSegment.writeback.started).toBe(2);
    const end = log.logEndOffset;
    log.simulateCrashLosingUnflushed();
    log = openLog(tmp.dir, {}, new ManualClock(T0));
    expect(log.logEndOffset).toBe(0);
    expect(end).toBeGreaterThan(0);
    expect(readAll(log)).toEqual([]);
  });

  it('is off at 0', () => {
    log = openLog(tmp.dir, { writebackBytes: 0 }, new ManualClock(T0));
    for (let i = 0; i < 20; i++) log.appendAsLeader(makeBatch(10, T0, 100, i), 0);
    expect(log.activeSegment.writeback.started).toBe(0);
  });
});
