import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * ListGroups (key 16): the groups a broker coordinates, optionally filtered by state (v4+). Kafka versions
 * 0–5; 3+ flexible. Ferry serves 0–4.
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   ListGroups Request (Version: 2) =>
 *
 *   ListGroups Response (Version: 4) => throttle_time_ms error_code [groups] _tagged_fields
 *     throttle_time_ms => INT32
 *     error_code => INT16
 *     groups => group_id protocol_type group_state _tagged_fields
 *       group_id => COMPACT_STRING
 *       protocol_type => COMPACT_STRING
 *       group_state => COMPACT_STRING
 */

export interface ListGroupsRequest {
  /** v4+ */
  statesFilter?: string[];
  /** v5+ */
  typesFilter?: string[];
}

export interface ListGroupsListedGroup {
  groupId: string;
  protocolType: string;
  /** v4+ */
  groupState?: string;
  /** v5+ */
  groupType?: string;
}

export interface ListGroupsResponse {
  /** v1+ */
  throttleTimeMs?: number;
  errorCode: number;
  groups: ListGroupsListedGroup[];
}

export const LIST_GROUPS_REQUEST: MessageSpec = {
  apiKey: ApiKey.ListGroups,
  name: 'ListGroupsRequest',
  type: 'request',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'statesFilter', type: '[]string', versions: '4+' },
    { name: 'typesFilter', type: '[]string', versions: '5+' },
  ],
};

export const LIST_GROUPS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.ListGroups,
  name: 'ListGroupsResponse',
  type: 'response',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'groups',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'protocolType', type: 'string', versions: '0+' },
        { name: 'groupState', type: 'string', versions: '4+', ignorable: true },
        { name: 'groupType', type: 'string', versions: '5+', ignorable: true },
      ],
    },
  ],
};

export const LIST_GROUPS_API: ApiSpec = {
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  request: LIST_GROUPS_REQUEST,
  response: LIST_GROUPS_RESPONSE,
  minVersion: 0,
  maxVersion: 4,
};
