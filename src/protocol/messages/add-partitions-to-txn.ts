import { ApiKey } from '../api-keys.js';
import type { ApiSpec, FieldSpec, MessageSpec } from '../schema/types.js';

/**
 * AddPartitionsToTxn (key 24): tell a transaction coordinator which partitions a transaction is about to
 * write, so that it can later write their commit/abort markers. Versions 0–5; 3+ are flexible. Ferry
 * serves 0–3.
 *
 * Grammar (`{v}` = versions the field is in):
 *
 *   AddPartitionsToTxn Request (Version: 0-3) => v3_and_below_transactional_id v3_and_below_producer_id
 *                                                v3_and_below_producer_epoch [v3_and_below_topics]
 *   AddPartitionsToTxn Request (Version: 4-5) => [transactions]
 *     transactions => transactional_id producer_id producer_epoch verify_only [topics]
 *     v3_and_below_topics, topics => name [partitions]
 *
 *   AddPartitionsToTxn Response (Version: 0-3) => throttle_time_ms [results_by_topic_v3_and_below]
 *   AddPartitionsToTxn Response (Version: 4-5) => throttle_time_ms error_code [results_by_transaction]
 *     results_by_transaction => transactional_id [topic_results]
 *     results_by_topic_v3_and_below, topic_results => name [results_by_partition]
 *       results_by_partition => partition_index partition_error_code
 *
 * Versions 0–3 carry one transaction (a client's request); version 4 batches many and is sent only by
 * brokers verifying a transaction before a transactional produce (KIP-890), hence the two shapes.
 */

export interface AddPartitionsToTxnTopic {
  name: string;
  partitions: number[];
}

export interface AddPartitionsToTxnTransaction {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  verifyOnly: boolean;
  topics: AddPartitionsToTxnTopic[];
}

export interface AddPartitionsToTxnRequest {
  /** v4+ */
  transactions?: AddPartitionsToTxnTransaction[];
  /** v0–3 */
  v3AndBelowTransactionalId?: string;
  /** v0–3 */
  v3AndBelowProducerId?: number;
  /** v0–3 */
  v3AndBelowProducerEpoch?: number;
  /** v0–3 */
  v3AndBelowTopics?: AddPartitionsToTxnTopic[];
}

export interface AddPartitionsToTxnPartitionResult {
  partitionIndex: number;
  partitionErrorCode: number;
}

export interface AddPartitionsToTxnTopicResult {
  name: string;
  resultsByPartition: AddPartitionsToTxnPartitionResult[];
}

export interface AddPartitionsToTxnResult {
  transactionalId: string;
  topicResults: AddPartitionsToTxnTopicResult[];
}

export interface AddPartitionsToTxnResponse {
  throttleTimeMs: number;
  /** v4+: an error for the whole request. */
  errorCode?: number;
  /** v4+ */
  resultsByTransaction?: AddPartitionsToTxnResult[];
  /** v0–3 */
  resultsByTopicV3AndBelow?: AddPartitionsToTxnTopicResult[];
}

// Kafka's common structs, shared by both shapes of each message.
const TOPIC_FIELDS: readonly FieldSpec[] = [
  { name: 'name', type: 'string', versions: '0+' },
  { name: 'partitions', type: '[]int32', versions: '0+' },
];

const TOPIC_RESULT_FIELDS: readonly FieldSpec[] = [
  { name: 'name', type: 'string', versions: '0+' },
  {
    name: 'resultsByPartition',
    type: '[]',
    versions: '0+',
    fields: [
      { name: 'partitionIndex', type: 'int32', versions: '0+' },
      { name: 'partitionErrorCode', type: 'int16', versions: '0+' },
    ],
  },
];

export const ADD_PARTITIONS_TO_TXN_REQUEST: MessageSpec = {
  apiKey: ApiKey.AddPartitionsToTxn,
  name: 'AddPartitionsToTxnRequest',
  type: 'request',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    {
      name: 'transactions',
      type: '[]',
      versions: '4+',
      fields: [
        { name: 'transactionalId', type: 'string', versions: '4+' },
        { name: 'producerId', type: 'int64', versions: '4+' },
        { name: 'producerEpoch', type: 'int16', versions: '4+' },
        { name: 'verifyOnly', type: 'bool', versions: '4+', default: false },
        { name: 'topics', type: '[]', versions: '4+', fields: TOPIC_FIELDS },
      ],
    },
    { name: 'v3AndBelowTransactionalId', type: 'string', versions: '0-3' },
    { name: 'v3AndBelowProducerId', type: 'int64', versions: '0-3' },
    { name: 'v3AndBelowProducerEpoch', type: 'int16', versions: '0-3' },
    { name: 'v3AndBelowTopics', type: '[]', versions: '0-3', fields: TOPIC_FIELDS },
  ],
};

export const ADD_PARTITIONS_TO_TXN_RESPONSE: MessageSpec = {
  apiKey: ApiKey.AddPartitionsToTxn,
  name: 'AddPartitionsToTxnResponse',
  type: 'response',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '4+', ignorable: true },
    {
      name: 'resultsByTransaction',
      type: '[]',
      versions: '4+',
      fields: [
        { name: 'transactionalId', type: 'string', versions: '4+' },
        { name: 'topicResults', type: '[]', versions: '4+', fields: TOPIC_RESULT_FIELDS },
      ],
    },
    { name: 'resultsByTopicV3AndBelow', type: '[]', versions: '0-3', fields: TOPIC_RESULT_FIELDS },
  ],
};

export const ADD_PARTITIONS_TO_TXN_API: ApiSpec = {
  apiKey: ApiKey.AddPartitionsToTxn,
  name: 'AddPartitionsToTxn',
  request: ADD_PARTITIONS_TO_TXN_REQUEST,
  response: ADD_PARTITIONS_TO_TXN_RESPONSE,
  minVersion: 0,
  maxVersion: 3,
};
