import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * DescribeConfigs (key 32): read the configs of topics, brokers and broker loggers. Versions 0–4; 4 is
 * flexible. Ferry serves 0–4.
 *
 * Grammar (`{v}` = versions the field is in, `?` = nullable):
 *
 *   DescribeConfigs Request (Version: 0-4) => [resources] include_synonyms{1+} include_documentation{3+}
 *     resources => resource_type resource_name [configuration_keys]?
 *
 *   DescribeConfigs Response (Version: 0-4) => throttle_time_ms [results]
 *     results => error_code error_message? resource_type resource_name [configs]
 *       configs => name value? read_only is_default{0} config_source{1+} is_sensitive [synonyms]{1+}
 *                  config_type{3+} documentation{3+}?
 *         synonyms => name value? source
 *
 * Resource types: 2 topic, 4 broker, 8 broker logger. Null `configuration_keys` means all keys. Version 0
 * says only whether a value is the default; version 1 replaces that by a ConfigSource code (1 dynamic topic,
 * 2 dynamic broker, 3 dynamic default broker, 4 static broker, 5 default, 6 dynamic broker logger, 0
 * unknown).
 */

export interface DescribeConfigsResource {
  resourceType: number;
  resourceName: string;
  /** Null: every key. */
  configurationKeys: string[] | null;
}

export interface DescribeConfigsRequest {
  resources: DescribeConfigsResource[];
  /** v1+ */
  includeSynonyms?: boolean;
  /** v3+ */
  includeDocumentation?: boolean;
}

export interface DescribeConfigsSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribeConfigsResourceResult {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** v0 only; later versions say this with `configSource`. */
  isDefault?: boolean;
  /** v1+ */
  configSource?: number;
  isSensitive: boolean;
  /** v1+ */
  synonyms?: DescribeConfigsSynonym[];
  /** v3+: a ConfigType code (1 boolean, 2 string, 3 int, …; 0 unknown). */
  configType?: number;
  /** v3+ */
  documentation?: string | null;
}

export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribeConfigsResourceResult[];
}

export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  results: DescribeConfigsResult[];
}

export const DESCRIBE_CONFIGS_REQUEST: MessageSpec = {
  apiKey: ApiKey.DescribeConfigs,
  name: 'DescribeConfigsRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'resources',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        { name: 'configurationKeys', type: '[]string', versions: '0+', nullableVersions: '0+' },
      ],
    },
    { name: 'includeSynonyms', type: 'bool', versions: '1+', default: false },
    { name: 'includeDocumentation', type: 'bool', versions: '3+', default: false },
  ],
};

export const DESCRIBE_CONFIGS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.DescribeConfigs,
  name: 'DescribeConfigsResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        {
          name: 'configs',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
            { name: 'readOnly', type: 'bool', versions: '0+' },
            { name: 'isDefault', type: 'bool', versions: '0' },
            // In v0 the source depends on the resource (a broker's value is static, 4); -1 only marks "not sent".
            { name: 'configSource', type: 'int8', versions: '1+', default: -1, ignorable: true },
            { name: 'isSensitive', type: 'bool', versions: '0+' },
            {
              name: 'synonyms',
              type: '[]',
              versions: '1+',
              ignorable: true,
              fields: [
                { name: 'name', type: 'string', versions: '1+' },
                { name: 'value', type: 'string', versions: '1+', nullableVersions: '0+' },
                { name: 'source', type: 'int8', versions: '1+' },
              ],
            },
            { name: 'configType', type: 'int8', versions: '3+', default: 0, ignorable: true },
            {
              name: 'documentation',
              type: 'string',
              versions: '3+',
              nullableVersions: '0+',
              ignorable: true,
            },
          ],
        },
      ],
    },
  ],
};

export const DESCRIBE_CONFIGS_API: ApiSpec = {
  apiKey: ApiKey.DescribeConfigs,
  name: 'DescribeConfigs',
  request: DESCRIBE_CONFIGS_REQUEST,
  response: DESCRIBE_CONFIGS_RESPONSE,
  minVersion: 0,
  maxVersion: 4,
};
