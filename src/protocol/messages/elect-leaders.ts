import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * ElectLeaders (key 43): run a preferred or an unclean leader election for partitions (KIP-183, KIP-460).
 * Versions 0–2; 2 is flexible. Ferry serves 0–2.
 *
 * Grammar (`{v}` = versions the field is in, `?` = nullable):
 *
 *   ElectLeaders Request (Version: 0-2) => election_type{1+} [topic_partitions]? timeout_ms
 *     topic_partitions => topic [partitions]
 *
 *   ElectLeaders Response (Version: 0-2) => throttle_time_ms error_code{1+} [replica_election_results]
 *     replica_election_results => topic [partition_result]
 *       partition_result => partition_id error_code error_message?
 *
 * election_type: 0 preferred replica, 1 unclean (first live replica when none is in sync); version 0 is
 * always preferred. Null topic_partitions means every partition.
 */

export interface ElectLeadersTopicPartitions {
  topic: string;
  partitions: number[];
}

export interface ElectLeadersRequest {
  /** v1+; 0 preferred, 1 unclean. */
  electionType?: number;
  /** Null: every partition. */
  topicPartitions: ElectLeadersTopicPartitions[] | null;
  timeoutMs: number;
}

export interface ElectLeadersPartitionResult {
  partitionId: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface ReplicaElectionResult {
  topic: string;
  partitionResult: ElectLeadersPartitionResult[];
}

export interface ElectLeadersResponse {
  throttleTimeMs: number;
  /** v1+ */
  errorCode?: number;
  replicaElectionResults: ReplicaElectionResult[];
}

export const ELECT_LEADERS_REQUEST: MessageSpec = {
  apiKey: ApiKey.ElectLeaders,
  name: 'ElectLeadersRequest',
  type: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'electionType', type: 'int8', versions: '1+' },
    {
      name: 'topicPartitions',
      type: '[]',
      versions: '0+',
      nullableVersions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
  ],
};

export const ELECT_LEADERS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.ElectLeaders,
  name: 'ElectLeadersResponse',
  type: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '1+' },
    {
      name: 'replicaElectionResults',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitionResult',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'partitionId', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
};

export const ELECT_LEADERS_API: ApiSpec = {
  apiKey: ApiKey.ElectLeaders,
  name: 'ElectLeaders',
  request: ELECT_LEADERS_REQUEST,
  response: ELECT_LEADERS_RESPONSE,
  minVersion: 0,
  maxVersion: 2,
};
