import { existsSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../common/logger.js';
import type { LogConfig } from './log-config.js';
import {
  CLEANED_FILE_SUFFIX,
  DELETED_FILE_SUFFIX,
  filenamePrefixFromOffset,
  INDEX_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  offsetFromFileName,
  SWAP_FILE_SUFFIX,
  TEMP_FILE_SUFFIX,
  TIME_INDEX_FILE_SUFFIX,
  TXN_INDEX_FILE_SUFFIX,
} from './log-file-names.js';
import { LogSegment, type RecoveredBatchVisitor } from './log-segment.js';
import { LogSegments } from './log-segments.js';

/** One thing recovery changed: a truncated tail, a rebuilt index, or segments dropped after corruption. */
export interface RecoveryReport {
  /** Base offset of the segment concerned. */
  readonly segment: number;
  readonly truncatedBytes: number;
  readonly reason: string;
  /** Base offsets of later segments deleted because this one was corrupt. */
  readonly deletedSegments?: readonly number[];
}

export interface LoadedSegments {
  readonly segments: LogSegments;
  readonly reports: RecoveryReport[];
  /** Base offsets of segments whose every batch was verified and whose indexes were rebuilt. */
  readonly recovered: ReadonlySet<number>;
}

export interface LoadOptions {
  dir: string;
  config: LogConfig;
  nowMs: number;
  logger: Logger;
  /** Offset below which everything was fsynced; 0 (verify everything) when unknown. */
  recoveryPoint: number;
  /** Where an empty log starts. */
  logStartOffset: number;
  /** Sees every batch of a recovered segment. */
  onRecoveredBatch?: RecoveredBatchVisitor;
}

/**
 * Opens a partition directory (Kafka's LogLoader):
 *
 * 1. leftovers: `.deleted` and `.cleaned` files are removed (an interrupted delete or compaction), `.tmp`
 *    checkpoint files too; a `.log.swap` (a compaction output whose swap was interrupted) replaces the
 *    segments whose offsets it covers and is renamed into place with its `.txnindex.swap`; offset and time
 *    index `.swap` files are dropped (rebuilt); index files without a `.log` are removed. Other files
 *    (checkpoints, `cleaner-offset-checkpoint`, producer snapshots) are left alone.
 * 2. every segment opens with its indexes; a missing, misaligned or inconsistent index is rebuilt.
 * 3. every segment that may hold offsets at or past the recovery point is recovered: each batch is verified
 *    (structure, CRC-32C, growing offsets), the indexes rebuilt, and a torn or corrupt tail truncated at the
 *    last good batch. A segment truncated for corruption drops every later segment (their offsets would follow
 *    a hole). Valid data before the first bad byte is never dropped, and nothing here throws for bad data.
 *
 * Every change is logged and returned as a RecoveryReport.
 */
export function loadSegments(opts: LoadOptions): LoadedSegments {
  const { dir, config, nowMs, logger } = opts;
  const reports: RecoveryReport[] = [];
  const recovered = new Set<number>();
  cleanLeftovers(dir, config, nowMs, logger);

  const bases = readdirSync(dir)
    .filter((name) => name.endsWith(LOG_FILE_SUFFIX))
    .map(offsetFromFileName)
    .filter((base): base is number => base !== undefined)
    .sort((a, b) => a - b);

  const segments = new LogSegments();
  const opened: { segment: LogSegment; indexProblem?: string }[] = bases.map((base) =>
    LogSegment.open(dir, base, config, nowMs),
  );
  for (let i = 0; i < opened.length; i++) {
    const { segment, indexProblem } = opened[i]!;
    const next = opened[i + 1]?.segment;
    const isLast = next === undefined;
    let reason: string | undefined = indexProblem;
    if (reason === undefined && (next === undefined || next.baseOffset > opts.recoveryPoint)) {
      // The segment may hold offsets at or past the recovery point; its tail scan says whether it does.
      const tailProblem = segment.tailProblem();
      if (tailProblem !== undefined) reason = tailProblem;
      else if (
        segment.nextOffset > opts.recoveryPoint ||
        (isLast && segment.baseOffset > opts.recoveryPoint)
      ) {
        reason = `holds offsets from the recovery point ${opts.recoveryPoint} on`;
      }
    }
    if (reason === undefined) {
      segments.add(segment);
      if (lostBetween(segment, next, opts.recoveryPoint, dir, opened.slice(i + 1), reports, logger)) break;
      continue;
    }
    const result = segment.recover(opts.onRecoveredBatch);
    // The rebuilt indexes and whatever recovery kept are made durable now, whatever the recovery point.
    segment.flush();
    recovered.add(segment.baseOffset);
    segments.add(segment);
    if (result.truncatedBytes > 0) {
      const dropped = opened.slice(i + 1).map((o) => o.segment);
      for (const d of dropped) d.deleteFiles();
      const report: RecoveryReport = {
        segment: segment.baseOffset,
        truncatedBytes: result.truncatedBytes,
        reason: result.reason ?? reason,
        ...(dropped.length > 0 ? { deletedSegments: dropped.map((d) => d.baseOffset) } : {}),
      };
      logger.warn({ ...report, dir }, 'recovery truncated a segment at its last valid batch');
      reports.push(report);
      break;
    }
    if (indexProblem !== undefined) {
      const report: RecoveryReport = { segment: segment.baseOffset, truncatedBytes: 0, reason: indexProblem };
      logger.warn({ ...report, dir }, 'rebuilt the indexes of a segment');
      reports.push(report);
    }
    if (lostBetween(segment, next, opts.recoveryPoint, dir, opened.slice(i + 1), reports, logger)) break;
  }
  // An emptied last segment that follows a non-empty one is kept: its base is where the next append goes.
  if (segments.isEmpty()) {
    segments.add(LogSegment.create(dir, opts.logStartOffset, config, nowMs));
  }
  return { segments, reports, recovered };
}

function cleanLeftovers(dir: string, config: LogConfig, nowMs: number, logger: Logger): void {
  const names = readdirSync(dir);
  for (const name of names) {
    if (
      name.endsWith(DELETED_FILE_SUFFIX) ||
      name.endsWith(CLEANED_FILE_SUFFIX) ||
      name.endsWith(TEMP_FILE_SUFFIX)
    ) {
      logger.info({ file: name }, 'removing leftover file');
      unlinkSync(join(dir, name));
    } else if (
      name.endsWith(SWAP_FILE_SUFFIX) &&
      !name.endsWith(`${LOG_FILE_SUFFIX}${SWAP_FILE_SUFFIX}`) &&
      !name.endsWith(`${TXN_INDEX_FILE_SUFFIX}${SWAP_FILE_SUFFIX}`)
    ) {
      unlinkSync(join(dir, name));
    }
  }
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(`${LOG_FILE_SUFFIX}${SWAP_FILE_SUFFIX}`)) continue;
    completeSwap(dir, name, config, nowMs, logger);
  }
  // A txnindex swap whose log swap is gone belongs to no swap in progress: installSwapFiles renames the
  // txnindex first, so this cannot follow a completed swap; it is an orphan.
  for (const name of readdirSync(dir)) {
    if (name.endsWith(`${TXN_INDEX_FILE_SUFFIX}${SWAP_FILE_SUFFIX}`)) unlinkSync(join(dir, name));
  }
  for (const name of readdirSync(dir)) {
    const isIndex =
      name.endsWith(INDEX_FILE_SUFFIX) ||
      name.endsWith(TIME_INDEX_FILE_SUFFIX) ||
      name.endsWith(TXN_INDEX_FILE_SUFFIX);
    if (!isIndex) continue;
    const base = offsetFromFileName(name);
    if (base === undefined) continue;
    const logName = `${name.slice(0, name.indexOf('.'))}${LOG_FILE_SUFFIX}`;
    if (!existsSync(join(dir, logName))) {
      logger.info({ file: name }, 'removing index without a log file');
      unlinkSync(join(dir, name));
    }
  }
}

/**
 * A `.log.swap` holds a finished compaction of the segments from its base offset up to its next offset: those
 * segments are replaced by it (Kafka's rule). Its `.txnindex.swap`, when there is one, replaces the txnindex at
 * the base; without one the existing txnindex is kept (installSwapFiles renames the txnindex first, so it may
 * already be the new one; an old one only lists aborted ranges whose data is gone, which readers skip
 * harmlessly). The offset and time indexes are rebuilt here.
 */
function completeSwap(dir: string, swapName: string, config: LogConfig, nowMs: number, logger: Logger): void {
  const base = offsetFromFileName(swapName);
  if (base === undefined) return;
  const prefix = swapName.slice(0, swapName.indexOf('.'));
  const logName = `${prefix}${LOG_FILE_SUFFIX}`;
  const tmpName = `${prefix}${LOG_FILE_SUFFIX}${SWAP_FILE_SUFFIX}`;
  // The old segment at the swap's base, if any, is what the swap replaces; the rename overwrites it.
  const replaced = readdirSync(dir)
    .filter((n) => n.endsWith(LOG_FILE_SUFFIX))
    .map(offsetFromFileName)
    .filter((b): b is number => b !== undefined && b >= base);
  const txnSwap = join(dir, `${prefix}${TXN_INDEX_FILE_SUFFIX}${SWAP_FILE_SUFFIX}`);
  if (existsSync(txnSwap)) renameSync(txnSwap, join(dir, `${prefix}${TXN_INDEX_FILE_SUFFIX}`));
  renameSync(join(dir, tmpName), join(dir, logName));
  for (const ext of [INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX]) {
    const p = join(dir, `${prefix}${ext}`);
    if (existsSync(p)) unlinkSync(p);
  }
  const { segment } = LogSegment.open(dir, base, config, nowMs);
  segment.recover(undefined, true);
  segment.flush();
  const next = segment.nextOffset;
  segment.close();
  for (const b of replaced) {
    if (b === base || b >= next) continue;
    const p = filenamePrefixFromOffset(b);
    for (const ext of [LOG_FILE_SUFFIX, INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX]) {
      const f = join(dir, `${p}${ext}`);
      if (existsSync(f)) unlinkSync(f);
    }
  }
  logger.info({ file: swapName, base, next }, 'completed an interrupted segment swap');
}

/**
 * A segment is created at the log end when the previous one rolls, so past the recovery point the next segment
 * always starts exactly where the previous one ends. A crash that lost the unfsynced tail of a rolled segment
 * (its flush runs after the roll) while a later segment's file survived leaves a hole: the offsets in it were never
 * durable, and everything after it must go too, or the log would skip offsets. Returns whether it cut there.
 */
function lostBetween(
  segment: LogSegment,
  next: LogSegment | undefined,
  recoveryPoint: number,
  dir: string,
  later: readonly { segment: LogSegment }[],
  reports: RecoveryReport[],
  logger: Logger,
): boolean {
  if (next === undefined || next.baseOffset <= recoveryPoint || next.baseOffset <= segment.nextOffset)
    return false;
  const dropped = later.map((o) => o.segment);
  for (const d of dropped) d.deleteFiles();
  const report: RecoveryReport = {
    segment: segment.baseOffset,
    truncatedBytes: 0,
    reason: `offsets ${segment.nextOffset} to ${next.baseOffset - 1} were lost before they were fsynced`,
    deletedSegments: dropped.map((d) => d.baseOffset),
  };
  logger.warn({ ...report, dir }, 'recovery found a hole after a segment and dropped the segments after it');
  reports.push(report);
  return true;
}
