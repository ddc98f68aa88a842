import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * DeleteGroups (key 42): delete empty consumer groups and their committed offsets, sent to each group's
 * coordinator. Versions 0–2; 2 is flexible. Ferry serves 0–2.
 *
 * Grammar:
 *
 *   DeleteGroups Request (Version: 0-2) => [groups_names]
 *
 *   DeleteGroups Response (Version: 0-2) => throttle_time_ms [results]
 *     results => group_id error_code
 *
 * A group with members is not deleted: its result is NON_EMPTY_GROUP.
 */

export interface DeleteGroupsRequest {
  /** Kafka's own field name (sic). */
  groupsNames: string[];
}

export interface DeletableGroupResult {
  groupId: string;
  errorCode: number;
}

export interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: DeletableGroupResult[];
}

export const DELETE_GROUPS_REQUEST: MessageSpec = {
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroupsRequest',
  type: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [{ name: 'groupsNames', type: '[]string', versions: '0+' }],
};

export const DELETE_GROUPS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroupsResponse',
  type: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
      ],
    },
  ],
};

export const DELETE_GROUPS_API: ApiSpec = {
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroups',
  request: DELETE_GROUPS_REQUEST,
  response: DELETE_GROUPS_RESPONSE,
  minVersion: 0,
  maxVersion: 2,
};
