import { describe, expect, it } from 'vitest';
import {
  METADATA_REQUEST,
  METADATA_RESPONSE,
  type MetadataRequest,
  type MetadataResponse,
} from '../../../../src/protocol/messages/metadata.js';
import { expectGolden, hex } from '../golden.js';

const TOPIC_ID = '0123456789abcdef0123456789abcdef';

describe('Metadata', () => {
  it('v0 request: no null, an empty list means every topic', () => {
    const decoded = expectGolden<MetadataRequest>(
      METADATA_REQUEST,
      0,
      { topics: [] },
      hex('00000000 // [topics] 0'),
    );
    // auto-creation is implied before v4
    expect(decoded.allowAutoTopicCreation).toBe(true);
  });

  it('v1 request: null topics means every topic', () => {
    expectGolden<MetadataRequest>(METADATA_REQUEST, 1, { topics: null }, hex('ffffffff // [topics]: null'));
    expectGolden<MetadataRequest>(
      METADATA_REQUEST,
      1,
      { topics: [{ name: 'orders' }] },
      hex(`
      00000001             // [topics] count 1
        0006 6f7264657273  //   name: "orders"
    `),
    );
  });

  it('v1 response', () => {
    const value: MetadataResponse = {
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          isInternal: false,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] }],
        },
      ],
    };
    expectGolden(
      METADATA_RESPONSE,
      1,
      value,
      hex(`
      00000001                      // [brokers] count 1
        00000001                    //   node_id: 1
        0009 6c6f63616c686f7374     //   host: "localhost"
        00002384                    //   port: 9092
        ffff                        //   rack: null (v1+)
      00000001                      // controller_id: 1 (v1+)
      00000001                      // [topics] count 1
        0000                        //   error_code: 0
        0006 6f7264657273           //   name: "orders"
        00                          //   is_internal: false (v1+)
        00000001                    //   [partitions] count 1
          0000                      //     error_code: 0
          00000000                  //     partition_index: 0
          00000001                  //     leader_id: 1
          00000001 00000001         //     [replica_nodes]: [1]
          00000001 00000001         //     [isr_nodes]: [1]
    `),
    );
  });

  it('v9 request (first flexible version)', () => {
    expectGolden<MetadataRequest>(
      METADATA_REQUEST,
      9,
      {
        topics: [{ name: 'orders' }],
        allowAutoTopicCreation: true,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      },
      hex(`
      02                   // [topics] compact count 1
        07 6f7264657273    //   name: compact "orders"
        00                 //   tagged fields
      01                   // allow_auto_topic_creation: true (v4+)
      00                   // include_cluster_authorized_operations: false (v8-10)
      00                   // include_topic_authorized_operations: false (v8+)
      00                   // tagged fields
    `),
    );
  });

  it('v9 response', () => {
    const value: MetadataResponse = {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      clusterId: 'ferry',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          isInternal: false,
          partitions: [
            {
              errorCode: 0,
              partitionIndex: 0,
              leaderId: 1,
              leaderEpoch: 5,
              replicaNodes: [1],
              isrNodes: [1],
              offlineReplicas: [],
            },
          ],
          topicAuthorizedOperations: -2147483648,
        },
      ],
      clusterAuthorizedOperations: -2147483648,
    };
    expectGolden(
      METADATA_RESPONSE,
      9,
      value,
      hex(`
      00000000                      // throttle_time_ms: 0 (v3+)
      02                            // [brokers] compact count 1
        00000001                    //   node_id: 1
        0a 6c6f63616c686f7374       //   host: compact "localhost"
        00002384                    //   port: 9092
        00                          //   rack: null
        00                          //   tagged fields
      06 6665727279                 // cluster_id: "ferry" (v2+)
      00000001                      // controller_id: 1
      02                            // [topics] compact count 1
        0000                        //   error_code: 0
        07 6f7264657273             //   name: "orders"
        00                          //   is_internal: false
        02                          //   [partitions] compact count 1
          0000                      //     error_code: 0
          00000000                  //     partition_index: 0
          00000001                  //     leader_id: 1
          00000005                  //     leader_epoch: 5 (v7+)
          02 00000001               //     [replica_nodes]: [1]
          02 00000001               //     [isr_nodes]: [1]
          01                        //     [offline_replicas]: [] (v5+)
          00                        //     tagged fields
        80000000                    //   topic_authorized_operations: INT32_MIN (v8+)
        00                          //   tagged fields
      80000000                      // cluster_authorized_operations: INT32_MIN (v8-10)
      00                            // tagged fields
    `),
    );
  });

  it('v12 request: by topic id with a null name', () => {
    expectGolden<MetadataRequest>(
      METADATA_REQUEST,
      12,
      {
        topics: [{ topicId: TOPIC_ID, name: null }],
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: true,
      },
      hex(`
      02                                   // [topics] compact count 1
        0123456789abcdef0123456789abcdef   //   topic_id (v10+)
        00                                 //   name: null (nullable v10+)
        00                                 //   tagged fields
      00                                   // allow_auto_topic_creation: false
      01                                   // include_topic_authorized_operations: true
      00                                   // tagged fields
    `),
    );
  });

  it('v12 response', () => {
    const value: MetadataResponse = {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: 'r1' }],
      clusterId: 'ferry',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          topicId: TOPIC_ID,
          isInternal: false,
          partitions: [],
          topicAuthorizedOperations: 0,
        },
      ],
    };
    expectGolden(
      METADATA_RESPONSE,
      12,
      value,
      hex(`
      00000000                             // throttle_time_ms
      02                                   // [brokers] compact count 1
        00000001                           //   node_id: 1
        0a 6c6f63616c686f7374              //   host: "localhost"
        00002384                           //   port: 9092
        03 7231                            //   rack: "r1"
        00                                 //   tagged fields
      06 6665727279                        // cluster_id: "ferry"
      00000001                             // controller_id: 1
      02                                   // [topics] compact count 1
        0000                               //   error_code: 0
        07 6f7264657273                    //   name: "orders" (nullable v12+)
        0123456789abcdef0123456789abcdef   //   topic_id (v10+)
        00                                 //   is_internal: false
        01                                 //   [partitions]: []
        00000000                           //   topic_authorized_operations: 0
        00                                 //   tagged fields
      00                                   // tagged fields (no cluster_authorized_operations after v10)
    `),
    );
  });
});
