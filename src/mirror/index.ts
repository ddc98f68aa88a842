/**
 * The mirror layer's public API: the flow layer (MirrorMaker, Flow, their loops and metrics), the data path
 * (task runner, source reader, target writer, resume), the exact offset mapping and its syncs, MirrorMaker 2's
 * record formats, replication policies and filters, and the configuration readers (Ferry's JSON and MM2's
 * properties), the active-active loop guard and producer-id registry, topology validation, verification,
 * and the failover / failback / cutover operations. Callers outside src/mirror import from here.
 */

export { type FilteredRecordSet, type KeptBatch, ReadCommittedFilter } from './batch-filter.js';
export {
  CheckpointEmitter,
  type CheckpointEmitterOptions,
  type CheckpointProduceClient,
  type CheckpointRound,
  type GroupCheckpoints,
} from './checkpoints.js';
export {
  createClusterAdmin,
  effectiveReplicationFactor,
  ensureCompactedTopic,
  ensureTopic,
  isTopicAlreadyExists,
} from './cluster-admin.js';
export {
  ConfigSource,
  configPropertyExclusions,
  DEFAULT_CONFIG_PROPERTIES_EXCLUDE,
  shouldReplicateConfigProperty,
  type TargetTopicConfig,
  type TopicConfigEntry,
  targetTopicConfig,
} from './config-sync.js';
export {
  Cutover,
  type CutoverOptions,
  CutoverStepError,
  formatCutoverState,
  type SwitchPlan,
} from './cutover/cutover.js';
export {
  CUTOVER_STEPS,
  type CutoverState,
  type CutoverStep,
  initialState,
  readState,
  type StepState,
  stateFile,
  writeState,
} from './cutover/cutover-state.js';
export { type FailbackCopy, type FailbackOptions, type FailbackReport, failback } from './failback.js';
export {
  type FailoverOptions,
  FailoverRefusedError,
  type FailoverReport,
  failover,
  formatFailoverReport,
} from './failover.js';
export { Flow, type FlowOptions, type FlowTaskSettings } from './flow.js';
export { clusterOf, FlowOffsets, type GroupResume, type PartitionLag } from './flow-offsets.js';
export * from './formats/index.js';
export {
  DEFAULT_GROUPS,
  DEFAULT_GROUPS_EXCLUDE,
  GroupFilter,
  type GroupFilterOptions,
} from './group-filter.js';
export {
  type GroupOffset,
  type GroupOffsetCommitter,
  RawGroupOffsetCommitter,
} from './group-offset-committer.js';
export { GroupOffsetSync, type GroupOffsetSyncOptions, type GroupSyncOutcome } from './group-offset-sync.js';
export { HeartbeatEmitter, type HeartbeatEmitterOptions, type HeartbeatProduceClient } from './heartbeats.js';
export { type PropertyEntry, parseJavaProperties } from './java-properties.js';
export {
  MirrorLoopGuard,
  type MirrorLoopGuardOptions,
  ProducerIdClassifier,
  type RegistryReader,
} from './loop-guard.js';
export {
  loadMirrorConfig,
  type MirrorClusterConfig,
  type MirrorConfig,
  type MirrorFlowConfig,
  parseMirrorConfig,
  type RawMirrorConfig,
} from './mirror-config.js';
export { CLUSTER_KEYS, convictName, FLOW_KEYS, type MirrorConfigKey } from './mirror-config-keys.js';
export { MirrorMaker, type MirrorMakerOptions } from './mirror-maker.js';
export {
  type CheckpointFigures,
  type FlowFigures,
  MirrorMetrics,
  type PartitionFigures,
} from './mirror-metrics.js';
export {
  type MirrorLoopPreventionOptions,
  type MirrorTask,
  type MirrorTaskHooks,
  MirrorTaskRunner,
  type MirrorTaskRunnerOptions,
  type OffsetSyncsLocation,
  type PartitionMirrorMetrics,
} from './mirror-task.js';
export {
  type Mm2EmitterOptions,
  Mm2OffsetSyncEmitterModel,
  Mm2OffsetSyncStoreModel,
  type Mm2Translation,
} from './mm2-offset-sync-store.js';
export { loadMm2Properties, type Mm2PropertiesResult, parseMm2Properties } from './mm2-properties.js';
export {
  type OffsetRun,
  type OffsetSyncPoint,
  type OffsetTranslation,
  PartitionOffsetMapping,
  type PartitionOffsetMappingOptions,
} from './offset-mapping.js';
export {
  mappingFromSyncs,
  type PartitionOffsetSync,
  runsFromSyncs,
  syncsOfPartition,
  toPartitionOffsetSync,
} from './offset-sync-log.js';
export { readOffsetSyncs, type TopicReadClient } from './offset-sync-reader.js';
export {
  OffsetSyncWriter,
  type OffsetSyncWriterOptions,
  type SyncProduceClient,
} from './offset-sync-writer.js';
export { PatternList, PatternListError, splitList } from './pattern-list.js';
export { PeriodicJob } from './periodic-job.js';
export {
  decodeProducerRegistration,
  encodeProducerRegistration,
  ensureProducerIdsTopic,
  type ProducerRegistration,
  ProducerRegistryReader,
  producerIdsTopic,
  registerProducer,
} from './producer-registry.js';
export {
  createReplicationPolicy,
  DEFAULT_SEPARATOR,
  DefaultReplicationPolicy,
  IdentityReplicationPolicy,
  type ReplicationPolicy,
  type ReplicationPolicyName,
  type ReplicationPolicyOptions,
} from './replication-policy.js';
export { type SourceChunk, SourceReader, type SourceReaderOptions } from './source-reader.js';
export {
  nextSequenceAfter,
  type PartitionProducerState,
  PartitionWriter,
  type PartitionWriterOptions,
  type ProduceClient,
} from './target-writer.js';
export {
  isCopyOf,
  MirrorInvariantError,
  type PartitionResume,
  type ResumeClient,
  type ResumeInput,
  resumePartition,
} from './task-resume.js';
export {
  DEFAULT_TOPICS,
  DEFAULT_TOPICS_EXCLUDE,
  TopicFilter,
  type TopicFilterOptions,
} from './topic-filter.js';
export { TopicSync, type TopicSyncOptions, type TopicSyncResult } from './topic-sync.js';
export { simpleCycles, type TopologyFlow, topologyProblems, validateTopology } from './topology.js';
export {
  type CommittedPositions,
  type FlowVerification,
  type PartitionBound,
  type PartitionDivergence,
  type PartitionVerification,
  readCommittedPositions,
  type VerifyClient,
  type VerifyFlowOptions,
  type VerifyTopic,
  verifyFlowPartitions,
} from './verify.js';
