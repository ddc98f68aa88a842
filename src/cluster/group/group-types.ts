/**
 * The coordinator's request and result types: plain objects in Kafka's field names, independent of any
 * protocol version. The broker's handlers translate each API version to and from these; int64 fields are
 * numbers, member metadata and assignments are opaque Buffers. An error is an `errorCode` from Kafka's table
 * (src/protocol/errors), 0 for none.
 */

export interface JoinGroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  /** '' for a member that does not have an id yet. */
  memberId: string;
  /** `group.instance.id` of a static member (JoinGroup v5+); null for a dynamic member. */
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  /** JoinGroup v0 has none: pass the session timeout, as Kafka does. */
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: JoinGroupProtocol[];
  /** True for JoinGroup v4+: an unknown member first gets MEMBER_ID_REQUIRED and its id. */
  requireKnownMemberId: boolean;
  /** Why the member rejoins (v8+); logged only. */
  reason?: string | null;
}

export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResult {
  errorCode: number;
  /** -1 on error. */
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  /** '' when there is none (errors). */
  leader: string;
  /** The member's id: the generated one for MEMBER_ID_REQUIRED and new members. */
  memberId: string;
  /** JoinGroup v9+: the leader must not compute a new assignment (a static leader rejoined a stable group). */
  skipAssignment: boolean;
  /** Every member with its metadata for the selected protocol, for the leader only; empty for the others. */
  members: JoinGroupMember[];
}

export interface SyncGroupAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** SyncGroup v5+; null where the version has none (then not checked). */
  protocolType: string | null;
  protocolName: string | null;
  /** The leader's assignments; empty from followers. */
  assignments: SyncGroupAssignment[];
}

export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveGroupMemberRequest {
  /** '' with a groupInstanceId to remove the static member by instance id alone. */
  memberId: string;
  groupInstanceId: string | null;
  reason?: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** LeaveGroup v0–v2 carry one member (pass it as a one-element list); v3+ a batch. */
  members: LeaveGroupMemberRequest[];
}

export interface LeaveGroupResult {
  /** Group-level error; when not 0 the per-member list is empty. */
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface OffsetCommitPartition extends TopicPartition {
  offset: number;
  /** -1 when unknown (OffsetCommit < v6). */
  leaderEpoch: number;
  /** null is stored as '', as Kafka does. */
  metadata: string | null;
}

export interface OffsetCommitRequest {
  groupId: string;
  /** -1 for a commit outside group management (simple consumers, admin tools). */
  generationId: number;
  /** '' outside group management. */
  memberId: string;
  groupInstanceId: string | null;
  offsets: OffsetCommitPartition[];
}

export interface PartitionResult extends TopicPartition {
  errorCode: number;
}

export interface OffsetFetchRequest {
  groupId: string;
  /** undefined or null: every partition the group has an offset for. */
  partitions?: TopicPartition[] | null;
  /** OffsetFetch v7+: partitions with pending transactional offsets answer UNSTABLE_OFFSET_COMMIT. */
  requireStable?: boolean;
}

export interface OffsetFetchPartition extends TopicPartition {
  /** -1 when the group has no offset for the partition. */
  offset: number;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface OffsetFetchResult {
  /** Group-level error (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, …); partitions are then empty. */
  errorCode: number;
  partitions: OffsetFetchPartition[];
}

export interface OffsetDeleteRequest {
  groupId: string;
  partitions: TopicPartition[];
}

export interface OffsetDeleteResult {
  errorCode: number;
  partitions: PartitionResult[];
}

export type GroupStateName = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Empty unless the group is Stable, as Kafka answers. */
  metadata: Buffer;
  assignment: Buffer;
}

export interface DescribedGroup {
  groupId: string;
  errorCode: number;
  /** 'Dead' with no members for a group this coordinator does not know. */
  groupState: GroupStateName;
  protocolType: string;
  /** '' unless Stable. */
  protocolData: string;
  members: DescribedMember[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: GroupStateName;
}

export interface ListGroupsResult {
  /** COORDINATOR_LOAD_IN_PROGRESS while some partition is loading (the list is then partial). */
  errorCode: number;
  groups: ListedGroup[];
}

export interface DeleteGroupResult {
  groupId: string;
  errorCode: number;
}
