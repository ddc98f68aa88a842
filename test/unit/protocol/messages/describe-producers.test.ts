import { describe, it } from 'vitest';
import {
  DESCRIBE_PRODUCERS_REQUEST,
  DESCRIBE_PRODUCERS_RESPONSE,
  type DescribeProducersRequest,
  type DescribeProducersResponse,
} from '../../../../src/protocol/messages/describe-producers.js';
import { expectGolden, hex } from './hex-fixture.js';

describe('DescribeProducers', () => {
  it('v0 request', () => {
    const request: DescribeProducersRequest = { topics: [{ name: 'ab', partitionIndexes: [0] }] };
    expectGolden(DESCRIBE_PRODUCERS_REQUEST, 0, request, hex('02 03 6162 02 00000000 00 00'));
  });

  it('v0 response: an int32 producer epoch', () => {
    const response: DescribeProducersResponse = {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'ab',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              errorMessage: null,
              activeProducers: [
                {
                  producerId: 7,
                  producerEpoch: 1,
                  lastSequence: 9,
                  lastTimestamp: 1_700_000_000_000,
                  coordinatorEpoch: -1,
                  currentTxnStartOffset: -1,
                },
              ],
            },
          ],
        },
      ],
    };
    expectGolden(
      DESCRIBE_PRODUCERS_RESPONSE,
      0,
      response,
      hex(`
        00000000            # throttle_time_ms
        02 03 6162 02       # [topics] 'ab', [partitions] 1
          00000000 0000 00  #   partition 0, no error, null message
          02                #   [active_producers] 1
            0000000000000007 00000001 00000009  # producer 7, epoch 1 (int32), last sequence 9
            0000018bcfe56800  # last_timestamp 1700000000000
            ffffffff ffffffffffffffff 00  # coordinator_epoch -1, no open transaction, tags
          00                #   tagged fields
        00 00               # topic, message tagged fields
      `),
    );
  });
});
