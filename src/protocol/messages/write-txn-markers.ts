import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * WriteTxnMarkers (key 27): broker-to-broker; the transaction coordinator asks partition leaders to append
 * a commit or abort control batch for finished transactions. Versions 0–1; 1 is flexible. Ferry serves 0–1.
 *
 * Grammar:
 *
 *   WriteTxnMarkers Request (Version: 0-1) => [markers]
 *     markers => producer_id producer_epoch transaction_result [topics] coordinator_epoch
 *       topics => name [partition_indexes]
 *
 *   WriteTxnMarkers Response (Version: 0-1) => [markers]
 *     markers => producer_id [topics]
 *       topics => name [partitions]
 *         partitions => partition_index error_code
 *
 * transaction_result: true commit, false abort. The coordinator epoch goes into the marker so that a
 * leader can reject markers from a coordinator that has since been replaced.
 */

export interface WritableTxnMarkerTopic {
  name: string;
  partitionIndexes: number[];
}

export interface WritableTxnMarker {
  producerId: number;
  producerEpoch: number;
  transactionResult: boolean;
  topics: WritableTxnMarkerTopic[];
  coordinatorEpoch: number;
}

export interface WriteTxnMarkersRequest {
  markers: WritableTxnMarker[];
}

export interface WritableTxnMarkerPartitionResult {
  partitionIndex: number;
  errorCode: number;
}

export interface WritableTxnMarkerTopicResult {
  name: string;
  partitions: WritableTxnMarkerPartitionResult[];
}

export interface WritableTxnMarkerResult {
  producerId: number;
  topics: WritableTxnMarkerTopicResult[];
}

export interface WriteTxnMarkersResponse {
  markers: WritableTxnMarkerResult[];
}

export const WRITE_TXN_MARKERS_REQUEST: MessageSpec = {
  apiKey: ApiKey.WriteTxnMarkers,
  name: 'WriteTxnMarkersRequest',
  type: 'request',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    {
      name: 'markers',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'producerId', type: 'int64', versions: '0+' },
        { name: 'producerEpoch', type: 'int16', versions: '0+' },
        { name: 'transactionResult', type: 'bool', versions: '0+' },
        {
          name: 'topics',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'partitionIndexes', type: '[]int32', versions: '0+' },
          ],
        },
        { name: 'coordinatorEpoch', type: 'int32', versions: '0+' },
      ],
    },
  ],
};

export const WRITE_TXN_MARKERS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.WriteTxnMarkers,
  name: 'WriteTxnMarkersResponse',
  type: 'response',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    {
      name: 'markers',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'producerId', type: 'int64', versions: '0+' },
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
    },
  ],
};

export const WRITE_TXN_MARKERS_API: ApiSpec = {
  apiKey: ApiKey.WriteTxnMarkers,
  name: 'WriteTxnMarkers',
  request: WRITE_TXN_MARKERS_REQUEST,
  response: WRITE_TXN_MARKERS_RESPONSE,
  minVersion: 0,
  maxVersion: 1,
};
