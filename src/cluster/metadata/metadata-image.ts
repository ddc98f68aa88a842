import { type MetadataRecord, NO_LEADER, type PartitionRecord } from './metadata-records.js';

export interface BrokerImage {
  readonly brokerId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
  /** A fenced broker is registered but not serving: not alive for leadership or client routing. */
  fenced: boolean;
}

export interface PartitionImage {
  readonly partition: number;
  replicas: number[];
  isr: number[];
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  addingReplicas: number[];
  removingReplicas: number[];
}

export interface TopicImage {
  readonly name: string;
  readonly topicId: string;
  readonly partitions: PartitionImage[];
  readonly configs: Map<string, string>;
}

export interface TopicPartitionRef {
  readonly topic: string;
  readonly partition: number;
}

/**
 * The cluster's state as the metadata log describes it up to `lastOffset`: brokers, topics with their
 * partitions (replicas, ISR, leader, epochs) and configs, and the producer-id allocator. Brokers and the
 * controller each hold one and move it forward only by `apply`, record by record, in log order — so two images
 * that applied the same records are the same.
 *
 * Mutated only through `apply`; readers get live objects and must not change them.
 */
export class MetadataImage {
  readonly brokers = new Map<number, BrokerImage>();
  readonly topicsByName = new Map<string, TopicImage>();
  readonly topicsById = new Map<string, TopicImage>();
  readonly brokerConfigs = new Map<string, string>();
  nextProducerId = 0;
  /** Offset of the last record applied; -1 for an empty log. */
  lastOffset = -1;

  apply(record: MetadataRecord, offset: number): void {
    this.lastOffset = offset;
    switch (record.type) {
      case 'RegisterBroker':
        this.brokers.set(record.brokerId, {
          brokerId: record.brokerId,
          host: record.host,
          port: record.port,
          rack: record.rack,
          fenced: true,
        });
        return;
      case 'FenceBroker':
      case 'UnfenceBroker': {
        const broker = this.brokers.get(record.brokerId);
        if (broker) broker.fenced = record.type === 'FenceBroker';
        return;
      }
      case 'UnregisterBroker':
        this.brokers.delete(record.brokerId);
        return;
      case 'Topic': {
        const topic: TopicImage = {
          name: record.name,
          topicId: record.topicId,
          partitions: [],
          configs: new Map(),
        };
        this.topicsByName.set(record.name, topic);
        this.topicsById.set(record.topicId, topic);
        return;
      }
      case 'Partition': {
        const topic = this.topicsById.get(record.topicId);
        if (topic) topic.partitions[record.partition] = partitionFromRecord(record);
        return;
      }
      case 'PartitionChange': {
        const partition = this.topicsById.get(record.topicId)?.partitions[record.partition];
        if (!partition) return;
        if (record.replicas) partition.replicas = [...record.replicas];
        if (record.isr) partition.isr = [...record.isr];
        if (record.leader !== undefined) partition.leader = record.leader;
        if (record.leaderEpoch !== undefined) partition.leaderEpoch = record.leaderEpoch;
        if (record.addingReplicas) partition.addingReplicas = [...record.addingReplicas];
        if (record.removingReplicas) partition.removingReplicas = [...record.removingReplicas];
        partition.partitionEpoch = record.partitionEpoch;
        return;
      }
      case 'Config': {
        const configs =
          record.resourceType === 'broker'
            ? this.brokerConfigs
            : this.topicsByName.get(record.resourceName)?.configs;
        if (!configs) return;
        if (record.value === null) configs.delete(record.name);
        else configs.set(record.name, record.value);
        return;
      }
      case 'RemoveTopic': {
        const topic = this.topicsById.get(record.topicId);
        if (!topic) return;
        this.topicsById.delete(topic.topicId);
        this.topicsByName.delete(topic.name);
        return;
      }
      case 'ProducerIds':
        this.nextProducerId = record.nextProducerId;
        return;
    }
  }

  /** Back to the image of an empty metadata log (before a replay from the start). */
  clear(): void {
    this.brokers.clear();
    this.topicsByName.clear();
    this.topicsById.clear();
    this.brokerConfigs.clear();
    this.nextProducerId = 0;
    this.lastOffset = -1;
  }

  topic(name: string): TopicImage | undefined {
    return this.topicsByName.get(name);
  }

  partition(topic: string, partition: number): PartitionImage | undefined {
    return this.topicsByName.get(topic)?.partitions[partition];
  }

  liveBrokers(): BrokerImage[] {
    return [...this.brokers.values()].filter((b) => !b.fenced).sort((a, b) => a.brokerId - b.brokerId);
  }

  isLive(brokerId: number): boolean {
    const broker = this.brokers.get(brokerId);
    return broker !== undefined && !broker.fenced;
  }

  /** Partitions whose replicas include `brokerId`. */
  *partitionsOf(
    brokerId: number,
  ): Generator<TopicPartitionRef & { topicImage: TopicImage; image: PartitionImage }> {
    for (const topicImage of this.topicsByName.values()) {
      for (const image of topicImage.partitions) {
        if (image?.replicas.includes(brokerId)) {
          yield { topic: topicImage.name, partition: image.partition, topicImage, image };
        }
      }
    }
  }
}

function partitionFromRecord(record: PartitionRecord): PartitionImage {
  return {
    partition: record.partition,
    replicas: [...record.replicas],
    isr: [...record.isr],
    leader: record.leader,
    leaderEpoch: record.leaderEpoch,
    partitionEpoch: record.partitionEpoch,
    addingReplicas: [...record.addingReplicas],
    removingReplicas: [...record.removingReplicas],
  };
}

export { NO_LEADER };
