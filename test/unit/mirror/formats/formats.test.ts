import { describe, expect, it } from 'vitest';
import {
  decodeCheckpoint,
  decodeHeartbeat,
  decodeOffsetSync,
  encodeCheckpointKey,
  encodeCheckpointValue,
  encodeHeartbeatKey,
  encodeHeartbeatValue,
  encodeOffsetSyncKey,
  encodeOffsetSyncValue,
} from '../../../../src/mirror/formats/index.js';
import { isKafkaError } from '../../../../src/protocol/errors/index.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Hand-written from MM2's Schema definitions: STRING = int16 length + UTF-8, INT16/32/64 big-endian.
describe('Heartbeat (key: source STRING, target STRING; value: version INT16, timestamp INT64)', () => {
  const key = hex('0004 65617374  0004 77657374'); // "east", "west"
  const value = hex('0000  0000018bcfe56800'); // v0, 1700000000000
  it('encodes byte for byte', () => {
    expect(encodeHeartbeatKey({ sourceClusterAlias: 'east', targetClusterAlias: 'west' })).toEqual(key);
    expect(encodeHeartbeatValue({ timestamp: 1_700_000_000_000 })).toEqual(value);
  });
  it('decodes byte for byte', () => {
    expect(decodeHeartbeat(key, value)).toEqual({
      sourceClusterAlias: 'east',
      targetClusterAlias: 'west',
      timestamp: 1_700_000_000_000,
      version: 0,
    });
  });
});

describe('OffsetSync (key: topic STRING, partition INT32; value: upstreamOffset INT64, offset INT64)', () => {
  const key = hex('0006 6f7264657273  00000007'); // "orders", 7
  const value = hex('0000000000001000  00000000000003e8'); // 4096, 1000
  it('encodes byte for byte, without a version header', () => {
    expect(encodeOffsetSyncKey({ topic: 'orders', partition: 7 })).toEqual(key);
    expect(encodeOffsetSyncValue({ upstreamOffset: 4096, downstreamOffset: 1000 })).toEqual(value);
  });
  it('decodes byte for byte', () => {
    expect(decodeOffsetSync(key, value)).toEqual({
      topic: 'orders',
      partition: 7,
      upstreamOffset: 4096,
      downstreamOffset: 1000,
    });
  });
});

describe('Checkpoint (key: group, topic STRING, partition INT32; value: version INT16, upstream, offset INT64, metadata STRING)', () => {
  const key = hex('0002 6731  0001 74  00000000'); // "g1", "t", 0
  const value = hex('0000  000000000000002a  0000000000000029  0003 6d6574'); // v0, 42, 41, "met"
  it('encodes byte for byte', () => {
    expect(encodeCheckpointKey({ group: 'g1', topic: 't', partition: 0 })).toEqual(key);
    expect(encodeCheckpointValue({ upstreamOffset: 42, downstreamOffset: 41, metadata: 'met' })).toEqual(
      value,
    );
  });
  it('decodes byte for byte', () => {
    expect(decodeCheckpoint(key, value)).toEqual({
      group: 'g1',
      topic: 't',
      partition: 0,
      upstreamOffset: 42,
      downstreamOffset: 41,
      metadata: 'met',
      version: 0,
    });
  });
  it('writes an empty metadata string as length 0', () => {
    expect(
      encodeCheckpointValue({ upstreamOffset: 0, downstreamOffset: 0, metadata: '' }).subarray(18),
    ).toEqual(hex('0000'));
  });
});

describe('round trips and bad input', () => {
  it('round-trips non-ASCII names and large offsets', () => {
    const c = {
      group: 'grüppe-☃',
      topic: 'tópico',
      partition: 2_147_483_647,
      upstreamOffset: Number.MAX_SAFE_INTEGER,
      downstreamOffset: 2 ** 40 + 3,
      metadata: 'µ',
    };
    expect(decodeCheckpoint(encodeCheckpointKey(c), encodeCheckpointValue(c))).toEqual({ ...c, version: 0 });
    // UTF-8 byte length, not string length, is the prefix.
    expect(encodeOffsetSyncKey({ topic: 'tópico', partition: 0 }).readInt16BE(0)).toBe(7);
    const s = { topic: 'x', partition: 0, upstreamOffset: 0, downstreamOffset: -1 };
    expect(decodeOffsetSync(encodeOffsetSyncKey(s), encodeOffsetSyncValue(s))).toEqual(s);
  });
  it('reports truncated or null records as CORRUPT_MESSAGE naming the part', () => {
    const key = encodeOffsetSyncKey({ topic: 'orders', partition: 1 });
    expect(() =>
      decodeOffsetSync(
        key.subarray(0, key.length - 1),
        encodeOffsetSyncValue({ upstreamOffset: 1, downstreamOffset: 1 }),
      ),
    ).toThrow(/CORRUPT_MESSAGE: offset-sync key/);
    try {
      decodeHeartbeat(null, hex('0000'));
      expect.unreachable();
    } catch (err) {
      expect(isKafkaError(err, 'CORRUPT_MESSAGE')).toBe(true);
    }
    // A negative STRING length is not null in Kafka's STRING: it is corrupt.
    expect(() =>
      decodeCheckpoint(
        hex('ffff 0001 74 00000000'),
        encodeCheckpointValue({ upstreamOffset: 0, downstreamOffset: 0, metadata: '' }),
      ),
    ).toThrow(/checkpoint key/);
  });
  it('refuses offsets that are not safe integers rather than writing wrong bytes', () => {
    expect(() => encodeOffsetSyncValue({ upstreamOffset: 2 ** 53, downstreamOffset: 0 })).toThrow(
      /INVALID_RECORD/,
    );
  });
});
