import { describe, it } from 'vitest';
import {
  CREATE_TOPICS_REQUEST,
  CREATE_TOPICS_RESPONSE,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
} from '../../../../src/protocol/messages/create-topics.js';
import { ERROR_CODES, expectGolden, hex, NIL_UUID } from './hex-fixture.js';

const request: CreateTopicsRequest = {
  topics: [
    {
      name: 'ab',
      numPartitions: -1,
      replicationFactor: -1,
      assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }],
      configs: [
        { name: 'k', value: 'v' },
        { name: 'n', value: null },
      ],
    },
  ],
  timeoutMs: 30000,
  validateOnly: true,
};

describe('CreateTopics', () => {
  it('v2 request (classic encodings)', () => {
    expectGolden(
      CREATE_TOPICS_REQUEST,
      2,
      request,
      hex(`
        00000001            # [topics] 1
          0002 6162         #   name 'ab'
          ffffffff          #   num_partitions -1
          ffff              #   replication_factor -1
          00000001          #   [assignments] 1
            00000000        #     partition_index 0
            00000002 00000001 00000002  # [broker_ids] 1, 2
          00000002          #   [configs] 2
            0001 6b 0001 76 #     'k' = 'v'
            0001 6e ffff    #     'n' = null
        00007530            # timeout_ms 30000
        01                  # validate_only
      `),
    );
  });

  it('v5 request (first flexible version)', () => {
    expectGolden(
      CREATE_TOPICS_REQUEST,
      5,
      request,
      hex(`
        02                  # [topics] compact 1
          03 6162           #   name 'ab'
          ffffffff ffff     #   num_partitions -1, replication_factor -1
          02                #   [assignments] 1
            00000000        #     partition_index 0
            03 00000001 00000002  # [broker_ids] 1, 2
            00              #     tagged fields
          03                #   [configs] 2
            02 6b 02 76 00  #     'k' = 'v', tagged fields
            02 6e 00 00     #     'n' = null, tagged fields
          00                #   tagged fields
        00007530            # timeout_ms 30000
        01                  # validate_only
        00                  # tagged fields
      `),
    );
  });

  it('v2 response: fields of later versions decode at their defaults', () => {
    const response: CreateTopicsResponse = {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'ab',
          topicId: NIL_UUID,
          errorCode: ERROR_CODES.TOPIC_ALREADY_EXISTS.code,
          errorMessage: 'dup',
          topicConfigErrorCode: 0,
          numPartitions: -1,
          replicationFactor: -1,
          configs: [],
        },
      ],
    };
    expectGolden(
      CREATE_TOPICS_RESPONSE,
      2,
      response,
      hex(`
        00000000            # throttle_time_ms
        00000001            # [topics] 1
          0002 6162         #   name 'ab'
          0024              #   error_code 36 TOPIC_ALREADY_EXISTS
          0003 647570       #   error_message 'dup'
      `),
    );
  });

  it('v7 response: topic id, configs, and the tagged topic_config_error_code', () => {
    const response: CreateTopicsResponse = {
      throttleTimeMs: 5,
      topics: [
        {
          name: 'ab',
          topicId: '0123456789abcdef0123456789abcdef',
          errorCode: 0,
          errorMessage: null,
          topicConfigErrorCode: 0,
          numPartitions: 3,
          replicationFactor: 2,
          configs: [{ name: 'k', value: 'v', readOnly: false, configSource: 5, isSensitive: false }],
        },
        {
          name: 'c',
          topicId: NIL_UUID,
          errorCode: 0,
          errorMessage: null,
          topicConfigErrorCode: ERROR_CODES.TOPIC_AUTHORIZATION_FAILED.code,
          numPartitions: 1,
          replicationFactor: 1,
          configs: null,
        },
      ],
    };
    expectGolden(
      CREATE_TOPICS_RESPONSE,
      7,
      response,
      hex(`
        00000005            # throttle_time_ms 5
        03                  # [topics] compact 2
          03 6162           #   name 'ab'
          0123456789abcdef0123456789abcdef  # topic_id
          0000              #   error_code
          00                #   error_message null
          00000003 0002     #   num_partitions 3, replication_factor 2
          02                #   [configs] 1
            02 6b 02 76     #     'k' = 'v'
            00 05 00        #     read_only false, config_source 5 (default config), is_sensitive false
            00              #     tagged fields
          00                #   tagged fields: topic_config_error_code at its default is not sent
          02 63             #   name 'c'
          00000000000000000000000000000000  # topic_id nil
          0000 00           #   error_code, error_message null
          00000001 0001     #   num_partitions 1, replication_factor 1
          00                #   [configs] null
          01                #   tagged fields: 1
            00 02 001d      #     tag 0, 2 bytes: topic_config_error_code 29 TOPIC_AUTHORIZATION_FAILED
        00                  # tagged fields
      `),
    );
  });
});
