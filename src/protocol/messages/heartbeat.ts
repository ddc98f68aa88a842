import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * Heartbeat (key 12): a member tells its group coordinator it is alive; the answer carries
 * REBALANCE_IN_PROGRESS when it must rejoin. Kafka versions 0–4; 4+ flexible. Ferry serves 0–4.
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   Heartbeat Request (Version: 3) => group_id generation_id member_id group_instance_id
 *     group_id => STRING
 *     generation_id => INT32
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING
 *
 *   Heartbeat Response (Version: 4) => throttle_time_ms error_code _tagged_fields
 *     throttle_time_ms => INT32
 *     error_code => INT16
 */

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+; nullable v3+; default null */
  groupInstanceId?: string | null;
}

export interface HeartbeatResponse {
  /** v1+ */
  throttleTimeMs?: number;
  errorCode: number;
}

export const HEARTBEAT_REQUEST: MessageSpec = {
  apiKey: ApiKey.Heartbeat,
  name: 'HeartbeatRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
  ],
};

export const HEARTBEAT_RESPONSE: MessageSpec = {
  apiKey: ApiKey.Heartbeat,
  name: 'HeartbeatResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
};

export const HEARTBEAT_API: ApiSpec = {
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  request: HEARTBEAT_REQUEST,
  response: HEARTBEAT_RESPONSE,
  minVersion: 0,
  maxVersion: 4,
};
