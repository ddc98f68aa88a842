import { describe, expect, it } from 'vitest';
import { reverseFlowPlan } from '../../../../src/mirror/cutover/reverse-flow.js';
import { parseMirrorConfig } from '../../../../src/mirror/mirror-config.js';
import { createReplicationPolicy } from '../../../../src/mirror/replication-policy.js';
import { TopicFilter } from '../../../../src/mirror/topic-filter.js';

function forward(policy: 'default' | 'identity') {
  return parseMirrorConfig({
    clusters: {
      east: { 'bootstrap.servers': 'east:9092' },
      west: { 'bootstrap.servers': ['west1:9092', 'west2:9092'], 'client.id': 'mm-west' },
    },
    flows: [
      {
        source: 'east',
        target: 'west',
        topics: 'orders.*',
        'topics.exclude': 'orders\\.tmp',
        'replication.policy': policy,
        'refresh.topics.interval.seconds': 5,
        'replication.factor': 1,
      },
    ],
  });
}

/** Whether the reverse flow of `config` would mirror `topic` from west. */
function reverseMirrors(raw: unknown, topic: string): boolean {
  const flow = parseMirrorConfig(raw).flows[0]!;
  return new TopicFilter({
    source: flow.source,
    target: flow.target,
    policy: createReplicationPolicy(flow.replicationPolicy, {
      separator: flow.replicationPolicySeparator,
      internalTopicSeparatorEnabled: flow.replicationPolicyInternalTopicSeparatorEnabled,
    }),
    topics: flow.topics,
    topicsExclude: flow.topicsExclude,
    heartbeatsReplicationEnabled: false,
  }).shouldReplicateTopic(topic);
}

describe('reverseFlowPlan', () => {
  it('default policy: west->east over west’s own topics, never the remote east.* ones', () => {
    const plan = reverseFlowPlan(
      forward('default'),
      'east->west',
      ['east.orders'],
      ['g1'],
      '/s/reverse-flow.json',
    );
    expect(plan.flow).toBe('west->east');
    expect(plan.command).toBe('ferry mirror --config /s/reverse-flow.json');
    const parsed = parseMirrorConfig(plan.config);
    expect(parsed.clusters.get('west')?.bootstrapServers).toEqual(['west1:9092', 'west2:9092']);
    expect(parsed.flows[0]?.name).toBe('west->east');
    expect(reverseMirrors(plan.config, 'east.orders')).toBe(false);
    expect(reverseMirrors(plan.config, 'payments')).toBe(true);
    // The forward flow's own exclusions and internal topics stay out in this direction too.
    expect(reverseMirrors(plan.config, 'orders.tmp')).toBe(false);
    expect(reverseMirrors(plan.config, '__consumer_offsets')).toBe(false);
    expect(plan.notes.join('\n')).toContain('ferry failback --config <mirror config> --flow east->west');
    // It writes west.* topics on east, which the cutover never froze.
    expect(plan.freezeExemptOnStart).toEqual([]);
  });

  it('identity policy: exactly the migrated topics and groups go back under their own names', () => {
    const plan = reverseFlowPlan(
      forward('identity'),
      'east->west',
      ['orders', 'orders.v2'],
      ['g.1'],
      'f.json',
    );
    const flow = parseMirrorConfig(plan.config).flows[0]!;
    expect(flow.replicationPolicy).toBe('identity');
    expect(flow.groups).toEqual(['^(?:g\\.1)$']);
    expect(reverseMirrors(plan.config, 'orders')).toBe(true);
    expect(reverseMirrors(plan.config, 'orders.v2')).toBe(true);
    expect(reverseMirrors(plan.config, 'ordersXv2')).toBe(false);
    expect(reverseMirrors(plan.config, 'payments')).toBe(false);
    // It writes into east's frozen originals: starting it exempts its own client id there, and only that.
    expect(plan.freezeExemptOnStart).toEqual(['orders', 'orders.v2']);
    expect(plan.clientId).toBe('ferry-reverse-flow-west->east');
    expect(plan.notes.join('\n')).toContain('keeps the write freeze');
    expect(plan.notes.join('\n')).not.toContain('lifts');
  });

  it("gives the reverse flow's connections to east a client id of their own, and nothing else of east's", () => {
    for (const policy of ['identity', 'default'] as const) {
      const plan = reverseFlowPlan(forward(policy), 'east->west', ['orders'], [], 'f.json');
      const parsed = parseMirrorConfig(plan.config);
      expect(parsed.clusters.get('east')).toEqual({
        ...forward(policy).clusters.get('east'),
        clientId: 'ferry-reverse-flow-west->east',
      });
      expect(plan.clientId).toBe(parsed.clusters.get('east')?.clientId);
      // west keeps its own client id: the reverse flow only reads there.
      expect(parsed.clusters.get('west')?.clientId).toBe('mm-west');
    }
  });

  it('keeps the forward flow’s settings for the pair and every cluster setting', () => {
    const parsed = parseMirrorConfig(
      reverseFlowPlan(forward('identity'), 'east->west', ['orders'], [], 'f.json').config,
    );
    const [flow] = parsed.flows;
    expect([flow?.source, flow?.target, flow?.refreshTopicsIntervalSeconds, flow?.replicationFactor]).toEqual(
      ['west', 'east', 5, 1],
    );
    expect(parsed.clusters.get('west')).toEqual(forward('identity').clusters.get('west'));
  });

  it('names an unknown flow', () => {
    expect(() => reverseFlowPlan(forward('default'), 'west->east', [], [], 'f.json')).toThrow(
      'no flow west->east',
    );
  });
});
