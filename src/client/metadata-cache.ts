import type { MetadataResponse } from '../protocol/messages/metadata.js';

/** A broker as Metadata announces it. */
export interface BrokerMetadata {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

/** One partition's routing facts: who leads it, in which epoch, and who replicates it. */
export interface PartitionMetadata {
  readonly partition: number;
  /** Kafka error code the broker reported for this partition (LEADER_NOT_AVAILABLE while electing). */
  readonly errorCode: number;
  /** -1 while there is no leader. */
  readonly leaderId: number;
  /** -1 when the broker speaks a Metadata version before 7. */
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface TopicMetadata {
  readonly name: string;
  /** Kafka error code for the whole topic: UNKNOWN_TOPIC_OR_PARTITION when it does not exist. */
  readonly errorCode: number;
  readonly topicId: string | undefined;
  readonly isInternal: boolean;
  /** Indexed by partition number. */
  readonly partitions: readonly PartitionMetadata[];
}

/** Where to send a partition's leader-only requests. */
export interface LeaderAndEpoch {
  readonly brokerId: number;
  readonly leaderEpoch: number;
}

/**
 * What the client knows of the cluster from its last Metadata responses: brokers by id, and per topic the
 * partitions with leader, leader epoch, replicas and ISR. Pure data, no I/O: the ClusterClient asks the
 * brokers and feeds `update`; everything that routes a request reads here.
 *
 * Invariants: a topic entry is replaced whole by each response that names it (a response is a consistent
 * snapshot of that topic), and topics a response does not name are kept, since the client asks only for the
 * topics it uses. `invalidate` drops a topic whose routing proved wrong, so that the next lookup misses and
 * forces a refresh. Single-threaded by construction (Node's event loop); one ClusterClient owns an instance.
 */
export class MetadataCache {
  private readonly brokerById = new Map<number, BrokerMetadata>();
  private readonly topicByName = new Map<string, TopicMetadata>();
  private clusterIdValue: string | null = null;
  private controllerIdValue = -1;

  get clusterId(): string | null {
    return this.clusterIdValue;
  }

  get controllerId(): number {
    return this.controllerIdValue;
  }

  update(response: MetadataResponse): void {
    this.brokerById.clear();
    for (const b of response.brokers) {
      this.brokerById.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null });
    }
    this.clusterIdValue = response.clusterId ?? null;
    this.controllerIdValue = response.controllerId ?? -1;
    for (const t of response.topics) {
      if (t.name === null) continue;
      const partitions: PartitionMetadata[] = [];
      for (const p of t.partitions) {
        partitions[p.partitionIndex] = {
          partition: p.partitionIndex,
          errorCode: p.errorCode,
          leaderId: p.leaderId,
          leaderEpoch: p.leaderEpoch ?? -1,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
        };
      }
      this.topicByName.set(t.name, {
        name: t.name,
        errorCode: t.errorCode,
        topicId: t.topicId,
        isInternal: t.isInternal ?? false,
        partitions,
      });
    }
  }

  broker(id: number): BrokerMetadata | undefined {
    return this.brokerById.get(id);
  }

  brokers(): BrokerMetadata[] {
    return [...this.brokerById.values()];
  }

  topic(name: string): TopicMetadata | undefined {
    return this.topicByName.get(name);
  }

  topicNames(): string[] {
    return [...this.topicByName.keys()];
  }

  /** The partition's leader, or undefined when the cache cannot route it (unknown, erroring, leaderless). */
  leader(topic: string, partition: number): LeaderAndEpoch | undefined {
    const t = this.topicByName.get(topic);
    if (t === undefined || t.errorCode !== 0) return undefined;
    const p = t.partitions[partition];
    if (p === undefined || p.leaderId < 0 || !this.brokerById.has(p.leaderId)) return undefined;
    return { brokerId: p.leaderId, leaderEpoch: p.leaderEpoch };
  }

  /** Forget a topic whose routing proved stale, so the next lookup asks the cluster again. */
  invalidate(topic: string): void {
    this.topicByName.delete(topic);
  }
}
