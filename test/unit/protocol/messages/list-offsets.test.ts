import { describe, it } from 'vitest';
import {
  LIST_OFFSETS_REQUEST,
  LIST_OFFSETS_RESPONSE,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
} from '../../../../src/protocol/messages/list-offsets.js';
import { expectGolden, hex } from '../golden.js';

describe('ListOffsets', () => {
  it('v1 request and response', () => {
    expectGolden<ListOffsetsRequest>(
      LIST_OFFSETS_REQUEST,
      1,
      { replicaId: -1, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, timestamp: -2 }] }] },
      hex(`
      ffffffff             // replica_id: -1
      00000001             // [topics] count 1
        0006 6f7264657273  //   name: "orders"
        00000001           //   [partitions] count 1
          00000000         //     partition_index: 0
          fffffffffffffffe //     timestamp: -2 (earliest)
    `),
    );
    expectGolden<ListOffsetsResponse>(
      LIST_OFFSETS_RESPONSE,
      1,
      {
        topics: [
          { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1, offset: 12 }] },
        ],
      },
      hex(`
      00000001             // [topics] count 1
        0006 6f7264657273  //   name: "orders"
        00000001           //   [partitions] count 1
          00000000         //     partition_index: 0
          0000             //     error_code: 0
          ffffffffffffffff //     timestamp: -1
          000000000000000c //     offset: 12
    `),
    );
  });

  it('v7 request and response (flexible)', () => {
    expectGolden<ListOffsetsRequest>(
      LIST_OFFSETS_REQUEST,
      7,
      {
        replicaId: -1,
        isolationLevel: 1,
        topics: [
          { name: 'orders', partitions: [{ partitionIndex: 1, currentLeaderEpoch: 4, timestamp: -3 }] },
        ],
      },
      hex(`
      ffffffff             // replica_id: -1
      01                   // isolation_level: READ_COMMITTED (v2+)
      02                   // [topics] compact count 1
        07 6f7264657273    //   name: "orders"
        02                 //   [partitions] compact count 1
          00000001         //     partition_index: 1
          00000004         //     current_leader_epoch: 4 (v4+)
          fffffffffffffffd //     timestamp: -3 (max timestamp, v7+)
          00               //     tagged fields
        00                 //   tagged fields
      00                   // tagged fields
    `),
    );
    expectGolden<ListOffsetsResponse>(
      LIST_OFFSETS_RESPONSE,
      7,
      {
        throttleTimeMs: 0,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 1, errorCode: 0, timestamp: 1700000000000, offset: 3, leaderEpoch: 4 },
            ],
          },
        ],
      },
      hex(`
      00000000             // throttle_time_ms (v2+)
      02                   // [topics] compact count 1
        07 6f7264657273    //   name: "orders"
        02                 //   [partitions] compact count 1
          00000001         //     partition_index: 1
          0000             //     error_code: 0
          0000018bcfe56800 //     timestamp: 1700000000000
          0000000000000003 //     offset: 3
          00000004         //     leader_epoch: 4 (v4+)
          00               //     tagged fields
        00                 //   tagged fields
      00                   // tagged fields
    `),
    );
  });
});
