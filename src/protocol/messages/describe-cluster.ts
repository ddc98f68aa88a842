import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * DescribeCluster (key 60): the cluster id, the controller and the live brokers, for admin clients
 * (KIP-700). Versions 0–1, all flexible. Ferry serves 0.
 *
 * Grammar (`{v}` = versions the field is in, `?` = nullable):
 *
 *   DescribeCluster Request (Version: 0-1) => include_cluster_authorized_operations endpoint_type{1+}
 *
 *   DescribeCluster Response (Version: 0-1) => throttle_time_ms error_code error_message? endpoint_type{1+}
 *       cluster_id controller_id [brokers] cluster_authorized_operations
 *     brokers => broker_id host port rack?
 *
 * cluster_authorized_operations is a bit set of ACL operations, INT32_MIN when not requested. Version 1's
 * endpoint_type (1 brokers, 2 controllers) lets KRaft clients describe the controller quorum (KIP-919).
 */

export interface DescribeClusterRequest {
  includeClusterAuthorizedOperations: boolean;
  /** v1+; 1: brokers. */
  endpointType?: number;
}

export interface DescribeClusterBroker {
  brokerId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface DescribeClusterResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  /** v1+ */
  endpointType?: number;
  clusterId: string;
  /** -1: no controller known. */
  controllerId: number;
  brokers: DescribeClusterBroker[];
  clusterAuthorizedOperations: number;
}

/** cluster_authorized_operations when the client did not ask for them. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const DESCRIBE_CLUSTER_REQUEST: MessageSpec = {
  apiKey: ApiKey.DescribeCluster,
  name: 'DescribeClusterRequest',
  type: 'request',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '0+' },
    { name: 'endpointType', type: 'int8', versions: '1+', default: 1 },
  ],
};

export const DESCRIBE_CLUSTER_RESPONSE: MessageSpec = {
  apiKey: ApiKey.DescribeCluster,
  name: 'DescribeClusterResponse',
  type: 'response',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'endpointType', type: 'int8', versions: '1+', default: 1 },
    { name: 'clusterId', type: 'string', versions: '0+' },
    { name: 'controllerId', type: 'int32', versions: '0+', default: -1 },
    {
      name: 'brokers',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'brokerId', type: 'int32', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
        { name: 'rack', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
      ],
    },
    {
      name: 'clusterAuthorizedOperations',
      type: 'int32',
      versions: '0+',
      default: AUTHORIZED_OPERATIONS_OMITTED,
    },
  ],
};

export const DESCRIBE_CLUSTER_API: ApiSpec = {
  apiKey: ApiKey.DescribeCluster,
  name: 'DescribeCluster',
  request: DESCRIBE_CLUSTER_REQUEST,
  response: DESCRIBE_CLUSTER_RESPONSE,
  minVersion: 0,
  maxVersion: 0,
};
