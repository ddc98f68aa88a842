import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiSpec } from '../../../../src/protocol/apis.js';
import { ADD_OFFSETS_TO_TXN_API } from '../../../../src/protocol/messages/add-offsets-to-txn.js';
import {
  ADD_PARTITIONS_TO_TXN_API,
  ADD_PARTITIONS_TO_TXN_REQUEST,
} from '../../../../src/protocol/messages/add-partitions-to-txn.js';
import { ALTER_CONFIGS_API } from '../../../../src/protocol/messages/alter-configs.js';
import { ALTER_PARTITION_REASSIGNMENTS_API } from '../../../../src/protocol/messages/alter-partition-reassignments.js';
import { CREATE_PARTITIONS_API } from '../../../../src/protocol/messages/create-partitions.js';
import { CREATE_TOPICS_API, CREATE_TOPICS_REQUEST } from '../../../../src/protocol/messages/create-topics.js';
import { DELETE_GROUPS_API } from '../../../../src/protocol/messages/delete-groups.js';
import { DELETE_RECORDS_API } from '../../../../src/protocol/messages/delete-records.js';
import { DELETE_TOPICS_API, DELETE_TOPICS_REQUEST } from '../../../../src/protocol/messages/delete-topics.js';
import { DESCRIBE_CLUSTER_API } from '../../../../src/protocol/messages/describe-cluster.js';
import { DESCRIBE_CONFIGS_API } from '../../../../src/protocol/messages/describe-configs.js';
import { DESCRIBE_LOG_DIRS_API } from '../../../../src/protocol/messages/describe-log-dirs.js';
import { DESCRIBE_PRODUCERS_API } from '../../../../src/protocol/messages/describe-producers.js';
import { ELECT_LEADERS_API } from '../../../../src/protocol/messages/elect-leaders.js';
import { END_TXN_API } from '../../../../src/protocol/messages/end-txn.js';
import { INCREMENTAL_ALTER_CONFIGS_API } from '../../../../src/protocol/messages/incremental-alter-configs.js';
import { INIT_PRODUCER_ID_API } from '../../../../src/protocol/messages/init-producer-id.js';
import { LIST_PARTITION_REASSIGNMENTS_API } from '../../../../src/protocol/messages/list-partition-reassignments.js';
import { OFFSET_DELETE_API } from '../../../../src/protocol/messages/offset-delete.js';
import { OFFSET_FOR_LEADER_EPOCH_API } from '../../../../src/protocol/messages/offset-for-leader-epoch.js';
import { SASL_HANDSHAKE_API } from '../../../../src/protocol/messages/sasl-handshake.js';
import { TXN_OFFSET_COMMIT_API } from '../../../../src/protocol/messages/txn-offset-commit.js';
import { WRITE_TXN_MARKERS_API } from '../../../../src/protocol/messages/write-txn-markers.js';
import { decodeMessage, encodeMessageToBuffer } from '../../../../src/protocol/schema/codec.js';
import type {
  ApiSpec,
  FieldSpec,
  MessageSpec,
  PrimitiveType,
} from '../../../../src/protocol/schema/types.js';
import { highestVersion, inVersionRange, lowestVersion } from '../../../../src/protocol/schema/versions.js';
import { Reader } from '../../../../src/protocol/wire/reader.js';

/**
 * Properties over every admin/transaction/cluster schema and every version Kafka defines for it (not only
 * the served ones): random values survive encode → decode unchanged, consume their bytes exactly, and
 * re-encode to the same bytes. Values are generated from the schema itself, so a field placed in the wrong
 * version or with the wrong nullability shows up as a failed round trip or a thrown encode.
 */

const ADMIN_APIS: readonly ApiSpec[] = [
  ADD_OFFSETS_TO_TXN_API,
  ADD_PARTITIONS_TO_TXN_API,
  ALTER_CONFIGS_API,
  ALTER_PARTITION_REASSIGNMENTS_API,
  CREATE_PARTITIONS_API,
  CREATE_TOPICS_API,
  DELETE_GROUPS_API,
  DELETE_RECORDS_API,
  DELETE_TOPICS_API,
  DESCRIBE_CLUSTER_API,
  DESCRIBE_CONFIGS_API,
  DESCRIBE_LOG_DIRS_API,
  DESCRIBE_PRODUCERS_API,
  ELECT_LEADERS_API,
  END_TXN_API,
  INCREMENTAL_ALTER_CONFIGS_API,
  INIT_PRODUCER_ID_API,
  LIST_PARTITION_REASSIGNMENTS_API,
  OFFSET_DELETE_API,
  OFFSET_FOR_LEADER_EPOCH_API,
  SASL_HANDSHAKE_API,
  TXN_OFFSET_COMMIT_API,
  WRITE_TXN_MARKERS_API,
];

/** Ferry's served ranges, as the assignment fixes them. */
const SERVED: Record<string, [number, number]> = {
  CreateTopics: [2, 7],
  DeleteTopics: [1, 6],
  CreatePartitions: [0, 3],
  DescribeConfigs: [0, 4],
  AlterConfigs: [0, 1],
  IncrementalAlterConfigs: [0, 1],
  DeleteRecords: [0, 2],
  InitProducerId: [0, 4],
  AddPartitionsToTxn: [0, 3],
  AddOffsetsToTxn: [0, 3],
  EndTxn: [0, 3],
  WriteTxnMarkers: [0, 1],
  TxnOffsetCommit: [0, 3],
  OffsetForLeaderEpoch: [0, 4],
  DescribeCluster: [0, 0],
  DeleteGroups: [0, 2],
  OffsetDelete: [0, 0],
  ElectLeaders: [0, 2],
  AlterPartitionReassignments: [0, 0],
  ListPartitionReassignments: [0, 0],
  DescribeProducers: [0, 0],
  SaslHandshake: [0, 1],
  DescribeLogDirs: [0, 2],
};

const text = fc.string({ maxLength: 6, unit: 'grapheme' });
const uuid = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex'));

function primitiveArb(type: PrimitiveType): fc.Arbitrary<unknown> {
  switch (type) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 });
    case 'int32':
      return fc.integer();
    case 'int64':
      return fc.maxSafeInteger();
    case 'float64':
      return fc.double({ noNaN: true });
    case 'uuid':
      return uuid;
    case 'string':
      return text;
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b));
  }
}

function structArb(fields: readonly FieldSpec[], version: number): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) if (inVersionRange(f.versions, version)) model[f.name] = fieldArb(f, version);
  return fc.record(model);
}

function fieldArb(field: FieldSpec, version: number): fc.Arbitrary<unknown> {
  let arb: fc.Arbitrary<unknown>;
  if (field.type === '[]') arb = fc.array(structArb(field.fields ?? [], version), { maxLength: 3 });
  else if (field.type === 'struct') arb = structArb(field.fields ?? [], version);
  else if (field.type.startsWith('[]'))
    arb = fc.array(primitiveArb(field.type.slice(2) as PrimitiveType), { maxLength: 3 });
  else arb = primitiveArb(field.type as PrimitiveType);
  return inVersionRange(field.nullableVersions, version) ? fc.option(arb, { nil: null }) : arb;
}

function versionsOf(spec: MessageSpec): number[] {
  const out: number[] = [];
  for (let v = lowestVersion(spec.validVersions); v <= highestVersion(spec.validVersions); v++) out.push(v);
  return out;
}

describe('admin, transaction and cluster API schemas', () => {
  for (const api of ADMIN_APIS) {
    describe(api.name, () => {
      it('is registered with the served range, inside the versions Kafka defines', () => {
        expect(apiSpec(api.apiKey)).toBe(api);
        expect([api.minVersion, api.maxVersion]).toEqual(SERVED[api.name]);
        for (const spec of [api.request, api.response]) {
          expect(spec.name).toBe(`${api.name}${spec.type === 'request' ? 'Request' : 'Response'}`);
          expect(inVersionRange(spec.validVersions, api.minVersion)).toBe(true);
          expect(inVersionRange(spec.validVersions, api.maxVersion)).toBe(true);
        }
        expect(api.request.flexibleVersions).toBe(api.response.flexibleVersions);
      });

      for (const spec of [api.request, api.response]) {
        for (const version of versionsOf(spec)) {
          it(`${spec.type} v${version} round-trips random values`, () => {
            fc.assert(
              fc.property(structArb(spec.fields, version), (value) => {
                const bytes = encodeMessageToBuffer(spec, version, value);
                const reader = new Reader(bytes);
                const decoded = decodeMessage<Record<string, unknown>>(spec, version, reader);
                expect(reader.remaining).toBe(0);
                expect(decoded).toMatchObject(value);
                expect(encodeMessageToBuffer(spec, version, decoded).equals(bytes)).toBe(true);
              }),
              { numRuns: 40 },
            );
          });
        }
      }
    });
  }
});

describe('fields outside their versions', () => {
  it('refuses to drop a non-ignorable value the version cannot carry', () => {
    const topic = { name: 'a', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] };
    expect(() =>
      encodeMessageToBuffer(CREATE_TOPICS_REQUEST, 0, { topics: [topic], timeoutMs: 1, validateOnly: true }),
    ).toThrow(/validateOnly/);
    expect(() =>
      encodeMessageToBuffer(DELETE_TOPICS_REQUEST, 5, {
        topics: [{ name: 'a', topicId: '0123456789abcdef0123456789abcdef' }],
        timeoutMs: 1,
      }),
    ).toThrow(/topics/);
    expect(() =>
      encodeMessageToBuffer(ADD_PARTITIONS_TO_TXN_REQUEST, 3, {
        transactions: [
          { transactionalId: 't', producerId: 1, producerEpoch: 0, verifyOnly: false, topics: [] },
        ],
      }),
    ).toThrow(/transactions/);
  });

  it('drops an ignorable one silently', () => {
    // DeleteTopics v6 has no topic_names: a caller filling both shapes still gets a valid v6 request.
    const bytes = encodeMessageToBuffer(DELETE_TOPICS_REQUEST, 6, {
      topics: [],
      topicNames: ['a'],
      timeoutMs: 1,
    });
    expect(bytes.toString('hex')).toBe('01' + '00000001' + '00');
  });
});
