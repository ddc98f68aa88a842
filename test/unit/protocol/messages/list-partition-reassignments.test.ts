import { describe, it } from 'vitest';
import {
  LIST_PARTITION_REASSIGNMENTS_REQUEST,
  LIST_PARTITION_REASSIGNMENTS_RESPONSE,
  type ListPartitionReassignmentsRequest,
  type ListPartitionReassignmentsResponse,
} from '../../../../src/protocol/messages/list-partition-reassignments.js';
import { expectGolden, hex } from './hex-fixture.js';

describe('ListPartitionReassignments', () => {
  it('v0 request: every reassignment', () => {
    const request: ListPartitionReassignmentsRequest = { timeoutMs: 1000, topics: null };
    expectGolden(LIST_PARTITION_REASSIGNMENTS_REQUEST, 0, request, hex('000003e8 00 # topics null\n 00'));
  });

  it('v0 response', () => {
    const response: ListPartitionReassignmentsResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      topics: [
        {
          name: 'ab',
          partitions: [
            { partitionIndex: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1] },
          ],
        },
      ],
    };
    expectGolden(
      LIST_PARTITION_REASSIGNMENTS_RESPONSE,
      0,
      response,
      hex(`
        00000000 0000 00    # throttle, error, null message
        02 03 6162 02       # [topics] 'ab', [partitions] 1
          00000000          #   partition 0
          04 00000001 00000002 00000003  # replicas
          02 00000003       #   adding
          02 00000001       #   removing
          00                #   tagged fields
        00 00               # topic, message tagged fields
      `),
    );
  });
});
