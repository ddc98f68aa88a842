import { describe, expect, it } from 'vitest';
import {
  createReplicationPolicy,
  DefaultReplicationPolicy,
  IdentityReplicationPolicy,
} from '../../../src/mirror/replication-policy.js';

describe('DefaultReplicationPolicy', () => {
  const p = new DefaultReplicationPolicy();
  it('prefixes the source alias', () => {
    expect(p.formatRemoteTopic('east', 'orders')).toBe('east.orders');
    expect(p.formatRemoteTopic('east', 'west.orders')).toBe('east.west.orders');
  });
  it("finds a topic's source and upstream topic the way Java's split does", () => {
    expect(p.topicSource('east.orders')).toBe('east');
    expect(p.upstreamTopic('east.orders')).toBe('orders');
    expect(p.topicSource('west.east.orders')).toBe('west');
    expect(p.upstreamTopic('west.east.orders')).toBe('east.orders');
    expect(p.originalTopic('west.east.orders')).toBe('orders');
    expect(p.topicSource('orders')).toBeUndefined();
    expect(p.upstreamTopic('orders')).toBeUndefined();
    expect(p.originalTopic('orders')).toBe('orders');
    // Trailing empty pieces do not count; a leading empty one does.
    expect(p.topicSource('east.')).toBeUndefined();
    expect(p.topicSource('east..')).toBeUndefined();
    expect(p.topicSource('...')).toBeUndefined();
    expect(p.topicSource('')).toBeUndefined();
    expect(p.topicSource('.orders')).toBe('');
    expect(p.topicSource('east..orders')).toBe('east');
    expect(p.upstreamTopic('east..orders')).toBe('.orders');
  });
  it('names internal topics as MM2 does', () => {
    expect(p.heartbeatsTopic()).toBe('heartbeats');
    expect(p.offsetSyncsTopic('west')).toBe('mm2-offset-syncs.west.internal');
    expect(p.checkpointsTopic('east')).toBe('east.checkpoints.internal');
    expect(p.isCheckpointsTopic('east.checkpoints.internal')).toBe(true);
    expect(p.isHeartbeatsTopic('heartbeats')).toBe(true);
    expect(p.isHeartbeatsTopic('east.heartbeats')).toBe(true);
    expect(p.isHeartbeatsTopic('west.east.heartbeats')).toBe(true);
    expect(p.isHeartbeatsTopic('east.heartbeats2')).toBe(false);
  });
  it('treats Kafka, Connect and MM2 topics as internal', () => {
    for (const t of [
      '__consumer_offsets',
      '.hidden',
      'mm2-offset-syncs.west.internal',
      'east.checkpoints.internal',
      'connect-offsets-internal',
      'x.internal',
    ]) {
      expect(p.isInternalTopic(t), t).toBe(true);
    }
    for (const t of ['orders', 'heartbeats', 'east.orders', 'internal', 'x_internal']) {
      expect(p.isInternalTopic(t), t).toBe(false);
    }
  });
  it('uses a custom separator, in internal names too unless disabled', () => {
    const dash = new DefaultReplicationPolicy({ separator: '__' });
    expect(dash.formatRemoteTopic('east', 'orders')).toBe('east__orders');
    expect(dash.topicSource('east__orders')).toBe('east');
    expect(dash.upstreamTopic('east__or__ders')).toBe('or__ders');
    expect(dash.topicSource('east.orders')).toBeUndefined();
    expect(dash.offsetSyncsTopic('west')).toBe('mm2-offset-syncs__west__internal');
    expect(dash.checkpointsTopic('east')).toBe('east__checkpoints__internal');
    const plain = new DefaultReplicationPolicy({ separator: '__', internalTopicSeparatorEnabled: false });
    expect(plain.offsetSyncsTopic('west')).toBe('mm2-offset-syncs.west.internal');
    expect(plain.checkpointsTopic('east')).toBe('east.checkpoints.internal');
    expect(() => new DefaultReplicationPolicy({ separator: '' })).toThrow(/separator/);
  });
});

describe('IdentityReplicationPolicy', () => {
  const p = new IdentityReplicationPolicy();
  it('keeps topic names and cannot tell their source', () => {
    expect(p.formatRemoteTopic('east', 'orders')).toBe('orders');
    expect(p.formatRemoteTopic('east', 'west.orders')).toBe('west.orders');
    expect(p.topicSource('east.orders')).toBeUndefined();
    expect(p.upstreamTopic('east.orders')).toBe('east.orders');
    expect(p.originalTopic('east.orders')).toBe('east.orders');
  });
  it('still prefixes and traces heartbeats', () => {
    expect(p.formatRemoteTopic('east', 'heartbeats')).toBe('east.heartbeats');
    expect(p.topicSource('east.heartbeats')).toBe('east');
    expect(p.upstreamTopic('east.heartbeats')).toBe('heartbeats');
    expect(p.topicSource('heartbeats')).toBeUndefined();
    expect(p.isHeartbeatsTopic('west.east.heartbeats')).toBe(true);
    expect(p.offsetSyncsTopic('west')).toBe('mm2-offset-syncs.west.internal');
  });
  it('is what createReplicationPolicy gives for identity', () => {
    expect(createReplicationPolicy('identity')).toBeInstanceOf(IdentityReplicationPolicy);
    expect(createReplicationPolicy('default', { separator: '-' }).formatRemoteTopic('a', 't')).toBe('a-t');
  });
});
