import { describe, it } from 'vitest';
import {
  DESCRIBE_LOG_DIRS_REQUEST,
  DESCRIBE_LOG_DIRS_RESPONSE,
  type DescribeLogDirsRequest,
  type DescribeLogDirsResponse,
} from '../../../../src/protocol/messages/describe-log-dirs.js';
import { expectGolden, hex } from './hex-fixture.js';

describe('DescribeLogDirs', () => {
  it('v1 request: every partition', () => {
    const request: DescribeLogDirsRequest = { topics: null };
    expectGolden(DESCRIBE_LOG_DIRS_REQUEST, 1, request, hex('ffffffff'));
  });

  it('v2 request (flexible)', () => {
    const request: DescribeLogDirsRequest = { topics: [{ topic: 'ab', partitions: [0] }] };
    expectGolden(DESCRIBE_LOG_DIRS_REQUEST, 2, request, hex('02 03 6162 02 00000000 00 00'));
  });

  it('v2 response (flexible)', () => {
    const response: DescribeLogDirsResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      results: [
        {
          errorCode: 0,
          logDir: '/d',
          topics: [
            {
              name: 'ab',
              partitions: [{ partitionIndex: 0, partitionSize: 1024, offsetLag: 0, isFutureKey: false }],
            },
          ],
          totalBytes: -1,
          usableBytes: -1,
        },
      ],
    };
    expectGolden(
      DESCRIBE_LOG_DIRS_RESPONSE,
      2,
      response,
      hex(`
        00000000            # throttle_time_ms
        02 0000 03 2f64     # [results] 1: no error, log_dir '/d'
        02 03 6162 02       # [topics] 'ab', [partitions] 1
          00000000 0000000000000400 0000000000000000 00 00  # p0, 1024 bytes, lag 0, not future, tags
        00 00 00            # topic, result, message tagged fields
      `),
    );
  });
});
