/** The shared log's public face: the per-partition log and what its callers see of it. */
export { DEFAULT_LOG_CONFIG, type LogConfig, logConfig } from './log-config.js';
export {
  LOG_START_OFFSET_CHECKPOINT_FILE,
  parseTopicPartition,
  partitionDirName,
  RECOVERY_POINT_CHECKPOINT_FILE,
  type TopicPartition,
} from './log-file-names.js';
export type { RecoveryReport } from './log-loader.js';
export type { LogAppendInfo } from './log-validator.js';
export {
  type AppendResult,
  EARLIEST_TIMESTAMP,
  type FetchDataInfo,
  LATEST_TIMESTAMP,
  type LogOffsetMetadata,
  MAX_TIMESTAMP,
  PartitionLog,
  type PartitionLogOptions,
  type TimestampAndOffset,
} from './partition-log.js';
export { ReadBufferPool } from './read-buffer-pool.js';
