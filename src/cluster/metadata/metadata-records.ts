/**
 * The records of a cluster's metadata log, in the spirit of KRaft's `__cluster_metadata`: every change to
 * brokers, topics, partitions, configs and producer-id allocation is one record, and the cluster's state is what
 * replaying them in order yields. The controller is the only writer; brokers apply them to their image.
 *
 * On disk each record is the JSON of one of these objects, as the value of a record (key = the record type) in a
 * record batch of the metadata partition — inspectable with `ferry log dump --print-records`.
 */

export interface BrokerRegistrationRecord {
  readonly type: 'RegisterBroker';
  readonly brokerId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

export interface FenceBrokerRecord {
  readonly type: 'FenceBroker' | 'UnfenceBroker' | 'UnregisterBroker';
  readonly brokerId: number;
}

export interface TopicRecord {
  readonly type: 'Topic';
  readonly name: string;
  /** The topic id as 32 lowercase hex digits (Kafka's UUID, KIP-516). */
  readonly topicId: string;
}

export interface PartitionRecord {
  readonly type: 'Partition';
  readonly topicId: string;
  readonly partition: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly addingReplicas: readonly number[];
  readonly removingReplicas: readonly number[];
}

/** A change to a partition: only the fields present change; the leader epoch moves with every leader change. */
export interface PartitionChangeRecord {
  readonly type: 'PartitionChange';
  readonly topicId: string;
  readonly partition: number;
  readonly replicas?: readonly number[];
  readonly isr?: readonly number[];
  readonly leader?: number;
  readonly leaderEpoch?: number;
  readonly partitionEpoch: number;
  readonly addingReplicas?: readonly number[];
  readonly removingReplicas?: readonly number[];
}

export interface ConfigRecord {
  readonly type: 'Config';
  readonly resourceType: 'topic' | 'broker';
  readonly resourceName: string;
  readonly name: string;
  /** null removes the override. */
  readonly value: string | null;
}

export interface RemoveTopicRecord {
  readonly type: 'RemoveTopic';
  readonly topicId: string;
}

/** A block of producer ids handed out: the next block starts at `nextProducerId`. */
export interface ProducerIdsRecord {
  readonly type: 'ProducerIds';
  readonly nextProducerId: number;
}

export type MetadataRecord =
  | BrokerRegistrationRecord
  | FenceBrokerRecord
  | TopicRecord
  | PartitionRecord
  | PartitionChangeRecord
  | ConfigRecord
  | RemoveTopicRecord
  | ProducerIdsRecord;

export const NO_LEADER = -1;
