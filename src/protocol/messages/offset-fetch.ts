import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * OffsetFetch (key 9): read a group's committed offsets. Kafka versions 0–9; 6+ flexible. Ferry serves 1–7.
 * `topics` null (v2+) asks for all the group's partitions. From v8 the request names several groups
 * (`groups`) and the response answers per group.
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   OffsetFetch Request (Version: 7) => group_id [topics] require_stable _tagged_fields
 *     group_id => COMPACT_STRING
 *     topics => name [partition_indexes] _tagged_fields
 *       name => COMPACT_STRING
 *       partition_indexes => INT32
 *     require_stable => BOOLEAN
 *
 *   OffsetFetch Response (Version: 7) => throttle_time_ms [topics] error_code _tagged_fields
 *     throttle_time_ms => INT32
 *     topics => name [partitions] _tagged_fields
 *       name => COMPACT_STRING
 *       partitions => partition_index committed_offset committed_leader_epoch metadata error_code _tagged_fields
 *         partition_index => INT32
 *         committed_offset => INT64
 *         committed_leader_epoch => INT32
 *         metadata => COMPACT_NULLABLE_STRING
 *         error_code => INT16
 *     error_code => INT16
 */

export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequestTopics {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequestGroup {
  groupId: string;
  /** v9+; nullable v9+; default null */
  memberId?: string | null;
  /** v9+; default -1 */
  memberEpoch?: number;
  /** nullable v8+ */
  topics: OffsetFetchRequestTopics[] | null;
}

export interface OffsetFetchRequest {
  /** v0-7 */
  groupId?: string;
  /** v0-7; nullable v2-7 */
  topics?: OffsetFetchRequestTopic[] | null;
  /** v8+ */
  groups?: OffsetFetchRequestGroup[];
  /** v7+ */
  requireStable?: boolean;
}

export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: number;
  /** v5-7; default -1 */
  committedLeaderEpoch?: number;
  /** nullable v0-7 */
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponsePartitions {
  partitionIndex: number;
  committedOffset: number;
  /** default -1 */
  committedLeaderEpoch: number;
  /** nullable v8+ */
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponseTopics {
  name: string;
  partitions: OffsetFetchResponsePartitions[];
}

export interface OffsetFetchResponseGroup {
  groupId: string;
  topics: OffsetFetchResponseTopics[];
  errorCode: number;
}

export interface OffsetFetchResponse {
  /** v3+ */
  throttleTimeMs?: number;
  /** v0-7 */
  topics?: OffsetFetchResponseTopic[];
  /** v2-7 */
  errorCode?: number;
  /** v8+ */
  groups?: OffsetFetchResponseGroup[];
}

export const OFFSET_FETCH_REQUEST: MessageSpec = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetchRequest',
  type: 'request',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0-7' },
    {
      name: 'topics',
      type: '[]',
      versions: '0-7',
      nullableVersions: '2-7',
      fields: [
        { name: 'name', type: 'string', versions: '0-7' },
        { name: 'partitionIndexes', type: '[]int32', versions: '0-7' },
      ],
    },
    {
      name: 'groups',
      type: '[]',
      versions: '8+',
      fields: [
        { name: 'groupId', type: 'string', versions: '8+' },
        {
          name: 'memberId',
          type: 'string',
          versions: '9+',
          nullableVersions: '9+',
          default: null,
          ignorable: true,
        },
        { name: 'memberEpoch', type: 'int32', versions: '9+', default: -1, ignorable: true },
        {
          name: 'topics',
          type: '[]',
          versions: '8+',
          nullableVersions: '8+',
          fields: [
            { name: 'name', type: 'string', versions: '8+' },
            { name: 'partitionIndexes', type: '[]int32', versions: '8+' },
          ],
        },
      ],
    },
    { name: 'requireStable', type: 'bool', versions: '7+', default: false },
  ],
};

export const OFFSET_FETCH_RESPONSE: MessageSpec = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetchResponse',
  type: 'response',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+', ignorable: true },
    {
      name: 'topics',
      type: '[]',
      versions: '0-7',
      fields: [
        { name: 'name', type: 'string', versions: '0-7' },
        {
          name: 'partitions',
          type: '[]',
          versions: '0-7',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0-7' },
            { name: 'committedOffset', type: 'int64', versions: '0-7' },
            { name: 'committedLeaderEpoch', type: 'int32', versions: '5-7', default: -1, ignorable: true },
            { name: 'metadata', type: 'string', versions: '0-7', nullableVersions: '0-7' },
            { name: 'errorCode', type: 'int16', versions: '0-7' },
          ],
        },
      ],
    },
    { name: 'errorCode', type: 'int16', versions: '2-7', default: 0, ignorable: true },
    {
      name: 'groups',
      type: '[]',
      versions: '8+',
      fields: [
        { name: 'groupId', type: 'string', versions: '8+' },
        {
          name: 'topics',
          type: '[]',
          versions: '8+',
          fields: [
            { name: 'name', type: 'string', versions: '8+' },
            {
              name: 'partitions',
              type: '[]',
              versions: '8+',
              fields: [
                { name: 'partitionIndex', type: 'int32', versions: '8+' },
                { name: 'committedOffset', type: 'int64', versions: '8+' },
                { name: 'committedLeaderEpoch', type: 'int32', versions: '8+', default: -1, ignorable: true },
                { name: 'metadata', type: 'string', versions: '8+', nullableVersions: '8+' },
                { name: 'errorCode', type: 'int16', versions: '8+' },
              ],
            },
          ],
        },
        { name: 'errorCode', type: 'int16', versions: '8+', default: 0 },
      ],
    },
  ],
};

export const OFFSET_FETCH_API: ApiSpec = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  request: OFFSET_FETCH_REQUEST,
  response: OFFSET_FETCH_RESPONSE,
  minVersion: 1,
  maxVersion: 7,
};
