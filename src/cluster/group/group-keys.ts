import { ProtocolDecodeError } from '../../protocol/wire/protocol-errors.js';
import { Reader } from '../../protocol/wire/reader.js';
import { Writer } from '../../protocol/wire/writer.js';

/**
 * The key and value formats of the records in `__consumer_offsets`, byte for byte as Kafka writes them, so
 * that Kafka's own tools (kafka-console-consumer with the offsets formatter, kafka-dump-log) read what Ferry
 * writes and Ferry reads what Kafka wrote. All fields are big-endian, strings int16-length + UTF-8 (-1 null),
 * bytes int32-length; none of the versions written here is flexible.
 *
 *   key  := version int16, then
 *     version 0|1 (offset commit)  : group string, topic string, partition int32
 *     version 2   (group metadata) : group string
 *   offset commit value (written as version 3):
 *     version int16, offset int64, [v3+ leaderEpoch int32], metadata string, commitTimestamp int64,
 *     [v1 only: expireTimestamp int64]
 *   group metadata value (written as version 3):
 *     version int16, protocolType string, generation int32, protocol nullable string, leader nullable string,
 *     [v2+ currentStateTimestamp int64], members int32-count × (memberId string, [v3+ groupInstanceId nullable
 *     string], clientId string, clientHost string, [v1+ rebalanceTimeout int32], sessionTimeout int32,
 *     subscription bytes, assignment bytes)
 *
 * A null value (tombstone) deletes the key, and compaction of the topic keeps only the last value per key.
 * Key versions ≥ 3 belong to Kafka's KIP-848 coordinator; `decodeConsumerOffsetsKey` reports them as
 * `unknown` so a loader can skip them instead of failing. Value versions 4 (flexible) are not decoded.
 */

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';

export const OFFSET_COMMIT_KEY_VERSION = 1;
export const GROUP_METADATA_KEY_VERSION = 2;
export const OFFSET_COMMIT_VALUE_VERSION = 3;
export const GROUP_METADATA_VALUE_VERSION = 3;

export type ConsumerOffsetsKey =
  | { readonly type: 'offset'; readonly group: string; readonly topic: string; readonly partition: number }
  | { readonly type: 'group'; readonly group: string }
  | { readonly type: 'unknown'; readonly version: number };

export interface OffsetCommitValue {
  offset: number;
  /** -1 when the committer did not know the leader epoch. */
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** Only version 1 carries it; -1 otherwise. Read, never written. */
  expireTimestamp: number;
}

export interface GroupMemberValue {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeout: number;
  sessionTimeout: number;
  /** The member's metadata for the group's selected protocol. */
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  /** -1 when unknown (values before version 2). */
  currentStateTimestamp: number;
  members: GroupMemberValue[];
}

function strLen(s: string | null): number {
  return 2 + (s === null ? 0 : Buffer.byteLength(s, 'utf8'));
}

export function encodeOffsetCommitKey(group: string, topic: string, partition: number): Buffer {
  const w = new Writer(2 + strLen(group) + strLen(topic) + 4);
  return w
    .int16(OFFSET_COMMIT_KEY_VERSION)
    .nullableString(group)
    .nullableString(topic)
    .int32(partition)
    .toBuffer();
}

export function encodeGroupMetadataKey(group: string): Buffer {
  return new Writer(2 + strLen(group)).int16(GROUP_METADATA_KEY_VERSION).nullableString(group).toBuffer();
}

export function encodeOffsetCommitValue(v: Omit<OffsetCommitValue, 'expireTimestamp'>): Buffer {
  const w = new Writer(2 + 8 + 4 + strLen(v.metadata) + 8);
  return w
    .int16(OFFSET_COMMIT_VALUE_VERSION)
    .int64(v.offset)
    .int32(v.leaderEpoch)
    .nullableString(v.metadata)
    .int64(v.commitTimestamp)
    .toBuffer();
}

export function encodeGroupMetadataValue(v: GroupMetadataValue): Buffer {
  let size = 2 + strLen(v.protocolType) + 4 + strLen(v.protocol) + strLen(v.leader) + 8 + 4;
  for (const m of v.members) {
    size += strLen(m.memberId) + strLen(m.groupInstanceId) + strLen(m.clientId) + strLen(m.clientHost);
    size += 4 + 4 + 4 + m.subscription.length + 4 + m.assignment.length;
  }
  const w = new Writer(size);
  w.int16(GROUP_METADATA_VALUE_VERSION)
    .nullableString(v.protocolType)
    .int32(v.generation)
    .nullableString(v.protocol)
    .nullableString(v.leader)
    .int64(v.currentStateTimestamp)
    .int32(v.members.length);
  for (const m of v.members) {
    w.nullableString(m.memberId)
      .nullableString(m.groupInstanceId)
      .nullableString(m.clientId)
      .nullableString(m.clientHost)
      .int32(m.rebalanceTimeout)
      .int32(m.sessionTimeout)
      .nullableBytes(m.subscription)
      .nullableBytes(m.assignment);
  }
  return w.toBuffer();
}

export function decodeConsumerOffsetsKey(buf: Buffer): ConsumerOffsetsKey {
  const r = new Reader(buf);
  const version = r.int16();
  if (version === 0 || version === 1) {
    const group = r.string();
    const topic = r.string();
    return { type: 'offset', group, topic, partition: r.int32() };
  }
  if (version === 2) return { type: 'group', group: r.string() };
  return { type: 'unknown', version };
}

export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValue {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 3) {
    throw new ProtocolDecodeError(`offset commit value version ${version} is not supported`);
  }
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = r.string();
  const commitTimestamp = r.int64();
  const expireTimestamp = version === 1 ? r.int64() : -1;
  return { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp };
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValue {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 3) {
    throw new ProtocolDecodeError(`group metadata value version ${version} is not supported`);
  }
  const protocolType = r.string();
  const generation = r.int32();
  const protocol = r.nullableString();
  const leader = r.nullableString();
  const currentStateTimestamp = version >= 2 ? r.int64() : -1;
  // The least bytes a member takes: its string and byte-array length prefixes and its timeouts.
  const count = r.arrayLength(false, 8 + (version >= 3 ? 2 : 0) + (version >= 1 ? 8 : 4) + 8);
  const members: GroupMemberValue[] = [];
  for (let i = 0; i < count; i++) {
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    const clientId = r.string();
    const clientHost = r.string();
    const sessionOrRebalance = r.int32();
    // Version 0 has only the session timeout, which Kafka then also takes as the rebalance timeout.
    const rebalanceTimeout = sessionOrRebalance;
    const sessionTimeout = version >= 1 ? r.int32() : sessionOrRebalance;
    const subscription = r.bytes();
    const assignment = r.bytes();
    members.push({
      memberId,
      groupInstanceId,
      clientId,
      clientHost,
      rebalanceTimeout,
      sessionTimeout,
      subscription,
      assignment,
    });
  }
  return { protocolType, generation, protocol, leader, currentStateTimestamp, members };
}
