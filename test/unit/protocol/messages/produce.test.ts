import { describe, expect, it } from 'vitest';
import {
  PRODUCE_API,
  PRODUCE_REQUEST,
  PRODUCE_RESPONSE,
  type ProduceRequest,
  type ProduceResponse,
} from '../../../../src/protocol/messages/produce.js';
import { expectGolden, hex } from '../golden.js';

const RECORDS = Buffer.from('deadbeef', 'hex');

describe('Produce', () => {
  it('serves v3-v9', () => {
    expect([PRODUCE_API.minVersion, PRODUCE_API.maxVersion]).toEqual([3, 9]);
  });

  it('v3 request (classic encodings)', () => {
    const value: ProduceRequest = {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 'orders', partitionData: [{ index: 0, records: RECORDS }] }],
    };
    const golden = hex(`
      ffff                  // transactional_id: null
      ffff                  // acks: -1
      00007530              // timeout_ms: 30000
      00000001              // [topic_data] count 1
        0006 6f7264657273   //   name: "orders"
        00000001            //   [partition_data] count 1
          00000000          //     index: 0
          00000004 deadbeef //     records: 4 bytes
    `);
    const decoded = expectGolden(PRODUCE_REQUEST, 3, value, golden);
    // records decode as a slice of the frame, not a copy
    const records = decoded.topicData[0]!.partitionData[0]!.records!;
    expect(records.buffer).toBe(golden.buffer);
    expect(records.byteOffset).toBe(golden.byteOffset + golden.length - 4);
  });

  it('v3 response', () => {
    const value: ProduceResponse = {
      responses: [
        {
          name: 'orders',
          partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 42, logAppendTimeMs: -1 }],
        },
      ],
      throttleTimeMs: 0,
    };
    const decoded = expectGolden(
      PRODUCE_RESPONSE,
      3,
      value,
      hex(`
      00000001                 // [responses] count 1
        0006 6f7264657273      //   name: "orders"
        00000001               //   [partition_responses] count 1
          00000000             //     index: 0
          0000                 //     error_code: 0
          000000000000002a     //     base_offset: 42
          ffffffffffffffff     //     log_append_time_ms: -1 (v2+)
      00000000                 // throttle_time_ms: 0 (v1+)
    `),
    );
    // v5+ log_start_offset is absent in v3 and decodes as its default
    expect(decoded.responses[0]!.partitionResponses[0]!.logStartOffset).toBe(-1);
  });

  it('v9 request (flexible: compact encodings, tagged-field sections)', () => {
    const value: ProduceRequest = {
      transactionalId: 'tx',
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 'orders', partitionData: [{ index: 2, records: RECORDS }] }],
    };
    expectGolden(
      PRODUCE_REQUEST,
      9,
      value,
      hex(`
      03 7478               // transactional_id: compact "tx"
      0001                  // acks: 1
      000003e8              // timeout_ms: 1000
      02                    // [topic_data] compact count 1
        07 6f7264657273     //   name: compact "orders"
        02                  //   [partition_data] compact count 1
          00000002          //     index: 2
          05 deadbeef       //     records: compact 4 bytes
          00                //     tagged fields: none
        00                  //   tagged fields: none
      00                    // tagged fields: none
    `),
    );
  });

  it('v9 response', () => {
    const value: ProduceResponse = {
      responses: [
        {
          name: 'orders',
          partitionResponses: [
            {
              index: 2,
              errorCode: 0,
              baseOffset: 100,
              logAppendTimeMs: -1,
              logStartOffset: 0,
              recordErrors: [{ batchIndex: 0, batchIndexErrorMessage: 'bad' }],
              errorMessage: null,
            },
          ],
        },
      ],
      throttleTimeMs: 0,
    };
    expectGolden(
      PRODUCE_RESPONSE,
      9,
      value,
      hex(`
      02                       // [responses] compact count 1
        07 6f7264657273        //   name: "orders"
        02                     //   [partition_responses] compact count 1
          00000002             //     index: 2
          0000                 //     error_code: 0
          0000000000000064     //     base_offset: 100
          ffffffffffffffff     //     log_append_time_ms: -1
          0000000000000000     //     log_start_offset: 0 (v5+)
          02                   //     [record_errors] compact count 1 (v8+)
            00000000           //       batch_index: 0
            04 626164          //       batch_index_error_message: "bad"
            00                 //       tagged fields
          00                   //     error_message: null (v8+)
          00                   //     tagged fields
        00                     //   tagged fields
      00000000                 // throttle_time_ms: 0
      00                       // tagged fields
    `),
    );
  });
});
