import { readdirSync, renameSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/common/clock.js';
import { type CleanableLog, promoteCleanedToSwap } from '../../../src/log/cleanable-log.js';
import { LogCleaner } from '../../../src/log/log-cleaner.js';
import { DELETED_FILE_SUFFIX, logFilePath, SWAP_FILE_SUFFIX } from '../../../src/log/log-file-names.js';
import type { PartitionLog } from '../../../src/log/partition-log.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { openLog, readAll, TempLogDir } from './log-test-helpers.js';

const T0 = 1_700_000_000_000;
const KEYS = 15;
const COMPACT = {
  cleanupPolicy: { delete: false, compact: true },
  segmentBytes: 2000,
  indexIntervalBytes: 200,
};
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
    // closed by the test
  }
  log = undefined;
  tmp.remove();
});

type Rec = [offset: number, key: string, value: string];

/** 100 batches of 2 records over KEYS keys; every value names its own offset, so kept offsets are checkable. */
function fill(l: PartitionLog): Rec[] {
  const written: Rec[] = [];
  for (let b = 0; b < 100; b++) {
    const base = l.logEndOffset;
    const records = [0, 1].map((j) => {
      const rec: Rec = [base + j, `k${(b * 2 + j) % KEYS}`, `v${base + j}`];
      written.push(rec);
      return { key: Buffer.from(rec[1]), value: Buffer.from(rec[2]), timestamp: T0 + b };
    });
    l.appendAsLeader(encodeRecordBatchSync({ records }), 0);
  }
  l.updateHighWatermark(l.logEndOffset);
  return written;
}

/** What compaction must leave: the active segment whole, below it the latest record of each key. */
function expectedAfterClean(written: Rec[], activeBase: number): Rec[] {
  const latest = new Map<string, number>();
  for (const [offset, key] of written) if (offset < activeBase) latest.set(key, offset);
  return written.filter(([offset, key]) => offset >= activeBase || latest.get(key) === offset);
}

function records(l: PartitionLog): Rec[] {
  return readAll(l).flatMap((b) =>
    decodeRecordBatchSync(b.bytes).records.map(
      (r): Rec => [r.offset, r.key?.toString() ?? '', r.value?.toString() ?? ''],
    ),
  );
}

function cleaner(): LogCleaner {
  return new LogCleaner({ clock, dedupeBufferSize: 1 << 20 });
}

describe('compaction of a PartitionLog', () => {
  it('keeps the latest value per key with its offset, leaves the active segment alone, and survives a reopen', async () => {
    log = openLog(tmp.dir, COMPACT, clock);
    const written = fill(log);
    expect(log.numberOfSegments).toBeGreaterThanOrEqual(5);
    const activeBase = log.activeSegment.baseOffset;
    const before = log.size;
    expect(log.dirtyRatio()).toBe(1);

    const result = await log.maybeClean(cleaner());
    expect(result?.cleaned).toBe(true);
    expect(result?.groupsAbandoned).toBe(0);
    const expected = expectedAfterClean(written, activeBase);
    expect(expected.length).toBeLessThan(written.length / 2);
    expect(records(log)).toEqual(expected);
    expect(log.size).toBeLessThan(before);
    expect(log.logEndOffset).toBe(written.length);
    expect(log.dirtyRatio()).toBe(0);
    // nothing dirty: no second pass
    expect(await log.maybeClean(cleaner())).toBeUndefined();
    // the replaced segments' files are gone, and reads through the rebuilt indexes start anywhere
    expect(readdirSync(tmp.dir).filter((n) => n.endsWith(DELETED_FILE_SUFFIX))).toEqual([]);
    expect(records(log).filter(([o]) => o >= 57)).toEqual(expected.filter(([o]) => o >= 57));

    log.close();
    log = openLog(tmp.dir, COMPACT, clock);
    expect(log.recoveryReports).toEqual([]);
    expect(records(log)).toEqual(expected);
    // appends continue after the compacted log
    log.appendAsLeader(
      encodeRecordBatchSync({ records: [{ key: Buffer.from('k0'), value: Buffer.from('x') }] }),
      0,
    );
    expect(log.logEndOffset).toBe(written.length + 1);
  });

  it('runs only past min.cleanable.dirty.ratio and only for compacted topics', async () => {
    log = openLog(tmp.dir, { ...COMPACT, cleanupPolicy: { delete: true, compact: false } }, clock);
    fill(log);
    expect(await log.maybeClean(cleaner())).toBeUndefined();
    log.updateConfig({ ...log.config, cleanupPolicy: { delete: false, compact: true } });
    expect((await log.maybeClean(cleaner(), 0.5))?.cleaned).toBe(true);
    // a few more segments of dirty data against many clean ones: below 0.5, but above 0
    for (let i = 0; i < 8; i++) {
      log.appendAsLeader(
        encodeRecordBatchSync({ records: [{ key: Buffer.from(`k${i}`), value: Buffer.alloc(100) }] }),
        0,
      );
    }
    log.roll();
    log.updateHighWatermark(log.logEndOffset);
    const ratio = log.dirtyRatio();
    expect(ratio).toBeGreaterThan(0);
    expect(await log.maybeClean(cleaner(), Math.min(1, ratio + 0.01))).toBeUndefined();
    expect((await log.maybeClean(cleaner(), 0))?.cleaned).toBe(true);
  });

  it('refuses a swap whose segments a truncation changed, and a swap of the active segment', async () => {
    log = openLog(tmp.dir, COMPACT, clock);
    fill(log);
    const inactive = log.inactiveSegments();
    const last = inactive.at(-1)!;
    // the active segment (or a list running into it) is never replaced
    expect(log.replaceSegments(log.activeSegment.baseOffset, [log.activeSegment])).toBe(false);
    expect(log.replaceSegments(last.baseOffset, [last, log.activeSegment])).toBe(false);
    // not consecutive
    expect(log.replaceSegments(inactive[0]!.baseOffset, [inactive[0]!, inactive[2]!])).toBe(false);
    // a truncation into the last inactive segment makes it the active one
    log.truncateTo(last.baseOffset + 1);
    expect(log.replaceSegments(last.baseOffset, [last])).toBe(false);
  });

  it('a truncation during a pass voids its swaps and leaves the log as truncated', async () => {
    log = openLog(tmp.dir, COMPACT, clock);
    const written = fill(log);
    const l = log;
    const inner = cleaner();
    // truncate from inside the pass, at the point where the first swap is asked for
    const truncating: CleanableLog = {
      dir: l.dir,
      config: l.config,
      logStartOffset: l.logStartOffset,
      inactiveSegments: () => l.inactiveSegments(),
      lastStableOffset: () => l.lastStableOffset(),
      collectAbortedTxns: (s, e) => l.collectAbortedTxns(s, e),
      replaceSegments: (base, replaced) => {
        l.truncateTo(150);
        return l.replaceSegments(base, replaced);
      },
    };
    // maybeClean marks the pass; route its cleaner through the truncating view
    const result = await l.maybeClean({ clean: () => inner.clean(truncating) } as unknown as LogCleaner, 0);
    expect(result === undefined || result.groupsAbandoned > 0).toBe(true);
    expect(records(l)).toEqual(written.filter(([o]) => o < l.logEndOffset));
    expect(readdirSync(tmp.dir).filter((n) => n.includes('.cleaned') || n.includes('.swap'))).toEqual([]);
  });

  for (const stage of ['after .cleaned became .swap', 'after the old segments became .deleted'] as const) {
    it(`a crash ${stage} is finished by the loader on reopen`, async () => {
      log = openLog(tmp.dir, COMPACT, clock);
      const written = fill(log);
      // what the crash must not lose: everything is fsynced before the pass
      log.flush();
      const activeBase = log.activeSegment.baseOffset;
      const l = log;
      // One group for the whole pass, whose swap stops at the staged step as a crash would.
      const crashing: CleanableLog = {
        dir: l.dir,
        config: { ...l.config, segmentBytes: 1 << 30 },
        logStartOffset: l.logStartOffset,
        inactiveSegments: () => l.inactiveSegments(),
        lastStableOffset: () => l.lastStableOffset(),
        collectAbortedTxns: (s, e) => l.collectAbortedTxns(s, e),
        replaceSegments: (base, replaced) => {
          promoteCleanedToSwap(l.dir, base);
          if (stage === 'after the old segments became .deleted') {
            for (const s of replaced) {
              renameSync(
                logFilePath(l.dir, s.baseOffset),
                logFilePath(l.dir, s.baseOffset, DELETED_FILE_SUFFIX),
              );
            }
          }
          throw new Error('crash');
        },
      };
      await expect(cleaner().clean(crashing)).rejects.toThrow('crash');
      expect(readdirSync(tmp.dir).filter((n) => n.endsWith(SWAP_FILE_SUFFIX)).length).toBeGreaterThan(0);
      l.simulateCrashLosingUnflushed();

      log = openLog(tmp.dir, COMPACT, clock);
      const expected = expectedAfterClean(written, activeBase);
      expect(records(log)).toEqual(expected);
      expect(
        readdirSync(tmp.dir).filter((n) => n.endsWith(SWAP_FILE_SUFFIX) || n.endsWith(DELETED_FILE_SUFFIX)),
      ).toEqual([]);
      log.close();
      log = openLog(tmp.dir, COMPACT, clock);
      expect(log.recoveryReports).toEqual([]);
      expect(records(log)).toEqual(expected);
    });
  }
});
