import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * ListPartitionReassignments (key 46): the reassignments in progress, from the controller (KIP-455).
 * Version 0 only, flexible. Ferry serves 0.
 *
 * Grammar (`?` = nullable):
 *
 *   ListPartitionReassignments Request (Version: 0) => timeout_ms [topics]?
 *     topics => name [partition_indexes]
 *
 *   ListPartitionReassignments Response (Version: 0) => throttle_time_ms error_code error_message? [topics]
 *     topics => name [partitions]
 *       partitions => partition_index [replicas] [adding_replicas] [removing_replicas]
 *
 * Null topics lists every ongoing reassignment.
 */

export interface ListPartitionReassignmentsTopics {
  name: string;
  partitionIndexes: number[];
}

export interface ListPartitionReassignmentsRequest {
  timeoutMs: number;
  /** Null: every ongoing reassignment. */
  topics: ListPartitionReassignmentsTopics[] | null;
}

export interface OngoingPartitionReassignment {
  partitionIndex: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export interface OngoingTopicReassignment {
  name: string;
  partitions: OngoingPartitionReassignment[];
}

export interface ListPartitionReassignmentsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  topics: OngoingTopicReassignment[];
}

export const LIST_PARTITION_REASSIGNMENTS_REQUEST: MessageSpec = {
  apiKey: ApiKey.ListPartitionReassignments,
  name: 'ListPartitionReassignmentsRequest',
  type: 'request',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    {
      name: 'topics',
      type: '[]',
      versions: '0+',
      nullableVersions: '0+',
      default: null,
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'partitionIndexes', type: '[]int32', versions: '0+' },
      ],
    },
  ],
};

export const LIST_PARTITION_REASSIGNMENTS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.ListPartitionReassignments,
  name: 'ListPartitionReassignmentsResponse',
  type: 'response',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
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
            { name: 'replicas', type: '[]int32', versions: '0+' },
            { name: 'addingReplicas', type: '[]int32', versions: '0+' },
            { name: 'removingReplicas', type: '[]int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const LIST_PARTITION_REASSIGNMENTS_API: ApiSpec = {
  apiKey: ApiKey.ListPartitionReassignments,
  name: 'ListPartitionReassignments',
  request: LIST_PARTITION_REASSIGNMENTS_REQUEST,
  response: LIST_PARTITION_REASSIGNMENTS_RESPONSE,
  minVersion: 0,
  maxVersion: 0,
};
