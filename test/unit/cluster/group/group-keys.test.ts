import { describe, expect, it } from 'vitest';
import {
  decodeConsumerOffsetsKey,
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
} from '../../../../src/cluster/group/group-keys.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('__consumer_offsets record formats', () => {
  it('writes an offset commit key as version 1: group, topic, partition', () => {
    const key = encodeOffsetCommitKey('g', 't', 1);
    expect(key.toString('hex')).toBe(hex('0001 0001 67 0001 74 00000001').toString('hex'));
    expect(decodeConsumerOffsetsKey(key)).toEqual({ type: 'offset', group: 'g', topic: 't', partition: 1 });
  });

  it('writes a group metadata key as version 2: group', () => {
    const key = encodeGroupMetadataKey('grp');
    expect(key.toString('hex')).toBe('0002' + '0003' + '677270');
    expect(decodeConsumerOffsetsKey(key)).toEqual({ type: 'group', group: 'grp' });
  });

  it('reads version 0 offset keys and reports keys of newer coordinators as unknown', () => {
    expect(decodeConsumerOffsetsKey(hex('0000 0001 67 0001 74 00000002'))).toEqual({
      type: 'offset',
      group: 'g',
      topic: 't',
      partition: 2,
    });
    expect(decodeConsumerOffsetsKey(hex('0003 0001 67'))).toEqual({ type: 'unknown', version: 3 });
  });

  it('writes an offset commit value as version 3: offset, leader epoch, metadata, commit timestamp', () => {
    const value = encodeOffsetCommitValue({
      offset: 5,
      leaderEpoch: 2,
      metadata: 'm',
      commitTimestamp: 0x0102,
    });
    expect(value.toString('hex')).toBe(
      hex('0003 0000000000000005 00000002 0001 6d 0000000000000102').toString('hex'),
    );
    expect(decodeOffsetCommitValue(value)).toEqual({
      offset: 5,
      leaderEpoch: 2,
      metadata: 'm',
      commitTimestamp: 0x0102,
      expireTimestamp: -1,
    });
  });

  it('reads offset commit values of version 1 (with expire timestamp) and refuses unknown versions', () => {
    const v1 = hex('0001 0000000000000007 0000 0000000000000009 000000000000000a');
    expect(decodeOffsetCommitValue(v1)).toEqual({
      offset: 7,
      leaderEpoch: -1,
      metadata: '',
      commitTimestamp: 9,
      expireTimestamp: 10,
    });
    expect(() => decodeOffsetCommitValue(hex('0009 00'))).toThrow(/version 9/);
  });

  const groupValueHex = hex(`
    0003
    0008 636f6e73756d6572
    00000002
    0005 72616e6765
    0001 6d
    0000000000000010
    00000001
      0001 6d
      ffff
      0001 63
      0002 2f68
      00007530
      00002710
      00000002 aabb
      00000001 cc`);

  const groupValue = {
    protocolType: 'consumer',
    generation: 2,
    protocol: 'range',
    leader: 'm',
    currentStateTimestamp: 0x10,
    members: [
      {
        memberId: 'm',
        groupInstanceId: null,
        clientId: 'c',
        clientHost: '/h',
        rebalanceTimeout: 30000,
        sessionTimeout: 10000,
        subscription: Buffer.from([0xaa, 0xbb]),
        assignment: Buffer.from([0xcc]),
      },
    ],
  };

  it('writes a group metadata value as version 3, byte for byte', () => {
    expect(encodeGroupMetadataValue(groupValue).toString('hex')).toBe(groupValueHex.toString('hex'));
    expect(decodeGroupMetadataValue(groupValueHex)).toEqual(groupValue);
  });

  it('writes an emptied group with null protocol and leader', () => {
    const value = encodeGroupMetadataValue({
      protocolType: 'consumer',
      generation: 3,
      protocol: null,
      leader: null,
      currentStateTimestamp: 1,
      members: [],
    });
    expect(value.toString('hex')).toBe(
      hex('0003 0008 636f6e73756d6572 00000003 ffff ffff 0000000000000001 00000000').toString('hex'),
    );
  });

  it('reads a version 0 group value, whose members have only a session timeout', () => {
    const v0 = hex(`0000 0001 78 00000001 0001 70 0001 6d 00000001
      0001 6d 0001 63 0001 68 00001388 00000000 00000000`);
    const decoded = decodeGroupMetadataValue(v0);
    expect(decoded.currentStateTimestamp).toBe(-1);
    expect(decoded.members[0]).toMatchObject({ memberId: 'm', sessionTimeout: 5000, rebalanceTimeout: 5000 });
  });

  it('rejects a truncated value instead of reading past it', () => {
    expect(() => decodeGroupMetadataValue(groupValueHex.subarray(0, groupValueHex.length - 1))).toThrow();
  });
});
