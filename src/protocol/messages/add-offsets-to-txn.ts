import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * AddOffsetsToTxn (key 25): tell a transaction coordinator that the transaction will commit offsets of a
 * consumer group, so that it adds the group's __consumer_offsets partition to the transaction. The producer
 * then sends TxnOffsetCommit to the group coordinator. Versions 0–4; 3+ are flexible. Ferry serves 0–3.
 *
 * Grammar:
 *
 *   AddOffsetsToTxn Request (Version: 0-4) => transactional_id producer_id producer_epoch group_id
 *
 *   AddOffsetsToTxn Response (Version: 0-4) => throttle_time_ms error_code
 */

export interface AddOffsetsToTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  groupId: string;
}

export interface AddOffsetsToTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export const ADD_OFFSETS_TO_TXN_REQUEST: MessageSpec = {
  apiKey: ApiKey.AddOffsetsToTxn,
  name: 'AddOffsetsToTxnRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'groupId', type: 'string', versions: '0+' },
  ],
};

export const ADD_OFFSETS_TO_TXN_RESPONSE: MessageSpec = {
  apiKey: ApiKey.AddOffsetsToTxn,
  name: 'AddOffsetsToTxnResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
};

export const ADD_OFFSETS_TO_TXN_API: ApiSpec = {
  apiKey: ApiKey.AddOffsetsToTxn,
  name: 'AddOffsetsToTxn',
  request: ADD_OFFSETS_TO_TXN_REQUEST,
  response: ADD_OFFSETS_TO_TXN_RESPONSE,
  minVersion: 0,
  maxVersion: 3,
};
