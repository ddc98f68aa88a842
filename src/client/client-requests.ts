import { KafkaError } from '../protocol/errors/index.js';

/*
 * The raw-batch client's request and result shapes (what ClusterClient takes and returns), and the per-partition
 * failure results it builds. Record sets are Buffers end to end: a result's `records` is the broker's bytes.
 */

export enum IsolationLevel {
  ReadUncommitted = 0,
  ReadCommitted = 1,
}

export interface ProduceOptions {
  /** -1 (all ISR), 1 (leader) or 0 (no response: offsets come back as -1). */
  acks: -1 | 0 | 1;
  timeoutMs: number;
  transactionalId?: string | null;
}

export interface ProduceResult {
  /** Offset the leader gave the first record; -1 with acks=0. */
  baseOffset: number;
  /** The broker's append time for LogAppendTime topics, else -1. */
  logAppendTimeMs: number;
  logStartOffset: number;
}

export interface ProducePartitionRequest {
  topic: string;
  partition: number;
  /** One or more record batches v2, sent as they are. */
  records: Buffer;
}

export interface ProducePartitionResult extends ProduceResult {
  topic: string;
  partition: number;
  error: KafkaError | null;
}

export interface FetchPartitionRequest {
  topic: string;
  partition: number;
  fetchOffset: number;
  /** Kafka's partition_max_bytes. */
  maxBytes: number;
  /** The leader epoch the caller believes current, for fencing (KIP-320); -1 skips the check. */
  currentLeaderEpoch?: number;
  /** A follower's log start offset; -1 for consumers. */
  logStartOffset?: number;
}

export interface FetchOptions {
  maxWaitMs: number;
  minBytes: number;
  /** Response-wide byte limit. @defaultValue 50 MiB, Kafka's fetch.max.bytes */
  maxBytes?: number;
  /** @defaultValue IsolationLevel.ReadUncommitted */
  isolationLevel?: IsolationLevel;
  /** A follower's broker id; -1 for consumers. @defaultValue -1 */
  replicaId?: number;
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface FetchPartitionResult {
  topic: string;
  partition: number;
  fetchOffset: number;
  error: KafkaError | null;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  abortedTransactions: AbortedTransaction[] | null;
  preferredReadReplica: number;
  /**
   * The record set as the broker sent it: a slice of the response frame, never copied or decoded. It may
   * end in a partial batch (the broker cuts at max bytes); empty when there was nothing or an error.
   */
  records: Buffer;
}

/** A timestamp in ms, or the log's first or next offset. */
export type OffsetSpec = number | 'earliest' | 'latest';

export interface ListOffsetsResult {
  /** -1 when no record has a timestamp at or after the one asked for. */
  offset: number;
  timestamp: number;
  leaderEpoch: number;
}

/** An idempotent producer's identity, as InitProducerId hands it out. */
export interface ProducerIdAndEpoch {
  producerId: number;
  producerEpoch: number;
}

export interface EpochEndOffset {
  /** The largest epoch at or below the one asked for that the leader knows; -1 if none. */
  leaderEpoch: number;
  /** The first offset after that epoch (the log end offset for the current epoch); -1 if unknown. */
  endOffset: number;
}

/** The records of a result that carries none. */
export const EMPTY_RECORDS = Buffer.alloc(0);

export function producePartitionFailure(
  e: ProducePartitionRequest,
  error: KafkaError,
): ProducePartitionResult {
  return {
    topic: e.topic,
    partition: e.partition,
    error,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
  };
}

export function fetchPartitionFailure(r: FetchPartitionRequest, error: KafkaError): FetchPartitionResult {
  return {
    topic: r.topic,
    partition: r.partition,
    fetchOffset: r.fetchOffset,
    error,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: EMPTY_RECORDS,
  };
}

export function missingFromResponse(api: string, topic: string, partition: number): KafkaError {
  return new KafkaError('UNKNOWN_SERVER_ERROR', `${api} response has no entry for ${topic}-${partition}`);
}
