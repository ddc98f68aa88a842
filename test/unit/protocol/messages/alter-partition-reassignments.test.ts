import { describe, it } from 'vitest';
import {
  ALTER_PARTITION_REASSIGNMENTS_REQUEST,
  ALTER_PARTITION_REASSIGNMENTS_RESPONSE,
  type AlterPartitionReassignmentsRequest,
  type AlterPartitionReassignmentsResponse,
} from '../../../../src/protocol/messages/alter-partition-reassignments.js';
import { ERROR_CODES, expectGolden, hex } from './hex-fixture.js';

describe('AlterPartitionReassignments', () => {
  it('v0 request: move one partition, cancel another', () => {
    const request: AlterPartitionReassignmentsRequest = {
      timeoutMs: 1000,
      topics: [
        {
          name: 'ab',
          partitions: [
            { partitionIndex: 0, replicas: [1, 2] },
            { partitionIndex: 1, replicas: null },
          ],
        },
      ],
    };
    expectGolden(
      ALTER_PARTITION_REASSIGNMENTS_REQUEST,
      0,
      request,
      hex(`
        000003e8            # timeout_ms 1000
        02 03 6162          # [topics] 'ab'
        03                  # [partitions] 2
          00000000 03 00000001 00000002 00  # p0 to [1, 2], tags
          00000001 00 00    # p1 replicas null: cancel, tags
        00 00               # topic, message tagged fields
      `),
    );
  });

  it('v0 response', () => {
    const response: AlterPartitionReassignmentsResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      responses: [
        {
          name: 'ab',
          partitions: [
            {
              partitionIndex: 1,
              errorCode: ERROR_CODES.NO_REASSIGNMENT_IN_PROGRESS.code,
              errorMessage: null,
            },
          ],
        },
      ],
    };
    expectGolden(
      ALTER_PARTITION_REASSIGNMENTS_RESPONSE,
      0,
      response,
      hex(
        '00000000 0000 00 # throttle, error, null message\n 02 03 6162 02 00000001 0055 00 00 # 85\n 00 00',
      ),
    );
  });
});
