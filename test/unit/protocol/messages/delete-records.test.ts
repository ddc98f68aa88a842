import { describe, it } from 'vitest';
import {
  DELETE_RECORDS_REQUEST,
  DELETE_RECORDS_RESPONSE,
  type DeleteRecordsRequest,
  type DeleteRecordsResponse,
} from '../../../../src/protocol/messages/delete-records.js';
import { expectGolden, hex } from './hex-fixture.js';

const request: DeleteRecordsRequest = {
  topics: [{ name: 'ab', partitions: [{ partitionIndex: 0, offset: 42 }] }],
  timeoutMs: 1000,
};
const response: DeleteRecordsResponse = {
  throttleTimeMs: 0,
  topics: [{ name: 'ab', partitions: [{ partitionIndex: 0, lowWatermark: 42, errorCode: 0 }] }],
};

describe('DeleteRecords', () => {
  it('v0 request', () => {
    expectGolden(
      DELETE_RECORDS_REQUEST,
      0,
      request,
      hex('00000001 0002 6162 # ab\n 00000001 00000000 000000000000002a # p0 offset 42\n 000003e8 # 1000 ms'),
    );
  });

  it('v2 request (flexible)', () => {
    expectGolden(
      DELETE_RECORDS_REQUEST,
      2,
      request,
      hex('02 03 6162 # ab\n 02 00000000 000000000000002a 00 # p0 offset 42\n 00 # topic tags\n 000003e8 00'),
    );
  });

  it('v0 response', () => {
    expectGolden(
      DELETE_RECORDS_RESPONSE,
      0,
      response,
      hex('00000000 00000001 0002 6162 00000001 00000000 000000000000002a 0000'),
    );
  });

  it('v2 response (flexible)', () => {
    expectGolden(
      DELETE_RECORDS_RESPONSE,
      2,
      response,
      hex(
        '00000000 02 03 6162 02 00000000 000000000000002a 0000 00 # partition tags\n 00 00 # topic, message tags',
      ),
    );
  });
});
