import { describe, it } from 'vitest';
import {
  WRITE_TXN_MARKERS_REQUEST,
  WRITE_TXN_MARKERS_RESPONSE,
  type WriteTxnMarkersRequest,
  type WriteTxnMarkersResponse,
} from '../../../../src/protocol/messages/write-txn-markers.js';
import { expectGolden, hex } from './hex-fixture.js';

describe('WriteTxnMarkers', () => {
  it('v1 request (flexible)', () => {
    const request: WriteTxnMarkersRequest = {
      markers: [
        {
          producerId: 7,
          producerEpoch: 1,
          transactionResult: true,
          topics: [{ name: 'ab', partitionIndexes: [0] }],
          coordinatorEpoch: 3,
        },
      ],
    };
    expectGolden(
      WRITE_TXN_MARKERS_REQUEST,
      1,
      request,
      hex(`
        02                  # [markers] 1
          0000000000000007 0001 01  # producer 7 epoch 1, commit
          02 03 6162 02 00000000 00 # [topics] 'ab' [0], tags
          00000003          #   coordinator_epoch 3
          00                #   tagged fields
        00                  # tagged fields
      `),
    );
  });

  it('v0 response', () => {
    const response: WriteTxnMarkersResponse = {
      markers: [
        { producerId: 7, topics: [{ name: 'ab', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] },
      ],
    };
    expectGolden(
      WRITE_TXN_MARKERS_RESPONSE,
      0,
      response,
      hex('00000001 0000000000000007 # producer 7\n 00000001 0002 6162 00000001 00000000 0000'),
    );
  });
});
