import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * Produce (key 0): append record batches to partition leaders. Kafka versions 0–11; 9+ flexible. Ferry
 * serves 3–9 (v3 is the first with record batch v2 and a transactional id).
 *
 * `records` is decoded as a slice of the request frame, never parsed here: the broker validates and
 * appends the batch as it arrived. With acks=0 no response is sent.
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   Produce Request (Version: 9) => transactional_id acks timeout_ms [topic_data] _tagged_fields
 *     transactional_id => COMPACT_NULLABLE_STRING
 *     acks => INT16
 *     timeout_ms => INT32
 *     topic_data => name [partition_data] _tagged_fields
 *       name => COMPACT_STRING
 *       partition_data => index records _tagged_fields
 *         index => INT32
 *         records => COMPACT_RECORDS
 *
 *   Produce Response (Version: 9) => [responses] throttle_time_ms _tagged_fields
 *     responses => name [partition_responses] _tagged_fields
 *       name => COMPACT_STRING
 *       partition_responses => index error_code base_offset log_append_time_ms log_start_offset [record_errors] error_message _tagged_fields
 *         index => INT32
 *         error_code => INT16
 *         base_offset => INT64
 *         log_append_time_ms => INT64
 *         log_start_offset => INT64
 *         record_errors => batch_index batch_index_error_message _tagged_fields
 *           batch_index => INT32
 *           batch_index_error_message => COMPACT_NULLABLE_STRING
 *         error_message => COMPACT_NULLABLE_STRING
 *     throttle_time_ms => INT32
 */

export interface ProducePartitionProduceData {
  index: number;
  /** nullable v0+ */
  records: Buffer | null;
}

export interface ProduceTopicProduceData {
  name: string;
  partitionData: ProducePartitionProduceData[];
}

export interface ProduceRequest {
  /** v3+; nullable v3+; default null */
  transactionalId?: string | null;
  acks: number;
  timeoutMs: number;
  topicData: ProduceTopicProduceData[];
}

export interface ProduceBatchIndexAndErrorMessage {
  batchIndex: number;
  /** nullable v8+; default null */
  batchIndexErrorMessage: string | null;
}

export interface ProduceLeaderIdAndEpoch {
  /** default -1 */
  leaderId: number;
  /** default -1 */
  leaderEpoch: number;
}

export interface ProducePartitionProduceResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  /** v2+; default -1 */
  logAppendTimeMs?: number;
  /** v5+; default -1 */
  logStartOffset?: number;
  /** v8+ */
  recordErrors?: ProduceBatchIndexAndErrorMessage[];
  /** v8+; nullable v8+; default null */
  errorMessage?: string | null;
  /** v10+; tagged (tag 0) */
  currentLeader?: ProduceLeaderIdAndEpoch;
}

export interface ProduceTopicProduceResponse {
  name: string;
  partitionResponses: ProducePartitionProduceResponse[];
}

export interface ProduceNodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  /** nullable v10+; default null */
  rack: string | null;
}

export interface ProduceResponse {
  responses: ProduceTopicProduceResponse[];
  /** v1+ */
  throttleTimeMs?: number;
  /** v10+; tagged (tag 0) */
  nodeEndpoints?: ProduceNodeEndpoint[];
}

export const PRODUCE_REQUEST: MessageSpec = {
  apiKey: ApiKey.Produce,
  name: 'ProduceRequest',
  type: 'request',
  validVersions: '0-11',
  flexibleVersions: '9+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    { name: 'acks', type: 'int16', versions: '0+' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    {
      name: 'topicData',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionData',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const PRODUCE_RESPONSE: MessageSpec = {
  apiKey: ApiKey.Produce,
  name: 'ProduceResponse',
  type: 'response',
  validVersions: '0-11',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'responses',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionResponses',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'baseOffset', type: 'int64', versions: '0+' },
            { name: 'logAppendTimeMs', type: 'int64', versions: '2+', default: -1, ignorable: true },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1, ignorable: true },
            {
              name: 'recordErrors',
              type: '[]',
              versions: '8+',
              ignorable: true,
              fields: [
                { name: 'batchIndex', type: 'int32', versions: '8+' },
                {
                  name: 'batchIndexErrorMessage',
                  type: 'string',
                  versions: '8+',
                  nullableVersions: '8+',
                  default: null,
                },
              ],
            },
            {
              name: 'errorMessage',
              type: 'string',
              versions: '8+',
              nullableVersions: '8+',
              default: null,
              ignorable: true,
            },
            {
              name: 'currentLeader',
              type: 'struct',
              versions: '10+',
              tag: 0,
              taggedVersions: '10+',
              fields: [
                { name: 'leaderId', type: 'int32', versions: '10+', default: -1 },
                { name: 'leaderEpoch', type: 'int32', versions: '10+', default: -1 },
              ],
            },
          ],
        },
      ],
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', default: 0, ignorable: true },
    {
      name: 'nodeEndpoints',
      type: '[]',
      versions: '10+',
      tag: 0,
      taggedVersions: '10+',
      fields: [
        { name: 'nodeId', type: 'int32', versions: '10+' },
        { name: 'host', type: 'string', versions: '10+' },
        { name: 'port', type: 'int32', versions: '10+' },
        { name: 'rack', type: 'string', versions: '10+', nullableVersions: '10+', default: null },
      ],
    },
  ],
};

export const PRODUCE_API: ApiSpec = {
  apiKey: ApiKey.Produce,
  name: 'Produce',
  request: PRODUCE_REQUEST,
  response: PRODUCE_RESPONSE,
  minVersion: 3,
  maxVersion: 9,
};
