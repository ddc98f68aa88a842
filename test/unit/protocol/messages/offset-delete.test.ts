import { describe, it } from 'vitest';
import {
  OFFSET_DELETE_REQUEST,
  OFFSET_DELETE_RESPONSE,
  type OffsetDeleteRequest,
  type OffsetDeleteResponse,
} from '../../../../src/protocol/messages/offset-delete.js';
import { ERROR_CODES, expectGolden, hex } from './hex-fixture.js';

describe('OffsetDelete', () => {
  it('v0 request', () => {
    const request: OffsetDeleteRequest = {
      groupId: 'g',
      topics: [{ name: 'ab', partitions: [{ partitionIndex: 1 }] }],
    };
    expectGolden(OFFSET_DELETE_REQUEST, 0, request, hex('0001 67 00000001 0002 6162 00000001 00000001'));
  });

  it('v0 response: the error code comes before the throttle time', () => {
    const response: OffsetDeleteResponse = {
      errorCode: 0,
      throttleTimeMs: 0,
      topics: [
        {
          name: 'ab',
          partitions: [{ partitionIndex: 1, errorCode: ERROR_CODES.GROUP_SUBSCRIBED_TO_TOPIC.code }],
        },
      ],
    };
    expectGolden(
      OFFSET_DELETE_RESPONSE,
      0,
      response,
      hex('0000 00000000 # error_code, throttle\n 00000001 0002 6162 00000001 00000001 0056 # 86'),
    );
  });
});
