import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/common/config/index.js';
import {
  simpleCycles,
  type TopologyFlow,
  topologyProblems,
  validateTopology,
} from '../../../src/mirror/topology.js';

function flow(
  source: string,
  target: string,
  options: Partial<Omit<TopologyFlow, 'name' | 'source' | 'target'>> = {},
): TopologyFlow {
  return {
    name: `${source}->${target}`,
    source,
    target,
    enabled: true,
    topics: ['.*'],
    topicsExclude: ['.*[\\-\\.]internal', '.*\\.replica', '__.*'],
    replicationPolicy: 'default',
    replicationPolicySeparator: '.',
    ...options,
  };
}

const identity = { replicationPolicy: 'identity' } as const;

describe('simpleCycles', () => {
  it('finds each cycle once, starting at its least alias', () => {
    const flows = [flow('a', 'b'), flow('b', 'a'), flow('b', 'c'), flow('c', 'a'), flow('c', 'd')];
    const cycles = simpleCycles(flows).map((c) => c.map((f) => f.name).join(' '));
    expect(cycles.sort()).toEqual(['a->b b->a', 'a->b b->c c->a']);
  });

  it('finds none in a chain or a fan-in', () => {
    expect(simpleCycles([flow('a', 'b'), flow('b', 'c'), flow('d', 'c')])).toEqual([]);
  });
});

describe('validateTopology', () => {
  it('accepts active-active pairs and longer cycles under the default policy', () => {
    expect(topologyProblems([flow('east', 'west'), flow('west', 'east')])).toEqual([]);
    expect(topologyProblems([flow('a', 'b'), flow('b', 'c'), flow('c', 'a')])).toEqual([]);
  });

  it('accepts an identity pair (loop prevention by producer id covers it) and identity chains', () => {
    expect(topologyProblems([flow('east', 'west', identity), flow('west', 'east', identity)])).toEqual([]);
    expect(topologyProblems([flow('a', 'b', identity), flow('b', 'c', identity)])).toEqual([]);
  });

  it('accepts hub-and-spoke fan-in under the default policy', () => {
    const spokes = ['eu', 'us', 'ap'].map((s) => flow(s, 'hub'));
    expect(topologyProblems(spokes)).toEqual([]);
  });

  it('rejects an identity cycle of three clusters, naming it', () => {
    const flows = [flow('a', 'b', identity), flow('b', 'c', identity), flow('c', 'a', identity)];
    const problems = topologyProblems(flows);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('identity cycle a->b->c->a would loop');
    expect(() => validateTopology(flows)).toThrow(ConfigError);
    expect(() => validateTopology(flows)).toThrow(/invalid mirror topology: identity cycle a->b->c->a/);
  });

  it('rejects identity fan-in into one cluster, naming both flows', () => {
    const flows = [flow('eu', 'hub', identity), flow('us', 'hub', identity)];
    const problems = topologyProblems(flows);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^fan-in conflict: flows eu->hub and us->hub both write into hub/);
    expect(problems[0]).toContain('eu.<topic>, us.<topic>');
  });

  it('rejects a cycle mixing policies', () => {
    const problems = topologyProblems([flow('east', 'west', identity), flow('west', 'east')]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^cycle east->west->east mixes replication policies/);
  });

  it('rejects a default cycle whose flows use different separators', () => {
    const problems = topologyProblems([
      flow('east', 'west'),
      flow('west', 'east', { replicationPolicySeparator: '_' }),
    ]);
    expect(problems[0]).toMatch(/^cycle east->west->east mixes/);
  });

  it('lets disjoint plain topic lists through, and names a shared one', () => {
    const disjoint = [
      flow('eu', 'hub', { ...identity, topics: ['eu-orders'] }),
      flow('us', 'hub', { ...identity, topics: ['us-orders', 'us\\.payments'] }),
    ];
    expect(topologyProblems(disjoint)).toEqual([]);
    const shared = [
      flow('eu', 'hub', { ...identity, topics: ['orders'] }),
      flow('us', 'hub', { ...identity, topics: ['us-.*'] }),
      flow('ap', 'hub', { ...identity, topics: ['payments', 'orders'] }),
    ];
    const problems = topologyProblems(shared);
    // eu and ap share 'orders'; us's regex cannot select it, but whether it overlaps ap's 'payments' is
    // decided by matching: it does not, so only one conflict.
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('flows eu->hub and ap->hub');
    expect(problems[0]).toContain("e.g. 'orders'");
  });

  it('lets an identity cycle of three through when its flows share no topic', () => {
    const flows = [
      flow('a', 'b', { ...identity, topics: ['x'] }),
      flow('b', 'c', { ...identity, topics: ['x'] }),
      flow('c', 'a', { ...identity, topics: ['y'] }),
    ];
    expect(topologyProblems(flows)).toEqual([]);
  });

  it('ignores disabled flows', () => {
    const flows = [
      flow('a', 'b', identity),
      flow('b', 'c', identity),
      flow('c', 'a', { ...identity, enabled: false }),
    ];
    expect(topologyProblems(flows)).toEqual([]);
  });
});
