import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { TransactionalAppend } from './consumer-offsets-store.js';
import { CONSUMER_PROTOCOL_TYPE, subscribedTopics } from './consumer-protocol.js';
import type { GroupCoordinatorConfig } from './group-config.js';
import { GROUP_ERROR_CODES as E, storeErrorCode } from './group-error-codes.js';
import type { CommittedOffset, GroupMetadata } from './group-metadata.js';
import { offsetCommitRecord, offsetTombstone } from './group-metadata-log.js';
import type { GroupRebalance } from './group-rebalance.js';
import type { GroupRegistry } from './group-registry.js';
import type {
  OffsetCommitPartition,
  OffsetCommitRequest,
  OffsetDeleteRequest,
  OffsetDeleteResult,
  OffsetFetchPartition,
  OffsetFetchRequest,
  OffsetFetchResult,
  PartitionResult,
} from './group-types.js';
import type { TxnGroupIndex } from './txn-group-index.js';

/**
 * OffsetCommit, OffsetFetch and OffsetDelete for the groups this coordinator serves, and the one write path
 * of offsets (`storeOffsets`) that transactional commits share. Offsets are written when committed and
 * tombstoned when deleted; each answer waits for the store. Commits of one partition carry their `logOrder`
 * (GroupRegistry), so that a committed transaction does not overwrite an offset committed after it.
 *
 * Serialisation: part of one GroupCoordinator, on the broker's event loop; after the store append a commit
 * re-checks that the group is still the one loaded before it touches the cache.
 */
export class GroupOffsetManager {
  private readonly config: GroupCoordinatorConfig;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(
    private readonly registry: GroupRegistry,
    private readonly sessions: Pick<GroupRebalance, 'scheduleSession'>,
    private readonly txnIndex: TxnGroupIndex,
  ) {
    this.config = registry.config;
    this.clock = registry.clock;
    this.logger = registry.logger;
  }

  async commitOffsets(req: OffsetCommitRequest): Promise<PartitionResult[]> {
    const all = (errorCode: number) =>
      req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, errorCode }));
    const status = this.registry.partitionError(req.groupId);
    if (status !== E.NONE) return all(status);
    let group = this.registry.groups.get(req.groupId);
    if (!group) {
      // A commit outside group management creates the group to hold its offsets; a generation for a group
      // that does not exist comes from a member of a generation long gone.
      if (req.generationId >= 0) return all(E.ILLEGAL_GENERATION);
      group = this.registry.addGroup(req.groupId);
    }
    const invalid = this.validateOffsetCommit(group, req, false);
    if (invalid !== E.NONE) return all(invalid);
    switch (group.state) {
      case 'Empty':
        break;
      case 'Stable':
      case 'PreparingRebalance': {
        // Commits during PreparingRebalance are accepted: the heartbeat tells the member to rejoin.
        const member = group.get(req.memberId);
        if (member) this.sessions.scheduleSession(group, member);
        break;
      }
      case 'CompletingRebalance':
        // The member has its new generation but not its assignment yet.
        return all(E.REBALANCE_IN_PROGRESS);
      default:
        return all(E.COORDINATOR_NOT_AVAILABLE);
    }
    return this.storeOffsets(group, req.offsets, null);
  }

  validateOffsetCommit(
    group: GroupMetadata,
    req: { generationId: number; memberId: string; groupInstanceId: string | null },
    transactional: boolean,
  ): number {
    if (group.is('Dead')) return E.COORDINATOR_NOT_AVAILABLE;
    if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
      if (group.isStaticMemberFenced(req.groupInstanceId, req.memberId)) return E.FENCED_INSTANCE_ID;
      if (!group.has(req.memberId)) return E.UNKNOWN_MEMBER_ID;
      if (req.generationId !== group.generationId) return E.ILLEGAL_GENERATION;
      return E.NONE;
    }
    // Outside group management, only a group without members may be committed to — except transactionally:
    // TxnOffsetCommit v0–2 carries no member or generation at all.
    return transactional || group.is('Empty') ? E.NONE : E.UNKNOWN_MEMBER_ID;
  }

  /**
   * Writes the offsets as one batch (a transactional one of `txn`'s producer when given). Non-transactional
   * offsets become the group's once durable; transactional ones are pending from before the append (so
   * that a require_stable fetch already sees them as unstable) until the producer's marker, and are
   * withdrawn if the append fails.
   */
  async storeOffsets(
    group: GroupMetadata,
    offsets: readonly OffsetCommitPartition[],
    txn: TransactionalAppend | null,
  ): Promise<PartitionResult[]> {
    const commitTimestamp = this.clock.nowMs();
    // Appends land in the order they are made, so the batch's place in the log is known now.
    const logOrder = this.registry.nextLogOrder();
    const results: PartitionResult[] = new Array(offsets.length);
    const accepted: { index: number; committed: CommittedOffset; previous: CommittedOffset | undefined }[] =
      [];
    const records = [];
    for (let i = 0; i < offsets.length; i++) {
      const o = offsets[i]!;
      const metadata = o.metadata ?? '';
      if (metadata.length > this.config.offsetMetadataMaxBytes) {
        results[i] = { topic: o.topic, partition: o.partition, errorCode: E.OFFSET_METADATA_TOO_LARGE };
        continue;
      }
      const committed = { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata, commitTimestamp, logOrder };
      const previous =
        txn === null
          ? undefined
          : group.pendingTxnOffsets.put(txn.producerId, o.topic, o.partition, committed);
      accepted.push({ index: i, committed, previous });
      records.push(offsetCommitRecord(group.groupId, o.topic, o.partition, committed));
    }
    if (txn !== null && accepted.length > 0) this.txnIndex.add(txn.producerId, group);
    let errorCode: number = E.NONE;
    if (records.length > 0) {
      try {
        const partition = this.registry.partitionFor(group.groupId);
        await (txn === null
          ? this.registry.store.append(partition, records)
          : this.registry.store.append(partition, records, txn));
      } catch (err) {
        errorCode = storeErrorCode(err, true);
        this.logger.warn(
          { group: group.groupId, err, producerId: txn?.producerId },
          'offset commit was not stored',
        );
      }
    }
    // A group deleted or unloaded meanwhile must not get its offsets back in the cache.
    const apply = errorCode === E.NONE && this.registry.isCurrent(group) && !group.is('Dead');
    for (const { index, committed, previous } of accepted) {
      const o = offsets[index]!;
      if (txn !== null) {
        if (errorCode !== E.NONE) {
          group.pendingTxnOffsets.withdraw(txn.producerId, o.topic, o.partition, committed, previous);
        }
      } else if (apply) {
        group.putOffset(o.topic, o.partition, committed);
      }
      results[index] = { topic: o.topic, partition: o.partition, errorCode };
    }
    if (txn !== null && errorCode !== E.NONE && !group.pendingTxnOffsets.hasProducer(txn.producerId)) {
      this.txnIndex.remove(txn.producerId, group.groupId);
    }
    return results;
  }
  /**
   * Pending transactional offsets are never returned; with `requireStable`, a partition that has some
   * answers UNSTABLE_OFFSET_COMMIT (the client retries until the transaction ends).
   */
  fetchOffsets(req: OffsetFetchRequest): OffsetFetchResult {
    const status = this.registry.partitionError(req.groupId);
    if (status !== E.NONE) return { errorCode: status, partitions: [] };
    const group = this.registry.groups.get(req.groupId);
    const partitions: OffsetFetchPartition[] = [];
    const unstable = (topic: string, partition: number): OffsetFetchPartition | null =>
      req.requireStable === true && group !== undefined && group.pendingTxnOffsets.has(topic, partition)
        ? { topic, partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: E.UNSTABLE_OFFSET_COMMIT }
        : null;
    if (req.partitions == null) {
      if (group && !group.is('Dead')) {
        for (const [topic, byPartition] of group.offsets) {
          for (const [partition, c] of byPartition) {
            const u = unstable(topic, partition);
            if (u !== null) {
              partitions.push(u);
              continue;
            }
            partitions.push({
              topic,
              partition,
              offset: c.offset,
              leaderEpoch: c.leaderEpoch,
              metadata: c.metadata,
              errorCode: E.NONE,
            });
          }
        }
      }
      return { errorCode: E.NONE, partitions };
    }
    for (const { topic, partition } of req.partitions) {
      const u = unstable(topic, partition);
      if (u !== null) {
        partitions.push(u);
        continue;
      }
      const c = group && !group.is('Dead') ? group.offset(topic, partition) : undefined;
      partitions.push(
        c
          ? {
              topic,
              partition,
              offset: c.offset,
              leaderEpoch: c.leaderEpoch,
              metadata: c.metadata,
              errorCode: E.NONE,
            }
          : { topic, partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: E.NONE },
      );
    }
    return { errorCode: E.NONE, partitions };
  }

  async deleteOffsets(req: OffsetDeleteRequest): Promise<OffsetDeleteResult> {
    const status = this.registry.partitionError(req.groupId);
    if (status !== E.NONE) return { errorCode: status, partitions: [] };
    const group = this.registry.groups.get(req.groupId);
    if (!group || group.is('Dead')) return { errorCode: E.GROUP_ID_NOT_FOUND, partitions: [] };
    let subscribed: ((topic: string) => boolean) | null = null;
    if (!group.is('Empty')) {
      if (group.protocolType !== CONSUMER_PROTOCOL_TYPE)
        return { errorCode: E.NON_EMPTY_GROUP, partitions: [] };
      subscribed = this.subscriptionCheck(group);
    }
    const results: PartitionResult[] = [];
    const records = [];
    const removed: { topic: string; partition: number }[] = [];
    for (const { topic, partition } of req.partitions) {
      if (subscribed?.(topic)) {
        results.push({ topic, partition, errorCode: E.GROUP_SUBSCRIBED_TO_TOPIC });
        continue;
      }
      results.push({ topic, partition, errorCode: E.NONE });
      if (group.removeOffset(topic, partition)) {
        removed.push({ topic, partition });
        records.push(offsetTombstone(group.groupId, topic, partition));
      }
    }
    if (records.length > 0) {
      const errorCode = await this.registry.appendOrError(group.groupId, records);
      if (errorCode !== E.NONE) return { errorCode, partitions: [] };
    }
    return { errorCode: E.NONE, partitions: results };
  }

  /** Whether a topic is in some member's subscription; undecodable metadata counts as subscribed to all. */
  private subscriptionCheck(group: GroupMetadata): (topic: string) => boolean {
    const topics = new Set<string>();
    const protocol = group.protocolName;
    if (protocol === null) return () => true;
    for (const m of group.members.values()) {
      const t = subscribedTopics(m.metadataFor(protocol));
      if (t === null) return () => true;
      for (const topic of t) topics.add(topic);
    }
    return (topic) => topics.has(topic);
  }
}
