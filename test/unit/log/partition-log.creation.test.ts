import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/common/clock.js';
import { LEADER_EPOCH_CHECKPOINT_FILE } from '../../../src/log/leader-epoch-cache.js';
import {
  LOG_START_OFFSET_CHECKPOINT_FILE,
  logFilePath,
  offsetIndexFilePath,
  RECOVERY_POINT_CHECKPOINT_FILE,
  timeIndexFilePath,
} from '../../../src/log/log-file-names.js';
import type { PartitionLog } from '../../../src/log/partition-log.js';
import { makeBatch, openLog, readAll, TempLogDir } from './log-test-helpers.js';

const T0 = 1_700_000_000_000;
let tmp: TempLogDir;
let clock: ManualClock;
let log: PartitionLog | undefined;

beforeEach(() => {
  tmp = new TempLogDir();
  clock = new ManualClock(T0);
});

afterEach(() => {
  try {
    log?.close();
  } catch {
    // already closed by the test
  }
  log = undefined;
  tmp.remove();
});

const file = (name: string) => join(tmp.dir, name);

describe('PartitionLog creation (cheap open, lazy checkpoints)', () => {
  it('creates a new log with its log file only: no checkpoint, no index file', () => {
    log = openLog(tmp.dir, {}, clock);
    expect(readdirSync(tmp.dir)).toEqual(['00000000000000000000.log']);
    expect(log.logStartOffset).toBe(0);
    expect(log.logEndOffset).toBe(0);
    expect(log.recoveryPoint).toBe(0);
  });

  it('a crash right after creation reopens as the same empty log, with nothing recovered', () => {
    log = openLog(tmp.dir, {}, clock);
    log.simulateCrashLosingUnflushed();
    log = openLog(tmp.dir, {}, clock);
    expect(log.recoveryReports).toEqual([]);
    expect([log.logStartOffset, log.logEndOffset, log.recoveryPoint]).toEqual([0, 0, 0]);
    expect(log.leaderEpochCache.isEmpty()).toBe(true);
    log.appendAsLeader(makeBatch(3, T0), 1);
    expect(log.logEndOffset).toBe(3);
  });

  it('a crash that lost every file of a new log (its directory entries never fsynced) opens an empty log', () => {
    log = openLog(tmp.dir, {}, clock);
    log.leaderEpochCache.assign(2, 0);
    log.simulateCrashLosingUnflushed();
    for (const name of readdirSync(tmp.dir)) unlinkSync(file(name));
    log = openLog(tmp.dir, {}, clock);
    expect(log.logEndOffset).toBe(0);
    expect(log.leaderEpochCache.isEmpty()).toBe(true);
  });

  it('writes the first epoch (becoming leader) to the page cache without making it durable', () => {
    log = openLog(tmp.dir, {}, clock);
    expect(log.leaderEpochCache.assign(4, 0)).toBe(true);
    expect(readFileSync(file(LEADER_EPOCH_CHECKPOINT_FILE), 'utf8')).toBe('0\n1\n4 0\n');
    expect(log.leaderEpochCache.hasUnsyncedChanges).toBe(true);
    log.appendAsLeader(makeBatch(2, T0), 4);
    // flush makes the epoch file durable before it checkpoints the recovery point past the epoch's start
    log.flush();
    expect(log.leaderEpochCache.hasUnsyncedChanges).toBe(false);
    expect(readFileSync(file(RECOVERY_POINT_CHECKPOINT_FILE), 'utf8')).toBe('0\n1\ntopic 0 2\n');
  });

  it('re-derives an epoch whose unsynced checkpoint a crash lost, from the batch headers past the recovery point', () => {
    log = openLog(tmp.dir, {}, clock);
    log.leaderEpochCache.assign(5, 0);
    log.appendAsLeader(makeBatch(3, T0), 5);
    log.appendAsLeader(makeBatch(2, T0), 5);
    // The data reached the disk (a segment fsync) but the epoch file and recovery point did not.
    log.activeSegment.flush();
    log.simulateCrashLosingUnflushed();
    unlinkSync(file(LEADER_EPOCH_CHECKPOINT_FILE));
    expect(existsSync(file(RECOVERY_POINT_CHECKPOINT_FILE))).toBe(false);

    log = openLog(tmp.dir, {}, clock);
    expect(log.logEndOffset).toBe(5);
    expect(log.leaderEpochCache.entries()).toEqual([{ epoch: 5, startOffset: 0 }]);
    expect(log.leaderEpochCache.endOffsetFor(5, log.logEndOffset)).toEqual({ epoch: 5, endOffset: 5 });
    expect(log.leaderEpochCache.hasUnsyncedChanges).toBe(false);
  });

  it('rebuilds the epochs when a crash left the unsynced epoch checkpoint empty', () => {
    log = openLog(tmp.dir, {}, clock);
    log.leaderEpochCache.assign(1, 0);
    log.appendAsLeader(makeBatch(3, T0), 1);
    log.flush();
    log.leaderEpochCache.assign(2, 3);
    log.appendAsLeader(makeBatch(2, T0), 2);
    log.activeSegment.flush();
    log.simulateCrashLosingUnflushed();
    // What a filesystem that does not order a rename after the file's data may leave.
    writeFileSync(file(LEADER_EPOCH_CHECKPOINT_FILE), '');

    log = openLog(tmp.dir, {}, clock);
    expect(log.leaderEpochCache.entries()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 3 },
    ]);
    expect(readFileSync(file(LEADER_EPOCH_CHECKPOINT_FILE), 'utf8')).toBe('0\n2\n1 0\n2 3\n');
  });

  it('keeps the epoch entries below the recovery point when the last unsynced one is lost', () => {
    log = openLog(tmp.dir, {}, clock);
    log.leaderEpochCache.assign(1, 0);
    log.appendAsLeader(makeBatch(3, T0), 1);
    log.flush();
    const durable = readFileSync(file(LEADER_EPOCH_CHECKPOINT_FILE), 'utf8');
    log.leaderEpochCache.assign(2, 3);
    log.appendAsLeader(makeBatch(2, T0), 2);
    log.activeSegment.flush();
    log.simulateCrashLosingUnflushed();
    // The crash kept the old durable file, not the unsynced rewrite.
    writeFileSync(file(LEADER_EPOCH_CHECKPOINT_FILE), durable);

    log = openLog(tmp.dir, {}, clock);
    expect(log.recoveryPoint).toBe(5);
    expect(log.leaderEpochCache.entries()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 3 },
    ]);
  });

  it('a lost epoch that wrote no batch stays lost, and the next epoch at the same start takes its place', () => {
    log = openLog(tmp.dir, {}, clock);
    log.leaderEpochCache.assign(1, 0);
    log.appendAsLeader(makeBatch(3, T0), 1);
    log.flush();
    log.leaderEpochCache.assign(2, 3);
    log.simulateCrashLosingUnflushed();
    writeFileSync(file(LEADER_EPOCH_CHECKPOINT_FILE), '0\n1\n1 0\n');

    log = openLog(tmp.dir, {}, clock);
    expect(log.leaderEpochCache.entries()).toEqual([{ epoch: 1, startOffset: 0 }]);
    log.leaderEpochCache.assign(3, log.logEndOffset);
    expect(log.leaderEpochCache.entries()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 3 },
    ]);
  });

  it('writes no log-start-offset checkpoint until the start moves off the first segment', () => {
    log = openLog(tmp.dir, { segmentBytes: 200 }, clock);
    for (let i = 0; i < 4; i++) log.appendAsLeader(makeBatch(2, T0, 50), 0);
    log.close();
    log = openLog(tmp.dir, { segmentBytes: 200 }, clock);
    expect(existsSync(file(LOG_START_OFFSET_CHECKPOINT_FILE))).toBe(false);
    log.updateHighWatermark(log.logEndOffset);
    expect(log.deleteRecordsBefore(4)).toBe(4);
    expect(readFileSync(file(LOG_START_OFFSET_CHECKPOINT_FILE), 'utf8')).toBe('0\n1\ntopic 0 4\n');
    log.close();
    log = openLog(tmp.dir, { segmentBytes: 200 }, clock);
    expect(log.logStartOffset).toBe(4);
    expect(readAll(log)[0]!.baseOffset).toBe(4);
  });

  it('rewrites a malformed recovery-point checkpoint on open, even for an empty log', () => {
    writeFileSync(file(RECOVERY_POINT_CHECKPOINT_FILE), 'garbage\n');
    log = openLog(tmp.dir, {}, clock);
    expect(readFileSync(file(RECOVERY_POINT_CHECKPOINT_FILE), 'utf8')).toBe('0\n1\ntopic 0 0\n');
  });

  it("creates a segment's index files at its first flush, and reopens without rebuilding them", () => {
    log = openLog(tmp.dir, {}, clock);
    log.appendAsLeader(makeBatch(2, T0), 0);
    expect(existsSync(offsetIndexFilePath(tmp.dir, 0))).toBe(false);
    log.flush();
    expect(existsSync(offsetIndexFilePath(tmp.dir, 0))).toBe(true);
    expect(existsSync(timeIndexFilePath(tmp.dir, 0))).toBe(true);
    log.close();
    log = openLog(tmp.dir, {}, clock);
    expect(log.recoveryReports).toEqual([]);
    expect(log.logEndOffset).toBe(2);
  });

  it('rebuilds the missing indexes of a non-empty segment that never reached a flush', () => {
    log = openLog(tmp.dir, {}, clock);
    log.appendAsLeader(makeBatch(2, T0), 0);
    // The page cache kept the log file's data but no index file was ever created.
    log.simulateCrashLosingUnflushed();
    writeFileSync(logFilePath(tmp.dir, 0), makeBatch(2, T0));
    log = openLog(tmp.dir, {}, clock);
    expect(log.logEndOffset).toBe(2);
    expect(log.recoveryReports.map((r) => r.truncatedBytes)).toEqual([0]);
    expect(readAll(log).map((b) => b.baseOffset)).toEqual([0]);
  });
});
