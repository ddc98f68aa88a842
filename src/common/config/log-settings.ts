import type { LogConfig } from '../../log/log-config.js';
import type { FerryConfig } from './load-config.js';

/** The broker's `log.*` defaults as the LogConfig every partition starts from before topic overrides. */
export function logConfigFromBrokerConfig(config: FerryConfig): LogConfig {
  const num = (key: string) => config.get(key) as number;
  const policy = (config.get('log.cleanup.policy') as string).split(',').map((p) => p.trim());
  return {
    segmentBytes: num('log.segment.bytes'),
    segmentMs: num('log.roll.ms'),
    segmentIndexBytes: num('log.index.size.max.bytes'),
    indexIntervalBytes: num('log.index.interval.bytes'),
    maxMessageBytes: num('message.max.bytes'),
    flushMessages: num('log.flush.interval.messages'),
    flushMs: num('log.flush.interval.ms'),
    writebackBytes: num('log.writeback.bytes'),
    retentionMs: num('log.retention.ms'),
    retentionBytes: num('log.retention.bytes'),
    cleanupPolicy: { delete: policy.includes('delete'), compact: policy.includes('compact') },
    deleteRetentionMs: num('log.cleaner.delete.retention.ms'),
    minCompactionLagMs: num('log.cleaner.min.compaction.lag.ms'),
    messageTimestampType: config.get('log.message.timestamp.type') as LogConfig['messageTimestampType'],
    compressionType: config.get('compression.type') as LogConfig['compressionType'],
    fileDeleteDelayMs: num('log.segment.delete.delay.ms'),
  };
}
