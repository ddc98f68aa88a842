import { describe, it } from 'vitest';
import {
  OFFSET_FETCH_REQUEST,
  OFFSET_FETCH_RESPONSE,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
} from '../../../../src/protocol/messages/offset-fetch.js';
import { expectGolden, hex } from '../golden.js';

describe('OffsetFetch', () => {
  it('v1 request and response', () => {
    expectGolden<OffsetFetchRequest>(
      OFFSET_FETCH_REQUEST,
      1,
      { groupId: 'g1', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] },
      hex(`
      0002 6731                  // group_id: "g1"
      00000001                   // [topics] count 1
        0006 6f7264657273        //   name: "orders"
        00000002 00000000 00000001 // [partition_indexes]: [0, 1]
    `),
    );
    expectGolden<OffsetFetchResponse>(
      OFFSET_FETCH_RESPONSE,
      1,
      {
        topics: [
          {
            name: 'orders',
            partitions: [{ partitionIndex: 0, committedOffset: -1, metadata: '', errorCode: 0 }],
          },
        ],
      },
      hex(`
      00000001                   // [topics] count 1
        0006 6f7264657273        //   name: "orders"
        00000001                 //   [partitions] count 1
          00000000               //     partition_index: 0
          ffffffffffffffff       //     committed_offset: -1 (none)
          0000                   //     metadata: ""
          0000                   //     error_code: 0
    `),
    );
  });

  it('v7 request (all topics) and response (flexible)', () => {
    expectGolden<OffsetFetchRequest>(
      OFFSET_FETCH_REQUEST,
      7,
      { groupId: 'g1', topics: null, requireStable: true },
      hex(`
      03 6731     // group_id: "g1"
      00          // [topics]: null = all (nullable v2+)
      01          // require_stable: true (v7+)
      00          // tagged fields
    `),
    );
    expectGolden<OffsetFetchResponse>(
      OFFSET_FETCH_RESPONSE,
      7,
      {
        throttleTimeMs: 0,
        topics: [
          {
            name: 'orders',
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 42,
                committedLeaderEpoch: 3,
                metadata: null,
                errorCode: 0,
              },
            ],
          },
        ],
        errorCode: 0,
      },
      hex(`
      00000000                   // throttle_time_ms (v3+)
      02                         // [topics] compact count 1
        07 6f7264657273          //   name: "orders"
        02                       //   [partitions] compact count 1
          00000000               //     partition_index: 0
          000000000000002a       //     committed_offset: 42
          00000003               //     committed_leader_epoch: 3 (v5+)
          00                     //     metadata: null
          0000                   //     error_code: 0
          00                     //     tagged fields
        00                       //   tagged fields
      0000                       // error_code: 0 (v2+)
      00                         // tagged fields
    `),
    );
  });
});
