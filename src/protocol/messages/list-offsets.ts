import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * ListOffsets (key 2): the offset for a timestamp, or the earliest (-2), latest (-1), max-timestamp (-3)
 * offsets of partitions. Kafka versions 0–10; 6+ flexible. Ferry serves 1–7 (v0 returned a list of old
 * offsets; from v1 one offset and its timestamp).
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   ListOffsets Request (Version: 7) => replica_id isolation_level [topics] _tagged_fields
 *     replica_id => INT32
 *     isolation_level => INT8
 *     topics => name [partitions] _tagged_fields
 *       name => COMPACT_STRING
 *       partitions => partition_index current_leader_epoch timestamp _tagged_fields
 *         partition_index => INT32
 *         current_leader_epoch => INT32
 *         timestamp => INT64
 *
 *   ListOffsets Response (Version: 7) => throttle_time_ms [topics] _tagged_fields
 *     throttle_time_ms => INT32
 *     topics => name [partitions] _tagged_fields
 *       name => COMPACT_STRING
 *       partitions => partition_index error_code timestamp offset leader_epoch _tagged_fields
 *         partition_index => INT32
 *         error_code => INT16
 *         timestamp => INT64
 *         offset => INT64
 *         leader_epoch => INT32
 */

export interface ListOffsetsPartition {
  partitionIndex: number;
  /** v4+; default -1 */
  currentLeaderEpoch?: number;
  timestamp: number;
  /** v0; default 1 */
  maxNumOffsets?: number;
}

export interface ListOffsetsTopic {
  name: string;
  partitions: ListOffsetsPartition[];
}

export interface ListOffsetsRequest {
  replicaId: number;
  /** v2+ */
  isolationLevel?: number;
  topics: ListOffsetsTopic[];
  /** v10+ */
  timeoutMs?: number;
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  /** v0 */
  oldStyleOffsets?: number[];
  /** v1+; default -1 */
  timestamp?: number;
  /** v1+; default -1 */
  offset?: number;
  /** v4+; default -1 */
  leaderEpoch?: number;
}

export interface ListOffsetsTopicResponse {
  name: string;
  partitions: ListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponse {
  /** v2+ */
  throttleTimeMs?: number;
  topics: ListOffsetsTopicResponse[];
}

export const LIST_OFFSETS_REQUEST: MessageSpec = {
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsetsRequest',
  type: 'request',
  validVersions: '0-10',
  flexibleVersions: '6+',
  fields: [
    { name: 'replicaId', type: 'int32', versions: '0+' },
    { name: 'isolationLevel', type: 'int8', versions: '2+' },
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
            { name: 'currentLeaderEpoch', type: 'int32', versions: '4+', default: -1, ignorable: true },
            { name: 'timestamp', type: 'int64', versions: '0+' },
            { name: 'maxNumOffsets', type: 'int32', versions: '0', default: 1 },
          ],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '10+', ignorable: true },
  ],
};

export const LIST_OFFSETS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsetsResponse',
  type: 'response',
  validVersions: '0-10',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
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
            { name: 'oldStyleOffsets', type: '[]int64', versions: '0' },
            { name: 'timestamp', type: 'int64', versions: '1+', default: -1 },
            { name: 'offset', type: 'int64', versions: '1+', default: -1 },
            { name: 'leaderEpoch', type: 'int32', versions: '4+', default: -1 },
          ],
        },
      ],
    },
  ],
};

export const LIST_OFFSETS_API: ApiSpec = {
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  request: LIST_OFFSETS_REQUEST,
  response: LIST_OFFSETS_RESPONSE,
  minVersion: 1,
  maxVersion: 7,
};
