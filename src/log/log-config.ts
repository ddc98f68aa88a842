/**
 * A partition log's settings: Kafka's topic-level configs (`segment.bytes`, `retention.ms`, …) under
 * camelCase names. The broker fills them from its `log.*` defaults and each topic's overrides.
 */
export interface LogConfig {
  /** `segment.bytes`: roll the active segment before it would grow past this. @defaultValue 1 GiB */
  segmentBytes: number;
  /** `segment.ms`: roll the active segment once its first batch is this old. @defaultValue 7 days */
  segmentMs: number;
  /** `segment.index.bytes`: the size an offset index may reach; a full index rolls the segment. @defaultValue 10 MiB */
  segmentIndexBytes: number;
  /** `index.interval.bytes`: log bytes between two offset index entries. @defaultValue 4096 */
  indexIntervalBytes: number;
  /** `max.message.bytes`: largest record batch accepted on append. @defaultValue 1048588 */
  maxMessageBytes: number;
  /** `flush.messages`: fsync after this many records; Long.MAX in Kafka means "leave it to the OS". */
  flushMessages: number;
  /** `flush.ms`: fsync when the oldest unflushed data is this old. */
  flushMs: number;
  /**
   * Ferry's own (broker-wide `log.writeback.bytes`, no topic config): every this many bytes appended to a segment,
   * an fdatasync of it starts in the thread pool, unawaited. Not a durability step (the recovery point does not
   * move): it makes the kernel write dirty pages back steadily, instead of letting gigabytes pile up until its
   * background threshold and then throttling every writer at once — RocksDB's `bytes_per_sync`, or a per-file
   * `vm.dirty_background_bytes`. 0 turns it off. @defaultValue 8 MiB
   */
  writebackBytes: number;
  /** `retention.ms`: delete segments whose newest record is older than this; -1 keeps forever. @defaultValue 7 days */
  retentionMs: number;
  /** `retention.bytes`: delete the oldest segments while the log is larger than this; -1 no limit. */
  retentionBytes: number;
  /** `cleanup.policy`: delete, compact, or both. */
  cleanupPolicy: { delete: boolean; compact: boolean };
  /** `delete.retention.ms`: how long a tombstone survives compaction. @defaultValue 1 day */
  deleteRetentionMs: number;
  /** `min.compaction.lag.ms`: a record younger than this is not compacted yet. @defaultValue 0 */
  minCompactionLagMs: number;
  /** `message.timestamp.type`: keep the producer's CreateTime, or stamp LogAppendTime on append. */
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  /** `compression.type`, as the broker knows it: producer (keep what came) or a codec. Enforced by the broker. */
  compressionType: 'producer' | 'uncompressed' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  /** `file.delete.delay.ms`: how long a deleted segment's files stay renamed `.deleted` before removal. */
  fileDeleteDelayMs: number;
}

/** Kafka's documented defaults, except the flush settings, which Kafka leaves to the OS as Ferry does. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  segmentIndexBytes: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  maxMessageBytes: 1048588,
  flushMessages: Number.MAX_SAFE_INTEGER,
  flushMs: Number.MAX_SAFE_INTEGER,
  writebackBytes: 8 * 1024 * 1024,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  cleanupPolicy: Object.freeze({ delete: true, compact: false }),
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCompactionLagMs: 0,
  messageTimestampType: 'CreateTime',
  compressionType: 'producer',
  fileDeleteDelayMs: 60_000,
});

export function logConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides };
}
