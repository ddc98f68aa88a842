import { describe, expect, it } from 'vitest';
import {
  JOIN_GROUP_REQUEST,
  JOIN_GROUP_RESPONSE,
  type JoinGroupRequest,
  type JoinGroupResponse,
} from '../../../../src/protocol/messages/join-group.js';
import { expectGolden, hex } from '../golden.js';

const META = Buffer.from('0102', 'hex');

describe('JoinGroup', () => {
  it('v0 request and response', () => {
    const decoded = expectGolden<JoinGroupRequest>(
      JOIN_GROUP_REQUEST,
      0,
      {
        groupId: 'g1',
        sessionTimeoutMs: 10000,
        memberId: '',
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: META }],
      },
      hex(`
      0002 6731                // group_id: "g1"
      00002710                 // session_timeout_ms: 10000
      0000                     // member_id: ""
      0008 636f6e73756d6572    // protocol_type: "consumer"
      00000001                 // [protocols] count 1
        0005 72616e6765        //   name: "range"
        00000002 0102          //   metadata: 2 bytes
    `),
    );
    // v1+ rebalance_timeout_ms defaults to -1 (the coordinator then uses the session timeout)
    expect(decoded.rebalanceTimeoutMs).toBe(-1);
    expectGolden<JoinGroupResponse>(
      JOIN_GROUP_RESPONSE,
      0,
      {
        errorCode: 0,
        generationId: 1,
        protocolName: 'range',
        leader: 'm1',
        memberId: 'm1',
        members: [{ memberId: 'm1', metadata: META }],
      },
      hex(`
      0000              // error_code: 0
      00000001          // generation_id: 1
      0005 72616e6765   // protocol_name: "range"
      0002 6d31         // leader: "m1"
      0002 6d31         // member_id: "m1"
      00000001          // [members] count 1
        0002 6d31       //   member_id: "m1"
        00000002 0102   //   metadata: 2 bytes
    `),
    );
  });

  it('v7 request and response (flexible)', () => {
    expectGolden<JoinGroupRequest>(
      JOIN_GROUP_REQUEST,
      7,
      {
        groupId: 'g1',
        sessionTimeoutMs: 10000,
        rebalanceTimeoutMs: 30000,
        memberId: 'm1',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: META }],
      },
      hex(`
      03 6731               // group_id: "g1"
      00002710              // session_timeout_ms: 10000
      00007530              // rebalance_timeout_ms: 30000 (v1+)
      03 6d31               // member_id: "m1"
      00                    // group_instance_id: null (v5+)
      09 636f6e73756d6572   // protocol_type: "consumer"
      02                    // [protocols] compact count 1
        06 72616e6765       //   name: "range"
        03 0102             //   metadata: compact 2 bytes
        00                  //   tagged fields
      00                    // tagged fields
    `),
    );
    expectGolden<JoinGroupResponse>(
      JOIN_GROUP_RESPONSE,
      7,
      {
        throttleTimeMs: 0,
        errorCode: 0,
        generationId: 2,
        protocolType: 'consumer',
        protocolName: 'range',
        leader: 'm1',
        memberId: 'm1',
        members: [{ memberId: 'm1', groupInstanceId: 'i1', metadata: META }],
      },
      hex(`
      00000000              // throttle_time_ms (v2+)
      0000                  // error_code: 0
      00000002              // generation_id: 2
      09 636f6e73756d6572   // protocol_type: "consumer" (v7+)
      06 72616e6765         // protocol_name: "range" (nullable v7+)
      03 6d31               // leader: "m1"
      03 6d31               // member_id: "m1"
      02                    // [members] compact count 1
        03 6d31             //   member_id: "m1"
        03 6931             //   group_instance_id: "i1" (v5+)
        03 0102             //   metadata
        00                  //   tagged fields
      00                    // tagged fields
    `),
    );
  });
});
