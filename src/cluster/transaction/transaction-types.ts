import { ERROR_CODES } from '../../protocol/errors/index.js';
import type { TransactionState } from './transaction-state.js';

/**
 * The requests and answers of the transaction coordinator, free of wire versions: the broker's handlers
 * decode a request, call the coordinator with these, and encode the answer. Result shapes use the field
 * names of the protocol's response structs so that they can be passed through.
 */

export interface InitProducerIdParams {
  /** Null for an idempotent, non-transactional producer. */
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** InitProducerId v3+ (KIP-360): the producer's current id, or -1/absent. */
  producerId?: number;
  /** InitProducerId v3+: the producer's current epoch, or -1/absent. */
  producerEpoch?: number;
}

export interface InitProducerIdResult {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export interface AddPartitionsToTxnParams {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  topics: readonly { name: string; partitions: readonly number[] }[];
}

export interface AddPartitionsToTxnPartitionResult {
  partitionIndex: number;
  partitionErrorCode: number;
}

export interface AddPartitionsToTxnTopicResult {
  name: string;
  resultsByPartition: AddPartitionsToTxnPartitionResult[];
}

export interface AddOffsetsToTxnParams {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  groupId: string;
}

export interface EndTxnParams {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  /** True to commit, false to abort. */
  committed: boolean;
}

/** A transactional id as DescribeTransactions shows it (and tests inspect it). */
export interface TransactionDescription {
  transactionalId: string;
  state: TransactionState;
  producerId: number;
  producerEpoch: number;
  txnTimeoutMs: number;
  /** -1 when no transaction is open. */
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
  topics: { topic: string; partitions: number[] }[];
}

/**
 * The coordinator answers PRODUCER_FENCED for a stale epoch, as Kafka does internally. Clients learned that
 * code with InitProducerId v4, AddPartitionsToTxn v2, AddOffsetsToTxn v2 and EndTxn v2; for older request
 * versions the handler passes `clientKnowsProducerFenced = false` and answers INVALID_PRODUCER_EPOCH.
 */
export function downgradeProducerFenced(errorCode: number, clientKnowsProducerFenced: boolean): number {
  return !clientKnowsProducerFenced && errorCode === ERROR_CODES.PRODUCER_FENCED.code
    ? ERROR_CODES.INVALID_PRODUCER_EPOCH.code
    : errorCode;
}
