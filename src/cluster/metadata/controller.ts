import { randomBytes } from 'node:crypto';
import type { Logger } from '../../common/logger.js';
import { KafkaError, toKafkaError } from '../../protocol/errors/index.js';
import { validateTopicConfig } from '../topic-configs.js';
import type { MetadataImage, PartitionImage } from './metadata-image.js';
import type { MetadataLog } from './metadata-log.js';
import { type MetadataRecord, NO_LEADER, type PartitionChangeRecord } from './metadata-records.js';
import { assignReplicas } from './replica-placement.js';

export interface NewTopic {
  readonly name: string;
  /** -1: `num.partitions` (or the assignments' count). */
  readonly numPartitions: number;
  /** -1: `default.replication.factor` (or the assignments' length). */
  readonly replicationFactor: number;
  /** Explicit replica lists by partition index; empty to let the controller place them. */
  readonly assignments: ReadonlyArray<{ partitionIndex: number; brokerIds: readonly number[] }>;
  readonly configs: ReadonlyArray<{ name: string; value: string | null }>;
}

export interface TopicResult {
  readonly name: string;
  readonly error: KafkaError | undefined;
  readonly topicId?: string;
  readonly numPartitions?: number;
  readonly replicationFactor?: number;
}

export interface ControllerDefaults {
  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly uncleanLeaderElection: boolean;
}

/** Called after each commit with the records and the batch as written to the controller's metadata log. */
export type MetadataListener = (records: readonly MetadataRecord[], batch: Buffer) => void;

const PRODUCER_ID_BLOCK_SIZE = 1000;
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

/**
 * The cluster's controller: the one writer of the metadata log. Every operation validates against the current
 * image, turns into metadata records, commits them durably to the metadata log (fsynced before the answer),
 * applies them to the image, and tells the listeners (the brokers) — so the log, the image and what the brokers
 * do always agree.
 *
 * Operations are synchronous from validation to commit, so two requests never interleave their checks and
 * writes; the event loop is the lock.
 */
export class Controller {
  /** The controller epoch: bumped whenever a broker becomes controller, it fences a stale one. */
  readonly epoch: number;
  private readonly listeners: MetadataListener[] = [];

  constructor(
    readonly brokerId: number,
    private readonly log: MetadataLog,
    readonly image: MetadataImage,
    private readonly defaults: ControllerDefaults,
    private readonly logger: Logger,
    epoch: number,
    private readonly isActive: (controller: Controller) => boolean = () => true,
  ) {
    this.epoch = epoch;
  }

  onCommit(listener: MetadataListener): void {
    this.listeners.push(listener);
  }

  /** Registers (or re-registers) a broker and lets it serve: unfenced, and leader again where it may be. */
  registerBroker(brokerId: number, host: string, port: number, rack: string | null): void {
    const existing = this.image.brokers.get(brokerId);
    const records: MetadataRecord[] = [];
    if (!existing || existing.host !== host || existing.port !== port || existing.rack !== rack) {
      records.push({ type: 'RegisterBroker', brokerId, host, port, rack });
    }
    records.push({ type: 'UnfenceBroker', brokerId });
    this.commit(records);
    // Partitions without a leader that this broker can lead come back online.
    this.commit(this.electLeaders((p) => p.leader === NO_LEADER && p.replicas.includes(brokerId)));
  }

  /** A broker stopped or missed its session: fence it, and move leadership away from it. */
  fenceBroker(brokerId: number): void {
    if (!this.image.isLive(brokerId)) return;
    this.commit([{ type: 'FenceBroker', brokerId }]);
    this.commit(this.electLeaders((p) => p.leader === brokerId || p.isr.includes(brokerId)));
  }

  createTopics(topics: readonly NewTopic[], validateOnly: boolean): TopicResult[] {
    const results: TopicResult[] = [];
    for (const topic of topics) {
      try {
        const { records, result } = this.planTopic(topic);
        if (!validateOnly) this.commit(records);
        results.push(result);
      } catch (err) {
        results.push({ name: topic.name, error: toKafkaError(err) });
      }
    }
    return results;
  }

  deleteTopics(names: readonly string[]): TopicResult[] {
    return names.map((name) => {
      const topic = this.image.topic(name);
      if (!topic) {
        return {
          name,
          error: new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `topic '${name}' does not exist`),
        };
      }
      this.commit([{ type: 'RemoveTopic', topicId: topic.topicId }]);
      this.logger.info({ topic: name }, 'deleted topic');
      return { name, error: undefined, topicId: topic.topicId };
    });
  }

  createPartitions(
    name: string,
    count: number,
    assignments: ReadonlyArray<readonly number[]> | null,
    validateOnly: boolean,
  ): KafkaError | undefined {
    try {
      const topic = this.image.topic(name);
      if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `topic '${name}' does not exist`);
      const current = topic.partitions.length;
      if (count <= current) {
        throw new KafkaError(
          'INVALID_PARTITIONS',
          `topic '${name}' has ${current} partitions; the new count ${count} must be larger`,
        );
      }
      const added = count - current;
      const rf = topic.partitions[0]?.replicas.length ?? 1;
      if (assignments && assignments.length !== added) {
        throw new KafkaError(
          'INVALID_REPLICA_ASSIGNMENT',
          `${added} assignments expected, got ${assignments.length}`,
        );
      }
      const replicaLists =
        assignments?.map((a) => this.checkAssignment(a)) ??
        assignReplicas(this.image.liveBrokers(), added, rf, { firstPartition: current });
      const records = replicaLists.map((replicas, i) =>
        this.newPartitionRecord(topic.topicId, current + i, replicas),
      );
      if (!validateOnly) this.commit(records);
      return undefined;
    } catch (err) {
      return toKafkaError(err);
    }
  }

  /**
   * Changes a topic's config overrides: `set` values replace, null values remove. With `replaceAll`
   * (AlterConfigs), every override not named is removed too.
   */
  alterTopicConfigs(
    name: string,
    changes: ReadonlyArray<{ name: string; value: string | null }>,
    replaceAll: boolean,
    validateOnly: boolean,
  ): KafkaError | undefined {
    try {
      const topic = this.image.topic(name);
      if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `topic '${name}' does not exist`);
      for (const change of changes) validateTopicConfig(change.name, change.value);
      const records: MetadataRecord[] = [];
      if (replaceAll) {
        for (const key of topic.configs.keys()) {
          if (!changes.some((c) => c.name === key)) {
            records.push({
              type: 'Config',
              resourceType: 'topic',
              resourceName: name,
              name: key,
              value: null,
            });
          }
        }
      }
      for (const change of changes) {
        records.push({ type: 'Config', resourceType: 'topic', resourceName: name, ...change });
      }
      if (!validateOnly && records.length > 0) this.commit(records);
      return undefined;
    } catch (err) {
      return toKafkaError(err);
    }
  }

  /** Hands out a block of producer ids, durably, so that no id is ever given twice across restarts. */
  allocateProducerIds(): { firstProducerId: number; size: number } {
    const first = this.image.nextProducerId;
    this.commit([{ type: 'ProducerIds', nextProducerId: first + PRODUCER_ID_BLOCK_SIZE }]);
    return { firstProducerId: first, size: PRODUCER_ID_BLOCK_SIZE };
  }

  /** An ISR change proposed by a partition leader (Kafka's AlterPartition). Returns the new partition epoch. */
  alterPartitionIsr(
    topicName: string,
    partition: number,
    leaderId: number,
    leaderEpoch: number,
    partitionEpoch: number,
    isr: readonly number[],
  ): number {
    const topic = this.image.topic(topicName);
    const p = topic?.partitions[partition];
    if (!topic || !p)
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `${topicName}-${partition} does not exist`);
    if (p.leader !== leaderId || p.leaderEpoch !== leaderEpoch) {
      throw new KafkaError(
        'FENCED_LEADER_EPOCH',
        `${topicName}-${partition} is led by ${p.leader} in epoch ${p.leaderEpoch}`,
      );
    }
    if (p.partitionEpoch !== partitionEpoch) {
      throw new KafkaError(
        'INVALID_UPDATE_VERSION',
        `${topicName}-${partition} is at partition epoch ${p.partitionEpoch}`,
      );
    }
    if (isr.some((id) => !p.replicas.includes(id) || !this.image.isLive(id)) || !isr.includes(leaderId)) {
      throw new KafkaError(
        'INVALID_REQUEST',
        `ISR [${isr.join(',')}] is not a set of live replicas with the leader`,
      );
    }
    const next = p.partitionEpoch + 1;
    this.commit([
      { type: 'PartitionChange', topicId: topic.topicId, partition, isr: [...isr], partitionEpoch: next },
    ]);
    this.maybeCompleteReassignment(topic.topicId, p);
    return next;
  }

  /**
   * Starts (or, with null, cancels) moving a partition to `target` replicas (KIP-455): the replica set becomes
   * target ∪ current, the new replicas catch up as followers, and only once they are all in the ISR does the
   * set shrink to the target — so the partition never has fewer in-sync copies than before.
   */
  alterPartitionReassignment(
    topicName: string,
    partition: number,
    target: readonly number[] | null,
  ): KafkaError | undefined {
    try {
      const topic = this.image.topic(topicName);
      const p = topic?.partitions[partition];
      if (!topic || !p)
        throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `${topicName}-${partition} does not exist`);
      const reassigning = p.addingReplicas.length > 0 || p.removingReplicas.length > 0;
      const original = p.replicas.filter((id) => !p.addingReplicas.includes(id));
      if (target === null) {
        if (!reassigning) {
          throw new KafkaError('NO_REASSIGNMENT_IN_PROGRESS', `no reassignment of ${topicName}-${partition}`);
        }
        this.commit([this.reassignmentRecord(topic.topicId, p, original, [], [])]);
        return undefined;
      }
      const replicas = this.checkAssignment(target);
      if (!reassigning && sameOrder(replicas, original)) return undefined;
      const adding = replicas.filter((id) => !original.includes(id));
      const removing = original.filter((id) => !replicas.includes(id));
      this.commit([this.reassignmentRecord(topic.topicId, p, [...replicas, ...removing], adding, removing)]);
      this.maybeCompleteReassignment(topic.topicId, p);
      return undefined;
    } catch (err) {
      return toKafkaError(err);
    }
  }

  /** Partitions being reassigned. */
  ongoingReassignments(): Array<{ topic: string; partition: PartitionImage }> {
    const out: Array<{ topic: string; partition: PartitionImage }> = [];
    for (const topic of this.image.topicsByName.values()) {
      for (const p of topic.partitions) {
        if (p.addingReplicas.length > 0 || p.removingReplicas.length > 0)
          out.push({ topic: topic.name, partition: p });
      }
    }
    return out;
  }

  /**
   * Preferred leader election (ElectLeaders type 0, and auto.leader.rebalance.enable): the first replica leads
   * again where it is alive and in the ISR. Per partition: undefined when elected, else ELECTION_NOT_NEEDED or
   * PREFERRED_LEADER_NOT_AVAILABLE.
   */
  electPreferredLeaders(
    partitions: ReadonlyArray<{ topic: string; partition: number }> | null,
  ): Array<{ topic: string; partition: number; error: KafkaError | undefined }> {
    const wanted =
      partitions ??
      [...this.image.topicsByName.values()].flatMap((t) =>
        t.partitions.map((p) => ({ topic: t.name, partition: p.partition })),
      );
    const results: Array<{ topic: string; partition: number; error: KafkaError | undefined }> = [];
    const records: PartitionChangeRecord[] = [];
    for (const { topic: name, partition } of wanted) {
      const topic = this.image.topic(name);
      const p = topic?.partitions[partition];
      let error: KafkaError | undefined;
      const preferred = p?.replicas[0];
      if (!topic || !p || preferred === undefined) {
        error = new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `${name}-${partition}`);
      } else if (p.leader === preferred) {
        error = new KafkaError('ELECTION_NOT_NEEDED', `${name}-${partition} is led by its preferred replica`);
      } else if (!this.image.isLive(preferred) || !p.isr.includes(preferred)) {
        error = new KafkaError(
          'PREFERRED_LEADER_NOT_AVAILABLE',
          `broker ${preferred} is not alive and in the ISR of ${name}-${partition}`,
        );
      } else {
        records.push({
          type: 'PartitionChange',
          topicId: topic.topicId,
          partition,
          leader: preferred,
          leaderEpoch: p.leaderEpoch + 1,
          partitionEpoch: p.partitionEpoch + 1,
        });
      }
      results.push({ topic: name, partition, error });
    }
    this.commit(records);
    return results;
  }

  /** Kafka's leader-imbalance check: preferred leaders back wherever they drifted. Returns how many moved. */
  maybeRebalanceLeaders(): number {
    return this.electPreferredLeaders(null).filter((r) => r.error === undefined).length;
  }

  private reassignmentRecord(
    topicId: string,
    p: PartitionImage,
    replicas: readonly number[],
    adding: readonly number[],
    removing: readonly number[],
  ): PartitionChangeRecord {
    const isr = p.isr.filter((id) => replicas.includes(id));
    const leader =
      replicas.includes(p.leader) && isr.includes(p.leader)
        ? p.leader
        : (replicas.find((id) => isr.includes(id) && this.image.isLive(id)) ?? NO_LEADER);
    return {
      type: 'PartitionChange',
      topicId,
      partition: p.partition,
      replicas: [...replicas],
      isr: isr.length > 0 ? isr : [...p.isr],
      addingReplicas: [...adding],
      removingReplicas: [...removing],
      ...(leader !== p.leader ? { leader, leaderEpoch: p.leaderEpoch + 1 } : {}),
      partitionEpoch: p.partitionEpoch + 1,
    };
  }

  /** Once every adding replica is in the ISR, the replica set shrinks to the target (the leader moves if needed). */
  private maybeCompleteReassignment(topicId: string, p: PartitionImage): void {
    if (p.addingReplicas.length === 0 && p.removingReplicas.length === 0) return;
    if (!p.addingReplicas.every((id) => p.isr.includes(id))) return;
    const target = p.replicas.filter((id) => !p.removingReplicas.includes(id));
    this.commit([this.reassignmentRecord(topicId, p, target, [], [])]);
    this.logger.info({ topicId, partition: p.partition, replicas: target }, 'reassignment completed');
  }

  private planTopic(topic: NewTopic): { records: MetadataRecord[]; result: TopicResult } {
    const { name } = topic;
    if (
      name.length === 0 ||
      name.length > 249 ||
      name === '.' ||
      name === '..' ||
      !LEGAL_TOPIC_NAME.test(name)
    ) {
      throw new KafkaError(
        'INVALID_TOPIC_EXCEPTION',
        `topic name '${name}' is illegal: up to 249 of [a-zA-Z0-9._-], and not '.' or '..'`,
      );
    }
    if (this.image.topic(name))
      throw new KafkaError('TOPIC_ALREADY_EXISTS', `topic '${name}' already exists`);
    for (const config of topic.configs) validateTopicConfig(config.name, config.value);
    let replicaLists: number[][];
    if (topic.assignments.length > 0) {
      if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
        throw new KafkaError(
          'INVALID_REQUEST',
          'both assignments and a partition count or replication factor were given',
        );
      }
      replicaLists = [...topic.assignments]
        .sort((a, b) => a.partitionIndex - b.partitionIndex)
        .map((a, i) => {
          if (a.partitionIndex !== i) {
            throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'partition indexes must be 0..n-1');
          }
          return this.checkAssignment(a.brokerIds);
        });
    } else {
      const partitions = topic.numPartitions === -1 ? this.defaults.numPartitions : topic.numPartitions;
      const rf =
        topic.replicationFactor === -1 ? this.defaults.defaultReplicationFactor : topic.replicationFactor;
      if (partitions <= 0) throw new KafkaError('INVALID_PARTITIONS', `number of partitions must be > 0`);
      if (rf <= 0) throw new KafkaError('INVALID_REPLICATION_FACTOR', `replication factor must be > 0`);
      replicaLists = assignReplicas(this.image.liveBrokers(), partitions, rf, {
        startIndex: this.image.topicsByName.size,
      });
    }
    const topicId = randomBytes(16).toString('hex');
    const records: MetadataRecord[] = [{ type: 'Topic', name, topicId }];
    replicaLists.forEach((replicas, i) => {
      records.push(this.newPartitionRecord(topicId, i, replicas));
    });
    for (const config of topic.configs) {
      records.push({ type: 'Config', resourceType: 'topic', resourceName: name, ...config });
    }
    return {
      records,
      result: {
        name,
        error: undefined,
        topicId,
        numPartitions: replicaLists.length,
        replicationFactor: replicaLists[0]?.length ?? 0,
      },
    };
  }

  private checkAssignment(brokerIds: readonly number[]): number[] {
    if (brokerIds.length === 0 || new Set(brokerIds).size !== brokerIds.length) {
      throw new KafkaError(
        'INVALID_REPLICA_ASSIGNMENT',
        `replica list [${brokerIds.join(',')}] is empty or repeats`,
      );
    }
    for (const id of brokerIds) {
      if (!this.image.brokers.has(id)) {
        throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `broker ${id} is not registered`);
      }
    }
    return [...brokerIds];
  }

  /** A new partition: leader the first live replica, ISR the live replicas (an empty log is in sync). */
  private newPartitionRecord(
    topicId: string,
    partition: number,
    replicas: readonly number[],
  ): MetadataRecord {
    const live = replicas.filter((id) => this.image.isLive(id));
    return {
      type: 'Partition',
      topicId,
      partition,
      replicas: [...replicas],
      isr: live.length > 0 ? live : [...replicas],
      leader: live[0] ?? NO_LEADER,
      leaderEpoch: 0,
      partitionEpoch: 0,
      addingReplicas: [],
      removingReplicas: [],
    };
  }

  /**
   * Re-elects the leaders of the partitions `affected` selects: fenced brokers leave the ISR (unless the ISR
   * would become empty — the last member stays, so that it can lead again when it returns), and the leader is
   * the first live ISR member in replica order; with no live ISR member the partition goes offline (leader -1),
   * unless unclean leader election is on.
   */
  private electLeaders(affected: (p: PartitionImage) => boolean): PartitionChangeRecord[] {
    const records: PartitionChangeRecord[] = [];
    for (const topic of this.image.topicsByName.values()) {
      for (const p of topic.partitions) {
        if (!p || !affected(p)) continue;
        const liveIsr = p.isr.filter((id) => this.image.isLive(id));
        const isr = liveIsr.length > 0 ? liveIsr : p.isr;
        let leader = p.replicas.find((id) => liveIsr.includes(id)) ?? NO_LEADER;
        let nextIsr = isr;
        if (leader === NO_LEADER && this.defaults.uncleanLeaderElection) {
          leader = p.replicas.find((id) => this.image.isLive(id)) ?? NO_LEADER;
          if (leader !== NO_LEADER) nextIsr = [leader];
        }
        const isrChanged = !sameMembers(nextIsr, p.isr);
        if (leader === p.leader && !isrChanged) continue;
        records.push({
          type: 'PartitionChange',
          topicId: topic.topicId,
          partition: p.partition,
          ...(isrChanged ? { isr: nextIsr } : {}),
          ...(leader !== p.leader ? { leader, leaderEpoch: p.leaderEpoch + 1 } : {}),
          partitionEpoch: p.partitionEpoch + 1,
        });
      }
    }
    return records;
  }

  private commit(records: readonly MetadataRecord[]): void {
    if (records.length === 0) return;
    if (!this.isActive(this)) {
      throw new KafkaError(
        'NOT_CONTROLLER',
        `broker ${this.brokerId} is no longer the controller (epoch ${this.epoch})`,
      );
    }
    const { firstOffset, batch } = this.log.append(records, this.epoch);
    records.forEach((record, i) => {
      this.image.apply(record, firstOffset + i);
    });
    for (const listener of this.listeners) listener(records, batch);
  }
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

function sameOrder(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => b[i] === id);
}
