import { existsSync, readFileSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/common/clock.js';
import {
  CLEANER_OFFSET_CHECKPOINT_FILE,
  logFilePath,
  offsetIndexFilePath,
  SWAP_FILE_SUFFIX,
  timeIndexFilePath,
  transactionIndexFilePath,
} from '../../../src/log/log-file-names.js';
import type { PartitionLog } from '../../../src/log/partition-log.js';
import { type AbortedTxn, TransactionIndex } from '../../../src/log/transaction-index.js';
import { makeBatch, openLog, readAll, TempLogDir } from './log-test-helpers.js';

const T0 = 1_700_000_000_000;
const CONFIG = { segmentBytes: 3000, indexIntervalBytes: 100 };
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

/** 20 batches of 5 records (offsets 0..99) over several segments; leaves the log crashed (recovery point 0). */
function writeCrashed(): number[] {
  const l = openLog(tmp.dir, CONFIG, clock);
  for (let i = 0; i < 20; i++) l.appendAsLeader(makeBatch(5, T0 + i, 100), 0);
  const bases = l.segmentBaseOffsets();
  l.close();
  // make the next open treat everything as unflushed
  writeFileSync(`${tmp.dir}/recovery-point-checkpoint`, '0\n1\ntopic 0 0\n');
  return bases;
}

describe('recovery on open', () => {
  it('truncates a write torn in the middle of a batch at the last whole batch', () => {
    const bases = writeCrashed();
    const last = logFilePath(tmp.dir, bases.at(-1)!);
    const size = statSync(last).size;
    truncateSync(last, size - 50);
    log = openLog(tmp.dir, CONFIG, clock);
    expect(log.recoveryReports).toHaveLength(1);
    const report = log.recoveryReports[0]!;
    expect(report.segment).toBe(bases.at(-1));
    expect(report.reason).toMatch(/runs past the end/);
    expect(log.logEndOffset).toBe(95);
    expect(statSync(last).size).toBe(size - 50 - report.truncatedBytes);
    expect(readAll(log).map((b) => b.baseOffset)).toEqual(Array.from({ length: 19 }, (_, i) => i * 5));
    // the log takes appends again at the new end
    log.appendAsLeader(makeBatch(5, T0, 100), 0);
    expect(log.logEndOffset).toBe(100);
  });

  it('truncates at a batch whose CRC-covered bytes were flipped, and drops later segments', () => {
    const bases = writeCrashed();
    expect(bases.length).toBeGreaterThan(2);
    const victim = logFilePath(tmp.dir, bases[1]!);
    const bytes = readFileSync(victim);
    // second batch of the segment: flip a byte in its records
    const firstSize = 12 + bytes.readInt32BE(8);
    bytes[firstSize + 100]! ^= 0x01;
    writeFileSync(victim, bytes);
    log = openLog(tmp.dir, CONFIG, clock);
    const report = log.recoveryReports.find((r) => r.truncatedBytes > 0)!;
    expect(report.segment).toBe(bases[1]);
    expect(report.reason).toMatch(/CRC/);
    expect(report.truncatedBytes).toBe(bytes.length - firstSize);
    expect(report.deletedSegments).toEqual(bases.slice(2));
    for (const b of bases.slice(2)) expect(existsSync(logFilePath(tmp.dir, b))).toBe(false);
    expect(log.logEndOffset).toBe(bases[1]! + 5);
    const read = readAll(log);
    expect(read.at(-1)!.lastOffset).toBe(bases[1]! + 4);
    expect(read).toHaveLength(bases[1]! / 5 + 1);
  });

  it('rebuilds a deleted index file and reports it, keeping all data', () => {
    const l = openLog(tmp.dir, CONFIG, clock);
    for (let i = 0; i < 20; i++) l.appendAsLeader(makeBatch(5, T0 + i, 100), 0);
    const bases = l.segmentBaseOffsets();
    l.close();
    const indexPath = offsetIndexFilePath(tmp.dir, bases[0]!);
    const original = readFileSync(indexPath);
    expect(original.length).toBeGreaterThan(0);
    unlinkSync(indexPath);
    unlinkSync(timeIndexFilePath(tmp.dir, bases[0]!));
    log = openLog(tmp.dir, CONFIG, clock);
    expect(log.recoveryReports).toEqual([
      expect.objectContaining({
        segment: bases[0],
        truncatedBytes: 0,
        reason: expect.stringMatching(/missing/),
      }),
    ]);
    expect(readFileSync(indexPath)).toEqual(original);
    expect(readAll(log)).toHaveLength(20);
    expect(log.fetchOffsetByTimestamp(T0 + 7)).toMatchObject({ offset: 19, timestamp: T0 + 7 });
  });

  it('rebuilds a corrupt index (misaligned, or entries pointing past the log)', () => {
    const l = openLog(tmp.dir, CONFIG, clock);
    for (let i = 0; i < 20; i++) l.appendAsLeader(makeBatch(5, T0 + i, 100), 0);
    const bases = l.segmentBaseOffsets();
    l.close();
    const first = offsetIndexFilePath(tmp.dir, bases[0]!);
    const original = readFileSync(first);
    writeFileSync(first, Buffer.concat([original, Buffer.from([1, 2, 3])]));
    const second = offsetIndexFilePath(tmp.dir, bases[1]!);
    const garbage = readFileSync(second);
    garbage.writeInt32BE(0x7fff0000, garbage.length - 4);
    writeFileSync(second, garbage);
    log = openLog(tmp.dir, CONFIG, clock);
    expect(log.recoveryReports.map((r) => r.segment)).toEqual([bases[0], bases[1]]);
    expect(log.recoveryReports.every((r) => r.truncatedBytes === 0)).toBe(true);
    expect(readFileSync(first)).toEqual(original);
    expect(readAll(log)).toHaveLength(20);
    for (let o = 0; o < 100; o += 7) {
      const b = readAll(log, o)[0]!;
      expect(b.baseOffset <= o && o <= b.lastOffset).toBe(true);
    }
  });

  it('a file of garbage never throws out of open and earlier segments survive', () => {
    const bases = writeCrashed();
    writeFileSync(logFilePath(tmp.dir, bases.at(-1)!), Buffer.alloc(500, 0xab));
    log = openLog(tmp.dir, CONFIG, clock);
    expect(log.logEndOffset).toBe(bases.at(-1));
    expect(log.recoveryReports.at(-1)!.truncatedBytes).toBe(500);
    expect(readAll(log)).toHaveLength(bases.at(-1)! / 5);
  });

  it('removes leftover .deleted and .cleaned files and completes a .swap', () => {
    const l = openLog(tmp.dir, CONFIG, clock);
    for (let i = 0; i < 20; i++) l.appendAsLeader(makeBatch(5, T0 + i, 100), 0);
    const bases = l.segmentBaseOffsets();
    l.close();
    writeFileSync(`${logFilePath(tmp.dir, 9999)}.deleted`, 'x');
    writeFileSync(`${logFilePath(tmp.dir, 8888)}.cleaned`, 'x');
    // a compaction output of the first two segments: the same batches, being swapped in
    const swapped = Buffer.concat([
      readFileSync(logFilePath(tmp.dir, bases[0]!)),
      readFileSync(logFilePath(tmp.dir, bases[1]!)),
    ]);
    writeFileSync(`${logFilePath(tmp.dir, bases[0]!)}.swap`, swapped);
    log = openLog(tmp.dir, { ...CONFIG, segmentBytes: 1 << 20 }, clock);
    expect(existsSync(`${logFilePath(tmp.dir, 9999)}.deleted`)).toBe(false);
    expect(existsSync(`${logFilePath(tmp.dir, 8888)}.cleaned`)).toBe(false);
    expect(existsSync(logFilePath(tmp.dir, bases[1]!))).toBe(false);
    expect(log.segmentBaseOffsets()).toEqual([bases[0], ...bases.slice(2)]);
    expect(readAll(log).map((b) => b.baseOffset)).toEqual(Array.from({ length: 20 }, (_, i) => i * 5));
  });

  it('installs a .txnindex.swap with its log swap, replacing the old txnindex, and keeps the cleaner checkpoint', () => {
    const l = openLog(tmp.dir, CONFIG, clock);
    for (let i = 0; i < 20; i++) l.appendAsLeader(makeBatch(5, T0 + i, 100), 0);
    const bases = l.segmentBaseOffsets();
    l.close();
    const base = bases[0]!;
    const write = (path: string, txns: AbortedTxn[]) => {
      const index = new TransactionIndex(base, path);
      for (const t of txns) index.append(t);
      index.flush();
      index.close();
    };
    const stale: AbortedTxn = { producerId: 1, firstOffset: 0, lastOffset: 3, lastStableOffset: 4 };
    const kept: AbortedTxn = { producerId: 2, firstOffset: 5, lastOffset: 8, lastStableOffset: 9 };
    write(transactionIndexFilePath(tmp.dir, base), [stale]);
    write(transactionIndexFilePath(tmp.dir, base, SWAP_FILE_SUFFIX), [kept]);
    writeFileSync(logFilePath(tmp.dir, base, SWAP_FILE_SUFFIX), readFileSync(logFilePath(tmp.dir, base)));
    // an orphan txnindex swap (no log swap) is dropped
    write(transactionIndexFilePath(tmp.dir, 7777, SWAP_FILE_SUFFIX), [kept]);
    writeFileSync(join(tmp.dir, CLEANER_OFFSET_CHECKPOINT_FILE), '0\n1\n42\n');

    log = openLog(tmp.dir, CONFIG, clock);
    expect(existsSync(transactionIndexFilePath(tmp.dir, base, SWAP_FILE_SUFFIX))).toBe(false);
    expect(existsSync(transactionIndexFilePath(tmp.dir, 7777, SWAP_FILE_SUFFIX))).toBe(false);
    expect(log.collectAbortedTxns(0, 100)).toEqual([kept]);
    expect(readFileSync(join(tmp.dir, CLEANER_OFFSET_CHECKPOINT_FILE), 'utf8')).toBe('0\n1\n42\n');
    expect(readAll(log).map((b) => b.baseOffset)).toEqual(Array.from({ length: 20 }, (_, i) => i * 5));
    log.close();
    log = openLog(tmp.dir, CONFIG, clock);
    expect(log.collectAbortedTxns(0, 100)).toEqual([kept]);
  });
});
