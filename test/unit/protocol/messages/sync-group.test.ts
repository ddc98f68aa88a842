import { describe, it } from 'vitest';
import {
  SYNC_GROUP_REQUEST,
  SYNC_GROUP_RESPONSE,
  type SyncGroupRequest,
  type SyncGroupResponse,
} from '../../../../src/protocol/messages/sync-group.js';
import { expectGolden, hex } from '../golden.js';

const ASSIGNMENT = Buffer.from('0a0b0c', 'hex');

describe('SyncGroup', () => {
  it('v0 request and response', () => {
    expectGolden<SyncGroupRequest>(
      SYNC_GROUP_REQUEST,
      0,
      {
        groupId: 'g1',
        generationId: 1,
        memberId: 'm1',
        assignments: [{ memberId: 'm1', assignment: ASSIGNMENT }],
      },
      hex(`
      0002 6731           // group_id: "g1"
      00000001            // generation_id: 1
      0002 6d31           // member_id: "m1"
      00000001            // [assignments] count 1
        0002 6d31         //   member_id: "m1"
        00000003 0a0b0c   //   assignment: 3 bytes
    `),
    );
    expectGolden<SyncGroupResponse>(
      SYNC_GROUP_RESPONSE,
      0,
      { errorCode: 0, assignment: ASSIGNMENT },
      hex(`
      0000              // error_code: 0
      00000003 0a0b0c   // assignment: 3 bytes
    `),
    );
  });

  it('v5 request and response (flexible)', () => {
    expectGolden<SyncGroupRequest>(
      SYNC_GROUP_REQUEST,
      5,
      {
        groupId: 'g1',
        generationId: 1,
        memberId: 'm1',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [],
      },
      hex(`
      03 6731               // group_id: "g1"
      00000001              // generation_id: 1
      03 6d31               // member_id: "m1"
      00                    // group_instance_id: null (v3+)
      09 636f6e73756d6572   // protocol_type: "consumer" (v5+)
      06 72616e6765         // protocol_name: "range" (v5+)
      01                    // [assignments]: [] (a follower sends none)
      00                    // tagged fields
    `),
    );
    expectGolden<SyncGroupResponse>(
      SYNC_GROUP_RESPONSE,
      5,
      {
        throttleTimeMs: 0,
        errorCode: 0,
        protocolType: 'consumer',
        protocolName: 'range',
        assignment: ASSIGNMENT,
      },
      hex(`
      00000000              // throttle_time_ms (v1+)
      0000                  // error_code: 0
      09 636f6e73756d6572   // protocol_type: "consumer"
      06 72616e6765         // protocol_name: "range"
      04 0a0b0c             // assignment: compact 3 bytes
      00                    // tagged fields
    `),
    );
  });
});
