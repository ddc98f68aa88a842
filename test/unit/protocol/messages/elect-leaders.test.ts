import { describe, it } from 'vitest';
import {
  ELECT_LEADERS_REQUEST,
  ELECT_LEADERS_RESPONSE,
  type ElectLeadersRequest,
  type ElectLeadersResponse,
} from '../../../../src/protocol/messages/elect-leaders.js';
import { ERROR_CODES, expectGolden, hex } from './hex-fixture.js';

describe('ElectLeaders', () => {
  it('v1 request: unclean election of every partition', () => {
    const request: ElectLeadersRequest = { electionType: 1, topicPartitions: null, timeoutMs: 60000 };
    expectGolden(ELECT_LEADERS_REQUEST, 1, request, hex('01 ffffffff 0000ea60'));
  });

  it('v2 request (flexible)', () => {
    const request: ElectLeadersRequest = {
      electionType: 0,
      topicPartitions: [{ topic: 'ab', partitions: [0] }],
      timeoutMs: 1000,
    };
    expectGolden(ELECT_LEADERS_REQUEST, 2, request, hex('00 02 03 6162 02 00000000 00 000003e8 00'));
  });

  it('v2 response (flexible)', () => {
    const response: ElectLeadersResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      replicaElectionResults: [
        {
          topic: 'ab',
          partitionResult: [
            { partitionId: 0, errorCode: ERROR_CODES.ELECTION_NOT_NEEDED.code, errorMessage: null },
          ],
        },
      ],
    };
    expectGolden(
      ELECT_LEADERS_RESPONSE,
      2,
      response,
      hex('00000000 0000 02 03 6162 02 00000000 0054 # 84\n 00 00 # message null, tags\n 00 00'),
    );
  });
});
