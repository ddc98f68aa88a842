import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * CreatePartitions (key 37): grow topics to a new partition count, optionally placing the new partitions'
 * replicas by hand. Versions 0–3; 2+ are flexible. Ferry serves 0–3.
 *
 * Grammar (`?` = nullable):
 *
 *   CreatePartitions Request (Version: 0-3) => [topics] timeout_ms validate_only
 *     topics => name count [assignments]?
 *       assignments => [broker_ids]
 *
 *   CreatePartitions Response (Version: 0-3) => throttle_time_ms [results]
 *     results => name error_code error_message?
 *
 * `assignments`, when not null, has one entry per new partition (count minus the current count), in
 * partition order. Version 3 may answer THROTTLING_QUOTA_EXCEEDED (KIP-599).
 */

export interface CreatePartitionsAssignment {
  brokerIds: number[];
}

export interface CreatePartitionsTopic {
  name: string;
  count: number;
  assignments: CreatePartitionsAssignment[] | null;
}

export interface CreatePartitionsRequest {
  topics: CreatePartitionsTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreatePartitionsTopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface CreatePartitionsResponse {
  throttleTimeMs: number;
  results: CreatePartitionsTopicResult[];
}

export const CREATE_PARTITIONS_REQUEST: MessageSpec = {
  apiKey: ApiKey.CreatePartitions,
  name: 'CreatePartitionsRequest',
  type: 'request',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'topics',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'count', type: 'int32', versions: '0+' },
        {
          name: 'assignments',
          type: '[]',
          versions: '0+',
          nullableVersions: '0+',
          fields: [{ name: 'brokerIds', type: '[]int32', versions: '0+' }],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
};

export const CREATE_PARTITIONS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.CreatePartitions,
  name: 'CreatePartitionsResponse',
  type: 'response',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
      ],
    },
  ],
};

export const CREATE_PARTITIONS_API: ApiSpec = {
  apiKey: ApiKey.CreatePartitions,
  name: 'CreatePartitions',
  request: CREATE_PARTITIONS_REQUEST,
  response: CREATE_PARTITIONS_RESPONSE,
  minVersion: 0,
  maxVersion: 3,
};
