import { describe, expect, it } from 'vitest';
import { ClusterClient } from '../../../src/client/cluster-client.js';
import { ApiKey } from '../../../src/protocol/api-keys.js';
import { KafkaError } from '../../../src/protocol/errors/index.js';
import type { FetchRequest, FetchResponse } from '../../../src/protocol/messages/fetch.js';
import type { ListOffsetsRequest } from '../../../src/protocol/messages/list-offsets.js';
import type { ProduceRequest, ProduceResponse } from '../../../src/protocol/messages/produce.js';
import { FakeCluster } from './fake-cluster.js';

const noDelay = async () => {};

async function clientOn(cluster: FakeCluster, retries = 3): Promise<ClusterClient> {
  return ClusterClient.connect({
    bootstrapServers: `127.0.0.1:${cluster.portOf(1)}`,
    connector: cluster.connector,
    delay: noDelay,
    retries,
  });
}

/** A Produce handler that appends on the leader and answers NOT_LEADER_OR_FOLLOWER elsewhere. */
function produceOn(cluster: FakeCluster, logEnd = new Map<string, number>()) {
  cluster.handlers.set(ApiKey.Produce, (brokerId, body): ProduceResponse => {
    const request = body as ProduceRequest;
    return {
      responses: request.topicData.map((t) => ({
        name: t.name,
        partitionResponses: t.partitionData.map((p) => {
          if (cluster.leaders.get(t.name)?.[p.index] !== brokerId) {
            return { index: p.index, errorCode: 6, baseOffset: -1 };
          }
          const key = `${t.name}-${p.index}`;
          const base = logEnd.get(key) ?? 0;
          logEnd.set(key, base + 1);
          return { index: p.index, errorCode: 0, baseOffset: base, logAppendTimeMs: -1, logStartOffset: 0 };
        }),
      })),
    };
  });
  return logEnd;
}

const records = Buffer.from('not decoded by the client');

describe('ClusterClient routing', () => {
  it('sends each partition to its leader, one Produce per broker, results in request order', async () => {
    const cluster = new FakeCluster([1, 2]);
    cluster.leaders.set('t', [1, 2, 1]);
    produceOn(cluster);
    const client = await clientOn(cluster);
    const results = await client.produceMany(
      [0, 1, 2].map((partition) => ({ topic: 't', partition, records })),
      { acks: -1, timeoutMs: 1000 },
    );
    expect(results.map((r) => [r.partition, r.error, r.baseOffset])).toEqual([
      [0, null, 0],
      [1, null, 0],
      [2, null, 0],
    ]);
    const toBroker1 = cluster.sentTo(1, ApiKey.Produce) as ProduceRequest[];
    const toBroker2 = cluster.sentTo(2, ApiKey.Produce) as ProduceRequest[];
    expect(toBroker1.map((r) => r.topicData[0]?.partitionData.map((p) => p.index))).toEqual([[0, 2]]);
    expect(toBroker2.map((r) => r.topicData[0]?.partitionData.map((p) => p.index))).toEqual([[1]]);
    // The record set travels as the very Buffer the caller passed.
    expect(toBroker2[0]?.topicData[0]?.partitionData[0]?.records).toBe(records);
    client.close();
  });

  it('refreshes metadata and retries a produce the old leader refused', async () => {
    const cluster = new FakeCluster([1, 2]);
    cluster.leaders.set('t', [1]);
    produceOn(cluster);
    const client = await clientOn(cluster);
    expect((await client.leaderFor('t', 0)).brokerId).toBe(1);
    cluster.leaders.set('t', [2]);
    const result = await client.produce('t', 0, records, { acks: 1, timeoutMs: 1000 });
    expect(result.baseOffset).toBe(0);
    expect(cluster.sentTo(1, ApiKey.Produce)).toHaveLength(1);
    expect(cluster.sentTo(2, ApiKey.Produce)).toHaveLength(1);
    expect((await client.leaderFor('t', 0)).brokerId).toBe(2);
    client.close();
  });

  it('gives up after `retries` with the broker error', async () => {
    const cluster = new FakeCluster([1]);
    cluster.leaders.set('t', [1]);
    cluster.handlers.set(ApiKey.Produce, () => ({
      responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 6, baseOffset: -1 }] }],
    }));
    const client = await clientOn(cluster, 2);
    const err = await client.produce('t', 0, records, { acks: 1, timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaError);
    expect((err as KafkaError).errorName).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(cluster.sentTo(1, ApiKey.Produce)).toHaveLength(3);
    client.close();
  });

  it('does not resend a produce whose connection dropped in flight', async () => {
    const cluster = new FakeCluster([1]);
    cluster.leaders.set('t', [1]);
    produceOn(cluster);
    const client = await clientOn(cluster);
    cluster.dropNext.set(ApiKey.Produce, true);
    const err = await client.produce('t', 0, records, { acks: 1, timeoutMs: 1000 }).catch((e: unknown) => e);
    expect((err as KafkaError).errorName).toBe('NETWORK_EXCEPTION');
    expect(cluster.sentTo(1, ApiKey.Produce)).toHaveLength(1);
    // The next produce reconnects.
    expect((await client.produce('t', 0, records, { acks: 1, timeoutMs: 1000 })).baseOffset).toBe(0);
    client.close();
  });

  it('names a missing topic and a missing partition', async () => {
    const cluster = new FakeCluster([1]);
    cluster.leaders.set('t', [1]);
    const client = await clientOn(cluster, 0);
    await expect(client.produce('nope', 0, records, { acks: 1, timeoutMs: 1 })).rejects.toThrow(
      /UNKNOWN_TOPIC_OR_PARTITION: topic "nope" does not exist/,
    );
    await expect(client.leaderFor('t', 4)).rejects.toThrow(/has 1 partitions; there is no partition 4/);
    client.close();
  });

  it('reports LEADER_NOT_AVAILABLE for a leaderless partition', async () => {
    const cluster = new FakeCluster([1]);
    cluster.leaders.set('t', [-1]);
    const client = await clientOn(cluster, 0);
    await expect(client.leaderFor('t', 0)).rejects.toThrow(/LEADER_NOT_AVAILABLE/);
    client.close();
  });

  it('writes the request before the first await when the route is known (pipelining)', async () => {
    const cluster = new FakeCluster([1]);
    cluster.leaders.set('t', [1]);
    produceOn(cluster);
    const client = await clientOn(cluster);
    await client.produce('t', 0, records, { acks: 1, timeoutMs: 1000 });
    const pending = Array.from({ length: 10 }, () =>
      client.produce('t', 0, records, { acks: 1, timeoutMs: 1000 }),
    );
    expect(cluster.sentTo(1, ApiKey.Produce)).toHaveLength(11);
    expect((await Promise.all(pending)).map((r) => r.baseOffset)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    client.close();
  });

  it('shares one metadata refresh between concurrent lookups', async () => {
    const cluster = new FakeCluster([1]);
    cluster.leaders.set('t', [1, 1, 1]);
    const client = await clientOn(cluster);
    const before = cluster.metadataRequests;
    await Promise.all([client.leaderFor('t', 0), client.leaderFor('t', 1), client.leaderFor('t', 2)]);
    expect(cluster.metadataRequests - before).toBe(1);
    client.close();
  });
});

describe('ClusterClient fetch', () => {
  function fetchOn(cluster: FakeCluster, errorFor: (topic: string, partition: number) => number = () => 0) {
    cluster.handlers.set(ApiKey.Fetch, (_brokerId, body): FetchResponse => {
      const request = body as FetchRequest;
      return {
        responses: request.topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partition,
            errorCode: errorFor(t.topic ?? '', p.partition),
            highWatermark: 100 + p.partition,
            lastStableOffset: 90,
            logStartOffset: 0,
            abortedTransactions: null,
            records: Buffer.from(`records of ${p.partition} from ${p.fetchOffset}`),
          })),
        })),
      };
    });
  }

  it('groups partitions by leader and answers in request order', async () => {
    const cluster = new FakeCluster([1, 2]);
    cluster.leaders.set('a', [1, 2]);
    cluster.leaders.set('b', [2]);
    fetchOn(cluster);
    const client = await clientOn(cluster);
    const results = await client.fetch(
      [
        { topic: 'b', partition: 0, fetchOffset: 7, maxBytes: 100 },
        { topic: 'a', partition: 1, fetchOffset: 8, maxBytes: 100, currentLeaderEpoch: 3 },
        { topic: 'a', partition: 0, fetchOffset: 9, maxBytes: 100 },
        { topic: 'missing', partition: 0, fetchOffset: 0, maxBytes: 100 },
      ],
      { maxWaitMs: 10, minBytes: 1 },
    );
    expect(results.map((r) => [r.topic, r.partition, r.records.toString(), r.highWatermark])).toEqual([
      ['b', 0, 'records of 0 from 7', 100],
      ['a', 1, 'records of 1 from 8', 101],
      ['a', 0, 'records of 0 from 9', 100],
      ['missing', 0, '', -1],
    ]);
    expect(results[3]?.error?.errorName).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    const toBroker2 = cluster.sentTo(2, ApiKey.Fetch) as FetchRequest[];
    expect(toBroker2).toHaveLength(1);
    expect(
      toBroker2[0]?.topics.map((t) => [
        t.topic,
        t.partitions.map((p) => [p.partition, p.currentLeaderEpoch]),
      ]),
    ).toEqual([
      ['b', [[0, -1]]],
      ['a', [[1, 3]]],
    ]);
    // Fetches ride their own connection, so a long poll never holds up a produce.
    const toBroker1 = cluster.connections.filter((c) => c.brokerId === 1);
    // Two Metadata on broker 1: the bootstrap one, then one refresh shared by all three unknown topics.
    expect(toBroker1.map((c) => c.sent.map((s) => s.apiKey))).toEqual([
      [ApiKey.Metadata, ApiKey.Metadata],
      [ApiKey.Fetch],
    ]);
    client.close();
  });

  it('forgets a topic after NOT_LEADER_OR_FOLLOWER so the next fetch is routed afresh', async () => {
    const cluster = new FakeCluster([1, 2]);
    cluster.leaders.set('a', [1]);
    fetchOn(cluster, (_t, _p) => (cluster.leaders.get('a')?.[0] === 1 ? 0 : 6));
    const client = await clientOn(cluster);
    await client.fetch([{ topic: 'a', partition: 0, fetchOffset: 0, maxBytes: 10 }], {
      maxWaitMs: 0,
      minBytes: 0,
    });
    cluster.leaders.set('a', [2]);
    fetchOn(cluster, (_t, _p) => 6);
    const [stale] = await client.fetch([{ topic: 'a', partition: 0, fetchOffset: 0, maxBytes: 10 }], {
      maxWaitMs: 0,
      minBytes: 0,
    });
    expect(stale?.error?.errorName).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(client.metadata.topic('a')).toBeUndefined();
    fetchOn(cluster);
    const [fresh] = await client.fetch([{ topic: 'a', partition: 0, fetchOffset: 0, maxBytes: 10 }], {
      maxWaitMs: 0,
      minBytes: 0,
    });
    expect(fresh?.error).toBeNull();
    expect(cluster.sentTo(2, ApiKey.Fetch)).toHaveLength(1);
    client.close();
  });
});

describe('ClusterClient listOffsets', () => {
  it('maps earliest and latest to -2 and -1 and sends the cached leader epoch', async () => {
    const cluster = new FakeCluster([1]);
    cluster.leaders.set('t', [1]);
    cluster.epochs.set('t', [4]);
    cluster.handlers.set(ApiKey.ListOffsets, (_b, body) => {
      const p = (body as ListOffsetsRequest).topics[0]?.partitions[0];
      return {
        topics: [
          {
            name: 't',
            partitions: [
              {
                partitionIndex: 0,
                errorCode: 0,
                offset: -(p?.timestamp ?? 0),
                timestamp: -1,
                leaderEpoch: 4,
              },
            ],
          },
        ],
      };
    });
    const client = await clientOn(cluster);
    expect((await client.listOffsets('t', 0, 'earliest')).offset).toBe(2);
    expect((await client.listOffsets('t', 0, 'latest')).offset).toBe(1);
    expect((await client.listOffsets('t', 0, 1234)).offset).toBe(-1234);
    const sent = cluster.sentTo(1, ApiKey.ListOffsets) as ListOffsetsRequest[];
    expect(sent.map((r) => r.topics[0]?.partitions[0]?.currentLeaderEpoch)).toEqual([4, 4, 4]);
    client.close();
  });
});
