import type { FerryConfig } from '../common/config/index.js';
import type { LogConfig } from '../log/log-config.js';
import { KafkaError } from '../protocol/errors/index.js';

type Kind = 'long' | 'int' | 'boolean' | 'string';

/**
 * A topic-level config as Kafka defines it: its name, the broker setting it defaults to (`retention.ms` ←
 * `log.retention.ms`), its type and what values it accepts. CreateTopics, AlterConfigs and
 * IncrementalAlterConfigs validate against this table and answer INVALID_CONFIG naming the key, the value and
 * what was expected; DescribeConfigs lists it.
 */
export interface TopicConfigDef {
  readonly name: string;
  readonly brokerKey: string | undefined;
  readonly kind: Kind;
  readonly min?: number;
  readonly oneOf?: readonly string[];
  /** Kafka's fallback where Ferry has no broker-level key. */
  readonly fallback?: string;
  readonly doc: string;
}

const LONG_MAX = '9223372036854775807';

/**
 * Ferry's topic-level write freeze (issue 6, cutover step 2). Lives in the metadata log like every topic
 * config, so a freeze survives broker restarts and leader changes.
 */
export const FERRY_WRITE_FREEZE = 'ferry.write.freeze';

/** Whether a topic's overrides freeze client writes. */
export function isWriteFrozen(overrides: ReadonlyMap<string, string>): boolean {
  return overrides.get(FERRY_WRITE_FREEZE) === 'true';
}

/**
 * The one client id a write freeze lets through (a cutover's reverse flow writing back into the frozen
 * topics): Ferry has no authentication, so the request header's client id stands in for the principal that
 * Kafka operators would exempt with an ACL. Ferry's own, so the mirror never syncs it (config-sync.ts).
 */
export const FERRY_WRITE_FREEZE_EXEMPT_CLIENT_ID = 'ferry.write.freeze.exempt.client.id';

/** The client id a topic's write freeze exempts; '' exempts nobody. */
export function writeFreezeExemptClientId(overrides: ReadonlyMap<string, string>): string {
  return overrides.get(FERRY_WRITE_FREEZE_EXEMPT_CLIENT_ID) ?? '';
}

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  { name: 'cleanup.policy', brokerKey: 'log.cleanup.policy', kind: 'string', doc: 'delete, compact or both' },
  {
    name: 'compression.type',
    brokerKey: 'compression.type',
    kind: 'string',
    oneOf: ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'],
    doc: 'codec the broker stores batches in',
  },
  {
    name: 'delete.retention.ms',
    brokerKey: 'log.cleaner.delete.retention.ms',
    kind: 'long',
    min: 0,
    doc: '',
  },
  { name: 'file.delete.delay.ms', brokerKey: 'log.segment.delete.delay.ms', kind: 'long', min: 0, doc: '' },
  { name: 'flush.messages', brokerKey: 'log.flush.interval.messages', kind: 'long', min: 1, doc: '' },
  { name: 'flush.ms', brokerKey: 'log.flush.interval.ms', kind: 'long', min: 0, doc: '' },
  { name: 'index.interval.bytes', brokerKey: 'log.index.interval.bytes', kind: 'int', min: 0, doc: '' },
  { name: 'max.message.bytes', brokerKey: 'message.max.bytes', kind: 'int', min: 0, doc: '' },
  {
    name: 'message.timestamp.type',
    brokerKey: 'log.message.timestamp.type',
    kind: 'string',
    oneOf: ['CreateTime', 'LogAppendTime'],
    doc: '',
  },
  {
    name: 'min.compaction.lag.ms',
    brokerKey: 'log.cleaner.min.compaction.lag.ms',
    kind: 'long',
    min: 0,
    doc: '',
  },
  { name: 'max.compaction.lag.ms', brokerKey: undefined, kind: 'long', min: 1, fallback: LONG_MAX, doc: '' },
  { name: 'min.cleanable.dirty.ratio', brokerKey: undefined, kind: 'string', fallback: '0.5', doc: '' },
  { name: 'min.insync.replicas', brokerKey: 'min.insync.replicas', kind: 'int', min: 1, doc: '' },
  { name: 'retention.bytes', brokerKey: 'log.retention.bytes', kind: 'long', min: -1, doc: '' },
  { name: 'retention.ms', brokerKey: 'log.retention.ms', kind: 'long', min: -1, doc: '' },
  { name: 'segment.bytes', brokerKey: 'log.segment.bytes', kind: 'int', min: 14, doc: '' },
  { name: 'segment.index.bytes', brokerKey: 'log.index.size.max.bytes', kind: 'int', min: 8, doc: '' },
  { name: 'segment.ms', brokerKey: 'log.roll.ms', kind: 'long', min: 1, doc: '' },
  {
    name: 'unclean.leader.election.enable',
    brokerKey: 'unclean.leader.election.enable',
    kind: 'boolean',
    doc: '',
  },
  { name: 'message.downconversion.enable', brokerKey: undefined, kind: 'boolean', fallback: 'true', doc: '' },
  { name: 'preallocate', brokerKey: undefined, kind: 'boolean', fallback: 'false', doc: '' },
  {
    name: 'leader.replication.throttled.replicas',
    brokerKey: undefined,
    kind: 'string',
    fallback: '',
    doc: '',
  },
  {
    name: 'follower.replication.throttled.replicas',
    brokerKey: undefined,
    kind: 'string',
    fallback: '',
    doc: '',
  },
  {
    // Ferry's own, not Kafka's: Kafka has no topic-level write freeze (operators deny writes with ACLs).
    name: FERRY_WRITE_FREEZE,
    brokerKey: undefined,
    kind: 'boolean',
    fallback: 'false',
    doc:
      "Ferry's own topic config (not Kafka's): while true, the topic's leaders refuse client produce " +
      'requests with the retriable NOT_ENOUGH_REPLICAS (a migration cutover); replication and internal ' +
      'appends go on',
  },
  {
    name: FERRY_WRITE_FREEZE_EXEMPT_CLIENT_ID,
    brokerKey: undefined,
    kind: 'string',
    fallback: '',
    doc:
      "Ferry's own topic config (not Kafka's): while ferry.write.freeze is true, a produce request whose " +
      "header client id equals this value exactly is accepted (a cutover's reverse flow); empty exempts nobody",
  },
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return BY_NAME.get(name);
}

/** Throws INVALID_CONFIG unless `name=value` is a valid topic config. */
export function validateTopicConfig(name: string, value: string | null): void {
  const def = BY_NAME.get(name);
  if (def === undefined) throw new KafkaError('INVALID_CONFIG', `unknown topic config '${name}'`);
  if (value === null) return;
  const bad = (expected: string) =>
    new KafkaError('INVALID_CONFIG', `invalid value '${value}' for config '${name}': expected ${expected}`);
  switch (def.kind) {
    case 'long':
    case 'int': {
      if (!/^-?\d+$/.test(value.trim())) throw bad(def.kind === 'int' ? 'an integer' : 'a long');
      const n = Number(value);
      if (def.kind === 'int' && (n > 2147483647 || n < -2147483648)) throw bad('an int32');
      if (def.min !== undefined && n < def.min) throw bad(`a value >= ${def.min}`);
      return;
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw bad('true or false');
      return;
    case 'string':
      if (def.oneOf && !def.oneOf.includes(value)) throw bad(`one of ${def.oneOf.join(', ')}`);
      if (name === 'cleanup.policy') {
        const parts = value.split(',').map((p) => p.trim());
        if (parts.length === 0 || parts.some((p) => p !== 'delete' && p !== 'compact')) {
          throw bad("'delete', 'compact' or 'compact,delete'");
        }
      }
      return;
  }
}

/** The value of a topic config: the topic's override, else the broker's setting, else Kafka's default. */
export function effectiveTopicConfig(
  name: string,
  overrides: ReadonlyMap<string, string>,
  broker: FerryConfig,
): { value: string; source: 'topic' | 'broker' | 'default' } {
  const override = overrides.get(name);
  if (override !== undefined) return { value: override, source: 'topic' };
  const def = BY_NAME.get(name);
  if (def?.brokerKey !== undefined) {
    const value = broker.get(def.brokerKey) as string | number | boolean;
    // Ferry's "never" for a long (flush.ms, flush.messages) is the largest exact JS number; Kafka's tools and
    // clients know Long.MAX_VALUE as that meaning, so it is shown as Kafka shows it.
    if (def.kind === 'long' && value === Number.MAX_SAFE_INTEGER)
      return { value: LONG_MAX, source: 'default' };
    return { value: String(value), source: 'default' };
  }
  return { value: def?.fallback ?? '', source: 'default' };
}

/** A partition's LogConfig: the broker's log defaults with the topic's overrides applied. */
export function logConfigFor(base: LogConfig, overrides: ReadonlyMap<string, string>): LogConfig {
  const num = (name: string, fallback: number) => {
    const v = overrides.get(name);
    return v === undefined ? fallback : Number(v);
  };
  const policy = overrides.get('cleanup.policy');
  const parts = policy?.split(',').map((p) => p.trim());
  return {
    ...base,
    segmentBytes: num('segment.bytes', base.segmentBytes),
    segmentMs: num('segment.ms', base.segmentMs),
    segmentIndexBytes: num('segment.index.bytes', base.segmentIndexBytes),
    indexIntervalBytes: num('index.interval.bytes', base.indexIntervalBytes),
    maxMessageBytes: num('max.message.bytes', base.maxMessageBytes),
    flushMessages: num('flush.messages', base.flushMessages),
    flushMs: num('flush.ms', base.flushMs),
    retentionMs: num('retention.ms', base.retentionMs),
    retentionBytes: num('retention.bytes', base.retentionBytes),
    cleanupPolicy: parts
      ? { delete: parts.includes('delete'), compact: parts.includes('compact') }
      : base.cleanupPolicy,
    deleteRetentionMs: num('delete.retention.ms', base.deleteRetentionMs),
    minCompactionLagMs: num('min.compaction.lag.ms', base.minCompactionLagMs),
    messageTimestampType:
      (overrides.get('message.timestamp.type') as LogConfig['messageTimestampType'] | undefined) ??
      base.messageTimestampType,
    compressionType:
      (overrides.get('compression.type') as LogConfig['compressionType'] | undefined) ?? base.compressionType,
    fileDeleteDelayMs: num('file.delete.delay.ms', base.fileDeleteDelayMs),
  };
}
