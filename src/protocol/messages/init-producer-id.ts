import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * InitProducerId (key 22): obtain a producer id and epoch — for an idempotent producer from any broker, for a
 * transactional one from its transaction coordinator, which also fences older instances and aborts their
 * open transaction. Versions 0–5; 2+ are flexible. Ferry serves 0–4.
 *
 * Grammar (`{v}` = versions the field is in, `?` = nullable):
 *
 *   InitProducerId Request (Version: 0-5) => transactional_id? transaction_timeout_ms producer_id{3+}
 *                                            producer_epoch{3+}
 *
 *   InitProducerId Response (Version: 0-5) => throttle_time_ms error_code producer_id producer_epoch
 *
 * From version 3 a producer may send its current id and epoch (-1/-1 when it has none) to resume after
 * INVALID_PRODUCER_EPOCH (KIP-360); version 4 may answer PRODUCER_FENCED, 5 TRANSACTION_ABORTABLE (KIP-890).
 */

export interface InitProducerIdRequest {
  /** Null for an idempotent, non-transactional producer. */
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** v3+; -1: none. */
  producerId?: number;
  /** v3+; -1: none. */
  producerEpoch?: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export const INIT_PRODUCER_ID_REQUEST: MessageSpec = {
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerIdRequest',
  type: 'request',
  validVersions: '0-5',
  flexibleVersions: '2+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '3+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '3+', default: -1 },
  ],
};

export const INIT_PRODUCER_ID_RESPONSE: MessageSpec = {
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerIdResponse',
  type: 'response',
  validVersions: '0-5',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
  ],
};

export const INIT_PRODUCER_ID_API: ApiSpec = {
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  request: INIT_PRODUCER_ID_REQUEST,
  response: INIT_PRODUCER_ID_RESPONSE,
  minVersion: 0,
  maxVersion: 4,
};
