import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * FindCoordinator (key 10): the broker coordinating a consumer group (key_type 0) or a transactional id
 * (key_type 1). Kafka versions 0–6; 3+ flexible. Ferry serves 0–4. From v4 the request carries a batch of
 * keys (`coordinator_keys`) and the response one entry per key (`coordinators`), replacing the single
 * key and the top-level node fields.
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   FindCoordinator Request (Version: 3) => key key_type _tagged_fields
 *     key => COMPACT_STRING
 *     key_type => INT8
 *
 *   FindCoordinator Response (Version: 4) => throttle_time_ms [coordinators] _tagged_fields
 *     throttle_time_ms => INT32
 *     coordinators => key node_id host port error_code error_message _tagged_fields
 *       key => COMPACT_STRING
 *       node_id => INT32
 *       host => COMPACT_STRING
 *       port => INT32
 *       error_code => INT16
 *       error_message => COMPACT_NULLABLE_STRING
 */

export interface FindCoordinatorRequest {
  /** v0-3 */
  key?: string;
  /** v1+ */
  keyType?: number;
  /** v4+ */
  coordinatorKeys?: string[];
}

export interface FindCoordinatorCoordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  /** nullable v4+ */
  errorMessage: string | null;
}

export interface FindCoordinatorResponse {
  /** v1+ */
  throttleTimeMs?: number;
  /** v0-3 */
  errorCode?: number;
  /** v1-3; nullable v1-3 */
  errorMessage?: string | null;
  /** v0-3 */
  nodeId?: number;
  /** v0-3 */
  host?: string;
  /** v0-3 */
  port?: number;
  /** v4+ */
  coordinators?: FindCoordinatorCoordinator[];
}

export const FIND_COORDINATOR_REQUEST: MessageSpec = {
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinatorRequest',
  type: 'request',
  validVersions: '0-6',
  flexibleVersions: '3+',
  fields: [
    { name: 'key', type: 'string', versions: '0-3' },
    { name: 'keyType', type: 'int8', versions: '1+', default: 0 },
    { name: 'coordinatorKeys', type: '[]string', versions: '4+' },
  ],
};

export const FIND_COORDINATOR_RESPONSE: MessageSpec = {
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinatorResponse',
  type: 'response',
  validVersions: '0-6',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0-3' },
    { name: 'errorMessage', type: 'string', versions: '1-3', nullableVersions: '1-3', ignorable: true },
    { name: 'nodeId', type: 'int32', versions: '0-3' },
    { name: 'host', type: 'string', versions: '0-3' },
    { name: 'port', type: 'int32', versions: '0-3' },
    {
      name: 'coordinators',
      type: '[]',
      versions: '4+',
      fields: [
        { name: 'key', type: 'string', versions: '4+' },
        { name: 'nodeId', type: 'int32', versions: '4+' },
        { name: 'host', type: 'string', versions: '4+' },
        { name: 'port', type: 'int32', versions: '4+' },
        { name: 'errorCode', type: 'int16', versions: '4+' },
        { name: 'errorMessage', type: 'string', versions: '4+', nullableVersions: '4+', ignorable: true },
      ],
    },
  ],
};

export const FIND_COORDINATOR_API: ApiSpec = {
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  request: FIND_COORDINATOR_REQUEST,
  response: FIND_COORDINATOR_RESPONSE,
  minVersion: 0,
  maxVersion: 4,
};
