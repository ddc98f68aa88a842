import { describe, it } from 'vitest';
import {
  DESCRIBE_GROUPS_REQUEST,
  DESCRIBE_GROUPS_RESPONSE,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
} from '../../../../src/protocol/messages/describe-groups.js';
import { expectGolden, hex } from '../golden.js';

const META = Buffer.from('01', 'hex');
const ASSIGN = Buffer.from('02', 'hex');

describe('DescribeGroups', () => {
  it('v0 request and response', () => {
    expectGolden<DescribeGroupsRequest>(
      DESCRIBE_GROUPS_REQUEST,
      0,
      { groups: ['g1'] },
      hex('00000001 0002 6731 // [groups]: ["g1"]'),
    );
    expectGolden<DescribeGroupsResponse>(
      DESCRIBE_GROUPS_RESPONSE,
      0,
      {
        groups: [
          {
            errorCode: 0,
            groupId: 'g1',
            groupState: 'Stable',
            protocolType: 'consumer',
            protocolData: 'range',
            members: [
              {
                memberId: 'm1',
                clientId: 'c',
                clientHost: 'h',
                memberMetadata: META,
                memberAssignment: ASSIGN,
              },
            ],
          },
        ],
      },
      hex(`
      00000001                 // [groups] count 1
        0000                   //   error_code: 0
        0002 6731              //   group_id: "g1"
        0006 537461626c65      //   group_state: "Stable"
        0008 636f6e73756d6572  //   protocol_type: "consumer"
        0005 72616e6765        //   protocol_data: "range"
        00000001               //   [members] count 1
          0002 6d31            //     member_id: "m1"
          0001 63              //     client_id: "c"
          0001 68              //     client_host: "h"
          00000001 01          //     member_metadata
          00000001 02          //     member_assignment
    `),
    );
  });

  it('v5 request and response (flexible)', () => {
    expectGolden<DescribeGroupsRequest>(
      DESCRIBE_GROUPS_REQUEST,
      5,
      { groups: ['g1'], includeAuthorizedOperations: false },
      hex(`
      02 03 6731   // [groups]: ["g1"]
      00           // include_authorized_operations: false (v3+)
      00           // tagged fields
    `),
    );
    expectGolden<DescribeGroupsResponse>(
      DESCRIBE_GROUPS_RESPONSE,
      5,
      {
        throttleTimeMs: 0,
        groups: [
          {
            errorCode: 0,
            groupId: 'g1',
            groupState: 'Stable',
            protocolType: 'consumer',
            protocolData: 'range',
            members: [
              {
                memberId: 'm1',
                groupInstanceId: null,
                clientId: 'c',
                clientHost: 'h',
                memberMetadata: META,
                memberAssignment: ASSIGN,
              },
            ],
            authorizedOperations: -2147483648,
          },
        ],
      },
      hex(`
      00000000                 // throttle_time_ms (v1+)
      02                       // [groups] compact count 1
        0000                   //   error_code: 0
        03 6731                //   group_id: "g1"
        07 537461626c65        //   group_state: "Stable"
        09 636f6e73756d6572    //   protocol_type: "consumer"
        06 72616e6765          //   protocol_data: "range"
        02                     //   [members] compact count 1
          03 6d31              //     member_id: "m1"
          00                   //     group_instance_id: null (v4+)
          02 63                //     client_id: "c"
          02 68                //     client_host: "h"
          02 01                //     member_metadata
          02 02                //     member_assignment
          00                   //     tagged fields
        80000000               //   authorized_operations: INT32_MIN (v3+)
        00                     //   tagged fields
      00                       // tagged fields
    `),
    );
  });
});
