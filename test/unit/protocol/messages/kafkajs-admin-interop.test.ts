import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ADD_OFFSETS_TO_TXN_API } from '../../../../src/protocol/messages/add-offsets-to-txn.js';
import { ADD_PARTITIONS_TO_TXN_API } from '../../../../src/protocol/messages/add-partitions-to-txn.js';
import { ALTER_CONFIGS_API } from '../../../../src/protocol/messages/alter-configs.js';
import { ALTER_PARTITION_REASSIGNMENTS_API } from '../../../../src/protocol/messages/alter-partition-reassignments.js';
import { CREATE_PARTITIONS_API } from '../../../../src/protocol/messages/create-partitions.js';
import { CREATE_TOPICS_API } from '../../../../src/protocol/messages/create-topics.js';
import { DELETE_GROUPS_API } from '../../../../src/protocol/messages/delete-groups.js';
import { DELETE_RECORDS_API } from '../../../../src/protocol/messages/delete-records.js';
import { DELETE_TOPICS_API } from '../../../../src/protocol/messages/delete-topics.js';
import { DESCRIBE_CONFIGS_API } from '../../../../src/protocol/messages/describe-configs.js';
import { END_TXN_API } from '../../../../src/protocol/messages/end-txn.js';
import { INIT_PRODUCER_ID_API } from '../../../../src/protocol/messages/init-producer-id.js';
import { LIST_PARTITION_REASSIGNMENTS_API } from '../../../../src/protocol/messages/list-partition-reassignments.js';
import { SASL_HANDSHAKE_API } from '../../../../src/protocol/messages/sasl-handshake.js';
import { TXN_OFFSET_COMMIT_API } from '../../../../src/protocol/messages/txn-offset-commit.js';
import { decodeMessage, encodeMessageToBuffer } from '../../../../src/protocol/schema/codec.js';
import type { ApiSpec } from '../../../../src/protocol/schema/types.js';
import { inVersionRange } from '../../../../src/protocol/schema/versions.js';
import { Reader } from '../../../../src/protocol/wire/reader.js';

/**
 * kafkajs — the client Ferry's mirror control plane uses unmodified — encodes admin and transaction
 * requests with its own hand-written encoders; Ferry's broker must decode exactly those bytes. In the
 * other direction, kafkajs's own response decoders must read what Ferry's schemas encode.
 *
 * One kafkajs quirk shapes the flexible cases: it always writes request header v1 and reads response
 * header v0, and instead puts the header's (empty) tagged-field byte at the start of the body. The helpers
 * below move that byte back where the header would carry it.
 */

const require = createRequire(import.meta.url);

interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<{ buffer: Buffer }>;
}
type KafkajsDecoded = Record<string, unknown>;
interface KafkajsResponse {
  decode(raw: Buffer): Promise<KafkajsDecoded>;
}

function kafkajsRequest(api: string, version: number, args: unknown): KafkajsRequest {
  const factory = require(`kafkajs/src/protocol/requests/${api}/v${version}/request.js`) as (
    a: unknown,
  ) => KafkajsRequest;
  return factory(args);
}

function kafkajsResponse(api: string, version: number): KafkajsResponse {
  return require(`kafkajs/src/protocol/requests/${api}/v${version}/response.js`) as KafkajsResponse;
}

/** Decodes the body of a request kafkajs encoded, insisting that every byte is consumed. */
async function decodeKafkajsRequest(api: ApiSpec, request: KafkajsRequest): Promise<unknown> {
  expect(request.apiKey).toBe(api.apiKey);
  const version = request.apiVersion;
  expect(version).toBeGreaterThanOrEqual(api.minVersion);
  expect(version).toBeLessThanOrEqual(api.maxVersion);
  const body = (await request.encode()).buffer;
  let start = 0;
  if (inVersionRange(api.request.flexibleVersions, version)) {
    expect(body[0]).toBe(0); // the request header's empty tagged fields
    start = 1;
  }
  const reader = new Reader(body, start);
  const value = decodeMessage(api.request, version, reader);
  expect(reader.remaining).toBe(0);
  return value;
}

/** Encodes a response body with our schema, in the framing kafkajs's decoder expects. */
function encodeForKafkajs(api: ApiSpec, version: number, value: unknown): Buffer {
  const body = encodeMessageToBuffer(api.response, version, value);
  return inVersionRange(api.response.flexibleVersions, version) ? Buffer.concat([Buffer.of(0), body]) : body;
}

describe('requests kafkajs encodes, decoded by Ferry', () => {
  for (const version of [2, 3]) {
    it(`CreateTopics v${version}: automatic and manual assignment, configs`, async () => {
      const request = kafkajsRequest('createTopics', version, {
        topics: [
          {
            topic: 'orders',
            numPartitions: 3,
            replicationFactor: 2,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
          { topic: 'manual', replicaAssignment: [{ partition: 0, replicas: [1, 2] }] },
        ],
        validateOnly: true,
        timeout: 5000,
      });
      expect(await decodeKafkajsRequest(CREATE_TOPICS_API, request)).toEqual({
        topics: [
          {
            name: 'orders',
            numPartitions: 3,
            replicationFactor: 2,
            assignments: [],
            configs: [{ name: 'cleanup.policy', value: 'compact' }],
          },
          {
            name: 'manual',
            numPartitions: -1,
            replicationFactor: -1,
            assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }],
            configs: [],
          },
        ],
        timeoutMs: 5000,
        validateOnly: true,
      });
    });
  }

  it('DeleteTopics v1', async () => {
    const request = kafkajsRequest('deleteTopics', 1, { topics: ['a', 'b'], timeout: 5000 });
    expect(await decodeKafkajsRequest(DELETE_TOPICS_API, request)).toEqual({
      topics: [],
      topicNames: ['a', 'b'],
      timeoutMs: 5000,
    });
  });

  for (const version of [0, 1]) {
    it(`CreatePartitions v${version}: with and without assignments`, async () => {
      const request = kafkajsRequest('createPartitions', version, {
        topicPartitions: [
          { topic: 'a', count: 3, assignments: [[1], [2]] },
          { topic: 'b', count: 2 },
        ],
        validateOnly: true,
        timeout: 5000,
      });
      expect(await decodeKafkajsRequest(CREATE_PARTITIONS_API, request)).toEqual({
        topics: [
          { name: 'a', count: 3, assignments: [{ brokerIds: [1] }, { brokerIds: [2] }] },
          // kafkajs sends an empty assignment list as null, which the schema allows.
          { name: 'b', count: 2, assignments: null },
        ],
        timeoutMs: 5000,
        validateOnly: true,
      });
    });
  }

  for (const version of [0, 1, 2]) {
    it(`DescribeConfigs v${version}`, async () => {
      const request = kafkajsRequest('describeConfigs', version, {
        resources: [
          { type: 2, name: 'a', configNames: ['cleanup.policy'] },
          { type: 4, name: '1' },
        ],
        includeSynonyms: true,
      });
      expect(await decodeKafkajsRequest(DESCRIBE_CONFIGS_API, request)).toEqual({
        resources: [
          { resourceType: 2, resourceName: 'a', configurationKeys: ['cleanup.policy'] },
          { resourceType: 4, resourceName: '1', configurationKeys: null },
        ],
        includeSynonyms: version >= 1,
        includeDocumentation: false,
      });
    });
  }

  for (const version of [0, 1]) {
    it(`AlterConfigs v${version}`, async () => {
      const request = kafkajsRequest('alterConfigs', version, {
        resources: [{ type: 2, name: 'a', configEntries: [{ name: 'retention.ms', value: '1000' }] }],
        validateOnly: true,
      });
      expect(await decodeKafkajsRequest(ALTER_CONFIGS_API, request)).toEqual({
        resources: [
          { resourceType: 2, resourceName: 'a', configs: [{ name: 'retention.ms', value: '1000' }] },
        ],
        validateOnly: true,
      });
    });

    it(`DeleteRecords v${version}: an offset above 2^32`, async () => {
      const request = kafkajsRequest('deleteRecords', version, {
        topics: [{ topic: 'a', partitions: [{ partition: 1, offset: '4294967297' }] }],
        timeout: 1000,
      });
      expect(await decodeKafkajsRequest(DELETE_RECORDS_API, request)).toEqual({
        topics: [{ name: 'a', partitions: [{ partitionIndex: 1, offset: 4294967297 }] }],
        timeoutMs: 1000,
      });
    });

    it(`InitProducerId v${version}: transactional and idempotent`, async () => {
      const transactional = kafkajsRequest('initProducerId', version, {
        transactionalId: 'tx',
        transactionTimeout: 30000,
      });
      expect(await decodeKafkajsRequest(INIT_PRODUCER_ID_API, transactional)).toEqual({
        transactionalId: 'tx',
        transactionTimeoutMs: 30000,
        producerId: -1,
        producerEpoch: -1,
      });
      const idempotent = kafkajsRequest('initProducerId', version, {
        transactionalId: null,
        transactionTimeout: 30000,
      });
      expect(await decodeKafkajsRequest(INIT_PRODUCER_ID_API, idempotent)).toMatchObject({
        transactionalId: null,
      });
    });

    it(`AddPartitionsToTxn v${version}`, async () => {
      const request = kafkajsRequest('addPartitionsToTxn', version, {
        transactionalId: 'tx',
        producerId: '7',
        producerEpoch: 1,
        topics: [{ topic: 'a', partitions: [0, 1] }],
      });
      expect(await decodeKafkajsRequest(ADD_PARTITIONS_TO_TXN_API, request)).toEqual({
        transactions: [],
        v3AndBelowTransactionalId: 'tx',
        v3AndBelowProducerId: 7,
        v3AndBelowProducerEpoch: 1,
        v3AndBelowTopics: [{ name: 'a', partitions: [0, 1] }],
      });
    });

    it(`AddOffsetsToTxn v${version}`, async () => {
      const request = kafkajsRequest('addOffsetsToTxn', version, {
        transactionalId: 'tx',
        producerId: '7',
        producerEpoch: 1,
        groupId: 'g',
      });
      expect(await decodeKafkajsRequest(ADD_OFFSETS_TO_TXN_API, request)).toEqual({
        transactionalId: 'tx',
        producerId: 7,
        producerEpoch: 1,
        groupId: 'g',
      });
    });

    it(`EndTxn v${version}`, async () => {
      const request = kafkajsRequest('endTxn', version, {
        transactionalId: 'tx',
        producerId: '7',
        producerEpoch: 1,
        transactionResult: false,
      });
      expect(await decodeKafkajsRequest(END_TXN_API, request)).toEqual({
        transactionalId: 'tx',
        producerId: 7,
        producerEpoch: 1,
        committed: false,
      });
    });

    it(`TxnOffsetCommit v${version}`, async () => {
      const request = kafkajsRequest('txnOffsetCommit', version, {
        transactionalId: 'tx',
        groupId: 'g',
        producerId: '7',
        producerEpoch: 1,
        topics: [{ topic: 'a', partitions: [{ partition: 0, offset: '10', metadata: null }] }],
      });
      expect(await decodeKafkajsRequest(TXN_OFFSET_COMMIT_API, request)).toEqual({
        transactionalId: 'tx',
        groupId: 'g',
        producerId: 7,
        producerEpoch: 1,
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [
          {
            name: 'a',
            partitions: [
              { partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: -1, committedMetadata: null },
            ],
          },
        ],
      });
    });

    it(`DeleteGroups v${version}`, async () => {
      const request = kafkajsRequest('deleteGroups', version, ['g1', 'g2']);
      expect(await decodeKafkajsRequest(DELETE_GROUPS_API, request)).toEqual({ groupsNames: ['g1', 'g2'] });
    });

    it(`SaslHandshake v${version}`, async () => {
      const request = kafkajsRequest('saslHandshake', version, { mechanism: 'SCRAM-SHA-512' });
      expect(await decodeKafkajsRequest(SASL_HANDSHAKE_API, request)).toEqual({ mechanism: 'SCRAM-SHA-512' });
    });
  }

  it('AlterPartitionReassignments v0 (flexible)', async () => {
    const request = kafkajsRequest('alterPartitionReassignments', 0, {
      topics: [{ topic: 'a', partitionAssignment: [{ partition: 0, replicas: [1, 2] }] }],
      timeout: 5000,
    });
    expect(await decodeKafkajsRequest(ALTER_PARTITION_REASSIGNMENTS_API, request)).toEqual({
      timeoutMs: 5000,
      topics: [{ name: 'a', partitions: [{ partitionIndex: 0, replicas: [1, 2] }] }],
    });
  });

  it('ListPartitionReassignments v0 (flexible): some topics, and all', async () => {
    const some = kafkajsRequest('listPartitionReassignments', 0, {
      topics: [{ topic: 'a', partitions: [0, 1] }],
      timeout: 5000,
    });
    expect(await decodeKafkajsRequest(LIST_PARTITION_REASSIGNMENTS_API, some)).toEqual({
      timeoutMs: 5000,
      topics: [{ name: 'a', partitionIndexes: [0, 1] }],
    });
    const all = kafkajsRequest('listPartitionReassignments', 0, { timeout: 5000 });
    expect(await decodeKafkajsRequest(LIST_PARTITION_REASSIGNMENTS_API, all)).toEqual({
      timeoutMs: 5000,
      topics: null,
    });
  });
});

describe('responses Ferry encodes, decoded by kafkajs', () => {
  it('CreateTopics v3', async () => {
    const raw = encodeForKafkajs(CREATE_TOPICS_API, 3, {
      throttleTimeMs: 7,
      topics: [
        { name: 'b', errorCode: 36, errorMessage: 'Topic already exists' },
        { name: 'a', errorCode: 0, errorMessage: null },
      ],
    });
    expect(await kafkajsResponse('createTopics', 3).decode(raw)).toEqual({
      throttleTime: 0,
      clientSideThrottleTime: 7,
      topicErrors: [
        { topic: 'a', errorCode: 0, errorMessage: null },
        { topic: 'b', errorCode: 36, errorMessage: 'Topic already exists' },
      ],
    });
  });

  it('DeleteTopics v1', async () => {
    const raw = encodeForKafkajs(DELETE_TOPICS_API, 1, {
      throttleTimeMs: 0,
      responses: [{ name: 'a', errorCode: 3 }],
    });
    expect(await kafkajsResponse('deleteTopics', 1).decode(raw)).toEqual({
      throttleTime: 0,
      clientSideThrottleTime: 0,
      topicErrors: [{ topic: 'a', errorCode: 3 }],
    });
  });

  it('CreatePartitions v1', async () => {
    const raw = encodeForKafkajs(CREATE_PARTITIONS_API, 1, {
      throttleTimeMs: 0,
      results: [{ name: 'a', errorCode: 37, errorMessage: 'no' }],
    });
    expect(await kafkajsResponse('createPartitions', 1).decode(raw)).toMatchObject({
      topicErrors: [{ topic: 'a', errorCode: 37, errorMessage: 'no' }],
    });
  });

  it('DescribeConfigs v2: sources and synonyms', async () => {
    const raw = encodeForKafkajs(DESCRIBE_CONFIGS_API, 2, {
      throttleTimeMs: 0,
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 'a',
          configs: [
            {
              name: 'cleanup.policy',
              value: 'compact',
              readOnly: false,
              configSource: 1,
              isSensitive: false,
              synonyms: [
                { name: 'cleanup.policy', value: 'compact', source: 1 },
                { name: 'log.cleanup.policy', value: 'delete', source: 5 },
              ],
            },
          ],
        },
      ],
    });
    expect(await kafkajsResponse('describeConfigs', 2).decode(raw)).toEqual({
      throttleTime: 0,
      clientSideThrottleTime: 0,
      resources: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 'a',
          configEntries: [
            {
              configName: 'cleanup.policy',
              configValue: 'compact',
              readOnly: false,
              isDefault: false,
              configSource: 1,
              isSensitive: false,
              configSynonyms: [
                { configName: 'cleanup.policy', configValue: 'compact', configSource: 1 },
                { configName: 'log.cleanup.policy', configValue: 'delete', configSource: 5 },
              ],
            },
          ],
        },
      ],
    });
  });

  it('AlterConfigs v1', async () => {
    const raw = encodeForKafkajs(ALTER_CONFIGS_API, 1, {
      throttleTimeMs: 0,
      responses: [{ errorCode: 40, errorMessage: 'bad', resourceType: 2, resourceName: 'a' }],
    });
    expect(await kafkajsResponse('alterConfigs', 1).decode(raw)).toMatchObject({
      resources: [{ errorCode: 40, errorMessage: 'bad', resourceType: 2, resourceName: 'a' }],
    });
  });

  it('DeleteRecords v1: a low watermark above 2^32', async () => {
    const raw = encodeForKafkajs(DELETE_RECORDS_API, 1, {
      throttleTimeMs: 0,
      topics: [{ name: 'a', partitions: [{ partitionIndex: 1, lowWatermark: 4294967297, errorCode: 0 }] }],
    });
    const factory = require('kafkajs/src/protocol/requests/deleteRecords/v1/response.js') as (a: {
      topics: unknown[];
    }) => KafkajsResponse;
    const decoded = await factory({ topics: [] }).decode(raw);
    const topics = decoded.topics as Array<{
      topic: string;
      partitions: Array<{ partition: number; lowWatermark: { toString(): string }; errorCode: number }>;
    }>;
    expect(topics[0]!.topic).toBe('a');
    expect(topics[0]!.partitions[0]!.partition).toBe(1);
    expect(topics[0]!.partitions[0]!.lowWatermark.toString()).toBe('4294967297');
    expect(topics[0]!.partitions[0]!.errorCode).toBe(0);
  });

  it('InitProducerId v1: a producer id above 2^32', async () => {
    const raw = encodeForKafkajs(INIT_PRODUCER_ID_API, 1, {
      throttleTimeMs: 0,
      errorCode: 0,
      producerId: 2 ** 40 + 1,
      producerEpoch: 3,
    });
    expect(await kafkajsResponse('initProducerId', 1).decode(raw)).toMatchObject({
      errorCode: 0,
      producerId: String(2 ** 40 + 1),
      producerEpoch: 3,
    });
  });

  it('AddPartitionsToTxn v1', async () => {
    const raw = encodeForKafkajs(ADD_PARTITIONS_TO_TXN_API, 1, {
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: [
        { name: 'a', resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: 0 }] },
      ],
    });
    expect(await kafkajsResponse('addPartitionsToTxn', 1).decode(raw)).toMatchObject({
      errors: [{ topic: 'a', partitionErrors: [{ partition: 0, errorCode: 0 }] }],
    });
  });

  it('AddOffsetsToTxn v1 and EndTxn v1', async () => {
    const raw = encodeForKafkajs(ADD_OFFSETS_TO_TXN_API, 1, { throttleTimeMs: 0, errorCode: 0 });
    expect(await kafkajsResponse('addOffsetsToTxn', 1).decode(raw)).toMatchObject({ errorCode: 0 });
    const end = encodeForKafkajs(END_TXN_API, 1, { throttleTimeMs: 0, errorCode: 48 });
    expect(await kafkajsResponse('endTxn', 1).decode(end)).toMatchObject({ errorCode: 48 });
  });

  it('TxnOffsetCommit v1', async () => {
    const raw = encodeForKafkajs(TXN_OFFSET_COMMIT_API, 1, {
      throttleTimeMs: 0,
      topics: [{ name: 'a', partitions: [{ partitionIndex: 2, errorCode: 0 }] }],
    });
    expect(await kafkajsResponse('txnOffsetCommit', 1).decode(raw)).toMatchObject({
      topics: [{ topic: 'a', partitions: [{ partition: 2, errorCode: 0 }] }],
    });
  });

  it('DeleteGroups v1', async () => {
    const raw = encodeForKafkajs(DELETE_GROUPS_API, 1, {
      throttleTimeMs: 5,
      results: [{ groupId: 'g', errorCode: 0 }],
    });
    expect(await kafkajsResponse('deleteGroups', 1).decode(raw)).toMatchObject({
      throttleTimeMs: 5,
      results: [{ groupId: 'g', errorCode: 0 }],
    });
  });

  it('SaslHandshake v1', async () => {
    const raw = encodeForKafkajs(SASL_HANDSHAKE_API, 1, {
      errorCode: 0,
      mechanisms: ['PLAIN', 'SCRAM-SHA-256'],
    });
    expect(await kafkajsResponse('saslHandshake', 1).decode(raw)).toEqual({
      errorCode: 0,
      enabledMechanisms: ['PLAIN', 'SCRAM-SHA-256'],
    });
  });

  it('ListPartitionReassignments v0 (flexible)', async () => {
    const raw = encodeForKafkajs(LIST_PARTITION_REASSIGNMENTS_API, 0, {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      topics: [
        {
          name: 'a',
          partitions: [
            { partitionIndex: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1] },
          ],
        },
      ],
    });
    expect(await kafkajsResponse('listPartitionReassignments', 0).decode(raw)).toMatchObject({
      errorCode: 0,
      topics: [
        {
          name: 'a',
          partitions: [{ partition: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1] }],
        },
      ],
    });
  });

  it('AlterPartitionReassignments v0 (flexible)', async () => {
    const raw = encodeForKafkajs(ALTER_PARTITION_REASSIGNMENTS_API, 0, {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      responses: [{ name: 'a', partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }] }],
    });
    expect(await kafkajsResponse('alterPartitionReassignments', 0).decode(raw)).toEqual({
      throttleTime: 0,
      errorCode: 0,
      responses: [{ topic: 'a', partitions: [{ partition: 0, errorCode: 0 }] }],
    });
  });
});
