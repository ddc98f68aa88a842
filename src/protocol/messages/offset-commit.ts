import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * OffsetCommit (key 8): commit consumer-group offsets to the group coordinator. Kafka versions 0–9; 8+
 * flexible. Ferry serves 2–8. `retention_time_ms` exists in v2–4 only (-1: the broker's default);
 * `commit_timestamp` in v1 only.
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   OffsetCommit Request (Version: 7) => group_id generation_id_or_member_epoch member_id group_instance_id [topics]
 *     group_id => STRING
 *     generation_id_or_member_epoch => INT32
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING
 *     topics => name [partitions]
 *       name => STRING
 *       partitions => partition_index committed_offset committed_leader_epoch committed_metadata
 *         partition_index => INT32
 *         committed_offset => INT64
 *         committed_leader_epoch => INT32
 *         committed_metadata => NULLABLE_STRING
 *
 *   OffsetCommit Response (Version: 8) => throttle_time_ms [topics] _tagged_fields
 *     throttle_time_ms => INT32
 *     topics => name [partitions] _tagged_fields
 *       name => COMPACT_STRING
 *       partitions => partition_index error_code _tagged_fields
 *         partition_index => INT32
 *         error_code => INT16
 */

export interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: number;
  /** v6+; default -1 */
  committedLeaderEpoch?: number;
  /** v1; default -1 */
  commitTimestamp?: number;
  /** nullable v0+ */
  committedMetadata: string | null;
}

export interface OffsetCommitRequestTopic {
  name: string;
  partitions: OffsetCommitRequestPartition[];
}

export interface OffsetCommitRequest {
  groupId: string;
  /** v1+; default -1 */
  generationIdOrMemberEpoch?: number;
  /** v1+ */
  memberId?: string;
  /** v7+; nullable v7+; default null */
  groupInstanceId?: string | null;
  /** v2-4; default -1 */
  retentionTimeMs?: number;
  topics: OffsetCommitRequestTopic[];
}

export interface OffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

export interface OffsetCommitResponseTopic {
  name: string;
  partitions: OffsetCommitResponsePartition[];
}

export interface OffsetCommitResponse {
  /** v3+ */
  throttleTimeMs?: number;
  topics: OffsetCommitResponseTopic[];
}

export const OFFSET_COMMIT_REQUEST: MessageSpec = {
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommitRequest',
  type: 'request',
  validVersions: '0-9',
  flexibleVersions: '8+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationIdOrMemberEpoch', type: 'int32', versions: '1+', default: -1, ignorable: true },
    { name: 'memberId', type: 'string', versions: '1+', ignorable: true },
    { name: 'groupInstanceId', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
    { name: 'retentionTimeMs', type: 'int64', versions: '2-4', default: -1, ignorable: true },
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
            { name: 'committedOffset', type: 'int64', versions: '0+' },
            { name: 'committedLeaderEpoch', type: 'int32', versions: '6+', default: -1, ignorable: true },
            { name: 'commitTimestamp', type: 'int64', versions: '1', default: -1 },
            { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const OFFSET_COMMIT_RESPONSE: MessageSpec = {
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommitResponse',
  type: 'response',
  validVersions: '0-9',
  flexibleVersions: '8+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+', ignorable: true },
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
          ],
        },
      ],
    },
  ],
};

export const OFFSET_COMMIT_API: ApiSpec = {
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  request: OFFSET_COMMIT_REQUEST,
  response: OFFSET_COMMIT_RESPONSE,
  minVersion: 2,
  maxVersion: 8,
};
