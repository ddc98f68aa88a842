import { describe, expect, it } from 'vitest';
import { isKafkaError } from '../../../src/protocol/errors/index.js';
import {
  chunksLength,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  RequestFrameError,
} from '../../../src/protocol/frame.js';
import {
  API_VERSIONS_REQUEST,
  API_VERSIONS_RESPONSE,
  type ApiVersionsResponse,
} from '../../../src/protocol/messages/api-versions.js';
import { FETCH_RESPONSE, type FetchResponse } from '../../../src/protocol/messages/fetch.js';
import { PRODUCE_REQUEST, type ProduceRequest } from '../../../src/protocol/messages/produce.js';
import { ProtocolDecodeError } from '../../../src/protocol/wire/protocol-errors.js';
import { hex } from './golden.js';

const withoutSize = (chunks: Buffer[]) => {
  const frame = Buffer.concat(chunks);
  expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  return frame.subarray(4);
};

describe('framing', () => {
  it('encodes an ApiVersions v3 request: size, header v2, body', () => {
    const chunks = encodeRequest(
      { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'c' },
      API_VERSIONS_REQUEST,
      3,
      { clientSoftwareName: 'f', clientSoftwareVersion: '1' },
    );
    expect(Buffer.concat(chunks)).toEqual(
      hex(`
      00000011      // size: 17
      0012 0003     // ApiVersions v3
      00000001      // correlation_id
      0001 63       // client_id "c" (classic string)
      00            // header tagged fields
      02 66         // client_software_name "f"
      02 31         // client_software_version "1"
      00            // body tagged fields
    `),
    );
  });

  it('answers ApiVersions v3 with response header v0 (no tagged fields after the correlation id)', () => {
    const body: ApiVersionsResponse = { errorCode: 0, apiKeys: [], throttleTimeMs: 0 };
    expect(Buffer.concat(encodeResponse(5, API_VERSIONS_RESPONSE, 3, body))).toEqual(
      hex('0000000c 00000005 0000 01 00000000 00'),
    );
  });

  it('round-trips a Produce request and keeps the records as a slice of the frame', () => {
    const records = Buffer.alloc(3000, 1);
    const body: ProduceRequest = {
      transactionalId: null,
      acks: -1,
      timeoutMs: 100,
      topicData: [{ name: 't', partitionData: [{ index: 0, records }] }],
    };
    const chunks = encodeRequest(
      { apiKey: 0, apiVersion: 9, correlationId: 77, clientId: 'x' },
      PRODUCE_REQUEST,
      9,
      body,
    );
    expect(chunks).toContain(records);
    const frame = withoutSize(chunks);
    const decoded = decodeRequest<ProduceRequest>(frame);
    expect(decoded.header).toMatchObject({ apiKey: 0, apiVersion: 9, correlationId: 77, headerVersion: 2 });
    expect(decoded.api.name).toBe('Produce');
    const got = decoded.body.topicData[0]!.partitionData[0]!.records!;
    expect(got.equals(records)).toBe(true);
    expect(got.buffer).toBe(frame.buffer);
  });

  it('round-trips a Fetch response through decodeResponse', () => {
    const body: FetchResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        { topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 5, records: null }] },
      ],
    };
    const chunks = encodeResponse(9, FETCH_RESPONSE, 12, body);
    expect(chunksLength(chunks)).toBe(Buffer.concat(chunks).length);
    const decoded = decodeResponse<FetchResponse>(withoutSize(chunks), FETCH_RESPONSE, 12);
    expect(decoded.correlationId).toBe(9);
    expect(decoded.body).toMatchObject(body);
  });

  it('refuses an API it does not serve, keeping the header to answer with', () => {
    const frame = hex('0400 0000 00000009 ffff');
    try {
      decodeRequest(frame);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RequestFrameError);
      expect(isKafkaError(e, 'UNSUPPORTED_VERSION')).toBe(true);
      expect((e as RequestFrameError).header?.correlationId).toBe(9);
    }
  });

  it('refuses a version outside the served range (ApiVersions v4 is defined by Kafka, not served)', () => {
    const frame = hex('0012 0004 00000003 ffff 00 00 00 00');
    expect(() => decodeRequest(frame)).toThrow(
      expect.objectContaining({
        errorName: 'UNSUPPORTED_VERSION',
        header: expect.objectContaining({ correlationId: 3 }),
      }),
    );
    // Produce v2 is older than what we serve
    expect(() => decodeRequest(hex('0000 0002 00000004 ffff'))).toThrow(RequestFrameError);
  });

  it('turns a malformed body into INVALID_REQUEST with the field path, header kept', () => {
    const frame = hex('0000 0003 00000004 ffff   ffff ffff 00000064 00000001 0010 6162636465666768');
    try {
      decodeRequest(frame);
      expect.unreachable();
    } catch (e) {
      const err = e as RequestFrameError;
      expect(err.errorName).toBe('INVALID_REQUEST');
      expect(err.header?.correlationId).toBe(4);
      expect(err.cause).toBeInstanceOf(ProtocolDecodeError);
      expect((err.cause as ProtocolDecodeError).path).toBe('ProduceRequest.topicData[0].name');
    }
  });

  it('a frame too short for a header fails without a header', () => {
    expect(() => decodeRequest(hex('0000 00'))).toThrow(expect.objectContaining({ header: undefined }));
  });
});
