export type {
  ConsumerOffsetsLogRecord,
  ConsumerOffsetsRecord,
  ConsumerOffsetsStore,
  TransactionalAppend,
} from './consumer-offsets-store.js';
export { CONSUMER_PROTOCOL_TYPE, subscribedTopics } from './consumer-protocol.js';
export {
  DEFAULT_GROUP_COORDINATOR_CONFIG,
  type GroupCoordinatorConfig,
  groupCoordinatorConfig,
} from './group-config.js';
export { GroupCoordinator, type GroupCoordinatorOptions } from './group-coordinator.js';
export {
  CONSUMER_OFFSETS_TOPIC,
  type ConsumerOffsetsKey,
  decodeConsumerOffsetsKey,
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  type GroupMemberValue,
  type GroupMetadataValue,
  type OffsetCommitValue,
} from './group-keys.js';
export type * from './group-types.js';
export { javaStringHashCode, partitionForGroup } from './offsets-partition.js';
export { ClockScheduler, type Scheduler } from './scheduler.js';
