import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * DescribeGroups (key 15): state, protocol and members of groups. Kafka versions 0–5; 5+ flexible. Ferry
 * serves 0–5. Member metadata and assignment are the opaque bytes the members sent.
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   DescribeGroups Request (Version: 5) => [groups] include_authorized_operations _tagged_fields
 *     groups => COMPACT_STRING
 *     include_authorized_operations => BOOLEAN
 *
 *   DescribeGroups Response (Version: 5) => throttle_time_ms [groups] _tagged_fields
 *     throttle_time_ms => INT32
 *     groups => error_code group_id group_state protocol_type protocol_data [members] authorized_operations _tagged_fields
 *       error_code => INT16
 *       group_id => COMPACT_STRING
 *       group_state => COMPACT_STRING
 *       protocol_type => COMPACT_STRING
 *       protocol_data => COMPACT_STRING
 *       members => member_id group_instance_id client_id client_host member_metadata member_assignment _tagged_fields
 *         member_id => COMPACT_STRING
 *         group_instance_id => COMPACT_NULLABLE_STRING
 *         client_id => COMPACT_STRING
 *         client_host => COMPACT_STRING
 *         member_metadata => COMPACT_BYTES
 *         member_assignment => COMPACT_BYTES
 *       authorized_operations => INT32
 */

export interface DescribeGroupsRequest {
  groups: string[];
  /** v3+ */
  includeAuthorizedOperations?: boolean;
}

export interface DescribeGroupsDescribedGroupMember {
  memberId: string;
  /** v4+; nullable v4+; default null */
  groupInstanceId?: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface DescribeGroupsDescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribeGroupsDescribedGroupMember[];
  /** v3+; default -2147483648 */
  authorizedOperations?: number;
}

export interface DescribeGroupsResponse {
  /** v1+ */
  throttleTimeMs?: number;
  groups: DescribeGroupsDescribedGroup[];
}

export const DESCRIBE_GROUPS_REQUEST: MessageSpec = {
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroupsRequest',
  type: 'request',
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'groups', type: '[]string', versions: '0+' },
    { name: 'includeAuthorizedOperations', type: 'bool', versions: '3+' },
  ],
};

export const DESCRIBE_GROUPS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroupsResponse',
  type: 'response',
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    {
      name: 'groups',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'groupState', type: 'string', versions: '0+' },
        { name: 'protocolType', type: 'string', versions: '0+' },
        { name: 'protocolData', type: 'string', versions: '0+' },
        {
          name: 'members',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'memberId', type: 'string', versions: '0+' },
            {
              name: 'groupInstanceId',
              type: 'string',
              versions: '4+',
              nullableVersions: '4+',
              default: null,
              ignorable: true,
            },
            { name: 'clientId', type: 'string', versions: '0+' },
            { name: 'clientHost', type: 'string', versions: '0+' },
            { name: 'memberMetadata', type: 'bytes', versions: '0+' },
            { name: 'memberAssignment', type: 'bytes', versions: '0+' },
          ],
        },
        { name: 'authorizedOperations', type: 'int32', versions: '3+', default: -2147483648 },
      ],
    },
  ],
};

export const DESCRIBE_GROUPS_API: ApiSpec = {
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  request: DESCRIBE_GROUPS_REQUEST,
  response: DESCRIBE_GROUPS_RESPONSE,
  minVersion: 0,
  maxVersion: 5,
};
