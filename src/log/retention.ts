import type { LogConfig } from './log-config.js';
import type { LogSegment } from './log-segment.js';

/** Why a segment is deleted; logged with the deletion. */
export type RetentionReason = 'retention.ms' | 'retention.bytes' | 'log start offset';

export interface DeletableSegments {
  readonly segments: LogSegment[];
  readonly reason: RetentionReason;
}

export interface RetentionState {
  readonly segments: readonly LogSegment[];
  readonly logEndOffset: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly nowMs: number;
}

type Predicate = (segment: LogSegment, next: LogSegment | undefined) => boolean;

/**
 * Which whole segments retention may delete, oldest first, as Kafka decides it (UnifiedLog.deleteOldSegments):
 * with `cleanup.policy` delete, first segments past `retention.ms` (their largest timestamp is older than
 * now - retention.ms), then past `retention.bytes` (while the log minus the segment stays >= the limit), and in
 * every policy segments wholly below the log start offset. A segment is eligible only when all its offsets are
 * below the high watermark; the active segment qualifies too (when the HW is at the log end and it is not
 * empty), and the log then rolls before deleting, so a log always keeps an active segment. The scan stops at
 * the first segment that does not qualify: retention never leaves holes.
 *
 * Pure: the PartitionLog applies the answer (and serialises the calls).
 */
export function deletableSegments(config: LogConfig, state: RetentionState): DeletableSegments | undefined {
  if (config.cleanupPolicy.delete) {
    if (config.retentionMs >= 0) {
      const limit = state.nowMs - config.retentionMs;
      const found = scan(state, (segment) => segment.largestTimestamp() < limit);
      if (found.length > 0) return { segments: found, reason: 'retention.ms' };
    }
    if (config.retentionBytes >= 0) {
      let excess = state.segments.reduce((sum, s) => sum + s.size, 0) - config.retentionBytes;
      const found = scan(state, (segment) => {
        if (excess - segment.size < 0) return false;
        excess -= segment.size;
        return true;
      });
      if (found.length > 0) return { segments: found, reason: 'retention.bytes' };
    }
  }
  const found = scan(
    state,
    (_segment, next) => next !== undefined && next.baseOffset <= state.logStartOffset,
  );
  return found.length > 0 ? { segments: found, reason: 'log start offset' } : undefined;
}

function scan(state: RetentionState, predicate: Predicate): LogSegment[] {
  const out: LogSegment[] = [];
  const { segments } = state;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const next = segments[i + 1];
    const upper = next?.baseOffset ?? state.logEndOffset;
    const lastAndEmpty = next === undefined && segment.size === 0;
    if (lastAndEmpty || upper > state.highWatermark || !predicate(segment, next)) break;
    out.push(segment);
  }
  return out;
}
