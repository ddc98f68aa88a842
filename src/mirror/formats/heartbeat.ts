import { decodeStruct, readString, StructWriter } from './struct-codec.js';

/**
 * MirrorMaker 2's heartbeat record (connect/mirror-client Heartbeat), written to the `heartbeats` topic:
 *
 *   key   => sourceClusterAlias:STRING targetClusterAlias:STRING
 *   value => version:INT16 timestamp:INT64          (version 0; the version header precedes the v0 schema)
 *
 * Strings are Kafka STRINGs (INT16 length + UTF-8). The timestamp is epoch milliseconds.
 */
export interface Heartbeat {
  readonly sourceClusterAlias: string;
  readonly targetClusterAlias: string;
  readonly timestamp: number;
}

export const HEARTBEAT_VERSION = 0;

export function encodeHeartbeatKey(h: Pick<Heartbeat, 'sourceClusterAlias' | 'targetClusterAlias'>): Buffer {
  return new StructWriter(
    StructWriter.stringSize(h.sourceClusterAlias) + StructWriter.stringSize(h.targetClusterAlias),
  )
    .string(h.sourceClusterAlias)
    .string(h.targetClusterAlias)
    .finish();
}

export function encodeHeartbeatValue(h: Pick<Heartbeat, 'timestamp'>): Buffer {
  return new StructWriter(2 + 8).int16(HEARTBEAT_VERSION).int64(h.timestamp).finish();
}

/** Decodes a heartbeat record; a version other than 0 is read with the v0 schema, as MM2 does. */
export function decodeHeartbeat(key: Buffer | null, value: Buffer | null): Heartbeat & { version: number } {
  const aliases = decodeStruct(key, 'heartbeat key', (r) => ({
    sourceClusterAlias: readString(r),
    targetClusterAlias: readString(r),
  }));
  const { version, timestamp } = decodeStruct(value, 'heartbeat value', (r) => ({
    version: r.int16(),
    timestamp: r.int64(),
  }));
  return { ...aliases, timestamp, version };
}
