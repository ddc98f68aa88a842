import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/common/clock.js';
import {
  type ClusterHarness,
  fullyInSync,
  notInSync,
  partitionsOf,
  startClusterHarness,
  waitUntil,
} from '../../harness/cluster.js';

/**
 * A broker whose session lapses while it keeps running — the heartbeat that was due did not arrive in time, as
 * when the event loop all brokers share stalls past `broker.session.timeout.ms` — is fenced, and must be
 * unfenced when it heartbeats again: back in the ISRs, leading again where it may. The lapse is made
 * deterministic with a clock the test moves forward, then a session check.
 */

const TOPIC = 'lapse';

let harness: ClusterHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The system clock, moved forward on demand (monotonic and wall time alike). */
class SkewedClock implements Clock {
  skewMs = 0;
  nowMs(): number {
    return Date.now() + this.skewMs;
  }
  monotonicMs(): number {
    return performance.now() + this.skewMs;
  }
}

describe('broker sessions', () => {
  it('is fenced, then unfenced and back in sync when it heartbeats again', async () => {
    const clock = new SkewedClock();
    harness = await startClusterHarness({ clock });
    const cluster = harness.cluster;
    const admin = harness.kafka('session-lapse').admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3 }] });
    } finally {
      await admin.disconnect();
    }
    await waitUntil('the topic in sync', () => fullyInSync(cluster, [TOPIC]));
    const controller = cluster.controllerId;
    const victim = cluster.brokerIds.find((id) => id !== controller)!;

    // Every session is now stale; all but the victim's are renewed before the check.
    clock.skewMs += 10 * (cluster.broker(controller).config.get('broker.session.timeout.ms') as number);
    for (const id of cluster.brokerIds) if (id !== victim) cluster.quorum.heartbeat(id);
    cluster.quorum.checkSessions();
    const image = cluster.broker(controller).metadata;
    expect(image.isLive(victim)).toBe(false);
    expect(partitionsOf(cluster, TOPIC).every((p) => !p.isr.includes(victim))).toBe(true);

    await waitUntil(
      `broker ${victim} unfenced and back in every ISR`,
      () => image.isLive(victim) && fullyInSync(cluster, [TOPIC]),
      10_000,
      () => notInSync(cluster, [TOPIC]).join('; '),
    );
    expect(cluster.controllerId).toBe(controller);
  });

  it('is fenced for a crash only once its session expires, as the controller cannot see a crash', async () => {
    const clock = new SkewedClock();
    harness = await startClusterHarness({ clock });
    const cluster = harness.cluster;
    const controller = cluster.controllerId;
    const victim = cluster.brokerIds.find((id) => id !== controller)!;
    const image = cluster.broker(controller).metadata;

    await cluster.stopBroker(victim, { crash: true });
    cluster.quorum.checkSessions();
    expect(image.isLive(victim)).toBe(true);

    clock.skewMs += 10 * (cluster.broker(controller).config.get('broker.session.timeout.ms') as number);
    for (const id of cluster.brokerIds) if (id !== victim) cluster.quorum.heartbeat(id);
    cluster.quorum.checkSessions();
    expect(image.isLive(victim)).toBe(false);
    expect(cluster.controllerId).toBe(controller);
  });
});
