import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { type Clock, systemClock } from '../common/clock.js';
import { type Logger, silentLogger } from '../common/logger.js';
import { baseOffset as batchBaseOffset, partitionLeaderEpoch } from '../protocol/records/batch-header.js';
import { LeaderEpochFileCache } from './leader-epoch-cache.js';
import {
  LOG_START_OFFSET_CHECKPOINT_FILE,
  parseTopicPartition,
  RECOVERY_POINT_CHECKPOINT_FILE,
  type TopicPartition,
} from './log-file-names.js';
import { loadSegments, type RecoveryReport } from './log-loader.js';
import type { LogSegments } from './log-segments.js';
import { PartitionOffsetCheckpoint } from './offset-checkpoint.js';
import type { PartitionLogOptions } from './partition-log-types.js';
import { ProducerStateManager } from './producer-state.js';

/** What opening a partition directory recovered, before the PartitionLog around it exists. */
export interface LoadedPartitionLog {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly topicPartition: TopicPartition;
  readonly segments: LogSegments;
  readonly leaderEpochCache: LeaderEpochFileCache;
  readonly producerState: ProducerStateManager;
  /** Producer state must be replayed from here (then from no lower than the log start offset). */
  readonly replayFrom: number;
  /** Base offsets of the segments recovery rebuilt (their txnindex included). */
  readonly recovered: ReadonlySet<number>;
  readonly reports: readonly RecoveryReport[];
  readonly logStartOffset: number;
  /** The checkpointed recovery point, at most the log end offset. */
  readonly recoveryPoint: number;
  /**
   * What the recovery-point checkpoint on disk says as the loader reads it (an absent file is 0), or
   * undefined when the file is malformed and must be rewritten.
   */
  readonly persistedRecoveryPoint: number | undefined;
  /** Whether the log-start-offset checkpoint on disk, as the loader reads it, already gives `logStartOffset`. */
  readonly logStartOffsetPersisted: boolean;
}

/**
 * The recovery half of PartitionLog.open: reads the recovery-point and log-start-offset checkpoints, loads
 * (and where needed recovers) the segments with LogLoader, brings the leader-epoch cache in line with the
 * log (rebuilt from every segment when its file was corrupt; cut to [logStartOffset, logEndOffset]) and
 * opens the producer state from its snapshot. Never throws for corrupt data: it truncates, rebuilds and
 * reports. Runs before the log exists, so nothing else can touch the directory.
 */
export function loadPartitionLog(opts: PartitionLogOptions): LoadedPartitionLog {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? silentLogger;
  const name = basename(opts.dir);
  const tp = parseTopicPartition(name) ?? { topic: name, partition: 0 };
  const rpCheckpoint = new PartitionOffsetCheckpoint(opts.dir, RECOVERY_POINT_CHECKPOINT_FILE, tp);
  const lsoCheckpoint = new PartitionOffsetCheckpoint(opts.dir, LOG_START_OFFSET_CHECKPOINT_FILE, tp);
  const storedRecoveryPoint = rpCheckpoint.read(logger);
  const storedLogStart = lsoCheckpoint.read(logger);
  // An absent file is not a malformed one: a new log has neither checkpoint (see PartitionLog.open).
  const rpAbsent = storedRecoveryPoint === undefined && !existsSync(rpCheckpoint.path);
  const lsoAbsent = storedLogStart === undefined && !existsSync(lsoCheckpoint.path);
  const checkpointedRecoveryPoint = storedRecoveryPoint ?? 0;
  const checkpointedLogStart = storedLogStart ?? 0;

  const epochCache = LeaderEpochFileCache.open(opts.dir, logger);
  const loaded = loadSegments({
    dir: opts.dir,
    config: opts.config,
    nowMs: clock.nowMs(),
    logger,
    recoveryPoint: checkpointedRecoveryPoint,
    logStartOffset: checkpointedLogStart,
    onRecoveredBatch: (buf, pos) => {
      epochCache.assign(partitionLeaderEpoch(buf, pos), batchBaseOffset(buf, pos));
    },
  });
  const segments = loaded.segments;
  const logEndOffset = segments.active().nextOffset;
  const firstBase = segments.first()!.baseOffset;
  const logStartOffset = Math.min(Math.max(checkpointedLogStart, firstBase), logEndOffset);

  if (epochCache.recoveredFromCorruption) {
    for (const segment of segments.all()) {
      if (loaded.recovered.has(segment.baseOffset)) continue;
      segment.forEachBatchFrom(segment.baseOffset, (buf, pos) => {
        epochCache.assign(partitionLeaderEpoch(buf, pos), batchBaseOffset(buf, pos));
      });
    }
  }
  epochCache.truncateFromEnd(logEndOffset);
  epochCache.truncateFromStart(logStartOffset);

  const { producerState, replayFrom } = ProducerStateManager.open(opts.dir, {
    clock,
    logger,
    recoveryPoint: Math.min(checkpointedRecoveryPoint, logEndOffset),
    logStartOffset,
    ...(opts.producerIdExpirationMs !== undefined
      ? { producerIdExpirationMs: opts.producerIdExpirationMs }
      : {}),
  });

  return {
    clock,
    logger,
    topicPartition: tp,
    segments,
    leaderEpochCache: epochCache,
    producerState,
    replayFrom,
    recovered: loaded.recovered,
    reports: loaded.reports,
    logStartOffset,
    recoveryPoint: Math.min(checkpointedRecoveryPoint, logEndOffset),
    persistedRecoveryPoint: rpAbsent ? 0 : storedRecoveryPoint,
    // Absent, the file means "the first segment's base", which is what logStartOffset is then; the first base
    // only moves through retention, DeleteRecords or full truncation, and each writes the checkpoint.
    logStartOffsetPersisted: lsoAbsent || storedLogStart === logStartOffset,
  };
}
