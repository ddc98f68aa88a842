import { randomUUID } from 'node:crypto';
import type { Clock } from '../../common/clock.js';
import { type Logger, silentLogger } from '../../common/logger.js';
import type {
  TransactionalOffsets,
  TxnOffsetCommitParams,
  TxnOffsetCommitTopicResult,
} from '../transaction/transactional-offsets.js';
import type { ConsumerOffsetsStore } from './consumer-offsets-store.js';
import { type GroupCoordinatorConfig, groupCoordinatorConfig } from './group-config.js';
import { GROUP_ERROR_CODES as E, joinError, syncError } from './group-error-codes.js';
import { GroupJoin } from './group-join.js';
import type { GroupMetadata } from './group-metadata.js';
import { groupTombstone, offsetTombstone, replayPartition } from './group-metadata-log.js';
import { GroupOffsetManager } from './group-offset-manager.js';
import { GroupRebalance } from './group-rebalance.js';
import { GroupRegistry, type PartitionState } from './group-registry.js';
import { GroupTxnOffsets } from './group-txn-offsets.js';
import type {
  DeleteGroupResult,
  DescribedGroup,
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResult,
  LeaveGroupRequest,
  LeaveGroupResult,
  ListGroupsResult,
  OffsetCommitRequest,
  OffsetDeleteRequest,
  OffsetDeleteResult,
  OffsetFetchRequest,
  OffsetFetchResult,
  PartitionResult,
  SyncGroupRequest,
  SyncGroupResult,
} from './group-types.js';
import { EMPTY_BYTES } from './member-metadata.js';
import type { Scheduler } from './scheduler.js';
import { TxnGroupIndex } from './txn-group-index.js';

export interface GroupCoordinatorOptions {
  store: ConsumerOffsetsStore;
  /** Wall-clock time for commit timestamps and state timestamps. */
  clock: Clock;
  /** Session, rebalance and delay timers; a ClockScheduler the broker polls, or the test drives. */
  scheduler: Scheduler;
  config?: Partial<GroupCoordinatorConfig>;
  logger?: Logger;
  /** The random part of generated member ids. @defaultValue crypto.randomUUID */
  newUuid?: () => string;
}

/**
 * Kafka's classic group coordinator as a protocol-independent component: the broker's JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, OffsetDelete, DescribeGroups, ListGroups and
 * DeleteGroups handlers call one method each and encode the result in whatever version was asked.
 *
 * It serves the groups of the `__consumer_offsets` partitions this broker leads (`onBecomeLeader` loads one,
 * `onResign` drops it); a group elsewhere is NOT_COORDINATOR, one still loading COORDINATOR_LOAD_IN_PROGRESS.
 * Group metadata is written when a generation's assignment is stored, when a static member is replaced and
 * when a group empties; offsets when committed; tombstones when deleted — each answer waits for the store.
 *
 * Transactional offsets (TxnOffsetCommit, the TransactionalOffsets contract): written inside a transactional
 * batch of the producer and held as the group's pending offsets until `completeTxn` reports the producer's
 * end marker on that partition; a TxnGroupIndex names the groups holding a producer's pending offsets so a
 * marker touches only those. Commits of one partition are ordered by `logOrder` (GroupRegistry), counted in
 * append order (appends land in the log in the order they are made) and in replay order, so that a
 * committed transaction does not overwrite an offset committed after it.
 *
 * This class is the facade and owns the partition loading and unloading and the admin calls; the work is
 * done by its parts, which share one GroupRegistry: GroupJoin (JoinGroup), GroupRebalance (the rebalance
 * state machine, SyncGroup, Heartbeat, LeaveGroup, sessions), GroupOffsetManager (OffsetCommit, OffsetFetch,
 * OffsetDelete) and GroupTxnOffsets (TxnOffsetCommit and end markers).
 *
 * Serialisation: everything runs on the broker's event loop. A method changes state only synchronously, so
 * no two requests interleave inside a change; across an `await` on the store the group may have moved on
 * (another rebalance, a resignation), so every continuation re-checks that the group is still the one
 * loaded (`isCurrent`) and in the state and generation it expects, as Kafka's callbacks do under the group
 * lock. JoinGroup and SyncGroup return promises that stay pending while the member waits for the rebalance
 * and are resolved from another request or a timer.
 */
export class GroupCoordinator implements TransactionalOffsets {
  readonly config: GroupCoordinatorConfig;
  private readonly registry: GroupRegistry;
  private readonly txnIndex = new TxnGroupIndex();
  private readonly rebalance: GroupRebalance;
  private readonly join: GroupJoin;
  private readonly offsets: GroupOffsetManager;
  private readonly txnOffsets: GroupTxnOffsets;
  private loadEpoch = 0;

  constructor(options: GroupCoordinatorOptions) {
    this.config = groupCoordinatorConfig(options.config);
    if (this.config.offsetsTopicNumPartitions < 1) {
      throw new Error(
        `offsets.topic.num.partitions must be at least 1, got ${this.config.offsetsTopicNumPartitions}`,
      );
    }
    this.registry = new GroupRegistry({
      config: this.config,
      store: options.store,
      clock: options.clock,
      scheduler: options.scheduler,
      logger: options.logger ?? silentLogger,
    });
    this.rebalance = new GroupRebalance(this.registry);
    this.join = new GroupJoin(this.registry, this.rebalance, options.newUuid ?? randomUUID);
    this.offsets = new GroupOffsetManager(this.registry, this.rebalance, this.txnIndex);
    this.txnOffsets = new GroupTxnOffsets(this.registry, this.offsets, this.txnIndex);
  }

  /** The `__consumer_offsets` partition of a group; FindCoordinator answers with that partition's leader. */
  partitionFor(groupId: string): number {
    return this.registry.partitionFor(groupId);
  }

  // ---------------------------------------------------------------- partition leadership

  /** This broker became leader of a `__consumer_offsets` partition: load its groups. */
  async onBecomeLeader(partition: number): Promise<void> {
    if (this.registry.partitions.has(partition)) return;
    const state: PartitionState = { loading: true, epoch: ++this.loadEpoch, deferredTxnCompletions: [] };
    this.registry.partitions.set(partition, state);
    const cancelled = () => this.registry.partitions.get(partition) !== state;
    const started = this.registry.clock.monotonicMs();
    let loaded: GroupMetadata[] | null;
    try {
      loaded = await replayPartition(
        this.registry.store,
        partition,
        this.registry.clock.nowMs(),
        cancelled,
        () => this.registry.nextLogOrder(),
      );
    } catch (err) {
      if (!cancelled()) this.registry.partitions.delete(partition);
      throw err;
    }
    if (loaded === null || cancelled()) return;
    for (const group of loaded) {
      this.registry.groups.set(group.groupId, group);
      for (const member of group.members.values()) this.rebalance.scheduleSession(group, member);
      for (const producerId of group.pendingTxnOffsets.producerIds()) this.txnIndex.add(producerId, group);
    }
    state.loading = false;
    for (const { producerId, committed } of state.deferredTxnCompletions) {
      this.completeTxn(producerId, committed, partition);
    }
    state.deferredTxnCompletions.length = 0;
    this.registry.logger.info(
      { partition, groups: loaded.length, ms: this.registry.clock.monotonicMs() - started },
      'loaded consumer groups',
    );
  }

  /** This broker is no longer leader of the partition: drop its groups; parked requests get NOT_COORDINATOR. */
  onResign(partition: number): void {
    if (!this.registry.partitions.delete(partition)) return;
    for (const group of [...this.registry.groups.values()]) {
      if (this.partitionFor(group.groupId) !== partition) continue;
      this.unload(group, E.NOT_COORDINATOR);
    }
  }

  /** Drops every partition (broker shutdown). */
  shutdown(): void {
    for (const partition of [...this.registry.partitions.keys()]) this.onResign(partition);
  }

  isLoading(): boolean {
    return this.registry.isLoading();
  }

  /** The group leaves this coordinator: parked JoinGroup and SyncGroup requests are answered `errorCode`. */
  private unload(group: GroupMetadata, errorCode: number): void {
    this.registry.groups.delete(group.groupId);
    this.txnIndex.removeGroup(group);
    this.rebalance.cancelGroupTimers(group);
    for (const m of group.members.values()) {
      group.maybeInvokeJoin(m, joinError(m.memberId, errorCode));
      group.maybeInvokeSync(m, syncError(errorCode));
    }
    group.transitionTo('Dead', this.registry.clock.nowMs());
  }

  // ---------------------------------------------------------------- membership and rebalance (GroupJoin, GroupRebalance)

  joinGroup(req: JoinGroupRequest): Promise<JoinGroupResult> {
    return this.join.joinGroup(req);
  }

  syncGroup(req: SyncGroupRequest): Promise<SyncGroupResult> {
    return this.rebalance.syncGroup(req);
  }

  heartbeat(req: HeartbeatRequest): number {
    return this.rebalance.heartbeat(req);
  }

  leaveGroup(req: LeaveGroupRequest): LeaveGroupResult {
    return this.rebalance.leaveGroup(req);
  }

  // ---------------------------------------------------------------- offsets (GroupOffsetManager, GroupTxnOffsets)

  commitOffsets(req: OffsetCommitRequest): Promise<PartitionResult[]> {
    return this.offsets.commitOffsets(req);
  }

  commitTxnOffsets(params: TxnOffsetCommitParams): Promise<TxnOffsetCommitTopicResult[]> {
    return this.txnOffsets.commitTxnOffsets(params);
  }

  completeTxn(producerId: number, committed: boolean, offsetsPartition: number): void {
    this.txnOffsets.completeTxn(producerId, committed, offsetsPartition);
  }

  /**
   * Pending transactional offsets are never returned; with `requireStable`, a partition that has some
   * answers UNSTABLE_OFFSET_COMMIT (the client retries until the transaction ends).
   */
  fetchOffsets(req: OffsetFetchRequest): OffsetFetchResult {
    return this.offsets.fetchOffsets(req);
  }

  deleteOffsets(req: OffsetDeleteRequest): Promise<OffsetDeleteResult> {
    return this.offsets.deleteOffsets(req);
  }

  // ---------------------------------------------------------------- describe, list, delete

  describeGroups(groupIds: readonly string[]): DescribedGroup[] {
    return groupIds.map((groupId) => {
      const dead = (errorCode: number): DescribedGroup => ({
        groupId,
        errorCode,
        groupState: 'Dead',
        protocolType: '',
        protocolData: '',
        members: [],
      });
      const status = this.registry.partitionError(groupId);
      if (status !== E.NONE) return dead(status);
      const group = this.registry.groups.get(groupId);
      if (!group) return dead(E.NONE);
      const stable = group.is('Stable');
      const protocol = group.protocolName ?? '';
      return {
        groupId,
        errorCode: E.NONE,
        groupState: group.state,
        protocolType: group.protocolType ?? '',
        protocolData: stable ? protocol : '',
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          metadata: stable ? m.metadataFor(protocol) : EMPTY_BYTES,
          assignment: stable ? m.assignment : EMPTY_BYTES,
        })),
      };
    });
  }

  /** `statesFilter` (ListGroups v4+) matches state names case-insensitively; empty or absent lists all. */
  listGroups(statesFilter?: readonly string[] | null): ListGroupsResult {
    const wanted =
      statesFilter && statesFilter.length > 0 ? new Set(statesFilter.map((s) => s.toLowerCase())) : null;
    const groups = [];
    for (const group of this.registry.groups.values()) {
      if (wanted && !wanted.has(group.state.toLowerCase())) continue;
      groups.push({
        groupId: group.groupId,
        protocolType: group.protocolType ?? '',
        groupState: group.state,
      });
    }
    return { errorCode: this.isLoading() ? E.COORDINATOR_LOAD_IN_PROGRESS : E.NONE, groups };
  }

  async deleteGroups(groupIds: readonly string[]): Promise<DeleteGroupResult[]> {
    return Promise.all(groupIds.map((groupId) => this.deleteGroup(groupId)));
  }

  private async deleteGroup(groupId: string): Promise<DeleteGroupResult> {
    const status = this.registry.partitionError(groupId);
    if (status !== E.NONE) return { groupId, errorCode: status };
    const group = this.registry.groups.get(groupId);
    if (!group || group.is('Dead')) return { groupId, errorCode: E.GROUP_ID_NOT_FOUND };
    if (!group.is('Empty')) return { groupId, errorCode: E.NON_EMPTY_GROUP };
    const records = [];
    for (const [topic, byPartition] of group.offsets) {
      for (const partition of byPartition.keys()) records.push(offsetTombstone(groupId, topic, partition));
    }
    records.push(groupTombstone(groupId));
    group.transitionTo('Dead', this.registry.clock.nowMs());
    this.registry.groups.delete(groupId);
    this.txnIndex.removeGroup(group);
    this.rebalance.cancelGroupTimers(group);
    return { groupId, errorCode: await this.registry.appendOrError(groupId, records) };
  }
}
