import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * AlterPartitionReassignments (key 45): start or cancel moving partitions' replicas to other brokers,
 * sent to the controller (KIP-455). Version 0 only, flexible. Ferry serves 0.
 *
 * Grammar (`?` = nullable):
 *
 *   AlterPartitionReassignments Request (Version: 0) => timeout_ms [topics]
 *     topics => name [partitions]
 *       partitions => partition_index [replicas]?
 *
 *   AlterPartitionReassignments Response (Version: 0) => throttle_time_ms error_code error_message?
 *       [responses]
 *     responses => name [partitions]
 *       partitions => partition_index error_code error_message?
 *
 * Null replicas cancels the partition's pending reassignment.
 */

export interface ReassignablePartition {
  partitionIndex: number;
  /** The target replica set; null cancels a pending reassignment. */
  replicas: number[] | null;
}

export interface ReassignableTopic {
  name: string;
  partitions: ReassignablePartition[];
}

export interface AlterPartitionReassignmentsRequest {
  timeoutMs: number;
  topics: ReassignableTopic[];
}

export interface ReassignablePartitionResponse {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface ReassignableTopicResponse {
  name: string;
  partitions: ReassignablePartitionResponse[];
}

export interface AlterPartitionReassignmentsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  responses: ReassignableTopicResponse[];
}

export const ALTER_PARTITION_REASSIGNMENTS_REQUEST: MessageSpec = {
  apiKey: ApiKey.AlterPartitionReassignments,
  name: 'AlterPartitionReassignmentsRequest',
  type: 'request',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
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
            { name: 'replicas', type: '[]int32', versions: '0+', nullableVersions: '0+', default: null },
          ],
        },
      ],
    },
  ],
};

export const ALTER_PARTITION_REASSIGNMENTS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.AlterPartitionReassignments,
  name: 'AlterPartitionReassignmentsResponse',
  type: 'response',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'responses',
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
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const ALTER_PARTITION_REASSIGNMENTS_API: ApiSpec = {
  apiKey: ApiKey.AlterPartitionReassignments,
  name: 'AlterPartitionReassignments',
  request: ALTER_PARTITION_REASSIGNMENTS_REQUEST,
  response: ALTER_PARTITION_REASSIGNMENTS_RESPONSE,
  minVersion: 0,
  maxVersion: 0,
};
