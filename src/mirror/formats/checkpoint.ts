import { decodeStruct, readString, StructWriter } from './struct-codec.js';

/**
 * MirrorMaker 2's checkpoint record (connect/mirror-client Checkpoint), written to `<source>.checkpoints.internal`
 * on the target:
 *
 *   key   => group:STRING topic:STRING partition:INT32
 *   value => version:INT16 upstreamOffset:INT64 offset:INT64 metadata:STRING     (version 0)
 *
 * `topic` is the *source* topic name (RemoteClusterUtils renames it with the replication policy when it reads).
 * `metadata` is the committed offset's metadata, never null (Kafka's STRING has no null; use '').
 */
export interface Checkpoint {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly upstreamOffset: number;
  readonly downstreamOffset: number;
  readonly metadata: string;
}

export const CHECKPOINT_VERSION = 0;

export function encodeCheckpointKey(c: Pick<Checkpoint, 'group' | 'topic' | 'partition'>): Buffer {
  return new StructWriter(StructWriter.stringSize(c.group) + StructWriter.stringSize(c.topic) + 4)
    .string(c.group)
    .string(c.topic)
    .int32(c.partition)
    .finish();
}

export function encodeCheckpointValue(
  c: Pick<Checkpoint, 'upstreamOffset' | 'downstreamOffset' | 'metadata'>,
): Buffer {
  return new StructWriter(2 + 8 + 8 + StructWriter.stringSize(c.metadata))
    .int16(CHECKPOINT_VERSION)
    .int64(c.upstreamOffset)
    .int64(c.downstreamOffset)
    .string(c.metadata)
    .finish();
}

/** Decodes a checkpoint record; a version other than 0 is read with the v0 schema, as MM2 does. */
export function decodeCheckpoint(key: Buffer | null, value: Buffer | null): Checkpoint & { version: number } {
  const k = decodeStruct(key, 'checkpoint key', (r) => ({
    group: readString(r),
    topic: readString(r),
    partition: r.int32(),
  }));
  const v = decodeStruct(value, 'checkpoint value', (r) => ({
    version: r.int16(),
    upstreamOffset: r.int64(),
    downstreamOffset: r.int64(),
    metadata: readString(r),
  }));
  return { ...k, ...v };
}
