import { describe, it } from 'vitest';
import {
  ADD_OFFSETS_TO_TXN_REQUEST,
  ADD_OFFSETS_TO_TXN_RESPONSE,
  type AddOffsetsToTxnRequest,
  type AddOffsetsToTxnResponse,
} from '../../../../src/protocol/messages/add-offsets-to-txn.js';
import { expectGolden, hex } from './hex-fixture.js';

describe('AddOffsetsToTxn', () => {
  it('v3 request (flexible)', () => {
    const request: AddOffsetsToTxnRequest = {
      transactionalId: 'tx',
      producerId: 7,
      producerEpoch: 1,
      groupId: 'g',
    };
    expectGolden(ADD_OFFSETS_TO_TXN_REQUEST, 3, request, hex('03 7478 0000000000000007 0001 02 67 00'));
  });

  it('v0 request and response', () => {
    const request: AddOffsetsToTxnRequest = {
      transactionalId: 'tx',
      producerId: 7,
      producerEpoch: 1,
      groupId: 'g',
    };
    expectGolden(ADD_OFFSETS_TO_TXN_REQUEST, 0, request, hex('0002 7478 0000000000000007 0001 0001 67'));
    const response: AddOffsetsToTxnResponse = { throttleTimeMs: 0, errorCode: 0 };
    expectGolden(ADD_OFFSETS_TO_TXN_RESPONSE, 0, response, hex('00000000 0000'));
  });
});
