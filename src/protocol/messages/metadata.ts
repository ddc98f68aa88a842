import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * Metadata (key 3): brokers, cluster id, controller, and for each topic its partitions with leader, leader
 * epoch, replicas, ISR and offline replicas. Kafka versions 0–12; 9+ flexible. Ferry serves 0–12.
 *
 * Request `topics`: null (v1+) asks for all topics; v0 cannot say null and an empty list means all.
 * Topic ids (uuid) appear from v10; v12 allows a request by topic id with a null name.
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   Metadata Request (Version: 1) => [topics]
 *     topics => name
 *       name => STRING
 *
 *   Metadata Response (Version: 12) => throttle_time_ms [brokers] cluster_id controller_id [topics] _tagged_fields
 *     throttle_time_ms => INT32
 *     brokers => node_id host port rack _tagged_fields
 *       node_id => INT32
 *       host => COMPACT_STRING
 *       port => INT32
 *       rack => COMPACT_NULLABLE_STRING
 *     cluster_id => COMPACT_NULLABLE_STRING
 *     controller_id => INT32
 *     topics => error_code name topic_id is_internal [partitions] topic_authorized_operations _tagged_fields
 *       error_code => INT16
 *       name => COMPACT_NULLABLE_STRING
 *       topic_id => UUID
 *       is_internal => BOOLEAN
 *       partitions => error_code partition_index leader_id leader_epoch [replica_nodes] [isr_nodes] [offline_replicas] _tagged_fields
 *         error_code => INT16
 *         partition_index => INT32
 *         leader_id => INT32
 *         leader_epoch => INT32
 *         replica_nodes => INT32
 *         isr_nodes => INT32
 *         offline_replicas => INT32
 *       topic_authorized_operations => INT32
 */

export interface MetadataRequestTopic {
  /** v10+ */
  topicId?: string;
  /** nullable v10+ */
  name: string | null;
}

export interface MetadataRequest {
  /** nullable v1+ */
  topics: MetadataRequestTopic[] | null;
  /** v4+; default true */
  allowAutoTopicCreation?: boolean;
  /** v8-10 */
  includeClusterAuthorizedOperations?: boolean;
  /** v8+ */
  includeTopicAuthorizedOperations?: boolean;
}

export interface MetadataResponseBroker {
  nodeId: number;
  host: string;
  port: number;
  /** v1+; nullable v1+; default null */
  rack?: string | null;
}

export interface MetadataResponsePartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  /** v7+; default -1 */
  leaderEpoch?: number;
  replicaNodes: number[];
  isrNodes: number[];
  /** v5+ */
  offlineReplicas?: number[];
}

export interface MetadataResponseTopic {
  errorCode: number;
  /** nullable v12+ */
  name: string | null;
  /** v10+ */
  topicId?: string;
  /** v1+ */
  isInternal?: boolean;
  partitions: MetadataResponsePartition[];
  /** v8+; default -2147483648 */
  topicAuthorizedOperations?: number;
}

export interface MetadataResponse {
  /** v3+ */
  throttleTimeMs?: number;
  brokers: MetadataResponseBroker[];
  /** v2+; nullable v2+; default null */
  clusterId?: string | null;
  /** v1+; default -1 */
  controllerId?: number;
  topics: MetadataResponseTopic[];
  /** v8-10; default -2147483648 */
  clusterAuthorizedOperations?: number;
}

export const METADATA_REQUEST: MessageSpec = {
  apiKey: ApiKey.Metadata,
  name: 'MetadataRequest',
  type: 'request',
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'topics',
      type: '[]',
      versions: '0+',
      nullableVersions: '1+',
      fields: [
        { name: 'topicId', type: 'uuid', versions: '10+', ignorable: true },
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '10+' },
      ],
    },
    { name: 'allowAutoTopicCreation', type: 'bool', versions: '4+', default: true },
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
    { name: 'includeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
  ],
};

export const METADATA_RESPONSE: MessageSpec = {
  apiKey: ApiKey.Metadata,
  name: 'MetadataResponse',
  type: 'response',
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+', ignorable: true },
    {
      name: 'brokers',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'nodeId', type: 'int32', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
        {
          name: 'rack',
          type: 'string',
          versions: '1+',
          nullableVersions: '1+',
          default: null,
          ignorable: true,
        },
      ],
    },
    {
      name: 'clusterId',
      type: 'string',
      versions: '2+',
      nullableVersions: '2+',
      default: null,
      ignorable: true,
    },
    { name: 'controllerId', type: 'int32', versions: '1+', default: -1, ignorable: true },
    {
      name: 'topics',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '12+' },
        { name: 'topicId', type: 'uuid', versions: '10+', ignorable: true },
        { name: 'isInternal', type: 'bool', versions: '1+', default: false, ignorable: true },
        {
          name: 'partitions',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'leaderId', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '7+', default: -1, ignorable: true },
            { name: 'replicaNodes', type: '[]int32', versions: '0+' },
            { name: 'isrNodes', type: '[]int32', versions: '0+' },
            { name: 'offlineReplicas', type: '[]int32', versions: '5+', ignorable: true },
          ],
        },
        { name: 'topicAuthorizedOperations', type: 'int32', versions: '8+', default: -2147483648 },
      ],
    },
    { name: 'clusterAuthorizedOperations', type: 'int32', versions: '8-10', default: -2147483648 },
  ],
};

export const METADATA_API: ApiSpec = {
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  request: METADATA_REQUEST,
  response: METADATA_RESPONSE,
  minVersion: 0,
  maxVersion: 12,
};
