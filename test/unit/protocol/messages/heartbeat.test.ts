import { describe, it } from 'vitest';
import {
  HEARTBEAT_REQUEST,
  HEARTBEAT_RESPONSE,
  type HeartbeatRequest,
  type HeartbeatResponse,
} from '../../../../src/protocol/messages/heartbeat.js';
import { expectGolden, hex } from '../golden.js';

describe('Heartbeat', () => {
  it('v0 request and response', () => {
    expectGolden<HeartbeatRequest>(
      HEARTBEAT_REQUEST,
      0,
      { groupId: 'g1', generationId: 3, memberId: 'm1' },
      hex(`
      0002 6731   // group_id: "g1"
      00000003    // generation_id: 3
      0002 6d31   // member_id: "m1"
    `),
    );
    expectGolden<HeartbeatResponse>(
      HEARTBEAT_RESPONSE,
      0,
      { errorCode: 27 },
      hex('001b // REBALANCE_IN_PROGRESS'),
    );
  });

  it('v4 request and response (flexible)', () => {
    expectGolden<HeartbeatRequest>(
      HEARTBEAT_REQUEST,
      4,
      { groupId: 'g1', generationId: 3, memberId: 'm1', groupInstanceId: 'i1' },
      hex(`
      03 6731    // group_id: "g1"
      00000003   // generation_id: 3
      03 6d31    // member_id: "m1"
      03 6931    // group_instance_id: "i1" (v3+)
      00         // tagged fields
    `),
    );
    expectGolden<HeartbeatResponse>(
      HEARTBEAT_RESPONSE,
      4,
      { throttleTimeMs: 0, errorCode: 0 },
      hex(`
      00000000   // throttle_time_ms (v1+)
      0000       // error_code: 0
      00         // tagged fields
    `),
    );
  });
});
