import { describe, expect, it } from 'vitest';
import {
  DefaultReplicationPolicy,
  IdentityReplicationPolicy,
} from '../../../src/mirror/replication-policy.js';
import { TopicFilter } from '../../../src/mirror/topic-filter.js';

describe('TopicFilter', () => {
  const policy = new DefaultReplicationPolicy();
  const flow = { source: 'east', target: 'west', policy };

  it("applies MM2's defaults", () => {
    const f = new TopicFilter(flow);
    expect(f.shouldReplicateTopic('orders')).toBe(true);
    for (const t of ['__consumer_offsets', 'x-internal', 'x.internal', 'orders.replica', '.hidden']) {
      expect(f.shouldReplicateTopic(t), t).toBe(false);
    }
  });
  it('applies topics and topics.exclude as full matches', () => {
    const f = new TopicFilter({ ...flow, topics: 'orders.*, pay', topicsExclude: ['orders-test'] });
    expect(f.shouldReplicateTopic('orders-eu')).toBe(true);
    expect(f.shouldReplicateTopic('orders-test')).toBe(false);
    expect(f.shouldReplicateTopic('payments')).toBe(false);
    // The defaults of topics.exclude no longer apply once it is set; internal topics stay out anyway.
    expect(new TopicFilter({ ...flow, topicsExclude: '' }).shouldReplicateTopic('x.replica')).toBe(true);
    expect(new TopicFilter({ ...flow, topicsExclude: '' }).shouldReplicateTopic('__x')).toBe(false);
  });
  it('never mirrors back what came from the target, however many hops ago', () => {
    const f = new TopicFilter(flow);
    expect(f.shouldReplicateTopic('west.orders')).toBe(false);
    expect(f.shouldReplicateTopic('north.west.orders')).toBe(false);
    expect(f.shouldReplicateTopic('north.orders')).toBe(true);
    expect(f.isCycle('west.heartbeats')).toBe(true);
    expect(f.shouldReplicateTopic('west.heartbeats')).toBe(false);
  });
  it('mirrors heartbeats even when topics does not select them, unless disabled', () => {
    const f = new TopicFilter({ ...flow, topics: 'orders' });
    expect(f.shouldReplicateTopic('heartbeats')).toBe(true);
    expect(f.shouldReplicateTopic('north.heartbeats')).toBe(true);
    expect(
      new TopicFilter({
        ...flow,
        topics: 'orders',
        heartbeatsReplicationEnabled: false,
      }).shouldReplicateTopic('heartbeats'),
    ).toBe(false);
  });
  it('sees no cycle with the identity policy (its topology must be acyclic)', () => {
    const f = new TopicFilter({ ...flow, policy: new IdentityReplicationPolicy() });
    expect(f.shouldReplicateTopic('west.orders')).toBe(true);
    expect(f.shouldReplicateTopic('west.heartbeats')).toBe(false);
  });
});
