import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * SyncGroup (key 14): the leader sends the assignments, every member receives its own. Kafka versions 0–5;
 * 4+ flexible. Ferry serves 0–5. Assignments are opaque bytes (the consumer protocol's assignment).
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   SyncGroup Request (Version: 5) => group_id generation_id member_id group_instance_id protocol_type protocol_name [assignments] _tagged_fields
 *     group_id => COMPACT_STRING
 *     generation_id => INT32
 *     member_id => COMPACT_STRING
 *     group_instance_id => COMPACT_NULLABLE_STRING
 *     protocol_type => COMPACT_NULLABLE_STRING
 *     protocol_name => COMPACT_NULLABLE_STRING
 *     assignments => member_id assignment _tagged_fields
 *       member_id => COMPACT_STRING
 *       assignment => COMPACT_BYTES
 *
 *   SyncGroup Response (Version: 5) => throttle_time_ms error_code protocol_type protocol_name assignment _tagged_fields
 *     throttle_time_ms => INT32
 *     error_code => INT16
 *     protocol_type => COMPACT_NULLABLE_STRING
 *     protocol_name => COMPACT_NULLABLE_STRING
 *     assignment => COMPACT_BYTES
 */

export interface SyncGroupRequestAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+; nullable v3+; default null */
  groupInstanceId?: string | null;
  /** v5+; nullable v5+; default null */
  protocolType?: string | null;
  /** v5+; nullable v5+; default null */
  protocolName?: string | null;
  assignments: SyncGroupRequestAssignment[];
}

export interface SyncGroupResponse {
  /** v1+ */
  throttleTimeMs?: number;
  errorCode: number;
  /** v5+; nullable v5+; default null */
  protocolType?: string | null;
  /** v5+; nullable v5+; default null */
  protocolName?: string | null;
  assignment: Buffer;
}

export const SYNC_GROUP_REQUEST: MessageSpec = {
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroupRequest',
  type: 'request',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    {
      name: 'protocolType',
      type: 'string',
      versions: '5+',
      nullableVersions: '5+',
      default: null,
      ignorable: true,
    },
    {
      name: 'protocolName',
      type: 'string',
      versions: '5+',
      nullableVersions: '5+',
      default: null,
      ignorable: true,
    },
    {
      name: 'assignments',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'memberId', type: 'string', versions: '0+' },
        { name: 'assignment', type: 'bytes', versions: '0+' },
      ],
    },
  ],
};

export const SYNC_GROUP_RESPONSE: MessageSpec = {
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroupResponse',
  type: 'response',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'protocolType',
      type: 'string',
      versions: '5+',
      nullableVersions: '5+',
      default: null,
      ignorable: true,
    },
    {
      name: 'protocolName',
      type: 'string',
      versions: '5+',
      nullableVersions: '5+',
      default: null,
      ignorable: true,
    },
    { name: 'assignment', type: 'bytes', versions: '0+' },
  ],
};

export const SYNC_GROUP_API: ApiSpec = {
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  request: SYNC_GROUP_REQUEST,
  response: SYNC_GROUP_RESPONSE,
  minVersion: 0,
  maxVersion: 5,
};
