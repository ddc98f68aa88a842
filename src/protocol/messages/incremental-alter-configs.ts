import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * IncrementalAlterConfigs (key 44): change single config keys of each resource, leaving the others as they
 * are (KIP-339). Versions 0–1; 1 is flexible. Ferry serves 0–1.
 *
 * Grammar (`?` = nullable):
 *
 *   IncrementalAlterConfigs Request (Version: 0-1) => [resources] validate_only
 *     resources => resource_type resource_name [configs]
 *       configs => name config_operation value?
 *
 *   IncrementalAlterConfigs Response (Version: 0-1) => throttle_time_ms [responses]
 *     responses => error_code error_message? resource_type resource_name
 *
 * Config operations: 0 set, 1 delete, 2 append to a list, 3 subtract from a list.
 */

export interface IncrementalAlterableConfig {
  name: string;
  configOperation: number;
  value: string | null;
}

export interface IncrementalAlterConfigsResource {
  resourceType: number;
  resourceName: string;
  configs: IncrementalAlterableConfig[];
}

export interface IncrementalAlterConfigsRequest {
  resources: IncrementalAlterConfigsResource[];
  validateOnly: boolean;
}

export interface IncrementalAlterConfigsResourceResponse {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

export interface IncrementalAlterConfigsResponse {
  throttleTimeMs: number;
  responses: IncrementalAlterConfigsResourceResponse[];
}

export const INCREMENTAL_ALTER_CONFIGS_REQUEST: MessageSpec = {
  apiKey: ApiKey.IncrementalAlterConfigs,
  name: 'IncrementalAlterConfigsRequest',
  type: 'request',
  validVersions: '0-1',
  flexibleVersions: '1+',
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
            { name: 'configOperation', type: 'int8', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
};

export const INCREMENTAL_ALTER_CONFIGS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.IncrementalAlterConfigs,
  name: 'IncrementalAlterConfigsResponse',
  type: 'response',
  validVersions: '0-1',
  flexibleVersions: '1+',
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

export const INCREMENTAL_ALTER_CONFIGS_API: ApiSpec = {
  apiKey: ApiKey.IncrementalAlterConfigs,
  name: 'IncrementalAlterConfigs',
  request: INCREMENTAL_ALTER_CONFIGS_REQUEST,
  response: INCREMENTAL_ALTER_CONFIGS_RESPONSE,
  minVersion: 0,
  maxVersion: 1,
};
