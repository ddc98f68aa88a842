import { randomUUID } from 'node:crypto';
import type { Clock } from '../../common/clock.js';
import { type Logger, silentLogger } from '../../common/logger.js';
import { ERROR_CODES, isKafkaError } from '../../protocol/errors/index.js';
import type {
  TransactionalOffsets,
  TxnOffsetCommitParams,
  TxnOffsetCommitTopicResult,
} from '../transaction/transactional-offsets.js';
import type { ConsumerOffsetsStore, TransactionalAppend } from './consumer-offsets-store.js';
import { CONSUMER_PROTOCOL_TYPE, subscribedTopics } from './consumer-protocol.js';
import { type GroupCoordinatorConfig, groupCoordinatorConfig } from './group-config.js';
import { type CommittedOffset, GroupMetadata } from './group-metadata.js';
import {
  groupMetadataRecord,
  groupTombstone,
  offsetCommitRecord,
  offsetTombstone,
  replayPartition,
} from './group-metadata-log.js';
import type {
  DeleteGroupResult,
  DescribedGroup,
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResult,
  LeaveGroupRequest,
  LeaveGroupResult,
  ListGroupsResult,
  OffsetCommitPartition,
  OffsetCommitRequest,
  OffsetDeleteRequest,
  OffsetDeleteResult,
  OffsetFetchPartition,
  OffsetFetchRequest,
  OffsetFetchResult,
  PartitionResult,
  SyncGroupRequest,
  SyncGroupResult,
} from './group-types.js';
import { EMPTY_BYTES, MemberMetadata } from './member-metadata.js';
import { partitionForGroup } from './offsets-partition.js';
import type { Scheduler } from './scheduler.js';

const E = {
  NONE: ERROR_CODES.NONE.code,
  UNKNOWN_SERVER_ERROR: ERROR_CODES.UNKNOWN_SERVER_ERROR.code,
  COORDINATOR_LOAD_IN_PROGRESS: ERROR_CODES.COORDINATOR_LOAD_IN_PROGRESS.code,
  COORDINATOR_NOT_AVAILABLE: ERROR_CODES.COORDINATOR_NOT_AVAILABLE.code,
  NOT_COORDINATOR: ERROR_CODES.NOT_COORDINATOR.code,
  ILLEGAL_GENERATION: ERROR_CODES.ILLEGAL_GENERATION.code,
  INCONSISTENT_GROUP_PROTOCOL: ERROR_CODES.INCONSISTENT_GROUP_PROTOCOL.code,
  INVALID_GROUP_ID: ERROR_CODES.INVALID_GROUP_ID.code,
  UNKNOWN_MEMBER_ID: ERROR_CODES.UNKNOWN_MEMBER_ID.code,
  INVALID_SESSION_TIMEOUT: ERROR_CODES.INVALID_SESSION_TIMEOUT.code,
  REBALANCE_IN_PROGRESS: ERROR_CODES.REBALANCE_IN_PROGRESS.code,
  INVALID_COMMIT_OFFSET_SIZE: ERROR_CODES.INVALID_COMMIT_OFFSET_SIZE.code,
  OFFSET_METADATA_TOO_LARGE: ERROR_CODES.OFFSET_METADATA_TOO_LARGE.code,
  NON_EMPTY_GROUP: ERROR_CODES.NON_EMPTY_GROUP.code,
  GROUP_ID_NOT_FOUND: ERROR_CODES.GROUP_ID_NOT_FOUND.code,
  MEMBER_ID_REQUIRED: ERROR_CODES.MEMBER_ID_REQUIRED.code,
  GROUP_MAX_SIZE_REACHED: ERROR_CODES.GROUP_MAX_SIZE_REACHED.code,
  FENCED_INSTANCE_ID: ERROR_CODES.FENCED_INSTANCE_ID.code,
  GROUP_SUBSCRIBED_TO_TOPIC: ERROR_CODES.GROUP_SUBSCRIBED_TO_TOPIC.code,
  UNSTABLE_OFFSET_COMMIT: ERROR_CODES.UNSTABLE_OFFSET_COMMIT.code,
} as const;

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

type PartitionState = {
  loading: boolean;
  epoch: number;
  /**
   * Markers reported (completeTxn) while the partition loads: the replay reads the log only up to its end
   * when the load began, so a marker appended after that is applied once the load is done. No new
   * transactional offsets can be written meanwhile (commits get COORDINATOR_LOAD_IN_PROGRESS), so applying
   * them late cannot resolve a later transaction.
   */
  deferredTxnCompletions: { producerId: number; committed: boolean }[];
};

function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    memberId,
    skipAssignment: false,
    members: [],
  };
}

function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
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
 * end marker on that partition; `txnGroups` indexes the groups holding a producer's pending offsets so a
 * marker touches only those. Commits of one partition are ordered by `logOrder`, counted in append order
 * (appends land in the log in the order they are made) and in replay order, so that a committed
 * transaction does not overwrite an offset committed after it.
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
  private readonly store: ConsumerOffsetsStore;
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly logger: Logger;
  private readonly newUuid: () => string;
  private readonly partitions = new Map<number, PartitionState>();
  private readonly groups = new Map<string, GroupMetadata>();
  /** producer id → ids of the groups holding pending transactional offsets of that producer. */
  private readonly txnGroups = new Map<number, Set<string>>();
  private loadEpoch = 0;
  private logOrder = 0;

  constructor(options: GroupCoordinatorOptions) {
    this.config = groupCoordinatorConfig(options.config);
    if (this.config.offsetsTopicNumPartitions < 1) {
      throw new Error(
        `offsets.topic.num.partitions must be at least 1, got ${this.config.offsetsTopicNumPartitions}`,
      );
    }
    this.store = options.store;
    this.clock = options.clock;
    this.scheduler = options.scheduler;
    this.logger = options.logger ?? silentLogger;
    this.newUuid = options.newUuid ?? randomUUID;
  }

  /** The `__consumer_offsets` partition of a group; FindCoordinator answers with that partition's leader. */
  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.config.offsetsTopicNumPartitions);
  }

  // ---------------------------------------------------------------- partition leadership

  /** This broker became leader of a `__consumer_offsets` partition: load its groups. */
  async onBecomeLeader(partition: number): Promise<void> {
    if (this.partitions.has(partition)) return;
    const state: PartitionState = { loading: true, epoch: ++this.loadEpoch, deferredTxnCompletions: [] };
    this.partitions.set(partition, state);
    const cancelled = () => this.partitions.get(partition) !== state;
    const started = this.clock.monotonicMs();
    let loaded: GroupMetadata[] | null;
    try {
      loaded = await replayPartition(
        this.store,
        partition,
        this.clock.nowMs(),
        cancelled,
        () => ++this.logOrder,
      );
    } catch (err) {
      if (!cancelled()) this.partitions.delete(partition);
      throw err;
    }
    if (loaded === null || cancelled()) return;
    for (const group of loaded) {
      this.groups.set(group.groupId, group);
      for (const member of group.members.values()) this.scheduleSession(group, member);
      for (const producerId of group.pendingTxnOffsets.producerIds()) this.indexTxnGroup(producerId, group);
    }
    state.loading = false;
    for (const { producerId, committed } of state.deferredTxnCompletions) {
      this.completeTxn(producerId, committed, partition);
    }
    state.deferredTxnCompletions.length = 0;
    this.logger.info(
      { partition, groups: loaded.length, ms: this.clock.monotonicMs() - started },
      'loaded consumer groups',
    );
  }

  /** This broker is no longer leader of the partition: drop its groups; parked requests get NOT_COORDINATOR. */
  onResign(partition: number): void {
    if (!this.partitions.delete(partition)) return;
    for (const group of [...this.groups.values()]) {
      if (this.partitionFor(group.groupId) !== partition) continue;
      this.unload(group, E.NOT_COORDINATOR);
    }
  }

  /** Drops every partition (broker shutdown). */
  shutdown(): void {
    for (const partition of [...this.partitions.keys()]) this.onResign(partition);
  }

  isLoading(): boolean {
    for (const s of this.partitions.values()) if (s.loading) return true;
    return false;
  }

  // ---------------------------------------------------------------- JoinGroup

  async joinGroup(req: JoinGroupRequest): Promise<JoinGroupResult> {
    if (req.groupId === '') return joinError(req.memberId, E.INVALID_GROUP_ID);
    const status = this.partitionError(req.groupId);
    if (status !== E.NONE) return joinError(req.memberId, status);
    if (
      req.sessionTimeoutMs < this.config.groupMinSessionTimeoutMs ||
      req.sessionTimeoutMs > this.config.groupMaxSessionTimeoutMs
    ) {
      return joinError(req.memberId, E.INVALID_SESSION_TIMEOUT);
    }
    const isUnknownMember = req.memberId === '';
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (!isUnknownMember) return joinError(req.memberId, E.UNKNOWN_MEMBER_ID);
      group = this.addGroup(req.groupId);
    }
    const g = group;
    const result = await new Promise<JoinGroupResult>((resolve) => {
      if (!this.acceptJoiningMember(g, req.memberId)) {
        resolve(joinError(req.memberId, E.GROUP_MAX_SIZE_REACHED));
      } else if (isUnknownMember) {
        this.doNewMemberJoin(g, req, resolve);
      } else {
        this.doCurrentMemberJoin(g, req, resolve);
      }
      if (g.is('PreparingRebalance')) this.maybeCompleteJoin(g);
    });
    this.maybeDropUnusedGroup(g);
    return result;
  }

  private acceptJoiningMember(group: GroupMetadata, memberId: string): boolean {
    if (group.has(memberId) || group.isPendingMember(memberId)) return true;
    return group.size + group.pendingMembers.size < this.config.groupMaxSize;
  }

  private doNewMemberJoin(
    group: GroupMetadata,
    req: JoinGroupRequest,
    resolve: (r: JoinGroupResult) => void,
  ): void {
    if (group.is('Dead')) {
      resolve(joinError('', E.COORDINATOR_NOT_AVAILABLE));
      return;
    }
    if (
      !group.supportsProtocols(
        req.protocolType,
        req.protocols.map((p) => p.name),
      )
    ) {
      resolve(joinError('', E.INCONSISTENT_GROUP_PROTOCOL));
      return;
    }
    const newMemberId = `${req.groupInstanceId ?? req.clientId}-${this.newUuid()}`;
    if (req.groupInstanceId !== null) {
      this.doStaticMemberJoin(group, req, req.groupInstanceId, newMemberId, resolve);
    } else if (req.requireKnownMemberId) {
      // The client must come back with this id, so that a retried JoinGroup cannot leave a defunct member.
      group.pendingMembers.add(newMemberId);
      this.scheduler.schedule(pendingKey(group.groupId, newMemberId), req.sessionTimeoutMs, () =>
        this.onExpirePendingMember(group, newMemberId),
      );
      resolve(joinError(newMemberId, E.MEMBER_ID_REQUIRED));
    } else {
      this.addMemberAndRebalance(group, req, newMemberId, resolve);
    }
  }

  private doStaticMemberJoin(
    group: GroupMetadata,
    req: JoinGroupRequest,
    groupInstanceId: string,
    newMemberId: string,
    resolve: (r: JoinGroupResult) => void,
  ): void {
    const oldMemberId = group.staticMemberId(groupInstanceId);
    if (oldMemberId === undefined) {
      this.addMemberAndRebalance(group, req, newMemberId, resolve);
      return;
    }
    const member = group.get(oldMemberId)!;
    this.scheduler.cancel(sessionKey(group.groupId, oldMemberId));
    const fencedJoin = joinError(oldMemberId, E.FENCED_INSTANCE_ID);
    const fencedSync = syncError(E.FENCED_INSTANCE_ID);
    if (!group.is('Stable')) {
      group.replaceStaticMember(groupInstanceId, oldMemberId, newMemberId, fencedJoin, fencedSync);
      this.updateMemberAndRebalance(group, member, req, resolve, 'static member rejoined with a new id');
      return;
    }
    const old = {
      protocols: member.supportedProtocols,
      rebalanceTimeoutMs: member.rebalanceTimeoutMs,
      sessionTimeoutMs: member.sessionTimeoutMs,
    };
    group.replaceStaticMember(groupInstanceId, oldMemberId, newMemberId, fencedJoin, fencedSync);
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, null);
    this.scheduleSession(group, member);
    if (group.selectProtocol() !== group.protocolName) {
      group.setAwaitingJoin(member, resolve);
      this.maybePrepareRebalance(group, 'static member rejoined with protocols that change the selection');
      return;
    }
    // No rebalance: the member keeps its assignment under its new id, which must be durable before the
    // member may use it, or a restarted coordinator would fence it as unknown.
    const generation = group.generationId;
    const assignments = new Map<string, Buffer>();
    for (const m of group.members.values()) assignments.set(m.memberId, m.assignment);
    void this.storeGroup(group, assignments).then((errorCode) => {
      if (!this.isCurrent(group) || group.generationId !== generation || group.get(newMemberId) !== member) {
        return resolve(joinError(newMemberId, E.REBALANCE_IN_PROGRESS));
      }
      if (errorCode !== E.NONE) {
        group.replaceStaticMember(groupInstanceId, newMemberId, oldMemberId, fencedJoin, fencedSync);
        group.updateMember(member, old.protocols, old.rebalanceTimeoutMs, old.sessionTimeoutMs, null);
        this.scheduler.cancel(sessionKey(group.groupId, newMemberId));
        this.scheduleSession(group, member);
        return resolve(joinError(newMemberId, errorCode));
      }
      const isLeader = group.isLeader(newMemberId);
      resolve({
        errorCode: E.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leaderId ?? '',
        memberId: newMemberId,
        // KIP-814: the leader learns the members but must not reassign; older clients resync and get theirs.
        skipAssignment: isLeader,
        members: isLeader ? group.currentMemberMetadata() : [],
      });
    });
  }

  private doCurrentMemberJoin(
    group: GroupMetadata,
    req: JoinGroupRequest,
    resolve: (r: JoinGroupResult) => void,
  ): void {
    const memberId = req.memberId;
    if (group.is('Dead')) {
      resolve(joinError(memberId, E.COORDINATOR_NOT_AVAILABLE));
      return;
    }
    if (
      !group.supportsProtocols(
        req.protocolType,
        req.protocols.map((p) => p.name),
      )
    ) {
      resolve(joinError(memberId, E.INCONSISTENT_GROUP_PROTOCOL));
      return;
    }
    if (group.isPendingMember(memberId)) {
      if (req.groupInstanceId !== null) {
        resolve(joinError(memberId, E.UNKNOWN_MEMBER_ID));
        return;
      }
      this.addMemberAndRebalance(group, req, memberId, resolve);
      return;
    }
    if (group.isStaticMemberFenced(req.groupInstanceId, memberId)) {
      resolve(joinError(memberId, E.FENCED_INSTANCE_ID));
      return;
    }
    const member = group.get(memberId);
    if (!member || (req.groupInstanceId !== null && !group.hasStaticMember(req.groupInstanceId))) {
      resolve(joinError(memberId, E.UNKNOWN_MEMBER_ID));
      return;
    }
    switch (group.state) {
      case 'PreparingRebalance': {
        this.updateMemberAndRebalance(group, member, req, resolve, 'member rejoined');
        return;
      }
      case 'CompletingRebalance':
        if (member.matches(req.protocols)) {
          resolve(this.joinResultFor(group, member));
          return;
        }
        {
          this.updateMemberAndRebalance(group, member, req, resolve, 'member rejoined with new protocols');
          return;
        }
      case 'Stable':
        if (group.isLeader(memberId) || !member.matches(req.protocols)) {
          this.updateMemberAndRebalance(group, member, req, resolve, 'leader or changed member rejoined');
          return;
        }
        {
          resolve(this.joinResultFor(group, member));
          return;
        }
      default: {
        resolve(joinError(memberId, E.UNKNOWN_MEMBER_ID));
        return;
      }
    }
  }

  private joinResultFor(group: GroupMetadata, member: MemberMetadata): JoinGroupResult {
    const isLeader = group.isLeader(member.memberId);
    return {
      errorCode: E.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      skipAssignment: false,
      members: isLeader ? group.currentMemberMetadata() : [],
    };
  }

  private addMemberAndRebalance(
    group: GroupMetadata,
    req: JoinGroupRequest,
    memberId: string,
    resolve: (r: JoinGroupResult) => void,
  ): void {
    const member = new MemberMetadata({
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      protocolType: req.protocolType,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      sessionTimeoutMs: req.sessionTimeoutMs,
      supportedProtocols: req.protocols,
    });
    member.isNew = true;
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member, resolve);
    group.pendingMembers.delete(memberId);
    this.scheduler.cancel(pendingKey(group.groupId, memberId));
    this.scheduleSession(group, member);
    this.maybePrepareRebalance(group, `member ${memberId} joined${req.reason ? `: ${req.reason}` : ''}`);
  }

  private updateMemberAndRebalance(
    group: GroupMetadata,
    member: MemberMetadata,
    req: JoinGroupRequest,
    resolve: (r: JoinGroupResult) => void,
    reason: string,
  ): void {
    // A second JoinGroup from the same member replaces the first, which learns it lost the race.
    group.maybeInvokeJoin(member, joinError(member.memberId, E.UNKNOWN_MEMBER_ID));
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, resolve);
    this.maybePrepareRebalance(group, req.reason ? `${reason}: ${req.reason}` : reason);
  }

  private maybePrepareRebalance(group: GroupMetadata, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason);
  }

  private prepareRebalance(group: GroupMetadata, reason: string): void {
    if (group.is('CompletingRebalance'))
      this.resetAndPropagateAssignmentError(group, E.REBALANCE_IN_PROGRESS);
    this.scheduler.cancel(syncKey(group.groupId));
    const fromEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.clock.nowMs());
    const delay = this.config.groupInitialRebalanceDelayMs;
    if (fromEmpty && delay > 0) {
      group.newMemberAdded = false;
      this.armInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs() - delay, 0));
    } else {
      group.pendingJoin = { kind: 'rebalance' };
      this.scheduler.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs(), () =>
        this.onCompleteJoin(group),
      );
    }
    this.logger.info(
      { group: group.groupId, generation: group.generationId, reason },
      'preparing to rebalance group',
    );
    this.maybeCompleteJoin(group);
  }

  /**
   * The first rebalance of an empty group waits `delayMs` for more members; while new ones keep arriving
   * it waits again (at most the configured delay each time) until `remainingMs` of the rebalance timeout
   * is used up.
   */
  private armInitialJoin(group: GroupMetadata, delayMs: number, remainingMs: number): void {
    group.pendingJoin = { kind: 'initial', remainingMs };
    this.scheduler.schedule(joinKey(group.groupId), delayMs, () => {
      if (!this.isCurrent(group) || !group.is('PreparingRebalance')) return;
      if (group.newMemberAdded && remainingMs !== 0) {
        group.newMemberAdded = false;
        const next = Math.min(this.config.groupInitialRebalanceDelayMs, remainingMs);
        this.armInitialJoin(group, next, Math.max(remainingMs - next, 0));
      } else {
        this.onCompleteJoin(group);
      }
    });
  }

  /** The regular delayed join completes as soon as everyone has rejoined; the initial delay always waits. */
  private maybeCompleteJoin(group: GroupMetadata): void {
    if (
      group.is('PreparingRebalance') &&
      group.pendingJoin?.kind === 'rebalance' &&
      group.hasAllMembersJoined()
    ) {
      this.onCompleteJoin(group);
    }
  }

  private onCompleteJoin(group: GroupMetadata): void {
    if (!this.isCurrent(group) || !group.is('PreparingRebalance')) return;
    this.scheduler.cancel(joinKey(group.groupId));
    group.pendingJoin = null;
    // Dynamic members that did not rejoin in time are gone; static ones keep their place until their
    // session expires, so a bounced static member gets its old assignment back.
    for (const m of group.notYetRejoinedMembers()) {
      if (m.isStatic) continue;
      this.scheduler.cancel(sessionKey(group.groupId, m.memberId));
      group.remove(m.memberId);
    }
    if (group.leaderId !== null && !group.get(group.leaderId)?.awaitingJoin) {
      // The leader must be a member that is in this JoinGroup round, since only it receives the members.
      for (const m of group.members.values()) {
        if (m.awaitingJoin) {
          group.leaderId = m.memberId;
          break;
        }
      }
    }
    group.initNextGeneration(this.clock.nowMs());
    this.logger.info(
      {
        group: group.groupId,
        generation: group.generationId,
        members: group.size,
        protocol: group.protocolName,
      },
      'group formed a new generation',
    );
    if (group.is('Empty')) {
      void this.storeGroup(group, new Map()).then((errorCode) => {
        if (errorCode !== E.NONE) {
          this.logger.warn(
            { group: group.groupId, errorCode },
            'could not write the metadata of an emptied group',
          );
        }
      });
      return;
    }
    for (const m of group.members.values()) {
      group.maybeInvokeJoin(m, this.joinResultFor(group, m));
      m.isNew = false;
      this.scheduleSession(group, m);
    }
    const generation = group.generationId;
    this.scheduler.schedule(syncKey(group.groupId), group.rebalanceTimeoutMs(), () =>
      this.onExpirePendingSync(group, generation),
    );
  }

  /** Members that never sent SyncGroup within the rebalance timeout are removed, and the group rebalances. */
  private onExpirePendingSync(group: GroupMetadata, generation: number): void {
    if (!this.isCurrent(group) || group.generationId !== generation) return;
    if (!group.is('CompletingRebalance') && !group.is('Stable')) return;
    if (group.pendingSyncMembers.size === 0) return;
    for (const memberId of [...group.pendingSyncMembers]) {
      this.scheduler.cancel(sessionKey(group.groupId, memberId));
      group.remove(memberId);
    }
    this.prepareRebalance(group, 'members did not send SyncGroup in time');
  }

  // ---------------------------------------------------------------- SyncGroup

  async syncGroup(req: SyncGroupRequest): Promise<SyncGroupResult> {
    if (req.groupId === '') return syncError(E.INVALID_GROUP_ID);
    const status = this.partitionError(req.groupId);
    if (status !== E.NONE) return syncError(status);
    const group = this.groups.get(req.groupId);
    if (!group) return syncError(E.UNKNOWN_MEMBER_ID);
    if (group.is('Dead')) return syncError(E.COORDINATOR_NOT_AVAILABLE);
    if (group.isStaticMemberFenced(req.groupInstanceId, req.memberId)) return syncError(E.FENCED_INSTANCE_ID);
    const member = group.get(req.memberId);
    if (!member) return syncError(E.UNKNOWN_MEMBER_ID);
    if (req.generationId !== group.generationId) return syncError(E.ILLEGAL_GENERATION);
    if (
      (req.protocolType !== null && req.protocolType !== group.protocolType) ||
      (req.protocolName !== null && req.protocolName !== group.protocolName)
    ) {
      return syncError(E.INCONSISTENT_GROUP_PROTOCOL);
    }
    switch (group.state) {
      case 'PreparingRebalance':
        return syncError(E.REBALANCE_IN_PROGRESS);
      case 'Stable':
        group.pendingSyncMembers.delete(member.memberId);
        this.scheduleSession(group, member);
        return this.syncResult(group, member.assignment);
      case 'CompletingRebalance':
        return new Promise<SyncGroupResult>((resolve) => {
          // A retried SyncGroup replaces the parked one.
          group.maybeInvokeSync(member, syncError(E.REBALANCE_IN_PROGRESS));
          member.awaitingSync = resolve;
          group.pendingSyncMembers.delete(member.memberId);
          if (group.isLeader(member.memberId)) this.onLeaderSync(group, req);
        });
      default:
        return syncError(E.UNKNOWN_MEMBER_ID);
    }
  }

  private onLeaderSync(group: GroupMetadata, req: SyncGroupRequest): void {
    const assignments = new Map<string, Buffer>();
    for (const a of req.assignments) if (group.has(a.memberId)) assignments.set(a.memberId, a.assignment);
    // Members the leader forgot get an empty assignment rather than none.
    for (const id of group.members.keys()) if (!assignments.has(id)) assignments.set(id, EMPTY_BYTES);
    const generation = req.generationId;
    void this.storeGroup(group, assignments).then((errorCode) => {
      // Another member may have joined while the record was being written: only the same generation,
      // still waiting for its assignment, may take it.
      if (!this.isCurrent(group) || !group.is('CompletingRebalance') || group.generationId !== generation)
        return;
      if (errorCode !== E.NONE) {
        this.resetAndPropagateAssignmentError(group, errorCode);
        this.maybePrepareRebalance(group, 'storing the assignment failed');
        return;
      }
      for (const m of group.members.values()) {
        m.assignment = assignments.get(m.memberId) ?? EMPTY_BYTES;
        if (group.maybeInvokeSync(m, this.syncResult(group, m.assignment))) {
          // Its session could not expire while it waited; count from now.
          this.scheduleSession(group, m);
        }
      }
      group.transitionTo('Stable', this.clock.nowMs());
    });
  }

  private syncResult(group: GroupMetadata, assignment: Buffer): SyncGroupResult {
    return {
      errorCode: E.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment,
    };
  }

  private resetAndPropagateAssignmentError(group: GroupMetadata, errorCode: number): void {
    for (const m of group.members.values()) {
      m.assignment = EMPTY_BYTES;
      group.maybeInvokeSync(m, syncError(errorCode));
    }
  }

  // ---------------------------------------------------------------- Heartbeat, LeaveGroup, sessions

  heartbeat(req: HeartbeatRequest): number {
    if (req.groupId === '') return E.INVALID_GROUP_ID;
    const status = this.partitionError(req.groupId);
    if (status !== E.NONE) return status;
    const group = this.groups.get(req.groupId);
    if (!group) return E.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return E.COORDINATOR_NOT_AVAILABLE;
    if (group.isStaticMemberFenced(req.groupInstanceId, req.memberId)) return E.FENCED_INSTANCE_ID;
    const member = group.get(req.memberId);
    if (!member) return E.UNKNOWN_MEMBER_ID;
    if (req.generationId !== group.generationId) return E.ILLEGAL_GENERATION;
    switch (group.state) {
      case 'Empty':
        return E.UNKNOWN_MEMBER_ID;
      case 'PreparingRebalance':
        this.scheduleSession(group, member);
        return E.REBALANCE_IN_PROGRESS;
      default:
        this.scheduleSession(group, member);
        return E.NONE;
    }
  }

  leaveGroup(req: LeaveGroupRequest): LeaveGroupResult {
    if (req.groupId === '') return { errorCode: E.INVALID_GROUP_ID, members: [] };
    const status = this.partitionError(req.groupId);
    if (status !== E.NONE) return { errorCode: status, members: [] };
    const group = this.groups.get(req.groupId);
    const results: LeaveGroupResult['members'] = [];
    for (const leaving of req.members) {
      const out = (errorCode: number) =>
        results.push({ memberId: leaving.memberId, groupInstanceId: leaving.groupInstanceId, errorCode });
      if (!group) {
        out(E.UNKNOWN_MEMBER_ID);
        continue;
      }
      if (group.is('Dead')) return { errorCode: E.COORDINATOR_NOT_AVAILABLE, members: [] };
      let memberId = leaving.memberId;
      if (memberId === '' && leaving.groupInstanceId !== null) {
        memberId = group.staticMemberId(leaving.groupInstanceId) ?? '';
      }
      if (group.isPendingMember(memberId)) {
        this.removePendingMember(group, memberId);
        out(E.NONE);
      } else if (group.isStaticMemberFenced(leaving.groupInstanceId, memberId)) {
        out(E.FENCED_INSTANCE_ID);
      } else {
        const member = group.get(memberId);
        if (!member) {
          out(E.UNKNOWN_MEMBER_ID);
          continue;
        }
        this.removeMemberAndUpdateGroup(
          group,
          member,
          `left the group${leaving.reason ? `: ${leaving.reason}` : ''}`,
        );
        out(E.NONE);
      }
    }
    return { errorCode: E.NONE, members: results };
  }

  private scheduleSession(group: GroupMetadata, member: MemberMetadata): void {
    const memberId = member.memberId;
    const timeout = member.isNew ? this.config.newMemberJoinTimeoutMs : member.sessionTimeoutMs;
    this.scheduler.schedule(sessionKey(group.groupId, memberId), timeout, () =>
      this.onExpireSession(group, memberId),
    );
  }

  private onExpireSession(group: GroupMetadata, memberId: string): void {
    if (!this.isCurrent(group) || group.is('Dead')) return;
    const member = group.get(memberId);
    if (!member) return;
    // A member parked in JoinGroup or SyncGroup cannot heartbeat: the rebalance's own timeouts bound it.
    if ((member.awaitingJoin && !member.isNew) || member.awaitingSync) {
      this.scheduleSession(group, member);
      return;
    }
    this.removeMemberAndUpdateGroup(group, member, 'session timeout expired');
  }

  private removeMemberAndUpdateGroup(group: GroupMetadata, member: MemberMetadata, reason: string): void {
    this.scheduler.cancel(sessionKey(group.groupId, member.memberId));
    group.maybeInvokeJoin(member, joinError(member.memberId, E.UNKNOWN_MEMBER_ID));
    group.maybeInvokeSync(member, syncError(E.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
    this.logger.info({ group: group.groupId, member: member.memberId, reason }, 'member removed from group');
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group, `member ${member.memberId} ${reason}`);
        break;
      case 'PreparingRebalance':
        this.maybeCompleteJoin(group);
        break;
      default:
        break;
    }
  }

  private onExpirePendingMember(group: GroupMetadata, memberId: string): void {
    if (!this.isCurrent(group) || !group.isPendingMember(memberId)) return;
    this.removePendingMember(group, memberId);
    this.maybeDropUnusedGroup(group);
  }

  private removePendingMember(group: GroupMetadata, memberId: string): void {
    group.pendingMembers.delete(memberId);
    this.scheduler.cancel(pendingKey(group.groupId, memberId));
    this.maybeCompleteJoin(group);
  }

  // ---------------------------------------------------------------- offsets

  async commitOffsets(req: OffsetCommitRequest): Promise<PartitionResult[]> {
    const all = (errorCode: number) =>
      req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, errorCode }));
    const status = this.partitionError(req.groupId);
    if (status !== E.NONE) return all(status);
    let group = this.groups.get(req.groupId);
    if (!group) {
      // A commit outside group management creates the group to hold its offsets; a generation for a group
      // that does not exist comes from a member of a generation long gone.
      if (req.generationId >= 0) return all(E.ILLEGAL_GENERATION);
      group = this.addGroup(req.groupId);
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
        if (member) this.scheduleSession(group, member);
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

  private validateOffsetCommit(
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
  private async storeOffsets(
    group: GroupMetadata,
    offsets: readonly OffsetCommitPartition[],
    txn: TransactionalAppend | null,
  ): Promise<PartitionResult[]> {
    const commitTimestamp = this.clock.nowMs();
    // Appends land in the order they are made, so the batch's place in the log is known now.
    const logOrder = ++this.logOrder;
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
    if (txn !== null && accepted.length > 0) this.indexTxnGroup(txn.producerId, group);
    let errorCode: number = E.NONE;
    if (records.length > 0) {
      try {
        const partition = this.partitionFor(group.groupId);
        await (txn === null
          ? this.store.append(partition, records)
          : this.store.append(partition, records, txn));
      } catch (err) {
        errorCode = storeErrorCode(err, true);
        this.logger.warn(
          { group: group.groupId, err, producerId: txn?.producerId },
          'offset commit was not stored',
        );
      }
    }
    // A group deleted or unloaded meanwhile must not get its offsets back in the cache.
    const apply = errorCode === E.NONE && this.isCurrent(group) && !group.is('Dead');
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
      this.unindexTxnGroup(txn.producerId, group.groupId);
    }
    return results;
  }

  // ---------------------------------------------------------------- transactional offsets

  async commitTxnOffsets(params: TxnOffsetCommitParams): Promise<TxnOffsetCommitTopicResult[]> {
    const all = (errorCode: number): TxnOffsetCommitTopicResult[] =>
      params.offsets.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode })),
      }));
    // Unlike OffsetCommit, Kafka has no legacy allowance for the empty group id here.
    if (params.groupId === '') return all(E.INVALID_GROUP_ID);
    const status = this.partitionError(params.groupId);
    if (status !== E.NONE) return all(status);
    // A group that does not exist is created to hold the offsets, whatever the generation: the member
    // check below then answers a stale member.
    const group = this.groups.get(params.groupId) ?? this.addGroup(params.groupId);
    const invalid = this.validateOffsetCommit(group, params, true);
    if (invalid !== E.NONE) {
      this.maybeDropUnusedGroup(group);
      return all(invalid);
    }
    const flat: OffsetCommitPartition[] = [];
    for (const t of params.offsets) {
      for (const p of t.partitions) {
        flat.push({
          topic: t.topic,
          partition: p.partition,
          offset: p.offset,
          leaderEpoch: p.leaderEpoch,
          metadata: p.metadata,
        });
      }
    }
    const results = await this.storeOffsets(group, flat, {
      producerId: params.producerId,
      producerEpoch: params.producerEpoch,
      transactional: true,
    });
    this.maybeDropUnusedGroup(group);
    let k = 0;
    return params.offsets.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: results[k++]!.errorCode })),
    }));
  }

  completeTxn(producerId: number, committed: boolean, offsetsPartition: number): void {
    const state = this.partitions.get(offsetsPartition);
    if (state === undefined) return;
    if (state.loading) {
      state.deferredTxnCompletions.push({ producerId, committed });
      return;
    }
    const groupIds = this.txnGroups.get(producerId);
    if (groupIds === undefined) return;
    for (const groupId of groupIds) {
      if (this.partitionFor(groupId) !== offsetsPartition) continue;
      groupIds.delete(groupId);
      const group = this.groups.get(groupId);
      if (group === undefined) continue;
      group.completeTxnOffsets(producerId, committed);
      this.maybeDropUnusedGroup(group);
    }
    if (groupIds.size === 0) this.txnGroups.delete(producerId);
    this.logger.debug(
      { producerId, committed, partition: offsetsPartition },
      'transactional offsets completed',
    );
  }

  private indexTxnGroup(producerId: number, group: GroupMetadata): void {
    let groupIds = this.txnGroups.get(producerId);
    if (!groupIds) {
      groupIds = new Set();
      this.txnGroups.set(producerId, groupIds);
    }
    groupIds.add(group.groupId);
  }

  private unindexTxnGroup(producerId: number, groupId: string): void {
    const groupIds = this.txnGroups.get(producerId);
    if (groupIds?.delete(groupId) && groupIds.size === 0) this.txnGroups.delete(producerId);
  }

  /** The group leaves this coordinator (deleted, unloaded): its pending offsets go with it. */
  private unindexTxnGroupAll(group: GroupMetadata): void {
    for (const producerId of group.pendingTxnOffsets.producerIds())
      this.unindexTxnGroup(producerId, group.groupId);
  }

  /**
   * Pending transactional offsets are never returned; with `requireStable`, a partition that has some
   * answers UNSTABLE_OFFSET_COMMIT (the client retries until the transaction ends).
   */
  fetchOffsets(req: OffsetFetchRequest): OffsetFetchResult {
    const status = this.partitionError(req.groupId);
    if (status !== E.NONE) return { errorCode: status, partitions: [] };
    const group = this.groups.get(req.groupId);
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
    const status = this.partitionError(req.groupId);
    if (status !== E.NONE) return { errorCode: status, partitions: [] };
    const group = this.groups.get(req.groupId);
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
      const errorCode = await this.appendOrError(group.groupId, records);
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
      const status = this.partitionError(groupId);
      if (status !== E.NONE) return dead(status);
      const group = this.groups.get(groupId);
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
    for (const group of this.groups.values()) {
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
    const status = this.partitionError(groupId);
    if (status !== E.NONE) return { groupId, errorCode: status };
    const group = this.groups.get(groupId);
    if (!group || group.is('Dead')) return { groupId, errorCode: E.GROUP_ID_NOT_FOUND };
    if (!group.is('Empty')) return { groupId, errorCode: E.NON_EMPTY_GROUP };
    const records = [];
    for (const [topic, byPartition] of group.offsets) {
      for (const partition of byPartition.keys()) records.push(offsetTombstone(groupId, topic, partition));
    }
    records.push(groupTombstone(groupId));
    group.transitionTo('Dead', this.clock.nowMs());
    this.groups.delete(groupId);
    this.unindexTxnGroupAll(group);
    this.cancelGroupTimers(group);
    return { groupId, errorCode: await this.appendOrError(groupId, records) };
  }

  // ---------------------------------------------------------------- helpers

  private partitionError(groupId: string): number {
    const state = this.partitions.get(this.partitionFor(groupId));
    if (state === undefined) return E.NOT_COORDINATOR;
    return state.loading ? E.COORDINATOR_LOAD_IN_PROGRESS : E.NONE;
  }

  private isCurrent(group: GroupMetadata): boolean {
    return this.groups.get(group.groupId) === group;
  }

  private addGroup(groupId: string): GroupMetadata {
    const group = new GroupMetadata(groupId, 'Empty', this.clock.nowMs());
    this.groups.set(groupId, group);
    return group;
  }

  /** A group created by a JoinGroup that then failed (or whose pending member expired) leaves no trace. */
  private maybeDropUnusedGroup(group: GroupMetadata): void {
    if (
      this.isCurrent(group) &&
      group.is('Empty') &&
      group.generationId === 0 &&
      group.size === 0 &&
      group.pendingMembers.size === 0 &&
      !group.hasOffsets()
    ) {
      this.groups.delete(group.groupId);
    }
  }

  private unload(group: GroupMetadata, errorCode: number): void {
    this.groups.delete(group.groupId);
    this.unindexTxnGroupAll(group);
    this.cancelGroupTimers(group);
    for (const m of group.members.values()) {
      group.maybeInvokeJoin(m, joinError(m.memberId, errorCode));
      group.maybeInvokeSync(m, syncError(errorCode));
    }
    group.transitionTo('Dead', this.clock.nowMs());
  }

  private cancelGroupTimers(group: GroupMetadata): void {
    this.scheduler.cancel(joinKey(group.groupId));
    this.scheduler.cancel(syncKey(group.groupId));
    for (const id of group.members.keys()) this.scheduler.cancel(sessionKey(group.groupId, id));
    for (const id of group.pendingMembers) this.scheduler.cancel(pendingKey(group.groupId, id));
  }

  /** Writes the group's metadata record; resolves to the error code to answer with (never rejects). */
  private storeGroup(group: GroupMetadata, assignments: ReadonlyMap<string, Buffer>): Promise<number> {
    return this.appendOrError(group.groupId, [groupMetadataRecord(group, assignments)]);
  }

  private async appendOrError(groupId: string, records: Parameters<ConsumerOffsetsStore['append']>[1]) {
    try {
      await this.store.append(this.partitionFor(groupId), records);
      return E.NONE;
    } catch (err) {
      this.logger.warn({ group: groupId, err }, 'append to __consumer_offsets failed');
      return storeErrorCode(err, false);
    }
  }
}

/** Kafka's mapping of a failed append to what the coordinator answers. */
function storeErrorCode(err: unknown, offsetCommit: boolean): number {
  if (!isKafkaError(err)) return E.UNKNOWN_SERVER_ERROR;
  switch (err.errorName) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
    case 'NOT_ENOUGH_REPLICAS':
    case 'NOT_ENOUGH_REPLICAS_AFTER_APPEND':
    case 'REQUEST_TIMED_OUT':
      return E.COORDINATOR_NOT_AVAILABLE;
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'KAFKA_STORAGE_ERROR':
      return E.NOT_COORDINATOR;
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
    case 'INVALID_FETCH_SIZE':
      return offsetCommit ? E.INVALID_COMMIT_OFFSET_SIZE : E.UNKNOWN_SERVER_ERROR;
    default:
      return offsetCommit ? err.code : E.UNKNOWN_SERVER_ERROR;
  }
}

// Timer keys: one place, so that arming and cancelling always agree. NUL cannot occur in a group id sent
// by a well-behaved client and keeps group and member ids from running into each other.
function sessionKey(groupId: string, memberId: string): string {
  return `session\0${groupId}\0${memberId}`;
}
function pendingKey(groupId: string, memberId: string): string {
  return `pending\0${groupId}\0${memberId}`;
}
function joinKey(groupId: string): string {
  return `join\0${groupId}`;
}
function syncKey(groupId: string): string {
  return `sync\0${groupId}`;
}
