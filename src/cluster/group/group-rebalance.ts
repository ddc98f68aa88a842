import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { GroupCoordinatorConfig } from './group-config.js';
import { GROUP_ERROR_CODES as E, joinError, syncError } from './group-error-codes.js';
import type { GroupMetadata } from './group-metadata.js';
import type { GroupRegistry } from './group-registry.js';
import { joinKey, pendingKey, sessionKey, syncKey } from './group-timer-keys.js';
import type {
  HeartbeatRequest,
  JoinGroupResult,
  LeaveGroupRequest,
  LeaveGroupResult,
  SyncGroupRequest,
  SyncGroupResult,
} from './group-types.js';
import { EMPTY_BYTES, type MemberMetadata } from './member-metadata.js';
import type { Scheduler } from './scheduler.js';

/** The JoinGroup answer for a member of the group's current generation; only the leader learns the members. */
export function joinResultFor(group: GroupMetadata, member: MemberMetadata): JoinGroupResult {
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

/**
 * The classic rebalance protocol's state machine after a member has joined: PreparingRebalance (the delayed
 * join, the initial-rebalance delay of an empty group), the new generation, CompletingRebalance (SyncGroup,
 * the leader's assignment stored before anyone gets theirs), Stable; and what drives it from outside a
 * JoinGroup: Heartbeat, LeaveGroup, session expiry, pending members and members that never sync.
 *
 * Serialisation: part of one GroupCoordinator, on the broker's event loop. State changes are synchronous;
 * timer callbacks and continuations after a store append re-check `registry.isCurrent` and the state and
 * generation they expect, as Kafka's callbacks do under the group lock.
 */
export class GroupRebalance {
  private readonly config: GroupCoordinatorConfig;
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly logger: Logger;

  constructor(private readonly registry: GroupRegistry) {
    this.config = registry.config;
    this.clock = registry.clock;
    this.scheduler = registry.scheduler;
    this.logger = registry.logger;
  }

  maybePrepareRebalance(group: GroupMetadata, reason: string): void {
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
      if (!this.registry.isCurrent(group) || !group.is('PreparingRebalance')) return;
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
  maybeCompleteJoin(group: GroupMetadata): void {
    if (
      group.is('PreparingRebalance') &&
      group.pendingJoin?.kind === 'rebalance' &&
      group.hasAllMembersJoined()
    ) {
      this.onCompleteJoin(group);
    }
  }

  private onCompleteJoin(group: GroupMetadata): void {
    if (!this.registry.isCurrent(group) || !group.is('PreparingRebalance')) return;
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
      void this.registry.storeGroup(group, new Map()).then((errorCode) => {
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
      group.maybeInvokeJoin(m, joinResultFor(group, m));
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
    if (!this.registry.isCurrent(group) || group.generationId !== generation) return;
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
    const status = this.registry.partitionError(req.groupId);
    if (status !== E.NONE) return syncError(status);
    const group = this.registry.groups.get(req.groupId);
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
    void this.registry.storeGroup(group, assignments).then((errorCode) => {
      // Another member may have joined while the record was being written: only the same generation,
      // still waiting for its assignment, may take it.
      if (
        !this.registry.isCurrent(group) ||
        !group.is('CompletingRebalance') ||
        group.generationId !== generation
      )
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
    const status = this.registry.partitionError(req.groupId);
    if (status !== E.NONE) return status;
    const group = this.registry.groups.get(req.groupId);
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
    const status = this.registry.partitionError(req.groupId);
    if (status !== E.NONE) return { errorCode: status, members: [] };
    const group = this.registry.groups.get(req.groupId);
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

  scheduleSession(group: GroupMetadata, member: MemberMetadata): void {
    const memberId = member.memberId;
    const timeout = member.isNew ? this.config.newMemberJoinTimeoutMs : member.sessionTimeoutMs;
    this.scheduler.schedule(sessionKey(group.groupId, memberId), timeout, () =>
      this.onExpireSession(group, memberId),
    );
  }

  private onExpireSession(group: GroupMetadata, memberId: string): void {
    if (!this.registry.isCurrent(group) || group.is('Dead')) return;
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

  onExpirePendingMember(group: GroupMetadata, memberId: string): void {
    if (!this.registry.isCurrent(group) || !group.isPendingMember(memberId)) return;
    this.removePendingMember(group, memberId);
    this.registry.maybeDropUnusedGroup(group);
  }

  private removePendingMember(group: GroupMetadata, memberId: string): void {
    group.pendingMembers.delete(memberId);
    this.scheduler.cancel(pendingKey(group.groupId, memberId));
    this.maybeCompleteJoin(group);
  }

  /** Cancels every timer armed for the group (it is deleted or unloaded). */
  cancelGroupTimers(group: GroupMetadata): void {
    this.scheduler.cancel(joinKey(group.groupId));
    this.scheduler.cancel(syncKey(group.groupId));
    for (const id of group.members.keys()) this.scheduler.cancel(sessionKey(group.groupId, id));
    for (const id of group.pendingMembers) this.scheduler.cancel(pendingKey(group.groupId, id));
  }
}
