import { describe, it } from 'vitest';
import {
  END_TXN_REQUEST,
  END_TXN_RESPONSE,
  type EndTxnRequest,
  type EndTxnResponse,
} from '../../../../src/protocol/messages/end-txn.js';
import { ERROR_CODES, expectGolden, hex } from './hex-fixture.js';

describe('EndTxn', () => {
  it('v0 request: commit', () => {
    const request: EndTxnRequest = {
      transactionalId: 'tx',
      producerId: 7,
      producerEpoch: 1,
      committed: true,
    };
    expectGolden(END_TXN_REQUEST, 0, request, hex('0002 7478 0000000000000007 0001 01 # tx, 7, 1, commit'));
  });

  it('v3 request (flexible): abort', () => {
    const request: EndTxnRequest = {
      transactionalId: 'tx',
      producerId: 7,
      producerEpoch: 1,
      committed: false,
    };
    expectGolden(END_TXN_REQUEST, 3, request, hex('03 7478 0000000000000007 0001 00 # abort\n 00 # tags'));
  });

  it('v0 response', () => {
    const response: EndTxnResponse = { throttleTimeMs: 0, errorCode: 0, producerId: -1, producerEpoch: -1 };
    expectGolden(END_TXN_RESPONSE, 0, response, hex('00000000 0000'));
  });

  it('v3 response (flexible): INVALID_TXN_STATE', () => {
    const response: EndTxnResponse = {
      throttleTimeMs: 1,
      errorCode: ERROR_CODES.INVALID_TXN_STATE.code,
      producerId: -1,
      producerEpoch: -1,
    };
    expectGolden(END_TXN_RESPONSE, 3, response, hex('00000001 0030 # 48 INVALID_TXN_STATE\n 00'));
  });

  it('v5 response returns the bumped producer epoch', () => {
    const response: EndTxnResponse = { throttleTimeMs: 0, errorCode: 0, producerId: 7, producerEpoch: 2 };
    expectGolden(END_TXN_RESPONSE, 5, response, hex('00000000 0000 0000000000000007 0002 00'));
  });
});
