/**
 * The client layer's public face: a small raw-batch Kafka client for the paths where record batches must
 * pass as bytes — follower replication and the mirror's hot path. Stands on src/protocol and src/common only.
 */

export {
  BrokerConnection,
  type BrokerConnectionOptions,
  ConnectionClosedError,
} from './broker-connection.js';
export { asKafkaError, isStaleMetadataError, kafkaErrorForCode } from './client-errors.js';
export {
  type AbortedTransaction,
  type EpochEndOffset,
  type FetchOptions,
  type FetchPartitionRequest,
  type FetchPartitionResult,
  IsolationLevel,
  type ListOffsetsResult,
  type OffsetSpec,
  type ProduceOptions,
  type ProducePartitionRequest,
  type ProducePartitionResult,
  type ProduceResult,
  type ProducerIdAndEpoch,
} from './client-requests.js';
export { ClusterClient, type ClusterClientOptions } from './cluster-client.js';
export { type CoalescedFetchClient, CoalescingFetcher } from './coalescing-fetcher.js';
export {
  type CoalescedProduceClient,
  CoalescingProducer,
  type CoalescingProducerOptions,
} from './coalescing-producer.js';
export {
  type Connection,
  type ConnectionLane,
  ConnectionPool,
  type ConnectionPoolOptions,
  type Connector,
  reconnectBackoffMs,
} from './connection-pool.js';
export {
  type BrokerMetadata,
  type LeaderAndEpoch,
  MetadataCache,
  type PartitionMetadata,
  type TopicMetadata,
} from './metadata-cache.js';
export {
  type PartitionFetcher,
  PartitionReader,
  type PartitionReaderOptions,
  type RecordSetChunk,
} from './partition-reader.js';
