import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * TxnOffsetCommit (key 28): commit consumer offsets as part of a transaction, sent to the group
 * coordinator; they become visible when the transaction's marker lands. Versions 0–4; 3+ are flexible.
 * Ferry serves 0–3.
 *
 * Grammar (`{v}` = versions the field is in, `?` = nullable):
 *
 *   TxnOffsetCommit Request (Version: 0-4) => transactional_id group_id producer_id producer_epoch
 *       generation_id{3+} member_id{3+} group_instance_id{3+}? [topics]
 *     topics => name [partitions]
 *       partitions => partition_index committed_offset committed_leader_epoch{2+} committed_metadata?
 *
 *   TxnOffsetCommit Response (Version: 0-4) => throttle_time_ms [topics]
 *     topics => name [partitions]
 *       partitions => partition_index error_code
 *
 * Version 3 adds the member's generation and ids so that the coordinator can fence zombie members
 * (KIP-447); -1 / '' / null mean "not a group member check".
 */

export interface TxnOffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: number;
  /** v2+; -1: unknown. */
  committedLeaderEpoch?: number;
  committedMetadata: string | null;
}

export interface TxnOffsetCommitRequestTopic {
  name: string;
  partitions: TxnOffsetCommitRequestPartition[];
}

export interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: number;
  producerEpoch: number;
  /** v3+ */
  generationId?: number;
  /** v3+ */
  memberId?: string;
  /** v3+ */
  groupInstanceId?: string | null;
  topics: TxnOffsetCommitRequestTopic[];
}

export interface TxnOffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

export interface TxnOffsetCommitResponseTopic {
  name: string;
  partitions: TxnOffsetCommitResponsePartition[];
}

export interface TxnOffsetCommitResponse {
  throttleTimeMs: number;
  topics: TxnOffsetCommitResponseTopic[];
}

export const TXN_OFFSET_COMMIT_REQUEST: MessageSpec = {
  apiKey: ApiKey.TxnOffsetCommit,
  name: 'TxnOffsetCommitRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '0+' },
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '3+', default: -1 },
    { name: 'memberId', type: 'string', versions: '3+', default: '' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
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
            { name: 'committedLeaderEpoch', type: 'int32', versions: '2+', default: -1, ignorable: true },
            { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const TXN_OFFSET_COMMIT_RESPONSE: MessageSpec = {
  apiKey: ApiKey.TxnOffsetCommit,
  name: 'TxnOffsetCommitResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '3+',
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
          ],
        },
      ],
    },
  ],
};

export const TXN_OFFSET_COMMIT_API: ApiSpec = {
  apiKey: ApiKey.TxnOffsetCommit,
  name: 'TxnOffsetCommit',
  request: TXN_OFFSET_COMMIT_REQUEST,
  response: TXN_OFFSET_COMMIT_RESPONSE,
  minVersion: 0,
  maxVersion: 3,
};
