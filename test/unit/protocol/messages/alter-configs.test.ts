import { describe, it } from 'vitest';
import {
  ALTER_CONFIGS_REQUEST,
  ALTER_CONFIGS_RESPONSE,
  type AlterConfigsRequest,
  type AlterConfigsResponse,
} from '../../../../src/protocol/messages/alter-configs.js';
import { expectGolden, hex } from './hex-fixture.js';

describe('AlterConfigs', () => {
  it('v1 request', () => {
    const request: AlterConfigsRequest = {
      resources: [
        {
          resourceType: 2,
          resourceName: 'ab',
          configs: [
            { name: 'k', value: 'v' },
            { name: 'n', value: null },
          ],
        },
      ],
      validateOnly: false,
    };
    expectGolden(
      ALTER_CONFIGS_REQUEST,
      1,
      request,
      hex('00000001 02 0002 6162 # topic ab\n 00000002 0001 6b 0001 76 0001 6e ffff # k=v n=null\n 00'),
    );
  });

  it('v1 response', () => {
    const response: AlterConfigsResponse = {
      throttleTimeMs: 0,
      responses: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'ab' }],
    };
    expectGolden(ALTER_CONFIGS_RESPONSE, 1, response, hex('00000000 00000001 0000 ffff 02 0002 6162'));
  });
});
