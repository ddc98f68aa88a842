import { describe, it } from 'vitest';
import {
  OFFSET_FOR_LEADER_EPOCH_REQUEST,
  OFFSET_FOR_LEADER_EPOCH_RESPONSE,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
} from '../../../../src/protocol/messages/offset-for-leader-epoch.js';
import { ERROR_CODES, expectGolden, hex } from './hex-fixture.js';

describe('OffsetForLeaderEpoch', () => {
  it('v0 request: no replica id, no current leader epoch', () => {
    const request: OffsetForLeaderEpochRequest = {
      replicaId: -2,
      topics: [{ topic: 'ab', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 5 }] }],
    };
    expectGolden(
      OFFSET_FOR_LEADER_EPOCH_REQUEST,
      0,
      request,
      hex(`
        00000001 0002 6162  # [topics] 'ab'
        00000001            # [partitions] 1
          00000000 00000005 #   partition 0, leader_epoch 5
      `),
    );
  });

  it('v4 request (flexible): a follower', () => {
    const request: OffsetForLeaderEpochRequest = {
      replicaId: 1,
      topics: [{ topic: 'ab', partitions: [{ partition: 0, currentLeaderEpoch: 6, leaderEpoch: 5 }] }],
    };
    expectGolden(
      OFFSET_FOR_LEADER_EPOCH_REQUEST,
      4,
      request,
      hex(`
        00000001            # replica_id 1
        02 03 6162          # [topics] 'ab'
        02                  # [partitions] 1
          00000000 00000006 00000005 00  # partition 0, current_leader_epoch 6, leader_epoch 5, tags
        00                  # topic tagged fields
        00                  # tagged fields
      `),
    );
  });

  it('v0 response: no leader epoch in the answer', () => {
    const response: OffsetForLeaderEpochResponse = {
      throttleTimeMs: 0,
      topics: [
        { topic: 'ab', partitions: [{ errorCode: 0, partition: 0, leaderEpoch: -1, endOffset: 100 }] },
      ],
    };
    expectGolden(
      OFFSET_FOR_LEADER_EPOCH_RESPONSE,
      0,
      response,
      hex('00000001 0002 6162 00000001 # [topics] ab [partitions] 1\n 0000 00000000 0000000000000064'),
    );
  });

  it('v4 response (flexible): an answer and a fenced epoch', () => {
    const response: OffsetForLeaderEpochResponse = {
      throttleTimeMs: 0,
      topics: [
        {
          topic: 'ab',
          partitions: [
            { errorCode: 0, partition: 0, leaderEpoch: 5, endOffset: 100 },
            { errorCode: ERROR_CODES.FENCED_LEADER_EPOCH.code, partition: 1, leaderEpoch: -1, endOffset: -1 },
          ],
        },
      ],
    };
    expectGolden(
      OFFSET_FOR_LEADER_EPOCH_RESPONSE,
      4,
      response,
      hex(`
        00000000            # throttle_time_ms
        02 03 6162          # [topics] 'ab'
        03                  # [partitions] 2
          0000 00000000 00000005 0000000000000064 00  # partition 0: epoch 5 ends at 100
          004a 00000001 ffffffff ffffffffffffffff 00  # partition 1: 74 FENCED_LEADER_EPOCH
        00 00               # tagged fields of topic and message
      `),
    );
  });
});
