export { coordinatorPartitionFor, javaStringHashCode } from './coordinator-partition.js';
export {
  BlockProducerIdManager,
  type BlockProducerIdManagerOptions,
  type ProducerIdBlock,
  type ProducerIdBlockAllocator,
  type ProducerIdManager,
} from './producer-id-manager.js';
export {
  DEFAULT_TRANSACTION_COORDINATOR_CONFIG,
  type TransactionCoordinatorConfig,
  transactionCoordinatorConfig,
} from './transaction-config.js';
export { TransactionCoordinator, type TransactionCoordinatorOptions } from './transaction-coordinator.js';
export {
  type MarkerOutcome,
  type MarkerRetryOptions,
  type TransactionMarkerRequest,
  type TransactionMarkerWriter,
  topicPartitionKey,
  writeMarkersUntilDone,
} from './transaction-marker-writer.js';
export {
  MAX_PRODUCER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  type TopicPartition,
  TransactionMetadata,
  type TxnPartitions,
  type TxnTransition,
} from './transaction-metadata.js';
export { isValidTransition, TransactionState, transactionStateName } from './transaction-state.js';
export {
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  encodeTransactionLogKey,
  encodeTransactionLogValue,
  replayTransactionLog,
  TRANSACTION_STATE_TOPIC,
  type TransactionLogValue,
  transactionLogRecord,
  transactionLogTombstone,
} from './transaction-state-log.js';
export type { TransactionStateRecord, TransactionStateStore } from './transaction-state-store.js';
export type * from './transaction-types.js';
export { downgradeProducerFenced } from './transaction-types.js';
export type * from './transactional-offsets.js';
