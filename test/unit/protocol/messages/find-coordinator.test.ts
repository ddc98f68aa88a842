import { describe, it } from 'vitest';
import {
  FIND_COORDINATOR_REQUEST,
  FIND_COORDINATOR_RESPONSE,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
} from '../../../../src/protocol/messages/find-coordinator.js';
import { expectGolden, hex } from '../golden.js';

describe('FindCoordinator', () => {
  it('v0: a single group key', () => {
    expectGolden<FindCoordinatorRequest>(
      FIND_COORDINATOR_REQUEST,
      0,
      { key: 'g1' },
      hex('0002 6731 // key: "g1"'),
    );
    expectGolden<FindCoordinatorResponse>(
      FIND_COORDINATOR_RESPONSE,
      0,
      { errorCode: 0, nodeId: 1, host: 'localhost', port: 9092 },
      hex(`
      0000                     // error_code: 0
      00000001                 // node_id: 1
      0009 6c6f63616c686f7374  // host: "localhost"
      00002384                 // port: 9092
    `),
    );
  });

  it('v4: batched keys (flexible)', () => {
    expectGolden<FindCoordinatorRequest>(
      FIND_COORDINATOR_REQUEST,
      4,
      { keyType: 1, coordinatorKeys: ['tx'] },
      hex(`
      01          // key_type: TRANSACTION (v1+)
      02 03 7478  // [coordinator_keys]: ["tx"] (v4+)
      00          // tagged fields
    `),
    );
    expectGolden<FindCoordinatorResponse>(
      FIND_COORDINATOR_RESPONSE,
      4,
      {
        throttleTimeMs: 0,
        coordinators: [
          { key: 'tx', nodeId: 2, host: 'localhost', port: 9093, errorCode: 0, errorMessage: null },
        ],
      },
      hex(`
      00000000                 // throttle_time_ms (v1+)
      02                       // [coordinators] compact count 1 (v4+)
        03 7478                //   key: "tx"
        00000002               //   node_id: 2
        0a 6c6f63616c686f7374  //   host: "localhost"
        00002385               //   port: 9093
        0000                   //   error_code: 0
        00                     //   error_message: null
        00                     //   tagged fields
      00                       // tagged fields
    `),
    );
  });
});
