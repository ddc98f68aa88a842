import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { LogConfig } from './log-config.js';
import type { LogAppendInfo } from './log-validator.js';

/** ListOffsets' special timestamps. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;
export const MAX_TIMESTAMP = -3;

/** Where an offset sits in the log: what the fetch path and delayed fetches compare positions with. */
export interface LogOffsetMetadata {
  readonly messageOffset: number;
  readonly segmentBaseOffset: number;
  readonly relativePositionInSegment: number;
}

export interface FetchDataInfo {
  /** Whole record batches, undecoded; empty when nothing qualifies. */
  readonly records: Buffer;
  /** Where the read started: the batch holding the fetch offset (or the log end for an empty read). */
  readonly fetchOffsetMetadata: LogOffsetMetadata;
}

export interface TimestampAndOffset {
  readonly timestamp: number;
  readonly offset: number;
  /** Leader epoch that wrote the offset, when the epoch cache knows it. */
  readonly leaderEpoch?: number;
}

export interface AppendResult extends LogAppendInfo {
  /** A producer retried a batch the log already holds: nothing was written, the offsets are the original's. */
  readonly duplicate: boolean;
}

export interface PartitionLogOptions {
  /** The partition directory, `<topic>-<partition>`; created by the caller. */
  dir: string;
  config: LogConfig;
  clock?: Clock;
  /** A `componentLogger(parent, 'log', {topic, partition, broker})`. */
  logger?: Logger;
  /** The high watermark the replication layer last checkpointed; the log start offset otherwise. */
  highWatermark?: number;
  producerIdExpirationMs?: number;
}
