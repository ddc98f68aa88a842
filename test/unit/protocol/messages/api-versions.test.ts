import { describe, expect, it } from 'vitest';
import {
  API_VERSIONS_API,
  API_VERSIONS_REQUEST,
  API_VERSIONS_RESPONSE,
  type ApiVersionsRequest,
  type ApiVersionsResponse,
} from '../../../../src/protocol/messages/api-versions.js';
import { expectGolden, hex } from '../golden.js';

describe('ApiVersions', () => {
  it('serves v0-v3', () => {
    expect([API_VERSIONS_API.minVersion, API_VERSIONS_API.maxVersion]).toEqual([0, 3]);
  });

  it('v0 request has an empty body', () => {
    expectGolden<ApiVersionsRequest>(API_VERSIONS_REQUEST, 0, {}, hex(''));
  });

  it('v0 response', () => {
    const value: ApiVersionsResponse = {
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 3, maxVersion: 9 },
        { apiKey: 18, minVersion: 0, maxVersion: 3 },
      ],
    };
    expectGolden(
      API_VERSIONS_RESPONSE,
      0,
      value,
      hex(`
      0000                // error_code: 0
      00000002            // [api_keys] count 2
        0000 0003 0009    //   Produce 3-9
        0012 0000 0003    //   ApiVersions 0-3
    `),
    );
  });

  it('v3 request', () => {
    expectGolden<ApiVersionsRequest>(
      API_VERSIONS_REQUEST,
      3,
      { clientSoftwareName: 'kafkajs', clientSoftwareVersion: '2.2.4' },
      hex(`
      08 6b61666b616a73   // client_software_name: compact "kafkajs"
      06 322e322e34       // client_software_version: compact "2.2.4"
      00                  // tagged fields
    `),
    );
  });

  it('v3 response with a tagged finalized_features_epoch', () => {
    const value: ApiVersionsResponse = {
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 3, maxVersion: 9 },
        { apiKey: 18, minVersion: 0, maxVersion: 3 },
      ],
      throttleTimeMs: 0,
      finalizedFeaturesEpoch: 5,
    };
    const decoded = expectGolden(
      API_VERSIONS_RESPONSE,
      3,
      value,
      hex(`
      0000                  // error_code: 0
      03                    // [api_keys] compact count 2
        0000 0003 0009 00   //   Produce 3-9, tagged fields
        0012 0000 0003 00   //   ApiVersions 0-3, tagged fields
      00000000              // throttle_time_ms: 0 (v1+)
      01                    // tagged fields: 1
        01 08               //   tag 1 (finalized_features_epoch), 8 bytes
        0000000000000005    //   5
    `),
    );
    expect([decoded.supportedFeatures, decoded.zkMigrationReady]).toEqual([[], false]);
  });
});
