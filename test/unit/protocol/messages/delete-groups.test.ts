import { describe, it } from 'vitest';
import {
  DELETE_GROUPS_REQUEST,
  DELETE_GROUPS_RESPONSE,
  type DeleteGroupsRequest,
  type DeleteGroupsResponse,
} from '../../../../src/protocol/messages/delete-groups.js';
import { ERROR_CODES, expectGolden, hex } from './hex-fixture.js';

describe('DeleteGroups', () => {
  it('v2 request (flexible)', () => {
    const request: DeleteGroupsRequest = { groupsNames: ['g'] };
    expectGolden(DELETE_GROUPS_REQUEST, 2, request, hex('02 02 67 # [groups_names] g\n 00'));
  });

  it('v0 response: NON_EMPTY_GROUP', () => {
    const response: DeleteGroupsResponse = {
      throttleTimeMs: 0,
      results: [{ groupId: 'g', errorCode: ERROR_CODES.NON_EMPTY_GROUP.code }],
    };
    expectGolden(DELETE_GROUPS_RESPONSE, 0, response, hex('00000000 00000001 0001 67 0044 # 68'));
  });
});
