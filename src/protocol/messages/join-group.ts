import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * JoinGroup (key 11): a member joins (or rejoins) a consumer group; the leader receives the members and
 * their protocol metadata. Kafka versions 0–9; 6+ flexible. Ferry serves 0–7.
 *
 * `metadata` (request protocols, response members) is opaque bytes: the consumer protocol's subscription,
 * which the coordinator stores and forwards without parsing.
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   JoinGroup Request (Version: 7) => group_id session_timeout_ms rebalance_timeout_ms member_id group_instance_id protocol_type [protocols] _tagged_fields
 *     group_id => COMPACT_STRING
 *     session_timeout_ms => INT32
 *     rebalance_timeout_ms => INT32
 *     member_id => COMPACT_STRING
 *     group_instance_id => COMPACT_NULLABLE_STRING
 *     protocol_type => COMPACT_STRING
 *     protocols => name metadata _tagged_fields
 *       name => COMPACT_STRING
 *       metadata => COMPACT_BYTES
 *
 *   JoinGroup Response (Version: 7) => throttle_time_ms error_code generation_id protocol_type protocol_name leader member_id [members] _tagged_fields
 *     throttle_time_ms => INT32
 *     error_code => INT16
 *     generation_id => INT32
 *     protocol_type => COMPACT_NULLABLE_STRING
 *     protocol_name => COMPACT_NULLABLE_STRING
 *     leader => COMPACT_STRING
 *     member_id => COMPACT_STRING
 *     members => member_id group_instance_id metadata _tagged_fields
 *       member_id => COMPACT_STRING
 *       group_instance_id => COMPACT_NULLABLE_STRING
 *       metadata => COMPACT_BYTES
 */

export interface JoinGroupRequestProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** v1+; default -1 */
  rebalanceTimeoutMs?: number;
  memberId: string;
  /** v5+; nullable v5+; default null */
  groupInstanceId?: string | null;
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
  /** v8+; nullable v8+; default null */
  reason?: string | null;
}

export interface JoinGroupResponseMember {
  memberId: string;
  /** v5+; nullable v5+; default null */
  groupInstanceId?: string | null;
  metadata: Buffer;
}

export interface JoinGroupResponse {
  /** v2+ */
  throttleTimeMs?: number;
  errorCode: number;
  /** default -1 */
  generationId: number;
  /** v7+; nullable v7+; default null */
  protocolType?: string | null;
  /** nullable v7+ */
  protocolName: string | null;
  leader: string;
  /** v9+ */
  skipAssignment?: boolean;
  memberId: string;
  members: JoinGroupResponseMember[];
}

export const JOIN_GROUP_REQUEST: MessageSpec = {
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroupRequest',
  type: 'request',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'sessionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'rebalanceTimeoutMs', type: 'int32', versions: '1+', default: -1, ignorable: true },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'protocolType', type: 'string', versions: '0+' },
    {
      name: 'protocols',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'metadata', type: 'bytes', versions: '0+' },
      ],
    },
    {
      name: 'reason',
      type: 'string',
      versions: '8+',
      nullableVersions: '8+',
      default: null,
      ignorable: true,
    },
  ],
};

export const JOIN_GROUP_RESPONSE: MessageSpec = {
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroupResponse',
  type: 'response',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+', default: -1 },
    {
      name: 'protocolType',
      type: 'string',
      versions: '7+',
      nullableVersions: '7+',
      default: null,
      ignorable: true,
    },
    { name: 'protocolName', type: 'string', versions: '0+', nullableVersions: '7+' },
    { name: 'leader', type: 'string', versions: '0+' },
    { name: 'skipAssignment', type: 'bool', versions: '9+', default: false },
    { name: 'memberId', type: 'string', versions: '0+' },
    {
      name: 'members',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'memberId', type: 'string', versions: '0+' },
        {
          name: 'groupInstanceId',
          type: 'string',
          versions: '5+',
          nullableVersions: '5+',
          default: null,
          ignorable: true,
        },
        { name: 'metadata', type: 'bytes', versions: '0+' },
      ],
    },
  ],
};

export const JOIN_GROUP_API: ApiSpec = {
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  request: JOIN_GROUP_REQUEST,
  response: JOIN_GROUP_RESPONSE,
  minVersion: 0,
  maxVersion: 7,
};
