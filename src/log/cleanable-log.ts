import { existsSync, renameSync, rmSync } from 'node:fs';
import { fsyncDirectory } from './checkpoint-file.js';
import type { LogConfig } from './log-config.js';
import {
  CLEANED_FILE_SUFFIX,
  logFilePath,
  SWAP_FILE_SUFFIX,
  transactionIndexFilePath,
} from './log-file-names.js';
import type { AbortedTxn } from './transaction-index.js';

/**
 * What the log cleaner needs from a partition log, and nothing more. LogSegment satisfies CleanableSegment as
 * it is; the partition log implements CleanableLog.
 *
 * The swap protocol (crash-safe; Kafka's):
 * 1. the cleaner writes `<base>.log.cleaned` (and `<base>.txnindex.cleaned` when aborted-transaction markers
 *    survive), fsyncs them and the directory. A crash now leaves `.cleaned` files, which the loader deletes.
 * 2. the cleaner calls `replaceSegments`, which runs without yielding (so no append, truncation or retention
 *    interleaves) and, unless the replaced segments are no longer the log's, does:
 *    a. `promoteCleanedToSwap` — `.cleaned` → `.swap`, directory fsynced: from here the swap is committed;
 *    b. renames the replaced segments' files to `.deleted` (deleted later) and drops them from the log;
 *    c. `installSwapFiles` — `.swap` → live names, directory fsynced; opens the new segment (its offset and time
 *       indexes are rebuilt from the log file, which the cleaner does not write).
 * Loader rule after a crash: delete every `*.cleaned` and `*.deleted` file; for every `<B>.log.swap`, read its
 * next offset N (after its last batch), delete the live segments whose base offset is in [B, N), and rename
 * `<B>.log.swap` and `<B>.txnindex.swap` to their live names (the txnindex replaces the old one at B; the
 * offset and time indexes at B are stale and rebuilt). A replaced segment whose base is >= N held only
 * records the cleaner removed; keeping it is harmless (it is compacted again on the next pass).
 */

/** A segment as the cleaner reads it: structurally a subset of LogSegment. */
export interface CleanableSegment {
  readonly baseOffset: number;
  /** The offset after the segment's last batch. */
  readonly nextOffset: number;
  /** Bytes in the `.log` file. */
  readonly size: number;
  /** The newest record timestamp in the segment (min.compaction.lag.ms). */
  largestTimestamp(): number;
  /** Whole batches from the one containing fetchOffset, up to maxBytes (at least one with minOneMessage). */
  read(
    fetchOffset: number,
    maxBytes: number,
    maxOffset: number,
    minOneMessage: boolean,
  ): { readonly records: Buffer } | undefined;
}

export interface CleanableLog {
  /** The partition directory. */
  readonly dir: string;
  readonly config: Pick<
    LogConfig,
    'cleanupPolicy' | 'deleteRetentionMs' | 'minCompactionLagMs' | 'segmentBytes' | 'maxMessageBytes'
  >;
  readonly logStartOffset: number;
  /** Every segment but the active one, in offset order. */
  inactiveSegments(): readonly CleanableSegment[];
  /** Nothing at or above the last stable offset is compacted: its transactions may still be open. */
  lastStableOffset(): number;
  /** Aborted transactions from the txn indexes with lastOffset >= startOffset and firstOffset < endOffset. */
  collectAbortedTxns(startOffset: number, endOffset: number): AbortedTxn[];
  /**
   * The offset of the producer's last data batch in the log (ProducerStateManager.lastDataOffset), so that the
   * cleaner keeps that batch, emptied, when compaction removes all its records: the producer's sequence state
   * must survive a reload. Without it, emptied batches are dropped.
   */
  lastDataOffsetOfProducer?(producerId: number): number | undefined;
  /**
   * Swaps `<cleanedBaseOffset>.log.cleaned` in for `replaced` (consecutive, the first at cleanedBaseOffset),
   * following steps 2a-2c above, without yielding. Returns false, changing nothing, when `replaced` are no longer
   * exactly the log's segments (truncated or deleted meanwhile); the cleaner then discards its output.
   */
  replaceSegments(cleanedBaseOffset: number, replaced: readonly CleanableSegment[]): boolean;
}

const CLEANER_OUTPUTS = [logFilePath, transactionIndexFilePath] as const;

/** Step 2a: renames the cleaned files to `.swap` and makes it durable. */
export function promoteCleanedToSwap(dir: string, baseOffset: number): void {
  for (const path of CLEANER_OUTPUTS) {
    const from = path(dir, baseOffset, CLEANED_FILE_SUFFIX);
    if (existsSync(from)) renameSync(from, path(dir, baseOffset, SWAP_FILE_SUFFIX));
  }
  fsyncDirectory(dir);
}

/**
 * Step 2c: renames the `.swap` files to their live names (after the replaced segments were renamed away). A
 * replaced segment's txnindex at the same base is overwritten, or removed when the output has none.
 */
export function installSwapFiles(dir: string, baseOffset: number): void {
  const swapLog = logFilePath(dir, baseOffset, SWAP_FILE_SUFFIX);
  const swapTxn = transactionIndexFilePath(dir, baseOffset, SWAP_FILE_SUFFIX);
  if (existsSync(swapTxn)) renameSync(swapTxn, transactionIndexFilePath(dir, baseOffset));
  else rmSync(transactionIndexFilePath(dir, baseOffset), { force: true });
  renameSync(swapLog, logFilePath(dir, baseOffset));
  fsyncDirectory(dir);
}

/** Removes an abandoned cleaner output. */
export function discardCleanedFiles(dir: string, baseOffset: number): void {
  for (const path of CLEANER_OUTPUTS) rmSync(path(dir, baseOffset, CLEANED_FILE_SUFFIX), { force: true });
}
