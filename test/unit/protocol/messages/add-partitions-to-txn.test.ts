import { describe, it } from 'vitest';
import {
  ADD_PARTITIONS_TO_TXN_REQUEST,
  ADD_PARTITIONS_TO_TXN_RESPONSE,
  type AddPartitionsToTxnRequest,
  type AddPartitionsToTxnResponse,
} from '../../../../src/protocol/messages/add-partitions-to-txn.js';
import { ERROR_CODES, expectGolden, hex } from './hex-fixture.js';

const request: AddPartitionsToTxnRequest = {
  transactions: [],
  v3AndBelowTransactionalId: 'tx',
  v3AndBelowProducerId: 7,
  v3AndBelowProducerEpoch: 1,
  v3AndBelowTopics: [{ name: 'ab', partitions: [0, 2] }],
};

const response: AddPartitionsToTxnResponse = {
  throttleTimeMs: 0,
  errorCode: 0,
  resultsByTransaction: [],
  resultsByTopicV3AndBelow: [
    {
      name: 'ab',
      resultsByPartition: [
        { partitionIndex: 0, partitionErrorCode: 0 },
        { partitionIndex: 2, partitionErrorCode: ERROR_CODES.UNKNOWN_TOPIC_OR_PARTITION.code },
      ],
    },
  ],
};

describe('AddPartitionsToTxn', () => {
  it('v0 request', () => {
    expectGolden(
      ADD_PARTITIONS_TO_TXN_REQUEST,
      0,
      request,
      hex(`
        0002 7478           # transactional_id 'tx'
        0000000000000007    # producer_id 7
        0001                # producer_epoch 1
        00000001            # [topics] 1
          0002 6162         #   name 'ab'
          00000002 00000000 00000002  # [partitions] 0, 2
      `),
    );
  });

  it('v3 request (flexible)', () => {
    expectGolden(
      ADD_PARTITIONS_TO_TXN_REQUEST,
      3,
      request,
      hex(`
        03 7478             # transactional_id 'tx'
        0000000000000007    # producer_id 7
        0001                # producer_epoch 1
        02                  # [topics] 1
          03 6162           #   name 'ab'
          03 00000000 00000002  # [partitions] 0, 2
          00                #   tagged fields
        00                  # tagged fields
      `),
    );
  });

  it('v0 response', () => {
    expectGolden(
      ADD_PARTITIONS_TO_TXN_RESPONSE,
      0,
      response,
      hex(`
        00000000            # throttle_time_ms
        00000001            # [results] 1
          0002 6162         #   name 'ab'
          00000002          #   [results_by_partition] 2
            00000000 0000   #     partition 0: none
            00000002 0003   #     partition 2: UNKNOWN_TOPIC_OR_PARTITION
      `),
    );
  });

  it('v3 response (flexible)', () => {
    expectGolden(
      ADD_PARTITIONS_TO_TXN_RESPONSE,
      3,
      response,
      hex(`
        00000000            # throttle_time_ms
        02                  # [results] 1
          03 6162           #   name 'ab'
          03                #   [results_by_partition] 2
            00000000 0000 00  #   partition 0: none, tagged fields
            00000002 0003 00  #   partition 2: UNKNOWN_TOPIC_OR_PARTITION, tagged fields
          00                #   tagged fields
        00                  # tagged fields
      `),
    );
  });

  it('v4 request: the batched shape brokers send to verify transactions', () => {
    const batched: AddPartitionsToTxnRequest = {
      transactions: [
        {
          transactionalId: 'tx',
          producerId: 7,
          producerEpoch: 1,
          verifyOnly: true,
          topics: [{ name: 'ab', partitions: [0] }],
        },
      ],
      v3AndBelowTransactionalId: '',
      v3AndBelowProducerId: 0,
      v3AndBelowProducerEpoch: 0,
      v3AndBelowTopics: [],
    };
    expectGolden(
      ADD_PARTITIONS_TO_TXN_REQUEST,
      4,
      batched,
      hex(`
        02                  # [transactions] 1
          03 7478           #   transactional_id 'tx'
          0000000000000007 0001  # producer_id 7, producer_epoch 1
          01                #   verify_only
          02 03 6162 02 00000000 00  # [topics] 'ab' [0], tagged fields
          00                #   tagged fields
        00                  # tagged fields
      `),
    );
  });
});
