import { describe, it } from 'vitest';
import {
  INIT_PRODUCER_ID_REQUEST,
  INIT_PRODUCER_ID_RESPONSE,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '../../../../src/protocol/messages/init-producer-id.js';
import { ERROR_CODES, expectGolden, hex } from './hex-fixture.js';

describe('InitProducerId', () => {
  it('v0 request: producer id and epoch are not on the wire', () => {
    const request: InitProducerIdRequest = {
      transactionalId: 'tx',
      transactionTimeoutMs: 60000,
      producerId: -1,
      producerEpoch: -1,
    };
    expectGolden(INIT_PRODUCER_ID_REQUEST, 0, request, hex('0002 7478 # tx\n 0000ea60 # 60000 ms'));
  });

  it('v4 request (flexible): an idempotent producer resuming its id', () => {
    const request: InitProducerIdRequest = {
      transactionalId: null,
      transactionTimeoutMs: 60000,
      producerId: 1000,
      producerEpoch: 3,
    };
    expectGolden(
      INIT_PRODUCER_ID_REQUEST,
      4,
      request,
      hex(`
        00                  # transactional_id null
        0000ea60            # transaction_timeout_ms 60000
        00000000000003e8    # producer_id 1000
        0003                # producer_epoch 3
        00                  # tagged fields
      `),
    );
  });

  it('v0 response: a producer id above 2^32', () => {
    const response: InitProducerIdResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      producerId: 2 ** 40 + 1,
      producerEpoch: 0,
    };
    expectGolden(
      INIT_PRODUCER_ID_RESPONSE,
      0,
      response,
      hex('00000000 # throttle\n 0000 # error\n 0000010000000001 # producer_id 2^40+1\n 0000 # epoch'),
    );
  });

  it('v4 response (flexible): PRODUCER_FENCED', () => {
    const response: InitProducerIdResponse = {
      throttleTimeMs: 10,
      errorCode: ERROR_CODES.PRODUCER_FENCED.code,
      producerId: -1,
      producerEpoch: -1,
    };
    expectGolden(
      INIT_PRODUCER_ID_RESPONSE,
      4,
      response,
      hex('0000000a # throttle 10\n 005a # 90 PRODUCER_FENCED\n ffffffffffffffff ffff # -1 -1\n 00'),
    );
  });
});
