import { DEFAULT_CONFIG_PROPERTIES_EXCLUDE } from './config-sync.js';
import { DEFAULT_GROUPS, DEFAULT_GROUPS_EXCLUDE } from './group-filter.js';
import { DEFAULT_TOPICS, DEFAULT_TOPICS_EXCLUDE } from './topic-filter.js';

/**
 * Every key a mirror flow or cluster accepts, in one table, spelled as MirrorMaker 2 spells it and with
 * MM2's default unless `doc` says otherwise. `prop` is the field of the typed config; `kind` says how a
 * string from an MM2 properties file becomes a value; `format` is the convict format that validates it.
 */
export interface MirrorConfigKey {
  readonly key: string;
  readonly prop: string;
  readonly doc: string;
  readonly kind: 'string' | 'boolean' | 'number' | 'list';
  readonly format: string | readonly string[] | StringConstructor;
  readonly default: string | number | boolean | null;
}

const TEN_MINUTES = 600;

export const FLOW_KEYS: readonly MirrorConfigKey[] = [
  {
    key: 'source',
    prop: 'source',
    kind: 'string',
    format: 'mirror-alias',
    default: null,
    doc: 'Alias of the cluster the flow reads from (a key of `clusters`). Required.',
  },
  {
    key: 'target',
    prop: 'target',
    kind: 'string',
    format: 'mirror-alias',
    default: null,
    doc: 'Alias of the cluster the flow writes to (a key of `clusters`). Required.',
  },
  {
    key: 'enabled',
    prop: 'enabled',
    kind: 'boolean',
    format: 'mirror-boolean',
    default: true,
    doc: 'Whether the flow runs. Listing a flow is asking for it, so true here; `A->B.enabled` in an MM2 properties file defaults to false as in MM2.',
  },
  {
    key: 'topics',
    prop: 'topics',
    kind: 'list',
    format: 'mirror-regex-list',
    default: DEFAULT_TOPICS,
    doc: 'Topics to mirror: comma-separated Java regexes (or a JSON array), each matched against the whole name.',
  },
  {
    key: 'topics.exclude',
    prop: 'topicsExclude',
    kind: 'list',
    format: 'mirror-regex-list',
    default: DEFAULT_TOPICS_EXCLUDE,
    doc: 'Topics never mirrored, even when `topics` matches them.',
  },
  {
    key: 'groups',
    prop: 'groups',
    kind: 'list',
    format: 'mirror-regex-list',
    default: DEFAULT_GROUPS,
    doc: 'Consumer groups whose offsets are checkpointed and synced.',
  },
  {
    key: 'groups.exclude',
    prop: 'groupsExclude',
    kind: 'list',
    format: 'mirror-regex-list',
    default: DEFAULT_GROUPS_EXCLUDE,
    doc: 'Consumer groups never checkpointed, even when `groups` matches them.',
  },
  {
    key: 'config.properties.exclude',
    prop: 'configPropertiesExclude',
    kind: 'list',
    format: 'mirror-regex-list',
    default: DEFAULT_CONFIG_PROPERTIES_EXCLUDE,
    doc: 'Topic configs never copied to remote topics.',
  },
  {
    key: 'replication.policy',
    prop: 'replicationPolicy',
    kind: 'string',
    format: ['default', 'identity'],
    default: 'default',
    doc: "Remote topic names: 'default' is `<source alias><separator><topic>`, 'identity' keeps the name (acyclic topologies only). MM2: replication.policy.class.",
  },
  {
    key: 'replication.policy.separator',
    prop: 'replicationPolicySeparator',
    kind: 'string',
    format: 'mirror-separator',
    default: '.',
    doc: 'Separator between the source alias and the topic in remote topic names.',
  },
  {
    key: 'replication.policy.internal.topic.separator.enabled',
    prop: 'replicationPolicyInternalTopicSeparatorEnabled',
    kind: 'boolean',
    format: 'mirror-boolean',
    default: true,
    doc: "Use the separator in internal topic names too (mm2-offset-syncs, checkpoints); false means always '.'.",
  },
  {
    key: 'sync.topic.configs.enabled',
    prop: 'syncTopicConfigsEnabled',
    kind: 'boolean',
    format: 'mirror-boolean',
    default: true,
    doc: 'Copy topic configs to remote topics, and keep them in sync.',
  },
  {
    key: 'sync.topic.configs.interval.seconds',
    prop: 'syncTopicConfigsIntervalSeconds',
    kind: 'number',
    format: 'mirror-seconds',
    default: TEN_MINUTES,
    doc: 'How often topic configs are synced.',
  },
  {
    key: 'refresh.topics.enabled',
    prop: 'refreshTopicsEnabled',
    kind: 'boolean',
    format: 'mirror-boolean',
    default: true,
    doc: 'Look for new topics and partitions on the source periodically.',
  },
  {
    key: 'refresh.topics.interval.seconds',
    prop: 'refreshTopicsIntervalSeconds',
    kind: 'number',
    format: 'mirror-seconds',
    default: TEN_MINUTES,
    doc: 'How often the source is checked for new topics and partitions (fractions allowed, for tests).',
  },
  {
    key: 'refresh.groups.enabled',
    prop: 'refreshGroupsEnabled',
    kind: 'boolean',
    format: 'mirror-boolean',
    default: true,
    doc: 'Look for new consumer groups on the source periodically.',
  },
  {
    key: 'refresh.groups.interval.seconds',
    prop: 'refreshGroupsIntervalSeconds',
    kind: 'number',
    format: 'mirror-seconds',
    default: TEN_MINUTES,
    doc: 'How often the source is checked for new consumer groups.',
  },
  {
    key: 'emit.checkpoints.enabled',
    prop: 'emitCheckpointsEnabled',
    kind: 'boolean',
    format: 'mirror-boolean',
    default: true,
    doc: 'Write translated group offsets to `<source>.checkpoints.internal` on the target.',
  },
  {
    key: 'emit.checkpoints.interval.seconds',
    prop: 'emitCheckpointsIntervalSeconds',
    kind: 'number',
    format: 'mirror-seconds',
    default: 60,
    doc: 'How often checkpoints are written.',
  },
  {
    key: 'sync.group.offsets.enabled',
    prop: 'syncGroupOffsetsEnabled',
    kind: 'boolean',
    format: 'mirror-boolean',
    default: false,
    doc: 'Commit translated offsets into target groups that have no active member there (never backwards).',
  },
  {
    key: 'sync.group.offsets.interval.seconds',
    prop: 'syncGroupOffsetsIntervalSeconds',
    kind: 'number',
    format: 'mirror-seconds',
    default: 60,
    doc: 'How often group offsets are synced.',
  },
  {
    key: 'emit.heartbeats.enabled',
    prop: 'emitHeartbeatsEnabled',
    kind: 'boolean',
    format: 'mirror-boolean',
    default: true,
    doc: 'Write heartbeats to the `heartbeats` topic.',
  },
  {
    key: 'emit.heartbeats.interval.seconds',
    prop: 'emitHeartbeatsIntervalSeconds',
    kind: 'number',
    format: 'mirror-seconds',
    default: 1,
    doc: 'How often heartbeats are written.',
  },
  {
    key: 'heartbeats.replication.enabled',
    prop: 'heartbeatsReplicationEnabled',
    kind: 'boolean',
    format: 'mirror-boolean',
    default: true,
    doc: 'Mirror heartbeats topics even when `topics` does not select them.',
  },
  {
    key: 'emit.offset-syncs.enabled',
    prop: 'emitOffsetSyncsEnabled',
    kind: 'boolean',
    format: 'mirror-boolean',
    default: true,
    doc: 'Write offset-syncs (needed for checkpoints and group offset sync).',
  },
  {
    key: 'replication.factor',
    prop: 'replicationFactor',
    kind: 'number',
    format: 'mirror-replication-factor',
    default: 2,
    doc: "Replication factor of remote topics; -1 takes the target broker's default.",
  },
  {
    key: 'offset-syncs.topic.replication.factor',
    prop: 'offsetSyncsTopicReplicationFactor',
    kind: 'number',
    format: 'mirror-replication-factor',
    default: 3,
    doc: 'Replication factor of mm2-offset-syncs.<alias>.internal; -1 for the broker default.',
  },
  {
    key: 'checkpoints.topic.replication.factor',
    prop: 'checkpointsTopicReplicationFactor',
    kind: 'number',
    format: 'mirror-replication-factor',
    default: 3,
    doc: 'Replication factor of <source>.checkpoints.internal; -1 for the broker default.',
  },
  {
    key: 'heartbeats.topic.replication.factor',
    prop: 'heartbeatsTopicReplicationFactor',
    kind: 'number',
    format: 'mirror-replication-factor',
    default: 3,
    doc: 'Replication factor of heartbeats; -1 for the broker default.',
  },
  {
    key: 'offset-syncs.topic.location',
    prop: 'offsetSyncsTopicLocation',
    kind: 'string',
    format: ['source', 'target'],
    default: 'source',
    doc: 'Cluster that holds mm2-offset-syncs.<target alias>.internal.',
  },
  {
    key: 'offset.lag.max',
    prop: 'offsetLagMax',
    kind: 'number',
    format: 'nat',
    default: 100,
    doc: 'Records the target may run ahead of the last offset-sync before a new one is written (MM2); Ferry also writes one at every discontinuity.',
  },
  {
    key: 'tasks.max',
    prop: 'tasksMax',
    kind: 'number',
    format: 'positive-int',
    default: 1,
    doc: "Most tasks the flow's partitions are spread over.",
  },
];

export const CLUSTER_KEYS: readonly MirrorConfigKey[] = [
  {
    key: 'bootstrap.servers',
    prop: 'bootstrapServers',
    kind: 'list',
    format: 'mirror-bootstrap-servers',
    default: null,
    doc: 'host:port of some brokers of the cluster, comma-separated or a JSON array. Required.',
  },
  {
    key: 'client.id',
    prop: 'clientId',
    kind: 'string',
    format: String,
    default: 'ferry-mirror',
    doc: "Client id Ferry's connections to this cluster send.",
  },
  {
    key: 'security.protocol',
    prop: 'securityProtocol',
    kind: 'string',
    format: ['PLAINTEXT'],
    default: 'PLAINTEXT',
    doc: 'Only PLAINTEXT is supported for now.',
  },
  {
    key: 'request.timeout.ms',
    prop: 'requestTimeoutMs',
    kind: 'number',
    format: 'positive-int',
    default: 30000,
    doc: 'How long a request may wait for its response.',
  },
  {
    key: 'socket.connection.setup.timeout.ms',
    prop: 'connectTimeoutMs',
    kind: 'number',
    format: 'positive-int',
    default: 10000,
    doc: 'How long a connection may take to open.',
  },
  {
    key: 'reconnect.backoff.ms',
    prop: 'reconnectBackoffMs',
    kind: 'number',
    format: 'nat',
    default: 50,
    doc: 'First wait before reconnecting to a broker; doubles per failure.',
  },
  {
    key: 'reconnect.backoff.max.ms',
    prop: 'reconnectBackoffMaxMs',
    kind: 'number',
    format: 'nat',
    default: 1000,
    doc: 'Longest wait between reconnection attempts.',
  },
  {
    key: 'retry.backoff.ms',
    prop: 'retryBackoffMs',
    kind: 'number',
    format: 'nat',
    default: 100,
    doc: 'Wait before retrying a request that failed with a retriable error.',
  },
];

/** Dots are convict's path separator and no MM2 key has '_', so '_' stands for '.' inside convict. */
export function convictName(key: string): string {
  return key.replaceAll('.', '_');
}
