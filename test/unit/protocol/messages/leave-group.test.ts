import { describe, it } from 'vitest';
import {
  LEAVE_GROUP_REQUEST,
  LEAVE_GROUP_RESPONSE,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
} from '../../../../src/protocol/messages/leave-group.js';
import { expectGolden, hex } from '../golden.js';

describe('LeaveGroup', () => {
  it('v0 request and response', () => {
    expectGolden<LeaveGroupRequest>(
      LEAVE_GROUP_REQUEST,
      0,
      { groupId: 'g1', memberId: 'm1' },
      hex(`
      0002 6731   // group_id: "g1"
      0002 6d31   // member_id: "m1" (v0-2)
    `),
    );
    expectGolden<LeaveGroupResponse>(LEAVE_GROUP_RESPONSE, 0, { errorCode: 0 }, hex('0000 // error_code'));
  });

  it('v4 request and response (flexible, batched members)', () => {
    expectGolden<LeaveGroupRequest>(
      LEAVE_GROUP_REQUEST,
      4,
      { groupId: 'g1', members: [{ memberId: 'm1', groupInstanceId: null }] },
      hex(`
      03 6731       // group_id: "g1"
      02            // [members] compact count 1 (v3+)
        03 6d31     //   member_id: "m1"
        00          //   group_instance_id: null
        00          //   tagged fields
      00            // tagged fields
    `),
    );
    expectGolden<LeaveGroupResponse>(
      LEAVE_GROUP_RESPONSE,
      4,
      {
        throttleTimeMs: 0,
        errorCode: 0,
        members: [{ memberId: 'm1', groupInstanceId: null, errorCode: 25 }],
      },
      hex(`
      00000000      // throttle_time_ms (v1+)
      0000          // error_code: 0
      02            // [members] compact count 1 (v3+)
        03 6d31     //   member_id: "m1"
        00          //   group_instance_id: null
        0019        //   error_code: UNKNOWN_MEMBER_ID
        00          //   tagged fields
      00            // tagged fields
    `),
    );
  });
});
