import type { GroupCoordinatorConfig } from './group-config.js';
import { GROUP_ERROR_CODES as E, joinError, syncError } from './group-error-codes.js';
import type { GroupMetadata } from './group-metadata.js';
import { type GroupRebalance, joinResultFor } from './group-rebalance.js';
import type { GroupRegistry } from './group-registry.js';
import { pendingKey, sessionKey } from './group-timer-keys.js';
import type { JoinGroupRequest, JoinGroupResult } from './group-types.js';
import { MemberMetadata } from './member-metadata.js';
import type { Scheduler } from './scheduler.js';

/**
 * JoinGroup: admits a new, static or current member into a group (group.max.size, protocol compatibility,
 * KIP-394 member ids that must be sent back, KIP-345 static members replacing their old id), and hands the
 * member to GroupRebalance, which parks its answer until the rebalance completes.
 *
 * Serialisation: part of one GroupCoordinator, on the broker's event loop; a continuation after a store
 * append re-checks that the group, its generation and the member are still the ones it started with.
 */
export class GroupJoin {
  private readonly config: GroupCoordinatorConfig;
  private readonly scheduler: Scheduler;

  constructor(
    private readonly registry: GroupRegistry,
    private readonly rebalance: GroupRebalance,
    private readonly newUuid: () => string,
  ) {
    this.config = registry.config;
    this.scheduler = registry.scheduler;
  }

  async joinGroup(req: JoinGroupRequest): Promise<JoinGroupResult> {
    if (req.groupId === '') return joinError(req.memberId, E.INVALID_GROUP_ID);
    const status = this.registry.partitionError(req.groupId);
    if (status !== E.NONE) return joinError(req.memberId, status);
    if (
      req.sessionTimeoutMs < this.config.groupMinSessionTimeoutMs ||
      req.sessionTimeoutMs > this.config.groupMaxSessionTimeoutMs
    ) {
      return joinError(req.memberId, E.INVALID_SESSION_TIMEOUT);
    }
    const isUnknownMember = req.memberId === '';
    let group = this.registry.groups.get(req.groupId);
    if (!group) {
      if (!isUnknownMember) return joinError(req.memberId, E.UNKNOWN_MEMBER_ID);
      group = this.registry.addGroup(req.groupId);
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
      if (g.is('PreparingRebalance')) this.rebalance.maybeCompleteJoin(g);
    });
    this.registry.maybeDropUnusedGroup(g);
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
        this.rebalance.onExpirePendingMember(group, newMemberId),
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
    this.rebalance.scheduleSession(group, member);
    if (group.selectProtocol() !== group.protocolName) {
      group.setAwaitingJoin(member, resolve);
      this.rebalance.maybePrepareRebalance(
        group,
        'static member rejoined with protocols that change the selection',
      );
      return;
    }
    // No rebalance: the member keeps its assignment under its new id, which must be durable before the
    // member may use it, or a restarted coordinator would fence it as unknown.
    const generation = group.generationId;
    const assignments = new Map<string, Buffer>();
    for (const m of group.members.values()) assignments.set(m.memberId, m.assignment);
    void this.registry.storeGroup(group, assignments).then((errorCode) => {
      if (
        !this.registry.isCurrent(group) ||
        group.generationId !== generation ||
        group.get(newMemberId) !== member
      ) {
        return resolve(joinError(newMemberId, E.REBALANCE_IN_PROGRESS));
      }
      if (errorCode !== E.NONE) {
        group.replaceStaticMember(groupInstanceId, newMemberId, oldMemberId, fencedJoin, fencedSync);
        group.updateMember(member, old.protocols, old.rebalanceTimeoutMs, old.sessionTimeoutMs, null);
        this.scheduler.cancel(sessionKey(group.groupId, newMemberId));
        this.rebalance.scheduleSession(group, member);
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
          resolve(joinResultFor(group, member));
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
          resolve(joinResultFor(group, member));
          return;
        }
      default: {
        resolve(joinError(memberId, E.UNKNOWN_MEMBER_ID));
        return;
      }
    }
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
    this.rebalance.scheduleSession(group, member);
    this.rebalance.maybePrepareRebalance(
      group,
      `member ${memberId} joined${req.reason ? `: ${req.reason}` : ''}`,
    );
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
    this.rebalance.maybePrepareRebalance(group, req.reason ? `${reason}: ${req.reason}` : reason);
  }
}
