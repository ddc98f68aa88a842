import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * ApiVersions (key 18): the first request of a connection; the broker answers with the versions it serves
 * of every API. Kafka versions 0–4; 3+ flexible. Ferry serves 0–3.
 *
 * Its response header is always v0 (see headers.ts). A client sending a version we do not serve gets a v0
 * response with UNSUPPORTED_VERSION and our api_keys list, so it can retry with one we do (KIP-511).
 * v3 tagged fields of the response: supported_features (0), finalized_features_epoch (1),
 * finalized_features (2), zk_migration_ready (3).
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   ApiVersions Request (Version: 3) => client_software_name client_software_version _tagged_fields
 *     client_software_name => COMPACT_STRING
 *     client_software_version => COMPACT_STRING
 *
 *   ApiVersions Response (Version: 3) => error_code [api_keys] throttle_time_ms _tagged_fields<supported_features:0,finalized_features_epoch:1,finalized_features:2,zk_migration_ready:3>
 *     error_code => INT16
 *     api_keys => api_key min_version max_version _tagged_fields
 *       api_key => INT16
 *       min_version => INT16
 *       max_version => INT16
 *     throttle_time_ms => INT32
 *     supported_features => name min_version max_version _tagged_fields
 *       name => COMPACT_STRING
 *       min_version => INT16
 *       max_version => INT16
 *     finalized_features_epoch => INT64
 *     finalized_features => name max_version_level min_version_level _tagged_fields
 *       name => COMPACT_STRING
 *       max_version_level => INT16
 *       min_version_level => INT16
 *     zk_migration_ready => BOOLEAN
 */

export interface ApiVersionsRequest {
  /** v3+ */
  clientSoftwareName?: string;
  /** v3+ */
  clientSoftwareVersion?: string;
}

export interface ApiVersionsApiVersion {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsSupportedFeatureKey {
  name: string;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsFinalizedFeatureKey {
  name: string;
  maxVersionLevel: number;
  minVersionLevel: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionsApiVersion[];
  /** v1+ */
  throttleTimeMs?: number;
  /** v3+; tagged (tag 0) */
  supportedFeatures?: ApiVersionsSupportedFeatureKey[];
  /** v3+; tagged (tag 1); default -1 */
  finalizedFeaturesEpoch?: number;
  /** v3+; tagged (tag 2) */
  finalizedFeatures?: ApiVersionsFinalizedFeatureKey[];
  /** v3+; tagged (tag 3) */
  zkMigrationReady?: boolean;
}

export const API_VERSIONS_REQUEST: MessageSpec = {
  apiKey: ApiKey.ApiVersions,
  name: 'ApiVersionsRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'clientSoftwareName', type: 'string', versions: '3+', ignorable: true },
    { name: 'clientSoftwareVersion', type: 'string', versions: '3+', ignorable: true },
  ],
};

export const API_VERSIONS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.ApiVersions,
  name: 'ApiVersionsResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'apiKeys',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'apiKey', type: 'int16', versions: '0+' },
        { name: 'minVersion', type: 'int16', versions: '0+' },
        { name: 'maxVersion', type: 'int16', versions: '0+' },
      ],
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    {
      name: 'supportedFeatures',
      type: '[]',
      versions: '3+',
      tag: 0,
      taggedVersions: '3+',
      ignorable: true,
      fields: [
        { name: 'name', type: 'string', versions: '3+' },
        { name: 'minVersion', type: 'int16', versions: '3+' },
        { name: 'maxVersion', type: 'int16', versions: '3+' },
      ],
    },
    {
      name: 'finalizedFeaturesEpoch',
      type: 'int64',
      versions: '3+',
      tag: 1,
      taggedVersions: '3+',
      default: -1,
      ignorable: true,
    },
    {
      name: 'finalizedFeatures',
      type: '[]',
      versions: '3+',
      tag: 2,
      taggedVersions: '3+',
      ignorable: true,
      fields: [
        { name: 'name', type: 'string', versions: '3+' },
        { name: 'maxVersionLevel', type: 'int16', versions: '3+' },
        { name: 'minVersionLevel', type: 'int16', versions: '3+' },
      ],
    },
    {
      name: 'zkMigrationReady',
      type: 'bool',
      versions: '3+',
      tag: 3,
      taggedVersions: '3+',
      default: false,
      ignorable: true,
    },
  ],
};

export const API_VERSIONS_API: ApiSpec = {
  apiKey: ApiKey.ApiVersions,
  name: 'ApiVersions',
  request: API_VERSIONS_REQUEST,
  response: API_VERSIONS_RESPONSE,
  minVersion: 0,
  maxVersion: 3,
};
