import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * OffsetDelete (key 47): delete a group's committed offsets for some partitions (KIP-496), sent to the group
 * coordinator. Version 0 only, not flexible. Ferry serves 0.
 *
 * Grammar:
 *
 *   OffsetDelete Request (Version: 0) => group_id [topics]
 *     topics => name [partitions]
 *       partitions => partition_index
 *
 *   OffsetDelete Response (Version: 0) => error_code throttle_time_ms [topics]
 *     topics => name [partitions]
 *       partitions => partition_index error_code
 *
 * Offsets of a topic the group is still subscribed to are not deleted (GROUP_SUBSCRIBED_TO_TOPIC). Note
 * that the response starts with the top-level error code, before the throttle time.
 */

export interface OffsetDeleteRequestPartition {
  partitionIndex: number;
}

export interface OffsetDeleteRequestTopic {
  name: string;
  partitions: OffsetDeleteRequestPartition[];
}

export interface OffsetDeleteRequest {
  groupId: string;
  topics: OffsetDeleteRequestTopic[];
}

export interface OffsetDeleteResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

export interface OffsetDeleteResponseTopic {
  name: string;
  partitions: OffsetDeleteResponsePartition[];
}

export interface OffsetDeleteResponse {
  errorCode: number;
  throttleTimeMs: number;
  topics: OffsetDeleteResponseTopic[];
}

export const OFFSET_DELETE_REQUEST: MessageSpec = {
  apiKey: ApiKey.OffsetDelete,
  name: 'OffsetDeleteRequest',
  type: 'request',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
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
          fields: [{ name: 'partitionIndex', type: 'int32', versions: '0+' }],
        },
      ],
    },
  ],
};

export const OFFSET_DELETE_RESPONSE: MessageSpec = {
  apiKey: ApiKey.OffsetDelete,
  name: 'OffsetDeleteResponse',
  type: 'response',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'throttleTimeMs', type: 'int32', versions: '0+', ignorable: true },
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

export const OFFSET_DELETE_API: ApiSpec = {
  apiKey: ApiKey.OffsetDelete,
  name: 'OffsetDelete',
  request: OFFSET_DELETE_REQUEST,
  response: OFFSET_DELETE_RESPONSE,
  minVersion: 0,
  maxVersion: 0,
};
