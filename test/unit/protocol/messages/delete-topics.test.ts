import { describe, it } from 'vitest';
import {
  DELETE_TOPICS_REQUEST,
  DELETE_TOPICS_RESPONSE,
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
} from '../../../../src/protocol/messages/delete-topics.js';
import { ERROR_CODES, expectGolden, hex, NIL_UUID } from './hex-fixture.js';

const TOPIC_ID = '0123456789abcdef0123456789abcdef';

describe('DeleteTopics', () => {
  it('v1 request: by name', () => {
    const request: DeleteTopicsRequest = { topics: [], topicNames: ['ab'], timeoutMs: 1000 };
    expectGolden(DELETE_TOPICS_REQUEST, 1, request, hex('00000001 0002 6162 # [topic_names] ab\n 000003e8'));
  });

  it('v6 request (flexible): by name or by id', () => {
    const request: DeleteTopicsRequest = {
      topics: [
        { name: 'ab', topicId: NIL_UUID },
        { name: null, topicId: TOPIC_ID },
      ],
      topicNames: [],
      timeoutMs: 1000,
    };
    expectGolden(
      DELETE_TOPICS_REQUEST,
      6,
      request,
      hex(`
        03                  # [topics] 2
          03 6162 00000000000000000000000000000000 00  # 'ab', nil id, tags
          00 0123456789abcdef0123456789abcdef 00       # null name, by id, tags
        000003e8            # timeout_ms 1000
        00                  # tagged fields
      `),
    );
  });

  it('v6 response (flexible): an unknown topic id', () => {
    const response: DeleteTopicsResponse = {
      throttleTimeMs: 0,
      responses: [
        { name: null, topicId: TOPIC_ID, errorCode: ERROR_CODES.UNKNOWN_TOPIC_ID.code, errorMessage: 'no' },
      ],
    };
    expectGolden(
      DELETE_TOPICS_RESPONSE,
      6,
      response,
      hex(`
        00000000            # throttle_time_ms
        02                  # [responses] 1
          00                #   name null
          0123456789abcdef0123456789abcdef  # topic_id
          0064              #   error_code 100 UNKNOWN_TOPIC_ID
          03 6e6f           #   error_message 'no'
          00                #   tagged fields
        00                  # tagged fields
      `),
    );
  });
});
