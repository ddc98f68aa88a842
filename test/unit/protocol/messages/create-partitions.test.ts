import { describe, it } from 'vitest';
import {
  CREATE_PARTITIONS_REQUEST,
  CREATE_PARTITIONS_RESPONSE,
  type CreatePartitionsRequest,
  type CreatePartitionsResponse,
} from '../../../../src/protocol/messages/create-partitions.js';
import { ERROR_CODES, expectGolden, hex } from './hex-fixture.js';

describe('CreatePartitions', () => {
  it('v0 request: a manual assignment and a null one', () => {
    const request: CreatePartitionsRequest = {
      topics: [
        { name: 'ab', count: 4, assignments: [{ brokerIds: [1] }] },
        { name: 'c', count: 2, assignments: null },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    };
    expectGolden(
      CREATE_PARTITIONS_REQUEST,
      0,
      request,
      hex(`
        00000002            # [topics] 2
          0002 6162 00000004  # 'ab' to 4 partitions
          00000001 00000001 00000001  # [assignments] 1: [broker_ids] 1
          0001 63 00000002  #   'c' to 2 partitions
          ffffffff          #   [assignments] null
        000003e8 00         # timeout_ms 1000, validate_only false
      `),
    );
  });

  it('v2 response (flexible)', () => {
    const response: CreatePartitionsResponse = {
      throttleTimeMs: 0,
      results: [{ name: 'ab', errorCode: ERROR_CODES.INVALID_PARTITIONS.code, errorMessage: 'x' }],
    };
    expectGolden(
      CREATE_PARTITIONS_RESPONSE,
      2,
      response,
      hex('00000000 02 03 6162 0025 # 37 INVALID_PARTITIONS\n 02 78 00 00'),
    );
  });
});
