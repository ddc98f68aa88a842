import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * DescribeProducers (key 61): the active idempotent/transactional producers of partitions, from each
 * partition's leader (KIP-664, for finding hanging transactions). Version 0 only, flexible. Ferry serves 0.
 *
 * Grammar (`?` = nullable):
 *
 *   DescribeProducers Request (Version: 0) => [topics]
 *     topics => name [partition_indexes]
 *
 *   DescribeProducers Response (Version: 0) => throttle_time_ms [topics]
 *     topics => name [partitions]
 *       partitions => partition_index error_code error_message? [active_producers]
 *         active_producers => producer_id producer_epoch last_sequence last_timestamp coordinator_epoch
 *                             current_txn_start_offset
 *
 * producer_epoch is an int32 here although epochs are int16 everywhere else; -1 marks an unknown
 * sequence, timestamp or (no open transaction) start offset.
 */

export interface DescribeProducersTopicRequest {
  name: string;
  partitionIndexes: number[];
}

export interface DescribeProducersRequest {
  topics: DescribeProducersTopicRequest[];
}

export interface ProducerState {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number;
  /** -1: no open transaction. */
  currentTxnStartOffset: number;
}

export interface DescribeProducersPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
  activeProducers: ProducerState[];
}

export interface DescribeProducersTopicResponse {
  name: string;
  partitions: DescribeProducersPartitionResponse[];
}

export interface DescribeProducersResponse {
  throttleTimeMs: number;
  topics: DescribeProducersTopicResponse[];
}

export const DESCRIBE_PRODUCERS_REQUEST: MessageSpec = {
  apiKey: ApiKey.DescribeProducers,
  name: 'DescribeProducersRequest',
  type: 'request',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'topics',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'partitionIndexes', type: '[]int32', versions: '0+' },
      ],
    },
  ],
};

export const DESCRIBE_PRODUCERS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.DescribeProducers,
  name: 'DescribeProducersResponse',
  type: 'response',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'topics',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
            {
              name: 'activeProducers',
              type: '[]',
              versions: '0+',
              fields: [
                { name: 'producerId', type: 'int64', versions: '0+' },
                { name: 'producerEpoch', type: 'int32', versions: '0+' },
                { name: 'lastSequence', type: 'int32', versions: '0+', default: -1 },
                { name: 'lastTimestamp', type: 'int64', versions: '0+', default: -1 },
                { name: 'coordinatorEpoch', type: 'int32', versions: '0+' },
                { name: 'currentTxnStartOffset', type: 'int64', versions: '0+', default: -1 },
              ],
            },
          ],
        },
      ],
    },
  ],
};

export const DESCRIBE_PRODUCERS_API: ApiSpec = {
  apiKey: ApiKey.DescribeProducers,
  name: 'DescribeProducers',
  request: DESCRIBE_PRODUCERS_REQUEST,
  response: DESCRIBE_PRODUCERS_RESPONSE,
  minVersion: 0,
  maxVersion: 0,
};
