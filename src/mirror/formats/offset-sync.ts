import { decodeStruct, readString, StructWriter } from './struct-codec.js';

/**
 * MirrorMaker 2's offset-sync record (connect/mirror OffsetSync), written to `mm2-offset-syncs.<alias>.internal`:
 *
 *   key   => topic:STRING partition:INT32
 *   value => upstreamOffset:INT64 offset:INT64       (no version header)
 *
 * `topic` is the *source* topic name; `offset` is the downstream (target) offset that corresponds to
 * `upstreamOffset` on the source.
 */
export interface OffsetSync {
  readonly topic: string;
  readonly partition: number;
  readonly upstreamOffset: number;
  readonly downstreamOffset: number;
}

export function encodeOffsetSyncKey(s: Pick<OffsetSync, 'topic' | 'partition'>): Buffer {
  return new StructWriter(StructWriter.stringSize(s.topic) + 4).string(s.topic).int32(s.partition).finish();
}

export function encodeOffsetSyncValue(s: Pick<OffsetSync, 'upstreamOffset' | 'downstreamOffset'>): Buffer {
  return new StructWriter(16).int64(s.upstreamOffset).int64(s.downstreamOffset).finish();
}

export function decodeOffsetSync(key: Buffer | null, value: Buffer | null): OffsetSync {
  const { topic, partition } = decodeStruct(key, 'offset-sync key', (r) => ({
    topic: readString(r),
    partition: r.int32(),
  }));
  const { upstreamOffset, downstreamOffset } = decodeStruct(value, 'offset-sync value', (r) => ({
    upstreamOffset: r.int64(),
    downstreamOffset: r.int64(),
  }));
  return { topic, partition, upstreamOffset, downstreamOffset };
}
