import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * AlterConfigs (key 33): replace the whole set of dynamic configs of each resource (keys not listed are
 * reset to their defaults; IncrementalAlterConfigs is the per-key variant). Versions 0–2; 2 is flexible.
 * Ferry serves 0–1.
 *
 * Grammar (`?` = nullable):
 *
 *   AlterConfigs Request (Version: 0-2) => [resources] validate_only
 *     resources => resource_type resource_name [configs]
 *       configs => name value?
 *
 *   AlterConfigs Response (Version: 0-2) => throttle_time_ms [responses]
 *     responses => error_code error_message? resource_type resource_name
 */

export interface AlterableConfig {
  name: string;
  value: string | null;
}

export interface AlterConfigsResource {
  resourceType: number;
  resourceName: string;
  configs: AlterableConfig[];
}

export interface AlterConfigsRequest {
  resources: AlterConfigsResource[];
  validateOnly: boolean;
}

export interface AlterConfigsResourceResponse {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

export interface AlterConfigsResponse {
  throttleTimeMs: number;
  responses: AlterConfigsResourceResponse[];
}

export const ALTER_CONFIGS_REQUEST: MessageSpec = {
  apiKey: ApiKey.AlterConfigs,
  name: 'AlterConfigsRequest',
  type: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'resources',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
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
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
};

export const ALTER_CONFIGS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.AlterConfigs,
  name: 'AlterConfigsResponse',
  type: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'responses',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
      ],
    },
  ],
};

export const ALTER_CONFIGS_API: ApiSpec = {
  apiKey: ApiKey.AlterConfigs,
  name: 'AlterConfigs',
  request: ALTER_CONFIGS_REQUEST,
  response: ALTER_CONFIGS_RESPONSE,
  minVersion: 0,
  maxVersion: 1,
};
