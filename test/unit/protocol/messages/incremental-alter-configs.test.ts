import { describe, it } from 'vitest';
import {
  INCREMENTAL_ALTER_CONFIGS_REQUEST,
  INCREMENTAL_ALTER_CONFIGS_RESPONSE,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsResponse,
} from '../../../../src/protocol/messages/incremental-alter-configs.js';
import { ERROR_CODES, expectGolden, hex } from './hex-fixture.js';

describe('IncrementalAlterConfigs', () => {
  it('v1 request (flexible): delete a key', () => {
    const request: IncrementalAlterConfigsRequest = {
      resources: [
        { resourceType: 2, resourceName: 'ab', configs: [{ name: 'k', configOperation: 1, value: null }] },
      ],
      validateOnly: true,
    };
    expectGolden(
      INCREMENTAL_ALTER_CONFIGS_REQUEST,
      1,
      request,
      hex(`
        02 02 03 6162       # [resources] 1: topic 'ab'
        02 02 6b 01 00 00   # [configs] 1: 'k', op 1 delete, value null, tags
        00                  # resource tagged fields
        01 00               # validate_only, tagged fields
      `),
    );
  });

  it('v0 response', () => {
    const response: IncrementalAlterConfigsResponse = {
      throttleTimeMs: 0,
      responses: [
        {
          errorCode: ERROR_CODES.INVALID_CONFIG.code,
          errorMessage: 'e',
          resourceType: 2,
          resourceName: 'ab',
        },
      ],
    };
    expectGolden(
      INCREMENTAL_ALTER_CONFIGS_RESPONSE,
      0,
      response,
      hex('00000000 00000001 0028 # 40 INVALID_CONFIG\n 0001 65 02 0002 6162'),
    );
  });
});
