import { describe, it } from 'vitest';
import {
  DESCRIBE_CONFIGS_REQUEST,
  DESCRIBE_CONFIGS_RESPONSE,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
} from '../../../../src/protocol/messages/describe-configs.js';
import { expectGolden, hex } from './hex-fixture.js';

describe('DescribeConfigs', () => {
  it('v0 request', () => {
    const request: DescribeConfigsRequest = {
      resources: [
        { resourceType: 2, resourceName: 'ab', configurationKeys: null },
        { resourceType: 4, resourceName: '1', configurationKeys: ['k'] },
      ],
      includeSynonyms: false,
      includeDocumentation: false,
    };
    expectGolden(
      DESCRIBE_CONFIGS_REQUEST,
      0,
      request,
      hex(`
        00000002            # [resources] 2
          02 0002 6162      #   topic 'ab'
          ffffffff          #   [configuration_keys] null: all
          04 0001 31        #   broker '1'
          00000001 0001 6b  #   [configuration_keys] 'k'
      `),
    );
  });

  it('v4 request (flexible)', () => {
    const request: DescribeConfigsRequest = {
      resources: [{ resourceType: 2, resourceName: 'ab', configurationKeys: null }],
      includeSynonyms: true,
      includeDocumentation: true,
    };
    expectGolden(
      DESCRIBE_CONFIGS_REQUEST,
      4,
      request,
      hex(`
        02                  # [resources] 1
          02 03 6162 00 00  #   topic 'ab', [configuration_keys] null, tagged fields
        01 01               # include_synonyms, include_documentation
        00                  # tagged fields
      `),
    );
  });

  it('v0 response: is_default, no config source', () => {
    const response: DescribeConfigsResponse = {
      throttleTimeMs: 0,
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 'ab',
          configs: [
            {
              name: 'k',
              value: 'v',
              readOnly: false,
              isDefault: true,
              configSource: -1,
              isSensitive: false,
              synonyms: [],
              configType: 0,
              // Not in v0; nullable in every version, so an absent value is null.
              documentation: null,
            },
          ],
        },
      ],
    };
    expectGolden(
      DESCRIBE_CONFIGS_RESPONSE,
      0,
      response,
      hex(`
        00000000            # throttle_time_ms
        00000001            # [results] 1
          0000 ffff         #   error_code, error_message null
          02 0002 6162      #   topic 'ab'
          00000001          #   [configs] 1
            0001 6b 0001 76 #     'k' = 'v'
            00 01 00        #     read_only false, is_default true, is_sensitive false
      `),
    );
  });

  it('v4 response: synonyms, type and documentation', () => {
    const response: DescribeConfigsResponse = {
      throttleTimeMs: 0,
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 'ab',
          configs: [
            {
              name: 'k',
              value: 'v',
              readOnly: false,
              isDefault: false,
              configSource: 1,
              isSensitive: false,
              synonyms: [{ name: 'k', value: 'v', source: 1 }],
              configType: 2,
              documentation: null,
            },
          ],
        },
      ],
    };
    expectGolden(
      DESCRIBE_CONFIGS_RESPONSE,
      4,
      response,
      hex(`
        00000000            # throttle_time_ms
        02                  # [results] 1
          0000 00           #   error_code, error_message null
          02 03 6162        #   topic 'ab'
          02                #   [configs] 1
            02 6b 02 76     #     'k' = 'v'
            00 01 00        #     read_only false, config_source 1 (dynamic topic), is_sensitive false
            02              #     [synonyms] 1
              02 6b 02 76 01 00  # 'k' = 'v', source 1, tagged fields
            02              #     config_type 2 (string)
            00              #     documentation null
            00              #     tagged fields
          00                #   tagged fields
        00                  # tagged fields
      `),
    );
  });
});
