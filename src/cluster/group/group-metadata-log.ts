import type { ConsumerOffsetsRecord, ConsumerOffsetsStore } from './consumer-offsets-store.js';
import {
  decodeConsumerOffsetsKey,
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  type GroupMetadataValue,
} from './group-keys.js';
import { type CommittedOffset, GroupMetadata } from './group-metadata.js';
import { EMPTY_BYTES, MemberMetadata } from './member-metadata.js';

/**
 * The coordinator's state as records of `__consumer_offsets`, both ways: the records a change writes, and
 * the replay of a partition into groups when the coordinator becomes its leader. Replay follows compaction's
 * rule (the last value per key wins, a tombstone deletes), so it gives the same answer on a compacted and
 * an uncompacted log.
 */

/** The group metadata record Kafka writes when a generation's assignment is stored or the group empties. */
export function groupMetadataRecord(
  group: GroupMetadata,
  assignments: ReadonlyMap<string, Buffer>,
): ConsumerOffsetsRecord {
  const protocol = group.protocolName;
  const value: GroupMetadataValue = {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol,
    leader: group.leaderId,
    currentStateTimestamp: group.currentStateTimestamp,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: protocol === null ? EMPTY_BYTES : m.metadataFor(protocol),
      assignment: assignments.get(m.memberId) ?? EMPTY_BYTES,
    })),
  };
  return { key: encodeGroupMetadataKey(group.groupId), value: encodeGroupMetadataValue(value) };
}

export function offsetCommitRecord(
  groupId: string,
  topic: string,
  partition: number,
  committed: CommittedOffset,
): ConsumerOffsetsRecord {
  return { key: encodeOffsetCommitKey(groupId, topic, partition), value: encodeOffsetCommitValue(committed) };
}

export function offsetTombstone(groupId: string, topic: string, partition: number): ConsumerOffsetsRecord {
  return { key: encodeOffsetCommitKey(groupId, topic, partition), value: null };
}

export function groupTombstone(groupId: string): ConsumerOffsetsRecord {
  return { key: encodeGroupMetadataKey(groupId), value: null };
}

interface ReplayedGroup {
  metadata: GroupMetadataValue | null;
  offsets: Map<string, Map<number, CommittedOffset>>;
}

/**
 * Replays one partition into groups: a group with a metadata record comes back Stable with its members and
 * their assignments (or Empty without members), a group known only by its offsets comes back Empty, as
 * Kafka loads them. `isCancelled` is polled between records so that a resignation stops a long load.
 * Members are loaded with the given resolvers unset; the caller arms their session timers.
 */
export async function replayPartition(
  store: ConsumerOffsetsStore,
  partition: number,
  nowMs: number,
  isCancelled: () => boolean,
): Promise<GroupMetadata[] | null> {
  const replayed = new Map<string, ReplayedGroup>();
  const entry = (groupId: string): ReplayedGroup => {
    let g = replayed.get(groupId);
    if (!g) {
      g = { metadata: null, offsets: new Map() };
      replayed.set(groupId, g);
    }
    return g;
  };
  for await (const record of store.read(partition)) {
    if (isCancelled()) return null;
    const key = decodeConsumerOffsetsKey(record.key);
    if (key.type === 'offset') {
      const g = entry(key.group);
      let byPartition = g.offsets.get(key.topic);
      if (record.value === null) {
        byPartition?.delete(key.partition);
        if (byPartition?.size === 0) g.offsets.delete(key.topic);
        continue;
      }
      const v = decodeOffsetCommitValue(record.value);
      if (!byPartition) {
        byPartition = new Map();
        g.offsets.set(key.topic, byPartition);
      }
      byPartition.set(key.partition, {
        offset: v.offset,
        leaderEpoch: v.leaderEpoch,
        metadata: v.metadata,
        commitTimestamp: v.commitTimestamp,
      });
    } else if (key.type === 'group') {
      entry(key.group).metadata = record.value === null ? null : decodeGroupMetadataValue(record.value);
    }
    // Records of Kafka's newer coordinator (key versions ≥ 3) describe groups Ferry does not serve.
  }
  if (isCancelled()) return null;
  const groups: GroupMetadata[] = [];
  for (const [groupId, g] of replayed) {
    if (g.metadata === null && g.offsets.size === 0) continue;
    const group = loadGroup(groupId, g.metadata, nowMs);
    for (const [topic, byPartition] of g.offsets) {
      for (const [p, committed] of byPartition) group.putOffset(topic, p, committed);
    }
    groups.push(group);
  }
  return groups;
}

function loadGroup(groupId: string, value: GroupMetadataValue | null, nowMs: number): GroupMetadata {
  if (value === null) return new GroupMetadata(groupId, 'Empty', nowMs);
  const stamp = value.currentStateTimestamp >= 0 ? value.currentStateTimestamp : nowMs;
  const group = new GroupMetadata(groupId, value.members.length > 0 ? 'Stable' : 'Empty', stamp);
  group.generationId = value.generation;
  group.protocolType = value.protocolType === '' && value.members.length === 0 ? null : value.protocolType;
  group.protocolName = value.protocol;
  for (const m of value.members) {
    const member = new MemberMetadata({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      protocolType: value.protocolType,
      rebalanceTimeoutMs: m.rebalanceTimeout,
      sessionTimeoutMs: m.sessionTimeout,
      supportedProtocols: [{ name: value.protocol ?? '', metadata: m.subscription }],
    });
    member.assignment = m.assignment;
    group.add(member, null);
  }
  // `add` made the first member leader; the record says who was.
  if (value.leader !== null && group.has(value.leader)) group.leaderId = value.leader;
  return group;
}
