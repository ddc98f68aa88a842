import type { Logger } from '../common/logger.js';
import { installSwapFiles, promoteCleanedToSwap } from './cleanable-log.js';
import type { LogConfig } from './log-config.js';
import { DELETED_FILE_SUFFIX } from './log-file-names.js';
import { LogSegment } from './log-segment.js';

/**
 * The compaction side of a PartitionLog (its CleanableLog implementation delegates here): the state of its
 * maybeClean pass, the file steps of a swap, and the dirty ratio that decides whether a pass runs. The
 * steps of a swap and the loader's crash rule are in cleanable-log.ts.
 *
 * Owned by one PartitionLog, which serialises access; a pass spans awaits, so the log reports every
 * truncation and retention deletion to `CleaningPass.logChanged` while it runs.
 */
export class CleaningPass {
  private inProgress = false;
  private abortedValue = false;

  /** A maybeClean pass is running. */
  get running(): boolean {
    return this.inProgress;
  }

  /** The log was truncated or lost segments to retention during the running pass: its swaps must fail. */
  get aborted(): boolean {
    return this.abortedValue;
  }

  /** A truncation during the pass makes its swaps fail (Kafka aborts the cleaning). */
  logChanged(): void {
    if (this.inProgress) this.abortedValue = true;
  }

  /**
   * Runs one pass. A failure after the log changed or closed under it means the pass is simply void
   * (undefined); any other failure is rethrown.
   */
  async run<T>(clean: () => Promise<T>, isClosed: () => boolean, logger: Logger): Promise<T | undefined> {
    this.inProgress = true;
    this.abortedValue = false;
    try {
      return await clean();
    } catch (err) {
      // A truncation or retention closes segments the pass is reading; the pass is then simply void.
      if (this.abortedValue || isClosed()) {
        logger.info({ err: String(err) }, 'compaction abandoned: the log changed under it');
        return undefined;
      }
      throw err;
    } finally {
      this.inProgress = false;
      this.abortedValue = false;
    }
  }
}

/**
 * The file steps of a compaction swap: puts `<cleanedBaseOffset>.log.cleaned` (and its txnindex) in place of
 * `old`, which are closed and renamed `.deleted`, and opens, verifies and fsyncs the new segment. The caller
 * has checked that `old` are still consecutive inactive segments of its log, and puts the result in their
 * place; nothing may run between the check and that.
 */
export function swapInCleanedSegment(
  dir: string,
  config: LogConfig,
  logger: Logger,
  cleanedBaseOffset: number,
  old: readonly LogSegment[],
  now: number,
): LogSegment {
  promoteCleanedToSwap(dir, cleanedBaseOffset); // committed from here: the loader finishes the swap
  for (const segment of old) {
    segment.closeAbruptly();
    segment.changeFileSuffixes('', DELETED_FILE_SUFFIX);
  }
  installSwapFiles(dir, cleanedBaseOffset);
  const { segment } = LogSegment.open(dir, cleanedBaseOffset, config, now);
  const recovery = segment.recover(undefined, true);
  segment.onBecomeInactiveSegment();
  segment.flush();
  if (recovery.truncatedBytes > 0) {
    // The cleaner fsynced a whole output; a bad batch in it is a bug there, not a crash.
    logger.error(
      { segment: cleanedBaseOffset, ...recovery },
      'a compacted segment failed verification and was truncated',
    );
  }
  return segment;
}

/**
 * The share of cleanable bytes not compacted yet (0 when nothing is cleanable): cleanable segments are the
 * inactive ones wholly below the last stable offset `lso`; dirty ones end after `firstDirty`.
 */
export function dirtyRatioOf(inactive: readonly LogSegment[], firstDirty: number, lso: number): number {
  let total = 0;
  let dirty = 0;
  for (const segment of inactive) {
    if (segment.nextOffset > lso) break;
    total += segment.size;
    if (segment.nextOffset > firstDirty) dirty += segment.size;
  }
  return total === 0 ? 0 : dirty / total;
}
