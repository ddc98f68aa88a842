import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * OffsetForLeaderEpoch (key 23): for each partition, the end offset of a leader epoch on the leader — the
 * start offset of the next higher epoch, or the log end offset for the current one. Followers use it to
 * find where their log diverges from the leader's before truncating (KIP-101/279); consumers use it to
 * detect log truncation (KIP-320). Versions 0–4; 4 is flexible. Ferry serves 0–4.
 *
 * Grammar (`{v}` = versions the field is in):
 *
 *   OffsetForLeaderEpoch Request (Version: 0-4) => replica_id{3+} [topics]
 *     topics => topic [partitions]
 *       partitions => partition current_leader_epoch{2+} leader_epoch
 *
 *   OffsetForLeaderEpoch Response (Version: 0-4) => throttle_time_ms{2+} [topics]
 *     topics => topic [partitions]
 *       partitions => error_code partition leader_epoch{1+} end_offset
 *
 * replica_id: a follower's broker id, -1 for a debugging tool, -2 (the default) for a consumer; a consumer
 * may only read up to the high watermark. current_leader_epoch -1 skips the fencing check.
 */

export interface OffsetForLeaderPartition {
  partition: number;
  /** v2+; -1: do not fence. */
  currentLeaderEpoch?: number;
  leaderEpoch: number;
}

export interface OffsetForLeaderTopic {
  topic: string;
  partitions: OffsetForLeaderPartition[];
}

export interface OffsetForLeaderEpochRequest {
  /** v3+; -2: a consumer. */
  replicaId?: number;
  topics: OffsetForLeaderTopic[];
}

export interface EpochEndOffset {
  errorCode: number;
  partition: number;
  /** v1+: the largest epoch not above the requested one; -1 unknown. */
  leaderEpoch?: number;
  endOffset: number;
}

export interface OffsetForLeaderTopicResult {
  topic: string;
  partitions: EpochEndOffset[];
}

export interface OffsetForLeaderEpochResponse {
  /** v2+ */
  throttleTimeMs?: number;
  topics: OffsetForLeaderTopicResult[];
}

export const OFFSET_FOR_LEADER_EPOCH_REQUEST: MessageSpec = {
  apiKey: ApiKey.OffsetForLeaderEpoch,
  name: 'OffsetForLeaderEpochRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'replicaId', type: 'int32', versions: '3+', default: -2, ignorable: true },
    {
      name: 'topics',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'currentLeaderEpoch', type: 'int32', versions: '2+', default: -1, ignorable: true },
            { name: 'leaderEpoch', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const OFFSET_FOR_LEADER_EPOCH_RESPONSE: MessageSpec = {
  apiKey: ApiKey.OffsetForLeaderEpoch,
  name: 'OffsetForLeaderEpochResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    {
      name: 'topics',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '1+', default: -1, ignorable: true },
            { name: 'endOffset', type: 'int64', versions: '0+', default: -1 },
          ],
        },
      ],
    },
  ],
};

export const OFFSET_FOR_LEADER_EPOCH_API: ApiSpec = {
  apiKey: ApiKey.OffsetForLeaderEpoch,
  name: 'OffsetForLeaderEpoch',
  request: OFFSET_FOR_LEADER_EPOCH_REQUEST,
  response: OFFSET_FOR_LEADER_EPOCH_RESPONSE,
  minVersion: 0,
  maxVersion: 4,
};
