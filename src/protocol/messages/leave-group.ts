import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * LeaveGroup (key 13): members leave a group. Kafka versions 0–5; 4+ flexible. Ferry serves 0–4. Up to v2 a
 * single `member_id`; from v3 a batch of `members` (KIP-345) with per-member results.
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   LeaveGroup Request (Version: 2) => group_id member_id
 *     group_id => STRING
 *     member_id => STRING
 *
 *   LeaveGroup Response (Version: 4) => throttle_time_ms error_code [members] _tagged_fields
 *     throttle_time_ms => INT32
 *     error_code => INT16
 *     members => member_id group_instance_id error_code _tagged_fields
 *       member_id => COMPACT_STRING
 *       group_instance_id => COMPACT_NULLABLE_STRING
 *       error_code => INT16
 */

export interface LeaveGroupMemberIdentity {
  memberId: string;
  /** nullable v3+; default null */
  groupInstanceId: string | null;
  /** v5+; nullable v5+; default null */
  reason?: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** v0-2 */
  memberId?: string;
  /** v3+ */
  members?: LeaveGroupMemberIdentity[];
}

export interface LeaveGroupMemberResponse {
  memberId: string;
  /** nullable v3+ */
  groupInstanceId: string | null;
  errorCode: number;
}

export interface LeaveGroupResponse {
  /** v1+ */
  throttleTimeMs?: number;
  errorCode: number;
  /** v3+ */
  members?: LeaveGroupMemberResponse[];
}

export const LEAVE_GROUP_REQUEST: MessageSpec = {
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroupRequest',
  type: 'request',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0-2' },
    {
      name: 'members',
      type: '[]',
      versions: '3+',
      fields: [
        { name: 'memberId', type: 'string', versions: '3+' },
        { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
        {
          name: 'reason',
          type: 'string',
          versions: '5+',
          nullableVersions: '5+',
          default: null,
          ignorable: true,
        },
      ],
    },
  ],
};

export const LEAVE_GROUP_RESPONSE: MessageSpec = {
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroupResponse',
  type: 'response',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'members',
      type: '[]',
      versions: '3+',
      fields: [
        { name: 'memberId', type: 'string', versions: '3+' },
        { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+' },
        { name: 'errorCode', type: 'int16', versions: '3+' },
      ],
    },
  ],
};

export const LEAVE_GROUP_API: ApiSpec = {
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  request: LEAVE_GROUP_REQUEST,
  response: LEAVE_GROUP_RESPONSE,
  minVersion: 0,
  maxVersion: 4,
};
