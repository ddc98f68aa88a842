import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * CreateTopics (key 19): create topics with a partition count and replication factor, or with a manual
 * replica assignment, and topic-level config overrides. Versions 0–7; 5+ are flexible. Ferry serves 2–7.
 *
 * Grammar (`{v}` = versions the field is in, `?` = nullable, `<tag n>` = tagged field):
 *
 *   CreateTopics Request (Version: 0-7) => [topics] timeout_ms validate_only{1+}
 *     topics => name num_partitions replication_factor [assignments] [configs]
 *       assignments => partition_index [broker_ids]
 *       configs => name value?
 *
 *   CreateTopics Response (Version: 0-7) => throttle_time_ms{2+} [topics]
 *     topics => name topic_id{7+} error_code error_message{1+}? topic_config_error_code{5+}<tag 0>
 *               num_partitions{5+} replication_factor{5+} [configs]{5+}?
 *       configs => name value? read_only config_source is_sensitive
 *
 * From version 4 on, num_partitions and replication_factor may be -1 (the broker's defaults) even without
 * assignments (KIP-464); version 5 returns the created topic's configs (KIP-525); 6 may answer
 * THROTTLING_QUOTA_EXCEEDED (KIP-599); 7 returns the topic id.
 */

export interface CreatableReplicaAssignment {
  partitionIndex: number;
  brokerIds: number[];
}

export interface CreatableTopicConfig {
  name: string;
  value: string | null;
}

export interface CreatableTopic {
  name: string;
  /** -1: the broker's default, or taken from `assignments`. */
  numPartitions: number;
  /** -1: the broker's default, or taken from `assignments`. */
  replicationFactor: number;
  assignments: CreatableReplicaAssignment[];
  configs: CreatableTopicConfig[];
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  /** v1+ */
  validateOnly?: boolean;
}

export interface CreatableTopicConfigs {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** A ConfigSource code (DescribeConfigs); -1 unknown. */
  configSource: number;
  isSensitive: boolean;
}

export interface CreatableTopicResult {
  name: string;
  /** v7+ */
  topicId?: string;
  errorCode: number;
  /** v1+ */
  errorMessage?: string | null;
  /** v5+, tagged: set when configs could not be described, in place of `configs`. */
  topicConfigErrorCode?: number;
  /** v5+ */
  numPartitions?: number;
  /** v5+ */
  replicationFactor?: number;
  /** v5+ */
  configs?: CreatableTopicConfigs[] | null;
}

export interface CreateTopicsResponse {
  /** v2+ */
  throttleTimeMs?: number;
  topics: CreatableTopicResult[];
}

export const CREATE_TOPICS_REQUEST: MessageSpec = {
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopicsRequest',
  type: 'request',
  validVersions: '0-7',
  flexibleVersions: '5+',
  fields: [
    {
      name: 'topics',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'numPartitions', type: 'int32', versions: '0+' },
        { name: 'replicationFactor', type: 'int16', versions: '0+' },
        {
          name: 'assignments',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'brokerIds', type: '[]int32', versions: '0+' },
          ],
        },
        {
          name: 'configs',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    { name: 'validateOnly', type: 'bool', versions: '1+', default: false },
  ],
};

export const CREATE_TOPICS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopicsResponse',
  type: 'response',
  validVersions: '0-7',
  flexibleVersions: '5+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    {
      name: 'topics',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'topicId', type: 'uuid', versions: '7+', ignorable: true },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '0+', ignorable: true },
        {
          name: 'topicConfigErrorCode',
          type: 'int16',
          versions: '5+',
          tag: 0,
          taggedVersions: '5+',
          ignorable: true,
        },
        { name: 'numPartitions', type: 'int32', versions: '5+', default: -1, ignorable: true },
        { name: 'replicationFactor', type: 'int16', versions: '5+', default: -1, ignorable: true },
        {
          name: 'configs',
          type: '[]',
          versions: '5+',
          nullableVersions: '5+',
          ignorable: true,
          fields: [
            { name: 'name', type: 'string', versions: '5+' },
            { name: 'value', type: 'string', versions: '5+', nullableVersions: '5+' },
            { name: 'readOnly', type: 'bool', versions: '5+' },
            { name: 'configSource', type: 'int8', versions: '5+', default: -1, ignorable: true },
            { name: 'isSensitive', type: 'bool', versions: '5+' },
          ],
        },
      ],
    },
  ],
};

export const CREATE_TOPICS_API: ApiSpec = {
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  request: CREATE_TOPICS_REQUEST,
  response: CREATE_TOPICS_RESPONSE,
  minVersion: 2,
  maxVersion: 7,
};
