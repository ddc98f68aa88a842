import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/common/clock.js';
import { logFilePath, RECOVERY_POINT_CHECKPOINT_FILE } from '../../../src/log/log-file-names.js';
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  MAX_TIMESTAMP,
  type PartitionLog,
} from '../../../src/log/partition-log.js';
import { listSnapshotOffsets, readSnapshot } from '../../../src/log/producer-snapshot.js';
import { isKafkaError } from '../../../src/protocol/errors/index.js';
import { verifyBatchCrc } from '../../../src/protocol/records/batch-crc.js';
import {
  maxTimestamp,
  partitionLeaderEpoch,
  setBaseOffset,
  TimestampType,
  timestampType,
} from '../../../src/protocol/records/batch-header.js';
import { makeBatch, openLog, readAll, splitBatches, TempLogDir } from './log-test-helpers.js';

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

function expectKafkaError(fn: () => unknown, name: Parameters<typeof isKafkaError>[1]): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(isKafkaError(caught, name), String(caught)).toBe(true);
}

describe('append and read', () => {
  it('assigns offsets, stamps the leader epoch and keeps the CRC valid', () => {
    log = openLog(tmp.dir, {}, clock);
    const a = log.appendAsLeader(makeBatch(3, T0), 5);
    const b = log.appendAsLeader(makeBatch(2, T0), 5);
    expect([a.firstOffset, a.lastOffset, b.firstOffset, b.lastOffset]).toEqual([0, 2, 3, 4]);
    expect(log.logEndOffset).toBe(5);
    const batches = splitBatches(log.read(0, 1 << 20).records);
    expect(batches.map((x) => [x.baseOffset, x.lastOffset])).toEqual([
      [0, 2],
      [3, 4],
    ]);
    for (const batch of batches) {
      expect(partitionLeaderEpoch(batch.bytes)).toBe(5);
      expect(verifyBatchCrc(batch.bytes)).toBe(true);
    }
    expect(log.leaderEpochCache.entries()).toEqual([{ epoch: 5, startOffset: 0 }]);
  });

  it('returns the batch containing the fetch offset, whole', () => {
    log = openLog(tmp.dir, {}, clock);
    log.appendAsLeader(makeBatch(10, T0), 0);
    log.appendAsLeader(makeBatch(10, T0), 0);
    const batches = splitBatches(log.read(13, 1 << 20).records);
    expect(batches[0]!.baseOffset).toBe(10);
    expect(batches).toHaveLength(1);
  });

  it('stops before maxOffset and at maxBytes, letting one oversized batch through with minOneMessage', () => {
    log = openLog(tmp.dir, {}, clock);
    for (let i = 0; i < 4; i++) log.appendAsLeader(makeBatch(5, T0, 100), 0);
    expect(splitBatches(log.read(0, 1 << 20, 10).records).map((b) => b.baseOffset)).toEqual([0, 5]);
    // maxOffset inside a batch excludes that batch
    expect(splitBatches(log.read(0, 1 << 20, 12).records).map((b) => b.baseOffset)).toEqual([0, 5]);
    const one = splitBatches(log.read(0, 1 << 20).records)[0]!.bytes.length;
    expect(splitBatches(log.read(0, one * 2 + 10).records)).toHaveLength(2);
    expect(log.read(0, 10, undefined, false).records.length).toBe(0);
    expect(splitBatches(log.read(0, 10, undefined, true).records)).toHaveLength(1);
    expect(log.read(20, 1000).records.length).toBe(0);
  });

  it('throws OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset]', () => {
    log = openLog(tmp.dir, {}, clock);
    log.appendAsLeader(makeBatch(3, T0), 0);
    const l = log;
    expectKafkaError(() => l.read(4, 100), 'OFFSET_OUT_OF_RANGE');
    expectKafkaError(() => l.read(-1, 100), 'OFFSET_OUT_OF_RANGE');
  });

  it('rejects a corrupt batch, a batch over max.message.bytes, old magic and bad counts', () => {
    log = openLog(tmp.dir, { maxMessageBytes: 500 }, clock);
    const l = log;
    const corrupt = makeBatch(2, T0);
    corrupt[corrupt.length - 1]! ^= 0xff;
    expectKafkaError(() => l.appendAsLeader(corrupt, 0), 'CORRUPT_MESSAGE');
    expectKafkaError(() => l.appendAsLeader(makeBatch(10, T0, 100), 0), 'MESSAGE_TOO_LARGE');
    const oldMagic = makeBatch(1, T0);
    oldMagic.writeInt8(1, 16);
    expectKafkaError(() => l.appendAsLeader(oldMagic, 0), 'UNSUPPORTED_FOR_MESSAGE_FORMAT');
    expectKafkaError(() => l.appendAsLeader(makeBatch(1, T0).subarray(0, 40), 0), 'CORRUPT_MESSAGE');
    const torn = makeBatch(2, T0);
    expectKafkaError(() => l.appendAsLeader(torn.subarray(0, torn.length - 1), 0), 'CORRUPT_MESSAGE');
    expect(l.logEndOffset).toBe(0);
  });

  it('stamps LogAppendTime with a valid CRC', () => {
    log = openLog(tmp.dir, { messageTimestampType: 'LogAppendTime' }, clock);
    clock.set(T0 + 5000);
    log.appendAsLeader(makeBatch(2, T0), 0);
    const [batch] = splitBatches(log.read(0, 1 << 20).records);
    expect(timestampType(batch!.bytes)).toBe(TimestampType.LogAppendTime);
    expect(maxTimestamp(batch!.bytes)).toBe(T0 + 5000);
    expect(verifyBatchCrc(batch!.bytes)).toBe(true);
  });

  it('appends several batches in one call, and follower batches keep their offsets', () => {
    log = openLog(tmp.dir, {}, clock);
    const buf = Buffer.concat([makeBatch(2, T0), makeBatch(3, T0)]);
    expect(log.appendAsLeader(buf, 0).lastOffset).toBe(4);
    const f1 = makeBatch(2, T0);
    setBaseOffset(f1, 10);
    f1.writeInt32BE(7, 12);
    expect(log.appendAsFollower(f1).firstOffset).toBe(10);
    expect(log.logEndOffset).toBe(12);
    expect(log.leaderEpochCache.latestEpoch()).toBe(7);
    const stale = makeBatch(1, T0);
    setBaseOffset(stale, 11);
    const l = log;
    expectKafkaError(() => l.appendAsFollower(stale), 'INVALID_RECORD');
    expect(readAll(log).map((b) => b.baseOffset)).toEqual([0, 2, 10]);
  });
});

describe('roll', () => {
  it('rolls on segment.bytes and reads across segments', async () => {
    log = openLog(tmp.dir, { segmentBytes: 2000 }, clock);
    for (let i = 0; i < 10; i++) log.appendAsLeader(makeBatch(5, T0, 100), 0);
    expect(log.numberOfSegments).toBeGreaterThan(3);
    for (const s of log.segmentBaseOffsets()) expect(existsSync(logFilePath(tmp.dir, s))).toBe(true);
    expect(readAll(log).map((b) => b.baseOffset)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45]);
    // the old segments are fsynced after each roll, off the event loop: once those flushes settle, the recovery
    // point is at least the active segment's base
    await log.rollFlushesSettled();
    expect(log.recoveryPoint).toBeGreaterThanOrEqual(log.activeSegment.baseOffset);
  });

  it('takes a producer snapshot at the new base; the recovery point and its checkpoint follow the flush', async () => {
    log = openLog(tmp.dir, {}, clock);
    log.appendAsLeader(makeBatch(3, T0), 0);
    log.roll();
    // The snapshot is in place at once (its fsync, like the segment's, runs in the thread pool).
    expect(listSnapshotOffsets(tmp.dir)).toContain(3);
    expect(() => readSnapshot(tmp.dir, 3)).not.toThrow();
    await log.rollFlushesSettled();
    expect(log.recoveryPoint).toBe(3);
    const checkpoint = readFileSync(join(tmp.dir, RECOVERY_POINT_CHECKPOINT_FILE), 'utf8').trim().split('\n');
    expect(checkpoint.at(-1)!.split(' ').at(-1)).toBe('3');
  });

  it('rolls on segment.ms by the batches timestamps', () => {
    log = openLog(tmp.dir, { segmentMs: 60_000 }, clock);
    log.appendAsLeader(makeBatch(1, clock.nowMs()), 0);
    clock.advance(30_000);
    log.appendAsLeader(makeBatch(1, clock.nowMs()), 0);
    expect(log.numberOfSegments).toBe(1);
    clock.advance(31_000);
    log.appendAsLeader(makeBatch(1, clock.nowMs()), 0);
    expect(log.segmentBaseOffsets()).toEqual([0, 2]);
  });

  it('rolls when the offset index is full', () => {
    log = openLog(tmp.dir, { indexIntervalBytes: 1, segmentIndexBytes: 8 * 3 }, clock);
    for (let i = 0; i < 10; i++) log.appendAsLeader(makeBatch(1, T0), 0);
    expect(log.numberOfSegments).toBeGreaterThan(1);
    expect(readAll(log)).toHaveLength(10);
  });

  it('an explicit roll of an empty active segment is a no-op', () => {
    log = openLog(tmp.dir, {}, clock);
    log.roll();
    expect(log.segmentBaseOffsets()).toEqual([0]);
    log.appendAsLeader(makeBatch(2, T0), 0);
    log.roll();
    log.roll();
    expect(log.segmentBaseOffsets()).toEqual([0, 2]);
  });
});

describe('offset and timestamp lookups', () => {
  it('finds the first offset with a timestamp >= target, through the time index', () => {
    log = openLog(tmp.dir, { indexIntervalBytes: 64, segmentBytes: 4000 }, clock);
    // batch i has records with timestamps T0 + 100*i + j for j < 5
    for (let i = 0; i < 40; i++) log.appendAsLeader(makeBatch(5, T0 + 100 * i, 20), 0);
    expect(log.numberOfSegments).toBeGreaterThan(1);
    expect(log.fetchOffsetByTimestamp(T0)).toMatchObject({ offset: 0, timestamp: T0 });
    expect(log.fetchOffsetByTimestamp(T0 + 1203)).toMatchObject({ offset: 63, timestamp: T0 + 1203 });
    // between batches: the next batch's first record
    expect(log.fetchOffsetByTimestamp(T0 + 1250)).toMatchObject({ offset: 65, timestamp: T0 + 1300 });
    expect(log.fetchOffsetByTimestamp(T0 + 100_000)).toBeUndefined();
    expect(log.fetchOffsetByTimestamp(EARLIEST_TIMESTAMP)!.offset).toBe(0);
    expect(log.fetchOffsetByTimestamp(LATEST_TIMESTAMP)!.offset).toBe(200);
    expect(log.fetchOffsetByTimestamp(MAX_TIMESTAMP)).toMatchObject({ offset: 199, timestamp: T0 + 3904 });
  });

  it('looks offsets up through the sparse index after reopening', () => {
    log = openLog(tmp.dir, { indexIntervalBytes: 100 }, clock);
    for (let i = 0; i < 50; i++) log.appendAsLeader(makeBatch(2, T0, 50), 0);
    expect(log.activeSegment.offsetIndex.entries).toBeGreaterThan(10);
    log.close();
    log = openLog(tmp.dir, { indexIntervalBytes: 100 }, clock);
    expect(log.activeSegment.offsetIndex.entries).toBeGreaterThan(10);
    for (const offset of [0, 1, 37, 64, 99]) {
      const first = splitBatches(log.read(offset, 1 << 20).records)[0]!;
      expect(first.baseOffset).toBeLessThanOrEqual(offset);
      expect(first.lastOffset).toBeGreaterThanOrEqual(offset);
    }
    expect(log.recoveryReports).toEqual([]);
  });
});

describe('retention', () => {
  it('deletes segments whose newest timestamp is older than retention.ms, never leaving the log without an active segment', () => {
    log = openLog(tmp.dir, { segmentBytes: 1500, retentionMs: 10_000 }, clock);
    for (let i = 0; i < 6; i++) log.appendAsLeader(makeBatch(5, clock.nowMs(), 100), 0);
    const before = log.numberOfSegments;
    expect(before).toBeGreaterThan(2);
    log.updateHighWatermark(log.logEndOffset);
    expect(log.deleteOldSegments()).toBe(0);
    clock.advance(20_000);
    log.appendAsLeader(makeBatch(5, clock.nowMs(), 100), 0);
    log.updateHighWatermark(log.logEndOffset);
    const deleted = log.deleteOldSegments();
    expect(deleted).toBeGreaterThan(0);
    expect(log.logStartOffset).toBe(log.segmentBaseOffsets()[0]);
    expect(readAll(log).at(-1)!.lastOffset).toBe(34);
    // everything old: the active segment goes too, after a roll
    clock.advance(20_000);
    log.deleteOldSegments();
    expect(log.numberOfSegments).toBe(1);
    expect(log.activeSegment.size).toBe(0);
    expect(log.logStartOffset).toBe(35);
    expect(log.logEndOffset).toBe(35);
    expect(readdirSync(tmp.dir).filter((n) => n.endsWith('.log'))).toEqual(['00000000000000000035.log']);
  });

  it('deletes only segments below the high watermark', () => {
    log = openLog(tmp.dir, { segmentBytes: 1500, retentionMs: 10_000 }, clock);
    for (let i = 0; i < 6; i++) log.appendAsLeader(makeBatch(5, clock.nowMs(), 100), 0);
    clock.advance(20_000);
    log.updateHighWatermark(0);
    expect(log.deleteOldSegments()).toBe(0);
  });

  it('deletes the oldest segments while the log exceeds retention.bytes', () => {
    log = openLog(tmp.dir, { segmentBytes: 1500, retentionBytes: 3000 }, clock);
    for (let i = 0; i < 12; i++) log.appendAsLeader(makeBatch(5, clock.nowMs(), 100), 0);
    log.updateHighWatermark(log.logEndOffset);
    const size = log.size;
    expect(size).toBeGreaterThan(3000);
    expect(log.deleteOldSegments()).toBeGreaterThan(0);
    // Kafka's rule: delete the oldest while the log minus it stays at or above retention.bytes
    const first = statSync(logFilePath(tmp.dir, log.segmentBaseOffsets()[0]!)).size;
    expect(log.size).toBeGreaterThanOrEqual(3000);
    expect(log.size - first).toBeLessThan(3000);
    expect(log.logStartOffset).toBe(log.segmentBaseOffsets()[0]);
  });

  it('keeps deleted segments as .deleted until file.delete.delay.ms passes', () => {
    log = openLog(tmp.dir, { segmentBytes: 1500, retentionBytes: 0, fileDeleteDelayMs: 1000 }, clock);
    for (let i = 0; i < 6; i++) log.appendAsLeader(makeBatch(5, clock.nowMs(), 100), 0);
    log.updateHighWatermark(log.logEndOffset);
    log.deleteOldSegments();
    expect(readdirSync(tmp.dir).some((n) => n.endsWith('.log.deleted'))).toBe(true);
    clock.advance(999);
    expect(log.maybeRemoveDeletedSegmentFiles()).toBe(0);
    clock.advance(1);
    expect(log.maybeRemoveDeletedSegmentFiles()).toBeGreaterThan(0);
    expect(readdirSync(tmp.dir).some((n) => n.endsWith('.deleted'))).toBe(false);
  });
});

describe('truncation and delete records', () => {
  it('truncateTo removes later segments and cuts within a segment at a batch boundary', () => {
    log = openLog(tmp.dir, { segmentBytes: 1500 }, clock);
    for (let i = 0; i < 10; i++) log.appendAsLeader(makeBatch(5, T0, 100), i < 5 ? 1 : 2);
    log.updateHighWatermark(50);
    expect(log.truncateTo(23)).toBe(true);
    expect(log.logEndOffset).toBe(20);
    expect(log.highWatermark).toBe(20);
    expect(readAll(log).map((b) => b.baseOffset)).toEqual([0, 5, 10, 15]);
    expect(log.leaderEpochCache.entries()).toEqual([{ epoch: 1, startOffset: 0 }]);
    expect(log.truncateTo(100)).toBe(false);
    log.appendAsLeader(makeBatch(3, T0), 3);
    expect(readAll(log).at(-1)).toMatchObject({ baseOffset: 20, lastOffset: 22 });
    log.close();
    log = openLog(tmp.dir, { segmentBytes: 1500 }, clock);
    expect(log.logEndOffset).toBe(23);
    expect(readAll(log).map((b) => b.baseOffset)).toEqual([0, 5, 10, 15, 20]);
  });

  it('truncateFullyAndStartAt empties the log', () => {
    log = openLog(tmp.dir, {}, clock);
    log.appendAsLeader(makeBatch(5, T0), 1);
    log.truncateFullyAndStartAt(100);
    expect([log.logStartOffset, log.logEndOffset, log.highWatermark]).toEqual([100, 100, 100]);
    expect(log.leaderEpochCache.entries()).toEqual([]);
    const f = makeBatch(2, T0);
    setBaseOffset(f, 100);
    log.appendAsFollower(f);
    log.close();
    log = openLog(tmp.dir, {}, clock);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([100, 102]);
  });

  it('deleteRecordsBefore advances the log start offset, deletes whole segments below it, and persists', () => {
    log = openLog(tmp.dir, { segmentBytes: 1500 }, clock);
    for (let i = 0; i < 10; i++) log.appendAsLeader(makeBatch(5, T0, 100), 0);
    const l = log;
    expectKafkaError(() => l.deleteRecordsBefore(10), 'OFFSET_OUT_OF_RANGE');
    log.updateHighWatermark(log.logEndOffset);
    const segmentsBefore = log.numberOfSegments;
    expect(log.deleteRecordsBefore(22)).toBe(22);
    expect(log.numberOfSegments).toBeLessThan(segmentsBefore);
    expect(log.segmentBaseOffsets()[0]).toBeLessThanOrEqual(22);
    expectKafkaError(() => l.read(21, 100), 'OFFSET_OUT_OF_RANGE');
    expect(splitBatches(log.read(22, 1 << 20).records)[0]!.baseOffset).toBe(20);
    log.close();
    log = openLog(tmp.dir, { segmentBytes: 1500 }, clock);
    expect(log.logStartOffset).toBe(22);
  });
});

describe('flush and the recovery point', () => {
  it('flush.messages fsyncs and moves the recovery point', () => {
    log = openLog(tmp.dir, { flushMessages: 10 }, clock);
    log.appendAsLeader(makeBatch(5, T0), 0);
    expect(log.recoveryPoint).toBe(0);
    log.appendAsLeader(makeBatch(5, T0), 0);
    expect(log.recoveryPoint).toBe(10);
  });

  it('flush.ms is checked on append and by maybeFlush', () => {
    log = openLog(tmp.dir, { flushMs: 1000 }, clock);
    log.appendAsLeader(makeBatch(5, T0), 0);
    expect(log.maybeFlush()).toBe(false);
    clock.advance(1000);
    expect(log.maybeFlush()).toBe(true);
    expect(log.recoveryPoint).toBe(5);
    log.appendAsLeader(makeBatch(5, T0), 0);
    clock.advance(1000);
    log.appendAsLeader(makeBatch(5, T0), 0);
    expect(log.recoveryPoint).toBe(15);
  });

  it('a simulated crash loses exactly what was not fsynced, and reopening recovers the rest', () => {
    log = openLog(tmp.dir, { segmentBytes: 1500 }, clock);
    for (let i = 0; i < 5; i++) log.appendAsLeader(makeBatch(5, T0, 100), 0);
    log.flush();
    const flushed = log.logEndOffset;
    for (let i = 0; i < 5; i++) log.appendAsLeader(makeBatch(5, T0, 100), 0);
    // rolls fsynced whole segments; whatever is past the last fsync is lost
    const durable = Math.max(flushed, log.recoveryPoint);
    log.simulateCrashLosingUnflushed();
    log = openLog(tmp.dir, { segmentBytes: 1500 }, clock);
    expect(log.logEndOffset).toBe(durable);
    expect(readAll(log).at(-1)!.lastOffset).toBe(durable - 1);
    log.appendAsLeader(makeBatch(5, T0, 100), 0);
    expect(log.logEndOffset).toBe(durable + 5);
  });

  it('close writes the recovery point at the log end, so reopening recovers nothing', () => {
    log = openLog(tmp.dir, {}, clock);
    log.appendAsLeader(makeBatch(5, T0), 0);
    log.close();
    expect(existsSync(join(tmp.dir, 'recovery-point-checkpoint'))).toBe(true);
    log = openLog(tmp.dir, {}, clock);
    expect(log.recoveryPoint).toBe(5);
    expect(log.recoveryReports).toEqual([]);
  });
});
