import { describe, it } from 'vitest';
import {
  TXN_OFFSET_COMMIT_REQUEST,
  TXN_OFFSET_COMMIT_RESPONSE,
  type TxnOffsetCommitRequest,
  type TxnOffsetCommitResponse,
} from '../../../../src/protocol/messages/txn-offset-commit.js';
import { expectGolden, hex } from './hex-fixture.js';

describe('TxnOffsetCommit', () => {
  it('v3 request (flexible): with the member fields of KIP-447', () => {
    const request: TxnOffsetCommitRequest = {
      transactionalId: 'tx',
      groupId: 'g',
      producerId: 7,
      producerEpoch: 1,
      generationId: 4,
      memberId: 'm',
      groupInstanceId: null,
      topics: [
        {
          name: 'ab',
          partitions: [
            { partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: 2, committedMetadata: '' },
          ],
        },
      ],
    };
    expectGolden(
      TXN_OFFSET_COMMIT_REQUEST,
      3,
      request,
      hex(`
        03 7478 02 67       # transactional_id 'tx', group_id 'g'
        0000000000000007 0001  # producer 7 epoch 1
        00000004 02 6d 00   # generation_id 4, member_id 'm', group_instance_id null
        02 03 6162          # [topics] 'ab'
        02                  # [partitions] 1
          00000000 000000000000000a 00000002 01 00  # p0 offset 10 epoch 2, metadata '', tags
        00 00               # topic, message tagged fields
      `),
    );
  });

  it('v0 response', () => {
    const response: TxnOffsetCommitResponse = {
      throttleTimeMs: 0,
      topics: [{ name: 'ab', partitions: [{ partitionIndex: 0, errorCode: 0 }] }],
    };
    expectGolden(
      TXN_OFFSET_COMMIT_RESPONSE,
      0,
      response,
      hex('00000000 00000001 0002 6162 00000001 00000000 0000'),
    );
  });
});
