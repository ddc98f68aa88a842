import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * DeleteTopics (key 20): delete topics by name, or from version 6 by name or topic id. Versions 0–6; 4+ are
 * flexible. Ferry serves 1–6.
 *
 * Grammar (`{v}` = versions the field is in, `?` = nullable):
 *
 *   DeleteTopics Request (Version: 0-5) => [topic_names] timeout_ms
 *   DeleteTopics Request (Version: 6)   => [topics] timeout_ms
 *     topics => name? topic_id
 *
 *   DeleteTopics Response (Version: 0-6) => throttle_time_ms{1+} [responses]
 *     responses => name? topic_id{6+} error_code error_message{5+}?
 *
 * Version 6 replaces the list of names by a list of (name, id) pairs in which exactly one side is set: a
 * null name means "by id", the nil id means "by name".
 */

export interface DeleteTopicState {
  name: string | null;
  topicId: string;
}

export interface DeleteTopicsRequest {
  /** v6+ */
  topics?: DeleteTopicState[];
  /** v0–5 */
  topicNames?: string[];
  timeoutMs: number;
}

export interface DeletableTopicResult {
  /** Null (v6+) when the topic was named by id only and is unknown. */
  name: string | null;
  /** v6+ */
  topicId?: string;
  errorCode: number;
  /** v5+ */
  errorMessage?: string | null;
}

export interface DeleteTopicsResponse {
  /** v1+ */
  throttleTimeMs?: number;
  responses: DeletableTopicResult[];
}

export const DELETE_TOPICS_REQUEST: MessageSpec = {
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopicsRequest',
  type: 'request',
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'topics',
      type: '[]',
      versions: '6+',
      fields: [
        { name: 'name', type: 'string', versions: '6+', nullableVersions: '6+', default: null },
        { name: 'topicId', type: 'uuid', versions: '6+' },
      ],
    },
    { name: 'topicNames', type: '[]string', versions: '0-5', ignorable: true },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
};

export const DELETE_TOPICS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopicsResponse',
  type: 'response',
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    {
      name: 'responses',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '6+' },
        { name: 'topicId', type: 'uuid', versions: '6+', ignorable: true },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        {
          name: 'errorMessage',
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

export const DELETE_TOPICS_API: ApiSpec = {
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  request: DELETE_TOPICS_REQUEST,
  response: DELETE_TOPICS_RESPONSE,
  minVersion: 1,
  maxVersion: 6,
};
