import type {
  GroupStateName,
  JoinGroupMember,
  JoinGroupProtocol,
  JoinGroupResult,
  SyncGroupResult,
} from './group-types.js';
import type { MemberMetadata } from './member-metadata.js';
import { PendingTxnOffsets } from './pending-txn-offsets.js';

/**
 * A classic consumer group: its state, generation, members and committed offsets.
 *
 * States and transitions (Kafka's GroupMetadata):
 *
 *   Empty               no members; may hold offsets. A member joining → PreparingRebalance;
 *                       the group being deleted (or its offsets expiring) → Dead.
 *   PreparingRebalance  members are (re)joining. The join completes when every known member has rejoined
 *                       and no member is pending, or when the rebalance timeout (the longest of the members')
 *                       expires, or — for a group that was Empty — after group.initial.rebalance.delay.ms
 *                       (extended while new members keep arriving). Completion removes dynamic members
 *                       that did not rejoin and starts the next generation → CompletingRebalance, or → Empty
 *                       if no member is left. Partition unloaded → Dead.
 *   CompletingRebalance the generation is formed; members wait in SyncGroup for the leader's assignment.
 *                       The leader's assignment, once durable → Stable. A member joining, leaving or
 *                       expiring → PreparingRebalance (waiting syncs get REBALANCE_IN_PROGRESS).
 *   Stable              everyone has an assignment; heartbeats keep sessions alive. A member joining with
 *                       changed protocols, the leader rejoining, a member leaving or expiring →
 *                       PreparingRebalance.
 *   Dead                the group is gone (deleted, or its partition moved away); no further transition.
 *
 *   Empty → PreparingRebalance → CompletingRebalance → Stable → PreparingRebalance → … ; any → Dead.
 *
 * Invariants:
 * - `generationId` only grows, by one per completed join (also when the group becomes Empty).
 * - `leaderId` is a member's id whenever there are members, and null when there are none.
 * - `protocolName` is set (the protocol every member supports, chosen by vote) in CompletingRebalance and
 *   Stable; null after a generation that left the group Empty.
 * - `protocolType` is set by the first member of an empty group; every later member must match it.
 * - `staticMembers` maps each static member's group.instance.id to its current member id, and only those.
 * - `numMembersAwaitingJoin` counts members whose `awaitingJoin` is set.
 * - `supportedProtocolCounts` counts, per protocol name, the members supporting it.
 *
 * Not safe for concurrent use: it is only touched on the broker's event loop, by the GroupCoordinator,
 * which re-checks state and generation after every await before touching it again.
 */

const VALID_PREVIOUS_STATES: Readonly<Record<GroupStateName, readonly GroupStateName[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /**
   * Where the commit's record sits in its `__consumer_offsets` partition relative to the others: a number
   * that grows with log order (the coordinator counts appends and replayed records). A transaction's
   * offsets replace a committed one only if they were written after it, as Kafka compares batch offsets.
   */
  logOrder: number;
}

/** Which delayed join is armed while the group is PreparingRebalance. */
export type PendingJoin =
  | { readonly kind: 'rebalance' }
  | { readonly kind: 'initial'; readonly remainingMs: number }
  | null;

export class GroupMetadata {
  readonly groupId: string;
  private stateValue: GroupStateName;
  currentStateTimestamp: number;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  readonly members = new Map<string, MemberMetadata>();
  /** Member ids handed out with MEMBER_ID_REQUIRED whose owners have not joined yet. */
  readonly pendingMembers = new Set<string>();
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  private readonly staticMembers = new Map<string, string>();
  private readonly supportedProtocolCounts = new Map<string, number>();
  private numMembersAwaitingJoin = 0;
  /** A member joined during the initial delay of a group's first rebalance: extend the delay. */
  newMemberAdded = false;
  pendingJoin: PendingJoin = null;
  /** topic → partition → committed offset. */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();
  /** Transactional offsets in the log whose transaction has not ended yet. */
  readonly pendingTxnOffsets = new PendingTxnOffsets();

  constructor(groupId: string, state: GroupStateName, nowMs: number) {
    this.groupId = groupId;
    this.stateValue = state;
    this.currentStateTimestamp = nowMs;
  }

  get state(): GroupStateName {
    return this.stateValue;
  }

  is(state: GroupStateName): boolean {
    return this.stateValue === state;
  }

  transitionTo(state: GroupStateName, nowMs: number): void {
    if (!VALID_PREVIOUS_STATES[state].includes(this.stateValue)) {
      throw new Error(`group ${this.groupId} cannot move from ${this.stateValue} to ${state}`);
    }
    this.stateValue = state;
    this.currentStateTimestamp = nowMs;
  }

  /** Members may join, leave or expire and so start a rebalance only from these states. */
  canRebalance(): boolean {
    return VALID_PREVIOUS_STATES.PreparingRebalance.includes(this.stateValue);
  }

  get size(): number {
    return this.members.size;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): MemberMetadata | undefined {
    return this.members.get(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  add(member: MemberMetadata, awaitingJoin: ((r: JoinGroupResult) => void) | null): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    for (const p of member.supportedProtocols) this.countProtocol(p.name, 1);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.setAwaitingJoin(member, awaitingJoin);
    if (this.leaderId === null) this.leaderId = member.memberId;
  }

  remove(memberId: string): MemberMetadata | undefined {
    const member = this.members.get(memberId);
    if (!member) return undefined;
    this.members.delete(memberId);
    for (const p of member.supportedProtocols) this.countProtocol(p.name, -1);
    if (member.awaitingJoin) this.numMembersAwaitingJoin--;
    member.awaitingJoin = null;
    this.pendingSyncMembers.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) {
      const next = this.members.keys().next();
      this.leaderId = next.done ? null : next.value;
    }
    return member;
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  staticMemberId(groupInstanceId: string | null): string | undefined {
    return groupInstanceId === null ? undefined : this.staticMembers.get(groupInstanceId);
  }

  hasStaticMember(groupInstanceId: string | null): boolean {
    return groupInstanceId !== null && this.staticMembers.has(groupInstanceId);
  }

  /** A static member's instance id is now held by another member id: the caller is a zombie. */
  isStaticMemberFenced(groupInstanceId: string | null, memberId: string): boolean {
    const current = this.staticMemberId(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  /**
   * A static member rejoined under a new member id: the new id takes over the member's record (assignment,
   * leadership), and whatever the old id had parked is answered FENCED_INSTANCE_ID.
   */
  replaceStaticMember(
    groupInstanceId: string,
    oldMemberId: string,
    newMemberId: string,
    fencedJoin: JoinGroupResult,
    fencedSync: SyncGroupResult,
  ): MemberMetadata {
    const member = this.members.get(oldMemberId);
    if (!member) throw new Error(`group ${this.groupId} has no member ${oldMemberId} to replace`);
    this.maybeInvokeJoin(member, fencedJoin);
    this.maybeInvokeSync(member, fencedSync);
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  updateMember(
    member: MemberMetadata,
    protocols: JoinGroupProtocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    awaitingJoin: ((r: JoinGroupResult) => void) | null,
  ): void {
    for (const p of member.supportedProtocols) this.countProtocol(p.name, -1);
    for (const p of protocols) this.countProtocol(p.name, 1);
    member.supportedProtocols = protocols;
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (awaitingJoin) this.setAwaitingJoin(member, awaitingJoin);
  }

  setAwaitingJoin(member: MemberMetadata, awaitingJoin: ((r: JoinGroupResult) => void) | null): void {
    if (member.awaitingJoin && !awaitingJoin) this.numMembersAwaitingJoin--;
    else if (!member.awaitingJoin && awaitingJoin) this.numMembersAwaitingJoin++;
    member.awaitingJoin = awaitingJoin;
  }

  maybeInvokeJoin(member: MemberMetadata, result: JoinGroupResult): void {
    const resolve = member.awaitingJoin;
    if (!resolve) return;
    this.setAwaitingJoin(member, null);
    resolve(result);
  }

  maybeInvokeSync(member: MemberMetadata, result: SyncGroupResult): boolean {
    const resolve = member.awaitingSync;
    if (!resolve) return false;
    member.awaitingSync = null;
    resolve(result);
    return true;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numMembersAwaitingJoin && this.pendingMembers.size === 0;
  }

  notYetRejoinedMembers(): MemberMetadata[] {
    const out: MemberMetadata[] = [];
    for (const m of this.members.values()) if (!m.awaitingJoin) out.push(m);
    return out;
  }

  /** The longest rebalance timeout of the members: how long a rebalance may wait for all of them. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) if (m.rebalanceTimeoutMs > max) max = m.rebalanceTimeoutMs;
    return max;
  }

  /**
   * Whether a joining member can be let in: the group is empty (and the member brings a protocol type and
   * protocols), or it shares the group's protocol type and supports a protocol every member supports.
   */
  supportsProtocols(memberProtocolType: string, protocolNames: readonly string[]): boolean {
    if (this.is('Empty')) return memberProtocolType !== '' && protocolNames.length > 0;
    if (this.protocolType !== memberProtocolType) return false;
    const n = this.members.size;
    return protocolNames.some((name) => this.supportedProtocolCounts.get(name) === n);
  }

  /**
   * The protocol of the next generation: among the protocols every member supports, the one most members
   * list first (ties go to the leader's preference, then the first member's), as Kafka's vote.
   */
  selectProtocol(): string | null {
    const n = this.members.size;
    if (n === 0) return null;
    const candidates = new Set<string>();
    for (const [name, count] of this.supportedProtocolCounts) if (count === n) candidates.add(name);
    if (candidates.size === 0) return null;
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const v = m.vote(candidates);
      if (v !== null) votes.set(v, (votes.get(v) ?? 0) + 1);
    }
    const tieBreaker =
      (this.leaderId !== null ? this.members.get(this.leaderId) : undefined) ??
      this.members.values().next().value!;
    let best: string | null = null;
    let bestVotes = -1;
    for (const p of tieBreaker.supportedProtocols) {
      const v = votes.get(p.name) ?? 0;
      if (candidates.has(p.name) && v > bestVotes) {
        best = p.name;
        bestVotes = v;
      }
    }
    return best;
  }

  /** Completes a join: next generation, CompletingRebalance with a chosen protocol, or Empty. */
  initNextGeneration(nowMs: number): void {
    this.generationId++;
    this.pendingSyncMembers.clear();
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance', nowMs);
      for (const id of this.members.keys()) this.pendingSyncMembers.add(id);
    } else {
      this.protocolName = null;
      this.transitionTo('Empty', nowMs);
    }
  }

  /** What the leader's JoinGroup response lists: each member with its metadata for the chosen protocol. */
  currentMemberMetadata(): JoinGroupMember[] {
    const protocol = this.protocolName ?? '';
    const out: JoinGroupMember[] = [];
    for (const m of this.members.values()) {
      out.push({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        metadata: m.metadataFor(protocol),
      });
    }
    return out;
  }

  offset(topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(topic)?.get(partition);
  }

  putOffset(topic: string, partition: number, committed: CommittedOffset): void {
    let byPartition = this.offsets.get(topic);
    if (!byPartition) {
      byPartition = new Map();
      this.offsets.set(topic, byPartition);
    }
    byPartition.set(partition, committed);
  }

  /** Removes the committed offset (true if there was one) and any pending transactional ones. */
  removeOffset(topic: string, partition: number): boolean {
    this.pendingTxnOffsets.removePartition(topic, partition);
    const byPartition = this.offsets.get(topic);
    if (!byPartition?.delete(partition)) return false;
    if (byPartition.size === 0) this.offsets.delete(topic);
    return true;
  }

  /** Committed or pending transactional offsets: a group holding either must not be dropped. */
  hasOffsets(): boolean {
    return this.offsets.size > 0 || !this.pendingTxnOffsets.isEmpty();
  }

  /**
   * The producer's transaction ended: on commit its pending offsets become the committed ones, except
   * where a commit written later in the log already replaced them; on abort they are dropped.
   */
  completeTxnOffsets(producerId: number, commit: boolean): void {
    for (const { topic, partition, committed } of this.pendingTxnOffsets.take(producerId)) {
      if (!commit) continue;
      const current = this.offset(topic, partition);
      if (current === undefined || current.logOrder < committed.logOrder) {
        this.putOffset(topic, partition, committed);
      }
    }
  }

  private countProtocol(name: string, delta: number): void {
    const next = (this.supportedProtocolCounts.get(name) ?? 0) + delta;
    if (next <= 0) this.supportedProtocolCounts.delete(name);
    else this.supportedProtocolCounts.set(name, next);
  }
}
