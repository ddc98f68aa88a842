export {
  ConfigSource,
  configPropertyExclusions,
  DEFAULT_CONFIG_PROPERTIES_EXCLUDE,
  shouldReplicateConfigProperty,
  type TargetTopicConfig,
  type TopicConfigEntry,
  targetTopicConfig,
} from './config-sync.js';
export * from './formats/index.js';
export {
  DEFAULT_GROUPS,
  DEFAULT_GROUPS_EXCLUDE,
  GroupFilter,
  type GroupFilterOptions,
} from './group-filter.js';
export {
  loadMirrorConfig,
  type MirrorClusterConfig,
  type MirrorConfig,
  type MirrorFlowConfig,
  parseMirrorConfig,
  type RawMirrorConfig,
} from './mirror-config.js';
export { CLUSTER_KEYS, FLOW_KEYS, type MirrorConfigKey } from './mirror-config-keys.js';
export { PatternList, PatternListError, splitList } from './pattern-list.js';
export {
  createReplicationPolicy,
  DEFAULT_SEPARATOR,
  DefaultReplicationPolicy,
  IdentityReplicationPolicy,
  type ReplicationPolicy,
  type ReplicationPolicyName,
  type ReplicationPolicyOptions,
} from './replication-policy.js';
export {
  DEFAULT_TOPICS,
  DEFAULT_TOPICS_EXCLUDE,
  TopicFilter,
  type TopicFilterOptions,
} from './topic-filter.js';
