import { isInternalTopic } from '../../cluster/broker-services.js';
import type { MetadataImage, TopicImage } from '../../cluster/metadata/metadata-image.js';

/**
 * The JSON bodies of the Kafka REST Proxy v2 read endpoints (`/brokers`, `/topics`, `/topics/{name}`), built
 * from one MetadataImage. Field names and nesting are the proxy's, so that tooling written against it (and
 * the walkthrough's `curl`s) reads Ferry the same way.
 *
 * A replica is `in_sync` when it is in the partition's ISR as the controller last committed it: a partition
 * whose only in-sync replica is down keeps that replica in its ISR with leader -1, as Kafka does, so that it
 * comes back with its data rather than an empty log.
 */

export interface RestBrokers {
  brokers: number[];
}

export interface RestReplica {
  broker: number;
  leader: boolean;
  in_sync: boolean;
}

export interface RestPartition {
  partition: number;
  leader: number;
  replicas: RestReplica[];
}

export interface RestTopic {
  name: string;
  /** The topic's overrides only; broker defaults are not repeated here. */
  configs: Record<string, string>;
  partitions: RestPartition[];
}

/** Live (registered and unfenced) brokers, by id. */
export function brokersView(image: MetadataImage): RestBrokers {
  return { brokers: image.liveBrokers().map((b) => b.brokerId) };
}

/** Topic names, sorted, without Kafka's internal topics (as the proxy lists them). */
export function topicNamesView(image: MetadataImage): string[] {
  return [...image.topicsByName.keys()].filter((name) => !isInternalTopic(name)).sort();
}

export function topicView(topic: TopicImage): RestTopic {
  return {
    name: topic.name,
    configs: Object.fromEntries([...topic.configs.entries()].sort(([a], [b]) => a.localeCompare(b))),
    partitions: topic.partitions
      .filter((p) => p !== undefined)
      .map((p) => ({
        partition: p.partition,
        leader: p.leader,
        replicas: p.replicas.map((broker) => ({
          broker,
          leader: broker === p.leader,
          in_sync: p.isr.includes(broker),
        })),
      })),
  };
}
