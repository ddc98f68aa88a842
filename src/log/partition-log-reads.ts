import type { LogSegments } from './log-segments.js';
import { type FetchDataInfo, MAX_TIMESTAMP } from './partition-log-types.js';
import type { AbortedTxn } from './transaction-index.js';

/**
 * The reads of a PartitionLog that span its segments: Fetch (whole batches from the segment holding the
 * fetch offset), the aborted transactions a read_committed fetch needs, and ListOffsets by timestamp. The
 * log checks the offset range and that it is open; these only walk the segments, and run synchronously
 * inside the log's call, which the log's owner serialises.
 */

/**
 * Whole batches from the segment holding `fetchOffset` (or the next one that has any), none at or past
 * `upper`; an empty read at the log end when none qualifies. `into` as for LogSegment.read.
 */
export function readFromSegments(
  segments: LogSegments,
  fetchOffset: number,
  maxBytes: number,
  upper: number,
  minOneMessage: boolean,
  into: Buffer | undefined,
): FetchDataInfo {
  const all = segments.all();
  let i = Math.max(0, all.indexOf(segments.floorSegment(fetchOffset) ?? all[0]!));
  if (fetchOffset < upper) {
    for (; i < all.length; i++) {
      const segment = all[i]!;
      const read = segment.read(fetchOffset, maxBytes, upper, minOneMessage, into);
      if (read === undefined) continue;
      return {
        records: read.records,
        fetchOffsetMetadata: {
          messageOffset: fetchOffset,
          segmentBaseOffset: segment.baseOffset,
          relativePositionInSegment: read.position,
        },
      };
    }
  }
  const active = segments.active();
  return {
    records: Buffer.alloc(0),
    fetchOffsetMetadata: {
      messageOffset: fetchOffset,
      segmentBaseOffset: active.baseOffset,
      relativePositionInSegment: active.size,
    },
  };
}

/** Aborted transactions overlapping [startOffset, upperBoundOffset), for read_committed fetches. */
export function collectAbortedTransactions(
  segments: LogSegments,
  startOffset: number,
  upperBoundOffset: number,
): AbortedTxn[] {
  const out: AbortedTxn[] = [];
  for (const segment of segments.from(startOffset)) {
    if (segment.baseOffset >= upperBoundOffset) break;
    const found = segment.txnIndex.collectAbortedTxns(startOffset, upperBoundOffset);
    out.push(...found.abortedTransactions);
    if (found.isComplete) break;
  }
  return out;
}

/**
 * MAX_TIMESTAMP → the batch with the largest timestamp, otherwise the first offset at or after
 * `logStartOffset` whose timestamp is >= `timestamp`; undefined when none is.
 */
export function findOffsetByTimestamp(
  segments: LogSegments,
  timestamp: number,
  logStartOffset: number,
): { timestamp: number; offset: number } | undefined {
  if (timestamp === MAX_TIMESTAMP) {
    let best: { timestamp: number; offset: number } | undefined;
    for (const segment of segments.all()) {
      const ts = segment.maxTimestampSoFar;
      if (ts >= 0 && (best === undefined || ts > best.timestamp)) {
        best = { timestamp: ts, offset: segment.offsetOfMaxTimestampSoFar };
      }
    }
    return best;
  }
  for (const segment of segments.all()) {
    if (segment.size === 0 || segment.maxTimestampSoFar < timestamp) continue;
    const found = segment.findOffsetByTimestamp(timestamp, logStartOffset);
    if (found !== undefined) return found;
  }
  return undefined;
}
