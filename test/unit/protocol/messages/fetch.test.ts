import { describe, expect, it } from 'vitest';
import {
  FETCH_API,
  FETCH_REQUEST,
  FETCH_RESPONSE,
  type FetchRequest,
  type FetchResponse,
} from '../../../../src/protocol/messages/fetch.js';
import { encodeMessage } from '../../../../src/protocol/schema/codec.js';
import { Writer } from '../../../../src/protocol/wire/writer.js';
import { expectGolden, hex } from '../golden.js';

const RECORDS = Buffer.from('deadbeef', 'hex');

describe('Fetch', () => {
  it('serves v4-v12', () => {
    expect([FETCH_API.minVersion, FETCH_API.maxVersion]).toEqual([4, 12]);
  });

  it('v4 request', () => {
    const value: FetchRequest = {
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 52428800,
      isolationLevel: 1,
      topics: [
        { topic: 'orders', partitions: [{ partition: 0, fetchOffset: 7, partitionMaxBytes: 1048576 }] },
      ],
    };
    const decoded = expectGolden(
      FETCH_REQUEST,
      4,
      value,
      hex(`
      ffffffff              // replica_id: -1 (a consumer)
      000001f4              // max_wait_ms: 500
      00000001              // min_bytes: 1
      03200000              // max_bytes: 50 MiB (v3+)
      01                    // isolation_level: READ_COMMITTED (v4+)
      00000001              // [topics] count 1
        0006 6f7264657273   //   topic: "orders"
        00000001            //   [partitions] count 1
          00000000          //     partition: 0
          0000000000000007  //     fetch_offset: 7
          00100000          //     partition_max_bytes: 1 MiB
    `),
    );
    // fields of later versions decode as Kafka's defaults
    const p = decoded.topics[0]!.partitions[0]!;
    expect([p.currentLeaderEpoch, p.logStartOffset, p.lastFetchedEpoch]).toEqual([-1, -1, -1]);
    expect([decoded.sessionId, decoded.sessionEpoch, decoded.rackId]).toEqual([0, -1, '']);
  });

  it('v4 response', () => {
    const value: FetchResponse = {
      throttleTimeMs: 0,
      responses: [
        {
          topic: 'orders',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 10,
              lastStableOffset: 10,
              abortedTransactions: [{ producerId: 5, firstOffset: 3 }],
              records: RECORDS,
            },
          ],
        },
      ],
    };
    expectGolden(
      FETCH_RESPONSE,
      4,
      value,
      hex(`
      00000000                 // throttle_time_ms: 0
      00000001                 // [responses] count 1
        0006 6f7264657273      //   topic: "orders"
        00000001               //   [partitions] count 1
          00000000             //     partition_index: 0
          0000                 //     error_code: 0
          000000000000000a     //     high_watermark: 10
          000000000000000a     //     last_stable_offset: 10
          00000001             //     [aborted_transactions] count 1
            0000000000000005   //       producer_id: 5
            0000000000000003   //       first_offset: 3
          00000004 deadbeef    //     records: 4 bytes
    `),
    );
  });

  it('v12 request (flexible, with the tagged cluster_id)', () => {
    const value: FetchRequest = {
      clusterId: 'c1',
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 0x7fffffff,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: 'orders',
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: 3,
              fetchOffset: 7,
              lastFetchedEpoch: 2,
              logStartOffset: -1,
              partitionMaxBytes: 1048576,
            },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    };
    expectGolden(
      FETCH_REQUEST,
      12,
      value,
      hex(`
      ffffffff              // replica_id: -1
      000001f4              // max_wait_ms: 500
      00000001              // min_bytes: 1
      7fffffff              // max_bytes
      00                    // isolation_level: READ_UNCOMMITTED
      00000000              // session_id: 0 (v7+)
      ffffffff              // session_epoch: -1 (v7+)
      02                    // [topics] compact count 1
        07 6f7264657273     //   topic: "orders"
        02                  //   [partitions] compact count 1
          00000000          //     partition: 0
          00000003          //     current_leader_epoch: 3 (v9+)
          0000000000000007  //     fetch_offset: 7
          00000002          //     last_fetched_epoch: 2 (v12+)
          ffffffffffffffff  //     log_start_offset: -1 (v5+)
          00100000          //     partition_max_bytes
          00                //     tagged fields
        00                  //   tagged fields
      01                    // [forgotten_topics_data] compact count 0 (v7+)
      01                    // rack_id: compact "" (v11+)
      01                    // tagged fields: 1
        00 03               //   tag 0 (cluster_id), 3 bytes
        03 6331             //   compact nullable "c1"
    `),
    );
  });

  it('v12 response with a tagged current_leader', () => {
    const value: FetchResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 9,
      responses: [
        {
          topic: 'orders',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 10,
              lastStableOffset: 10,
              logStartOffset: 0,
              currentLeader: { leaderId: 1, leaderEpoch: 3 },
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: RECORDS,
            },
          ],
        },
      ],
    };
    const decoded = expectGolden(
      FETCH_RESPONSE,
      12,
      value,
      hex(`
      00000000                 // throttle_time_ms: 0
      0000                     // error_code: 0 (v7+)
      00000009                 // session_id: 9 (v7+)
      02                       // [responses] compact count 1
        07 6f7264657273        //   topic: "orders"
        02                     //   [partitions] compact count 1
          00000000             //     partition_index: 0
          0000                 //     error_code: 0
          000000000000000a     //     high_watermark: 10
          000000000000000a     //     last_stable_offset: 10
          0000000000000000     //     log_start_offset: 0
          00                   //     [aborted_transactions]: null
          ffffffff             //     preferred_read_replica: -1 (v11+)
          05 deadbeef          //     records: compact 4 bytes
          01                   //     tagged fields: 1
            01 09              //       tag 1 (current_leader), 9 bytes
            00000001           //         leader_id: 1
            00000003           //         leader_epoch: 3
            00                 //         tagged fields
        00                     //   tagged fields
      00                       // tagged fields
    `),
    );
    // untouched tagged structs decode as their defaults
    expect(decoded.responses[0]!.partitions[0]!.divergingEpoch).toEqual({ epoch: -1, endOffset: -1 });
  });

  it('appends records by reference: a 64 KiB batch is its own chunk, not copied', () => {
    const batch = Buffer.alloc(65536, 7);
    const w = new Writer();
    encodeMessage<FetchResponse>(
      FETCH_RESPONSE,
      12,
      {
        responses: [
          { topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 1, records: batch }] },
        ],
      },
      w,
    );
    const chunks = w.toChunks();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(batch);
  });
});
