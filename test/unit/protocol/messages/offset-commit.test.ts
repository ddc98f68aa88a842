import { describe, expect, it } from 'vitest';
import {
  OFFSET_COMMIT_REQUEST,
  OFFSET_COMMIT_RESPONSE,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
} from '../../../../src/protocol/messages/offset-commit.js';
import { expectGolden, hex } from '../golden.js';

describe('OffsetCommit', () => {
  it('v2 request and response', () => {
    const decoded = expectGolden<OffsetCommitRequest>(
      OFFSET_COMMIT_REQUEST,
      2,
      {
        groupId: 'g1',
        generationIdOrMemberEpoch: 1,
        memberId: 'm1',
        retentionTimeMs: -1,
        topics: [
          {
            name: 'orders',
            partitions: [{ partitionIndex: 0, committedOffset: 42, committedMetadata: null }],
          },
        ],
      },
      hex(`
      0002 6731              // group_id: "g1"
      00000001               // generation_id_or_member_epoch: 1 (v1+)
      0002 6d31              // member_id: "m1" (v1+)
      ffffffffffffffff       // retention_time_ms: -1 (v2-4)
      00000001               // [topics] count 1
        0006 6f7264657273    //   name: "orders"
        00000001             //   [partitions] count 1
          00000000           //     partition_index: 0
          000000000000002a   //     committed_offset: 42
          ffff               //     committed_metadata: null
    `),
    );
    expect(decoded.topics[0]!.partitions[0]!.committedLeaderEpoch).toBe(-1);
    expectGolden<OffsetCommitResponse>(
      OFFSET_COMMIT_RESPONSE,
      2,
      { topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] },
      hex(`
      00000001               // [topics] count 1
        0006 6f7264657273    //   name: "orders"
        00000001             //   [partitions] count 1
          00000000           //     partition_index: 0
          0000               //     error_code: 0
    `),
    );
  });

  it('v8 request and response (flexible)', () => {
    expectGolden<OffsetCommitRequest>(
      OFFSET_COMMIT_REQUEST,
      8,
      {
        groupId: 'g1',
        generationIdOrMemberEpoch: 1,
        memberId: 'm1',
        groupInstanceId: null,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, committedMetadata: '' },
            ],
          },
        ],
      },
      hex(`
      03 6731                // group_id: "g1"
      00000001               // generation_id_or_member_epoch: 1
      03 6d31                // member_id: "m1"
      00                     // group_instance_id: null (v7+)
      02                     // [topics] compact count 1
        07 6f7264657273      //   name: "orders"
        02                   //   [partitions] compact count 1
          00000000           //     partition_index: 0
          000000000000002a   //     committed_offset: 42
          00000003           //     committed_leader_epoch: 3 (v6+)
          01                 //     committed_metadata: ""
          00                 //     tagged fields
        00                   //   tagged fields
      00                     // tagged fields
    `),
    );
    expectGolden<OffsetCommitResponse>(
      OFFSET_COMMIT_RESPONSE,
      8,
      { throttleTimeMs: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] },
      hex(`
      00000000               // throttle_time_ms (v3+)
      02                     // [topics] compact count 1
        07 6f7264657273      //   name: "orders"
        02                   //   [partitions] compact count 1
          00000000           //     partition_index: 0
          0000               //     error_code: 0
          00                 //     tagged fields
        00                   //   tagged fields
      00                     // tagged fields
    `),
    );
  });
});
