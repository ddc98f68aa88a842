import { describe, it } from 'vitest';
import {
  LIST_GROUPS_REQUEST,
  LIST_GROUPS_RESPONSE,
  type ListGroupsRequest,
  type ListGroupsResponse,
} from '../../../../src/protocol/messages/list-groups.js';
import { expectGolden, hex } from '../golden.js';

describe('ListGroups', () => {
  it('v0 request and response', () => {
    expectGolden<ListGroupsRequest>(LIST_GROUPS_REQUEST, 0, {}, hex(''));
    expectGolden<ListGroupsResponse>(
      LIST_GROUPS_RESPONSE,
      0,
      { errorCode: 0, groups: [{ groupId: 'g1', protocolType: 'consumer' }] },
      hex(`
      0000                     // error_code: 0
      00000001                 // [groups] count 1
        0002 6731              //   group_id: "g1"
        0008 636f6e73756d6572  //   protocol_type: "consumer"
    `),
    );
  });

  it('v4 request and response (flexible, state filter)', () => {
    expectGolden<ListGroupsRequest>(
      LIST_GROUPS_REQUEST,
      4,
      { statesFilter: ['Stable'] },
      hex(`
      02 07 537461626c65   // [states_filter]: ["Stable"] (v4+)
      00                   // tagged fields
    `),
    );
    expectGolden<ListGroupsResponse>(
      LIST_GROUPS_RESPONSE,
      4,
      {
        throttleTimeMs: 0,
        errorCode: 0,
        groups: [{ groupId: 'g1', protocolType: 'consumer', groupState: 'Stable' }],
      },
      hex(`
      00000000                 // throttle_time_ms (v1+)
      0000                     // error_code: 0
      02                       // [groups] compact count 1
        03 6731                //   group_id: "g1"
        09 636f6e73756d6572    //   protocol_type: "consumer"
        07 537461626c65        //   group_state: "Stable" (v4+)
        00                     //   tagged fields
      00                       // tagged fields
    `),
    );
  });
});
