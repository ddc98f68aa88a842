import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/common/logger.js';
import { createReplicationPolicy } from '../../../src/mirror/replication-policy.js';
import { TopicFilter } from '../../../src/mirror/topic-filter.js';
import { TopicSync } from '../../../src/mirror/topic-sync.js';

interface FakeTopic {
  partitions: number;
  replicationFactor?: number;
  /** Topic-level overrides (DescribeConfigs source TOPIC_CONFIG). */
  configs: Map<string, string>;
}

/** The slice of a kafkajs Admin that TopicSync uses, over an in-memory cluster. */
class FakeCluster {
  readonly topics = new Map<string, FakeTopic>();
  readonly calls: string[] = [];

  constructor(readonly brokers = 1) {}

  add(name: string, partitions: number, configs: Record<string, string> = {}): void {
    this.topics.set(name, { partitions, configs: new Map(Object.entries(configs)) });
  }

  admin(): Admin {
    const fake = {
      listTopics: async () => [...this.topics.keys()],
      describeCluster: async () => ({
        brokers: Array.from({ length: this.brokers }, (_, i) => ({ nodeId: i + 1, host: 'h', port: 1 })),
        controller: 1,
        clusterId: 'c',
      }),
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
        topics: topics.map((name) => ({
          name,
          partitions: Array.from({ length: this.topics.get(name)?.partitions ?? 0 }, (_, i) => ({
            partitionId: i,
          })),
        })),
      }),
      describeConfigs: async ({ resources }: { resources: Array<{ name: string }> }) => ({
        resources: resources.map(({ name }) => {
          const t = this.topics.get(name);
          const entries = [...(t?.configs ?? [])].map(([configName, configValue]) => ({
            configName,
            configValue,
            isDefault: false,
            configSource: 1,
            readOnly: false,
            isSensitive: false,
          }));
          // A broker default the source did not override: never synced as an override.
          entries.push({
            configName: 'segment.bytes',
            configValue: '1073741824',
            isDefault: true,
            configSource: 5,
            readOnly: false,
            isSensitive: false,
          });
          return { resourceName: name, errorCode: t ? 0 : 3, configEntries: entries };
        }),
      }),
      createTopics: async ({
        topics,
      }: {
        topics: Array<{
          topic: string;
          numPartitions: number;
          replicationFactor: number;
          configEntries: Array<{ name: string; value: string }>;
        }>;
      }) => {
        for (const t of topics) {
          if (this.topics.has(t.topic)) return false;
          this.calls.push(`create ${t.topic} ${t.numPartitions} rf=${t.replicationFactor}`);
          this.topics.set(t.topic, {
            partitions: t.numPartitions,
            replicationFactor: t.replicationFactor,
            configs: new Map(t.configEntries.map((e) => [e.name, e.value])),
          });
        }
        return true;
      },
      createPartitions: async ({
        topicPartitions,
      }: {
        topicPartitions: Array<{ topic: string; count: number }>;
      }) => {
        for (const { topic, count } of topicPartitions) {
          this.calls.push(`grow ${topic} ${count}`);
          this.topics.get(topic)!.partitions = count;
        }
        return true;
      },
      alterConfigs: async ({
        resources,
      }: {
        resources: Array<{ name: string; configEntries: Array<{ name: string; value: string }> }>;
      }) => {
        for (const r of resources) {
          this.calls.push(
            `alter ${r.name} ${r.configEntries
              .map((e) => `${e.name}=${e.value}`)
              .sort()
              .join(',')}`,
          );
          this.topics.get(r.name)!.configs = new Map(r.configEntries.map((e) => [e.name, e.value]));
        }
      },
    };
    return fake as unknown as Admin;
  }
}

function topicSync(
  source: FakeCluster,
  target: FakeCluster,
  options: { rf?: number; now?: () => number; interval?: number } = {},
) {
  const policy = createReplicationPolicy('default');
  return new TopicSync({
    sourceAlias: 'east',
    source: source.admin(),
    target: target.admin(),
    policy,
    filter: new TopicFilter({
      source: 'east',
      target: 'west',
      policy,
      topicsExclude: ['.*[\\-\\.]internal', 'secret-.*', '__.*'],
    }),
    replicationFactor: options.rf ?? 3,
    syncConfigs: true,
    configSyncIntervalMs: options.interval ?? 0,
    nowMs: options.now,
    logger: silentLogger,
  });
}

describe('TopicSync', () => {
  it('selects topics: not internal, not excluded, not from the target (loop), heartbeats included', () => {
    const sync = topicSync(new FakeCluster(), new FakeCluster());
    expect(
      sync.selectTopics([
        'orders',
        '__consumer_offsets',
        'mm2-offset-syncs.west.internal',
        'east.checkpoints.internal',
        'secret-keys',
        'west.orders',
        'other.west.orders',
        'central.orders',
        'heartbeats',
        'west.heartbeats',
      ]),
    ).toEqual(['central.orders', 'heartbeats', 'orders']);
  });

  it('creates remote topics with the source partition count, synced configs and a capped replication factor', async () => {
    const source = new FakeCluster();
    source.add('orders', 3, {
      'retention.ms': '3600000',
      'min.insync.replicas': '2',
      'cleanup.policy': 'compact',
    });
    source.add('west.orders', 2);
    const target = new FakeCluster(2);
    const result = await topicSync(source, target).sync();
    expect(result.created).toEqual(['east.orders']);
    expect(target.calls).toEqual(['create east.orders 3 rf=2']);
    expect(Object.fromEntries(target.topics.get('east.orders')!.configs)).toEqual({
      'retention.ms': '3600000',
      'cleanup.policy': 'compact',
    });
    expect(result.partitions).toEqual([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
      { topic: 'orders', partition: 2 },
    ]);
  });

  it('grows remote topics and reconfigures them, keeping the target operator’s own excluded overrides', async () => {
    const source = new FakeCluster();
    source.add('orders', 2, { 'retention.ms': '1000' });
    const target = new FakeCluster();
    const sync = topicSync(source, target);
    await sync.sync();
    target.topics.get('east.orders')!.configs.set('min.insync.replicas', '1');
    target.topics.get('east.orders')!.configs.set('ferry.write.freeze', 'true');
    source.topics.get('orders')!.partitions = 4;
    source.topics.get('orders')!.configs = new Map([['max.message.bytes', '2048']]);
    target.calls.length = 0;
    const result = await sync.sync();
    expect(result.grown).toEqual([{ topic: 'east.orders', count: 4 }]);
    expect(target.calls).toEqual([
      'grow east.orders 4',
      // retention.ms is no longer overridden on the source, so it goes; min.insync.replicas and Ferry's write
      // freeze are the target's.
      'alter east.orders ferry.write.freeze=true,max.message.bytes=2048,min.insync.replicas=1',
    ]);
    expect(result.partitions).toHaveLength(4);
    target.calls.length = 0;
    await sync.sync();
    expect(target.calls).toEqual([]);
  });

  it('reconfigures existing remote topics at most every sync.topic.configs.interval', async () => {
    let now = 0;
    const source = new FakeCluster();
    source.add('orders', 1, { 'retention.ms': '1000' });
    const target = new FakeCluster();
    const sync = topicSync(source, target, { now: () => now, interval: 10_000 });
    await sync.sync();
    source.topics.get('orders')!.configs.set('retention.ms', '2000');
    target.calls.length = 0;
    now = 9_999;
    await sync.sync();
    expect(target.calls).toEqual([]);
    now = 10_000;
    await sync.sync();
    expect(target.calls).toEqual(['alter east.orders retention.ms=2000']);
    source.topics.get('orders')!.configs.set('retention.ms', '3000');
    target.calls.length = 0;
    now = 15_000;
    await sync.sync();
    expect(target.calls).toEqual([]);
    now = 20_000;
    await sync.sync();
    expect(target.calls).toEqual(['alter east.orders retention.ms=3000']);
  });

  it('mirrors only partitions the remote topic has, and adopts a remote topic someone else created', async () => {
    const source = new FakeCluster();
    source.add('orders', 3);
    const target = new FakeCluster();
    target.add('east.orders', 3);
    const result = await topicSync(source, target).sync();
    expect(result.created).toEqual([]);
    expect(target.calls).toEqual([]);
    expect(result.partitions).toHaveLength(3);
  });
});
