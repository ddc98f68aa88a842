import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeRequest, encodeResponse } from '../../../src/protocol/frame.js';
import {
  API_VERSIONS_RESPONSE,
  type ApiVersionsResponse,
} from '../../../src/protocol/messages/api-versions.js';
import type { FetchRequest, FetchResponse } from '../../../src/protocol/messages/fetch.js';
import { FETCH_RESPONSE } from '../../../src/protocol/messages/fetch.js';
import type { JoinGroupRequest } from '../../../src/protocol/messages/join-group.js';
import type { ListOffsetsRequest } from '../../../src/protocol/messages/list-offsets.js';
import {
  METADATA_RESPONSE,
  type MetadataRequest,
  type MetadataResponse,
} from '../../../src/protocol/messages/metadata.js';
import type { OffsetCommitRequest } from '../../../src/protocol/messages/offset-commit.js';
import { PRODUCE_RESPONSE, type ProduceRequest } from '../../../src/protocol/messages/produce.js';
import type { SyncGroupRequest } from '../../../src/protocol/messages/sync-group.js';
import { MAGIC_OFFSET, RECORDS_COUNT_OFFSET } from '../../../src/protocol/records/batch-header.js';

/**
 * Capture-style interop: kafkajs's own request encoders (the bytes an unmodified kafkajs client sends)
 * decoded by our frame decoder, and our responses decoded by kafkajs's own response decoders.
 */
const require = createRequire(import.meta.url);

interface KafkajsEncoder {
  readonly buffer: Buffer;
}
interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<KafkajsEncoder>;
}
type RequestFactory = (args: Record<string, unknown>) => KafkajsRequest;
interface ResponseModule {
  decode(payload: Buffer): Promise<Record<string, unknown>>;
  parse(decoded: Record<string, unknown>): Promise<Record<string, unknown>>;
}
type Framer = (args: {
  correlationId: number;
  clientId: string;
  request: KafkajsRequest;
}) => Promise<KafkajsEncoder>;

const frameRequest = require('kafkajs/src/protocol/request.js') as Framer;
const kjsRequest = (path: string) =>
  require(`kafkajs/src/protocol/requests/${path}/request.js`) as RequestFactory;
const kjsResponse = (path: string) =>
  require(`kafkajs/src/protocol/requests/${path}/response.js`) as ResponseModule;

/** What kafkajs puts on the wire, minus the size prefix (which must match). */
async function captured(request: KafkajsRequest, correlationId = 7): Promise<Buffer> {
  const wire = (await frameRequest({ correlationId, clientId: 'kafkajs-test', request })).buffer;
  expect(wire.readInt32BE(0)).toBe(wire.length - 4);
  return wire.subarray(4);
}

/** What kafkajs's connection hands its response decoder: the frame after size and correlation id. */
function payloadOf(chunks: Buffer[]): Buffer {
  const frame = Buffer.concat(chunks);
  expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  return frame.subarray(8);
}

describe('kafkajs requests decode with our frame decoder', () => {
  it.each([0, 1, 2])('ApiVersions v%i', async (v) => {
    const frame = await captured(kjsRequest(`apiVersions/v${v}`)({}));
    const { header, body } = decodeRequest(frame);
    expect(header).toEqual({
      apiKey: 18,
      apiVersion: v,
      correlationId: 7,
      clientId: 'kafkajs-test',
      headerVersion: 1,
    });
    expect(body).toMatchObject({});
  });

  it.each([0, 1, 2, 3, 4, 5, 6])('Metadata v%i', async (v) => {
    const frame = await captured(
      kjsRequest(`metadata/v${v}`)({ topics: ['orders', 'b'], allowAutoTopicCreation: false }),
    );
    const { header, body } = decodeRequest<MetadataRequest>(frame);
    expect(header.apiVersion).toBe(v);
    expect(body.topics?.map((t) => t.name)).toEqual(['orders', 'b']);
    expect(body.allowAutoTopicCreation).toBe(v < 4);
  });

  it.each([3, 4, 5, 6, 7])(
    'Produce v%i: the record batch arrives as an untouched slice of the frame',
    async (v) => {
      const request = kjsRequest(`produce/v${v}`)({
        acks: -1,
        timeout: 30000,
        transactionalId: null,
        compression: 0,
        topicData: [
          {
            topic: 'orders',
            partitions: [{ partition: 2, messages: [{ key: 'k', value: 'v1' }, { value: 'v2' }] }],
          },
        ],
      });
      const frame = await captured(request);
      const { body } = decodeRequest<ProduceRequest>(frame);
      expect(body).toMatchObject({ transactionalId: null, acks: -1, timeoutMs: 30000 });
      const part = body.topicData[0]!.partitionData[0]!;
      expect(part.index).toBe(2);
      const batch = part.records!;
      expect(batch.buffer).toBe(frame.buffer);
      expect(batch[MAGIC_OFFSET]).toBe(2);
      expect(batch.readInt32BE(RECORDS_COUNT_OFFSET)).toBe(2);
    },
  );

  it.each([4, 5, 6, 7, 8, 9, 10, 11])('Fetch v%i', async (v) => {
    const request = kjsRequest(`fetch/v${v}`)({
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 1048576,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset: '12', maxBytes: 65536 }] }],
      rackId: 'r1',
    });
    const { body } = decodeRequest<FetchRequest>(await captured(request));
    expect(body).toMatchObject({
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1048576,
      isolationLevel: 1,
    });
    expect(body.topics[0]).toMatchObject({
      topic: 'orders',
      partitions: [{ partition: 0, fetchOffset: 12, partitionMaxBytes: 65536 }],
    });
    if (v >= 11) expect(body.rackId).toBe('r1');
  });

  it.each([1, 2, 3])('ListOffsets v%i', async (v) => {
    const request = kjsRequest(`listOffsets/v${v}`)({
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ topic: 'orders', partitions: [{ partition: 1, timestamp: -2 }] }],
    });
    const { body } = decodeRequest<ListOffsetsRequest>(await captured(request));
    expect(body.topics).toEqual([
      { name: 'orders', partitions: [expect.objectContaining({ partitionIndex: 1, timestamp: -2 })] },
    ]);
  });

  it.each([0, 1, 2, 3, 4, 5])('JoinGroup v%i', async (v) => {
    const request = kjsRequest(`joinGroup/v${v}`)({
      groupId: 'g1',
      sessionTimeout: 10000,
      rebalanceTimeout: 30000,
      memberId: '',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 2]) }],
    });
    const { body } = decodeRequest<JoinGroupRequest>(await captured(request));
    expect(body).toMatchObject({
      groupId: 'g1',
      sessionTimeoutMs: 10000,
      memberId: '',
      protocolType: 'consumer',
    });
    expect(body.rebalanceTimeoutMs).toBe(v >= 1 ? 30000 : -1);
    expect(body.protocols[0]!.metadata).toEqual(Buffer.from([0, 1, 2]));
  });

  it.each([0, 1, 2, 3])('SyncGroup v%i', async (v) => {
    const request = kjsRequest(`syncGroup/v${v}`)({
      groupId: 'g1',
      generationId: 3,
      memberId: 'm1',
      groupAssignment: [{ memberId: 'm1', memberAssignment: Buffer.from([9]) }],
    });
    const { body } = decodeRequest<SyncGroupRequest>(await captured(request));
    expect(body).toMatchObject({ groupId: 'g1', generationId: 3, memberId: 'm1' });
    expect(body.assignments).toEqual([{ memberId: 'm1', assignment: Buffer.from([9]) }]);
  });

  it.each([2, 3, 4, 5])('OffsetCommit v%i', async (v) => {
    const request = kjsRequest(`offsetCommit/v${v}`)({
      groupId: 'g1',
      groupGenerationId: 3,
      memberId: 'm1',
      retentionTime: -1,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '42' }] }],
    });
    const { body } = decodeRequest<OffsetCommitRequest>(await captured(request));
    expect(body).toMatchObject({ groupId: 'g1', generationIdOrMemberEpoch: 3, memberId: 'm1' });
    expect(body.topics[0]!.partitions[0]).toMatchObject({ partitionIndex: 0, committedOffset: 42 });
  });
});

describe('our responses decode with kafkajs', () => {
  it.each([0, 1, 2])('ApiVersions v%i', async (v) => {
    const body: ApiVersionsResponse = {
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 3, maxVersion: 9 },
        { apiKey: 18, minVersion: 0, maxVersion: 3 },
      ],
      throttleTimeMs: 0,
    };
    const kjs = kjsResponse(`apiVersions/v${v}`);
    const decoded = await kjs.parse(
      await kjs.decode(payloadOf(encodeResponse(7, API_VERSIONS_RESPONSE, v, body))),
    );
    expect(decoded.apiVersions).toEqual([
      { apiKey: 0, minVersion: 3, maxVersion: 9 },
      { apiKey: 18, minVersion: 0, maxVersion: 3 },
    ]);
  });

  it.each([1, 4, 6])('Metadata v%i', async (v) => {
    const body: MetadataResponse = {
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
              replicaNodes: [1],
              isrNodes: [1],
              offlineReplicas: [],
            },
          ],
        },
      ],
    };
    const kjs = kjsResponse(`metadata/v${v}`);
    const decoded = await kjs.parse(
      await kjs.decode(payloadOf(encodeResponse(7, METADATA_RESPONSE, v, body))),
    );
    expect(decoded.brokers).toEqual([expect.objectContaining({ nodeId: 1, host: 'localhost', port: 9092 })]);
    expect(decoded.topicMetadata).toEqual([
      expect.objectContaining({
        topic: 'orders',
        partitionMetadata: [expect.objectContaining({ partitionId: 0, leader: 1, replicas: [1], isr: [1] })],
      }),
    ]);
  });

  it('Produce v3', async () => {
    const kjs = kjsResponse('produce/v3');
    const payload = payloadOf(
      encodeResponse(7, PRODUCE_RESPONSE, 3, {
        responses: [
          {
            name: 'orders',
            partitionResponses: [{ index: 2, errorCode: 0, baseOffset: 42, logAppendTimeMs: -1 }],
          },
        ],
        throttleTimeMs: 0,
      }),
    );
    const decoded = await kjs.parse(await kjs.decode(payload));
    expect(decoded.topics).toEqual([
      {
        topicName: 'orders',
        partitions: [expect.objectContaining({ partition: 2, errorCode: 0, baseOffset: '42' })],
      },
    ]);
  });

  it('Fetch v4: a batch kafkajs produced comes back through our response, records intact', async () => {
    const produce = kjsRequest('produce/v3')({
      acks: 1,
      timeout: 1000,
      compression: 0,
      topicData: [
        { topic: 'orders', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'hello' }] }] },
      ],
    });
    const batch = decodeRequest<ProduceRequest>(await captured(produce)).body.topicData[0]!.partitionData[0]!
      .records!;
    const response: FetchResponse = {
      throttleTimeMs: 0,
      responses: [
        {
          topic: 'orders',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 1,
              lastStableOffset: 1,
              abortedTransactions: [],
              records: batch,
            },
          ],
        },
      ],
    };
    const chunks = encodeResponse(7, FETCH_RESPONSE, 4, response);
    expect(chunks).toContain(batch);
    const kjs = kjsResponse('fetch/v4');
    const decoded = (await kjs.parse(await kjs.decode(payloadOf(chunks)))) as {
      responses: Array<{ partitions: Array<{ messages: Array<{ key: Buffer; value: Buffer }> }> }>;
    };
    const messages = decoded.responses[0]!.partitions[0]!.messages;
    expect(messages.map((m) => [m.key.toString(), m.value.toString()])).toEqual([['k', 'hello']]);
  });
});
