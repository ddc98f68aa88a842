import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * DeleteRecords (key 21): advance partitions' log start offsets, making the records below them unreadable
 * and their segments eligible for deletion. Sent to each partition's leader. Versions 0–2; 2 is flexible.
 * Ferry serves 0–2.
 *
 * Grammar:
 *
 *   DeleteRecords Request (Version: 0-2) => [topics] timeout_ms
 *     topics => name [partitions]
 *       partitions => partition_index offset
 *
 *   DeleteRecords Response (Version: 0-2) => throttle_time_ms [topics]
 *     topics => name [partitions]
 *       partitions => partition_index low_watermark error_code
 *
 * An offset of -1 means the high watermark. The answer waits (up to timeout_ms) until the followers have
 * the new low watermark too.
 */

export interface DeleteRecordsPartition {
  partitionIndex: number;
  /** The new log start offset; -1: the high watermark. */
  offset: number;
}

export interface DeleteRecordsTopic {
  name: string;
  partitions: DeleteRecordsPartition[];
}

export interface DeleteRecordsRequest {
  topics: DeleteRecordsTopic[];
  timeoutMs: number;
}

export interface DeleteRecordsPartitionResult {
  partitionIndex: number;
  lowWatermark: number;
  errorCode: number;
}

export interface DeleteRecordsTopicResult {
  name: string;
  partitions: DeleteRecordsPartitionResult[];
}

export interface DeleteRecordsResponse {
  throttleTimeMs: number;
  topics: DeleteRecordsTopicResult[];
}

export const DELETE_RECORDS_REQUEST: MessageSpec = {
  apiKey: ApiKey.DeleteRecords,
  name: 'DeleteRecordsRequest',
  type: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
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
            { name: 'offset', type: 'int64', versions: '0+' },
          ],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
};

export const DELETE_RECORDS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.DeleteRecords,
  name: 'DeleteRecordsResponse',
  type: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
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
            { name: 'lowWatermark', type: 'int64', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const DELETE_RECORDS_API: ApiSpec = {
  apiKey: ApiKey.DeleteRecords,
  name: 'DeleteRecords',
  request: DELETE_RECORDS_REQUEST,
  response: DELETE_RECORDS_RESPONSE,
  minVersion: 0,
  maxVersion: 2,
};
