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
  committed: Omit<CommittedOffset, 'logOrder'>,
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

/** A transactional offset record replay has seen but no marker has resolved yet. */
interface ReplayedTxnOffset {
  groupId: string;
  topic: string;
  partition: number;
  committed: CommittedOffset;
}

const CONTROL_TYPE_ABORT = 0;
const CONTROL_TYPE_COMMIT = 1;

/**
 * Replays one partition into groups: a group with a metadata record comes back Stable with its members and
 * their assignments (or Empty without members), a group known only by its offsets comes back Empty, as
 * Kafka loads them. `isCancelled` is polled between records so that a resignation stops a long load.
 * Members are loaded with the given resolvers unset; the caller arms their session timers.
 *
 * Offsets in transactional batches are held per producer id until that producer's next end marker: COMMIT
 * makes them committed where no later commit of the partition was seen, ABORT drops them, and those still
 * open at the end come back as the groups' pending transactional offsets. `nextLogOrder` numbers the
 * records in log order (see CommittedOffset.logOrder).
 */
export async function replayPartition(
  store: ConsumerOffsetsStore,
  partition: number,
  nowMs: number,
  isCancelled: () => boolean,
  nextLogOrder: () => number,
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
  const pending = new Map<number, Map<string, ReplayedTxnOffset>>();
  for await (const record of store.read(partition)) {
    if (isCancelled()) return null;
    const logOrder = nextLogOrder();
    if (record.controlType !== undefined) {
      if (record.controlType !== CONTROL_TYPE_ABORT && record.controlType !== CONTROL_TYPE_COMMIT) continue;
      const txn = pending.get(record.producerId ?? -1);
      if (!txn) continue;
      pending.delete(record.producerId ?? -1);
      if (record.controlType === CONTROL_TYPE_COMMIT) {
        for (const t of txn.values()) resolveTxnOffset(entry(t.groupId), t);
      }
      continue;
    }
    const key = decodeConsumerOffsetsKey(record.key);
    if (key.type === 'offset') {
      const committed = record.value === null ? null : committedFrom(record.value, logOrder);
      if (record.transactional === true && record.producerId !== undefined) {
        let txn = pending.get(record.producerId);
        if (!txn) {
          txn = new Map();
          pending.set(record.producerId, txn);
        }
        // Kafka's replay: a tombstone inside a transaction only withdraws that transaction's own offset.
        const txnKey = `${key.group}\0${key.topic}\0${key.partition}`;
        if (committed === null) txn.delete(txnKey);
        else txn.set(txnKey, { groupId: key.group, topic: key.topic, partition: key.partition, committed });
        // So that a group known only by offsets still pending at the end is loaded.
        entry(key.group);
        continue;
      }
      setOffset(entry(key.group), key.topic, key.partition, committed);
    } else if (key.type === 'group') {
      entry(key.group).metadata = record.value === null ? null : decodeGroupMetadataValue(record.value);
    }
    // Records of Kafka's newer coordinator (key versions ≥ 3) describe groups Ferry does not serve.
  }
  if (isCancelled()) return null;
  const pendingByGroup = new Map<string, { producerId: number; t: ReplayedTxnOffset }[]>();
  for (const [producerId, txn] of pending) {
    for (const t of txn.values()) {
      let list = pendingByGroup.get(t.groupId);
      if (!list) {
        list = [];
        pendingByGroup.set(t.groupId, list);
      }
      list.push({ producerId, t });
    }
  }
  const groups: GroupMetadata[] = [];
  for (const [groupId, g] of replayed) {
    const open = pendingByGroup.get(groupId);
    if (g.metadata === null && g.offsets.size === 0 && open === undefined) continue;
    const group = loadGroup(groupId, g.metadata, nowMs);
    for (const [topic, byPartition] of g.offsets) {
      for (const [p, committed] of byPartition) group.putOffset(topic, p, committed);
    }
    for (const { producerId, t } of open ?? []) {
      group.pendingTxnOffsets.put(producerId, t.topic, t.partition, t.committed);
    }
    groups.push(group);
  }
  return groups;
}

function committedFrom(value: Buffer, logOrder: number): CommittedOffset {
  const v = decodeOffsetCommitValue(value);
  return {
    offset: v.offset,
    leaderEpoch: v.leaderEpoch,
    metadata: v.metadata,
    commitTimestamp: v.commitTimestamp,
    logOrder,
  };
}

/** Compaction's rule: the last value wins, a tombstone (null) deletes. */
function setOffset(g: ReplayedGroup, topic: string, partition: number, committed: CommittedOffset | null) {
  let byPartition = g.offsets.get(topic);
  if (committed === null) {
    byPartition?.delete(partition);
    if (byPartition?.size === 0) g.offsets.delete(topic);
    return;
  }
  if (!byPartition) {
    byPartition = new Map();
    g.offsets.set(topic, byPartition);
  }
  byPartition.set(partition, committed);
}

/** A committed transaction's offset wins unless the partition's offset was written later. */
function resolveTxnOffset(g: ReplayedGroup, t: ReplayedTxnOffset): void {
  const current = g.offsets.get(t.topic)?.get(t.partition);
  if (current === undefined || current.logOrder < t.committed.logOrder) {
    setOffset(g, t.topic, t.partition, t.committed);
  }
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
