import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * EndTxn (key 26): ask the transaction coordinator to commit or abort the producer's open transaction; it
 * then writes the markers to every partition in the transaction (WriteTxnMarkers). Versions 0–5; 3+ are
 * flexible. Ferry serves 0–3.
 *
 * Grammar (`{v}` = versions the field is in):
 *
 *   EndTxn Request (Version: 0-5) => transactional_id producer_id producer_epoch committed
 *
 *   EndTxn Response (Version: 0-5) => throttle_time_ms error_code producer_id{5+} producer_epoch{5+}
 *
 * Version 5 (KIP-890, still unstable in Kafka) bumps the epoch at every transaction end and returns it.
 */

export interface EndTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  /** True to commit, false to abort. */
  committed: boolean;
}

export interface EndTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
  /** v5+ */
  producerId?: number;
  /** v5+ */
  producerEpoch?: number;
}

export const END_TXN_REQUEST: MessageSpec = {
  apiKey: ApiKey.EndTxn,
  name: 'EndTxnRequest',
  type: 'request',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'committed', type: 'bool', versions: '0+' },
  ],
};

export const END_TXN_RESPONSE: MessageSpec = {
  apiKey: ApiKey.EndTxn,
  name: 'EndTxnResponse',
  type: 'response',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '5+', default: -1, ignorable: true },
    { name: 'producerEpoch', type: 'int16', versions: '5+', default: -1, ignorable: true },
  ],
};

export const END_TXN_API: ApiSpec = {
  apiKey: ApiKey.EndTxn,
  name: 'EndTxn',
  request: END_TXN_REQUEST,
  response: END_TXN_RESPONSE,
  minVersion: 0,
  maxVersion: 3,
};
