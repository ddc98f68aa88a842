/**
 * Every key Ferry's broker-side config knows, in one flat table, spelled as Kafka spells the broker setting
 * where Kafka has one (`log.segment.bytes`, `message.max.bytes`, …). `toConvictSchema` turns the table into
 * convict's nested schema, with one `FERRY_*` environment variable per key (dots become underscores).
 */
export interface ConfigKey {
  readonly key: string;
  readonly doc: string;
  readonly format: string | readonly string[] | StringConstructor | BooleanConstructor;
  readonly default: string | number | boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const CONFIG_KEYS: readonly ConfigKey[] = [
  {
    key: 'data.dir',
    doc: "Directory under which clusters keep their brokers' data.",
    format: String,
    default: './data',
  },
  {
    key: 'broker.rack',
    doc: 'Rack (or zone) of the brokers this process runs; replicas of a partition are spread across racks.',
    format: String,
    default: '',
  },
  {
    key: 'listener.host',
    doc: 'Address the brokers listen on and advertise to clients.',
    format: String,
    default: '127.0.0.1',
  },
  {
    key: 'socket.request.max.bytes',
    doc: 'Largest request frame a broker reads; a larger one closes the connection.',
    format: 'positive-int',
    default: 104857600,
  },
  {
    key: 'connections.max.idle.ms',
    doc: 'Connections idle this long are closed by the broker.',
    format: 'positive-int',
    default: 600000,
  },
  {
    key: 'num.partitions',
    doc: 'Partitions of an automatically created topic.',
    format: 'positive-int',
    default: 1,
  },
  {
    key: 'default.replication.factor',
    doc: 'Replication factor of an automatically created topic, or of one created with replication factor -1.',
    format: 'positive-int',
    default: 1,
  },
  {
    key: 'auto.create.topics.enable',
    doc: 'Create a topic when a client asks for metadata or produces to a topic that does not exist.',
    format: Boolean,
    default: true,
  },
  {
    key: 'min.insync.replicas',
    doc: 'Replicas that must be in sync for an acks=all produce to succeed.',
    format: 'positive-int',
    default: 1,
  },
  {
    key: 'offsets.topic.num.partitions',
    doc: 'Partitions of __consumer_offsets (fixed once the topic exists).',
    format: 'positive-int',
    default: 50,
  },
  {
    key: 'offsets.topic.replication.factor',
    doc: 'Replication factor of __consumer_offsets (capped at the number of brokers of an embedded cluster).',
    format: 'positive-int',
    default: 3,
  },
  {
    key: 'offset.metadata.max.bytes',
    doc: 'Largest metadata string an offset commit may carry.',
    format: 'positive-int',
    default: 4096,
  },
  {
    key: 'group.initial.rebalance.delay.ms',
    doc: 'How long the first rebalance of an empty group waits for more members to join.',
    format: 'nat',
    default: 3000,
  },
  {
    key: 'group.min.session.timeout.ms',
    doc: 'Smallest session timeout a consumer may ask for.',
    format: 'positive-int',
    default: 6000,
  },
  {
    key: 'group.max.session.timeout.ms',
    doc: 'Largest session timeout a consumer may ask for.',
    format: 'positive-int',
    default: 1800000,
  },
  {
    key: 'transaction.state.log.num.partitions',
    doc: 'Partitions of __transaction_state (fixed once the topic exists).',
    format: 'positive-int',
    default: 50,
  },
  {
    key: 'transaction.state.log.replication.factor',
    doc: 'Replication factor of __transaction_state (capped at the number of brokers of an embedded cluster).',
    format: 'positive-int',
    default: 3,
  },
  {
    key: 'transaction.max.timeout.ms',
    doc: 'Largest transaction timeout a producer may ask for.',
    format: 'positive-int',
    default: 900000,
  },
  {
    key: 'replica.lag.time.max.ms',
    doc: 'A follower that has not caught up with the leader for this long leaves the ISR.',
    format: 'positive-int',
    default: 30000,
  },
  {
    key: 'leader.imbalance.check.interval.seconds',
    doc: 'How often the controller moves leadership back to preferred replicas (auto.leader.rebalance.enable).',
    format: 'positive-int',
    default: 300,
  },
  {
    key: 'broker.session.timeout.ms',
    doc: 'A broker without a heartbeat for this long is fenced and its leaderships move to other replicas.',
    format: 'positive-int',
    default: 2000,
  },
  {
    key: 'broker.heartbeat.interval.ms',
    doc: 'How often a broker heartbeats to the controller.',
    format: 'positive-int',
    default: 500,
  },
  {
    key: 'unclean.leader.election.enable',
    doc: 'Elect a leader from outside the ISR when no ISR member is alive, at the price of losing data.',
    format: Boolean,
    default: false,
  },
  {
    key: 'auto.leader.rebalance.enable',
    doc: 'Move leadership back to the preferred replica when it is in sync.',
    format: Boolean,
    default: true,
  },
  {
    key: 'logging.level',
    doc: "Level of Ferry's own log lines (pino).",
    format: 'log-level',
    default: 'info',
  },
  {
    key: 'logging.pretty',
    doc: 'Human-readable log lines instead of JSON.',
    format: Boolean,
    default: false,
  },
  {
    key: 'log.segment.bytes',
    doc: "Size at which a partition's active segment is rolled.",
    format: 'positive-int',
    default: 1073741824,
  },
  {
    key: 'log.roll.ms',
    doc: "Age at which a partition's active segment is rolled.",
    format: 'positive-int',
    default: 7 * DAY_MS,
  },
  {
    key: 'log.index.size.max.bytes',
    doc: "Largest size of a segment's offset index; a full index rolls the segment.",
    format: 'positive-int',
    default: 10485760,
  },
  {
    key: 'log.index.interval.bytes',
    doc: 'Log bytes between two offset index entries.',
    format: 'positive-int',
    default: 4096,
  },
  {
    key: 'log.flush.interval.messages',
    doc: 'Records appended before a partition is fsynced.',
    format: 'positive-int',
    default: Number.MAX_SAFE_INTEGER,
  },
  {
    key: 'log.flush.interval.ms',
    doc: 'Age of the oldest unflushed data at which a partition is fsynced.',
    format: 'positive-int',
    default: Number.MAX_SAFE_INTEGER,
  },
  {
    key: 'log.writeback.bytes',
    doc:
      "Ferry's own: bytes appended to a segment between two unawaited fdatasyncs in the thread pool, so that the " +
      'kernel writes dirty pages back steadily instead of stalling every writer at its dirty threshold; not a ' +
      'durability step (the recovery point does not move); 0 turns it off.',
    format: 'nat',
    default: 8388608,
  },
  {
    key: 'log.flush.scheduler.interval.ms',
    doc: 'How often the broker checks which partitions need an fsync.',
    format: 'positive-int',
    default: 1000,
  },
  {
    key: 'log.retention.ms',
    doc: 'Age past which whole segments are deleted; -1 keeps them.',
    format: 'long-or-unlimited',
    default: 7 * DAY_MS,
  },
  {
    key: 'log.retention.bytes',
    doc: 'Partition size past which the oldest segments are deleted; -1 for no limit.',
    format: 'long-or-unlimited',
    default: -1,
  },
  {
    key: 'log.retention.check.interval.ms',
    doc: 'How often retention runs.',
    format: 'positive-int',
    default: 300000,
  },
  {
    key: 'log.cleanup.policy',
    doc: 'delete, compact, or compact,delete.',
    format: 'cleanup-policy',
    default: 'delete',
  },
  {
    key: 'log.cleaner.delete.retention.ms',
    doc: 'How long tombstones survive compaction.',
    format: 'nat',
    default: DAY_MS,
  },
  {
    key: 'log.cleaner.min.compaction.lag.ms',
    doc: 'Records younger than this are not compacted.',
    format: 'nat',
    default: 0,
  },
  {
    key: 'log.cleaner.enable',
    doc: 'Run compaction for topics whose cleanup.policy includes compact.',
    format: Boolean,
    default: true,
  },
  {
    key: 'log.cleaner.backoff.ms',
    doc: 'Pause between compaction passes over a broker’s compacted partitions.',
    format: 'positive-int',
    default: 15000,
  },
  {
    key: 'log.cleaner.dedupe.buffer.size',
    doc: "Memory of a broker's compaction key map (Kafka's default is 128 MiB; brokers of an embedded cluster share one process, so Ferry's is smaller). A pass with more keys continues in the next pass.",
    format: 'positive-int',
    default: 16777216,
  },
  {
    key: 'log.cleaner.min.cleanable.ratio',
    doc: 'Share of a log that must be uncompacted before a compaction pass runs.',
    format: 'ratio',
    default: 0.5,
  },
  {
    key: 'log.segment.delete.delay.ms',
    doc: "How long a deleted segment's files wait, renamed .deleted, before removal.",
    format: 'nat',
    default: 60000,
  },
  {
    key: 'log.message.timestamp.type',
    doc: "CreateTime keeps the producer's timestamps; LogAppendTime stamps the broker's.",
    format: ['CreateTime', 'LogAppendTime'],
    default: 'CreateTime',
  },
  {
    key: 'message.max.bytes',
    doc: 'Largest record batch the broker accepts.',
    format: 'positive-int',
    default: 1048588,
  },
  {
    key: 'compression.type',
    doc: 'Codec the broker stores batches in: producer keeps what the producer sent.',
    format: ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'],
    default: 'producer',
  },
];

export function envVarFor(key: string): string {
  return `FERRY_${key.replace(/[.-]/g, '_').toUpperCase()}`;
}

type SchemaNode = { [name: string]: SchemaNode | ConvictLeaf };
interface ConvictLeaf {
  doc: string;
  format: unknown;
  default: unknown;
  env: string;
}

export function toConvictSchema(keys: readonly ConfigKey[] = CONFIG_KEYS): SchemaNode {
  const root: SchemaNode = {};
  for (const k of keys) {
    const path = k.key.split('.');
    let node = root;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (next && 'doc' in next) throw new Error(`config key ${k.key} nests under the key ${part}`);
      node[part] = next ?? {};
      node = node[part] as SchemaNode;
    }
    node[path.at(-1)!] = {
      doc: k.doc,
      format: Array.isArray(k.format) ? [...k.format] : k.format,
      default: k.default,
      env: envVarFor(k.key),
    };
  }
  return root;
}
