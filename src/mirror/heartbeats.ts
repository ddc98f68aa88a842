import type { ProduceOptions, ProduceResult } from '../client/index.js';
import { type Clock, systemClock } from '../common/clock.js';
import { encodeRecordBatchSync } from '../protocol/records/record-batch.js';
import { encodeHeartbeatKey, encodeHeartbeatValue, type Heartbeat } from './formats/index.js';

/** What the emitter needs of the target's ClusterClient. */
export interface HeartbeatProduceClient {
  produce(topic: string, partition: number, records: Buffer, options: ProduceOptions): Promise<ProduceResult>;
}

export interface HeartbeatEmitterOptions {
  readonly sourceAlias: string;
  readonly targetAlias: string;
  /** `heartbeats` (policy.heartbeatsTopic()), on the flow's *target* cluster. */
  readonly topic: string;
  readonly client: HeartbeatProduceClient;
  /** @defaultValue systemClock */
  readonly clock?: Clock;
}

/**
 * MirrorMaker 2's heartbeat emission (MirrorHeartbeatTask): for the flow A->B, a Heartbeat record
 * (sourceClusterAlias A, targetClusterAlias B, timestamp now) appended to the `heartbeats` topic of the
 * *target* B, partition 0 — MM2's task is a source connector whose records the worker's producer writes to
 * the cluster it targets. That topic is then mirrored onwards like any topic (`B.heartbeats` on C for B->C),
 * and the chain of `….heartbeats` topics is what RemoteClusterUtils reads to find upstream clusters and hops.
 * MirrorMaker emits heartbeats on every ordered pair of its clusters, disabled flows included, so that a
 * one-way A->B still brings A's `heartbeats` (written by the B->A heartbeat emission) to B as `A.heartbeats`.
 *
 * One emit is one single-record batch, acks=all. The Flow calls `emit` every
 * `emit.heartbeats.interval.seconds`; the topic must exist (ensureCompactedTopic). Single-threaded.
 */
export class HeartbeatEmitter {
  private readonly key: Buffer;
  private readonly clock: Clock;
  private emitted = 0;
  private lastTimestamp = -1;

  constructor(private readonly options: HeartbeatEmitterOptions) {
    this.key = encodeHeartbeatKey({
      sourceClusterAlias: options.sourceAlias,
      targetClusterAlias: options.targetAlias,
    });
    this.clock = options.clock ?? systemClock;
  }

  /** Heartbeats acknowledged so far. */
  get count(): number {
    return this.emitted;
  }

  /** Timestamp of the last acknowledged heartbeat; -1 before the first. */
  get lastHeartbeatMs(): number {
    return this.lastTimestamp;
  }

  async emit(): Promise<Heartbeat> {
    const timestamp = this.clock.nowMs();
    const records = encodeRecordBatchSync({
      records: [{ key: this.key, value: encodeHeartbeatValue({ timestamp }), timestamp }],
    });
    await this.options.client.produce(this.options.topic, 0, records, { acks: -1, timeoutMs: 30_000 });
    this.emitted++;
    this.lastTimestamp = timestamp;
    return {
      sourceClusterAlias: this.options.sourceAlias,
      targetClusterAlias: this.options.targetAlias,
      timestamp,
    };
  }
}
