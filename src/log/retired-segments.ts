import { DELETED_FILE_SUFFIX } from './log-file-names.js';
import type { LogSegment } from './log-segment.js';

interface RetiredSegment {
  readonly segment: LogSegment;
  readonly dueMs: number;
}

/**
 * Segments a partition log has taken out (retention, truncation, a compaction swap), already renamed
 * `.deleted`, whose files are removed once file.delete.delay.ms has passed. Their descriptors are closed.
 *
 * Owned by one PartitionLog, which serialises access to it.
 */
export class RetiredSegments {
  private retired: RetiredSegment[] = [];

  /** Removes a retired segment's `.deleted` files now, or after `delayMs` (file.delete.delay.ms). */
  scheduleDeletion(segment: LogSegment, now: number, delayMs: number): void {
    if (delayMs <= 0) segment.deleteFiles(DELETED_FILE_SUFFIX);
    else this.retired.push({ segment, dueMs: now + delayMs });
  }

  /** Removes the `.deleted` files whose delay has passed; returns how many segments went. */
  removeDue(nowMs: number): number {
    const due = this.retired.filter((r) => r.dueMs <= nowMs);
    if (due.length === 0) return 0;
    this.retired = this.retired.filter((r) => r.dueMs > nowMs);
    for (const r of due) r.segment.deleteFiles(DELETED_FILE_SUFFIX);
    return due.length;
  }

  /** The log closes: the files stay for the next open to remove. */
  closeAll(): void {
    for (const r of this.retired) r.segment.closeAbruptly();
  }
}
