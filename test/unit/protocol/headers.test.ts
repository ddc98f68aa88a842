import { describe, expect, it } from 'vitest';
import { ApiKey } from '../../../src/protocol/api-keys.js';
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../../src/protocol/headers.js';
import { ProtocolDecodeError } from '../../../src/protocol/wire/protocol-errors.js';
import { Reader } from '../../../src/protocol/wire/reader.js';
import { Writer } from '../../../src/protocol/wire/writer.js';
import { hex } from './golden.js';

describe('header versions', () => {
  it('follow the API flexible versions', () => {
    expect(requestHeaderVersion(ApiKey.Produce, 8)).toBe(1);
    expect(requestHeaderVersion(ApiKey.Produce, 9)).toBe(2);
    expect(responseHeaderVersion(ApiKey.Produce, 8)).toBe(0);
    expect(responseHeaderVersion(ApiKey.Produce, 9)).toBe(1);
    expect(requestHeaderVersion(ApiKey.Fetch, 12)).toBe(2);
    expect(requestHeaderVersion(ApiKey.Metadata, 8)).toBe(1);
  });

  it('answer ApiVersions with response header v0 even in flexible versions', () => {
    expect(requestHeaderVersion(ApiKey.ApiVersions, 3)).toBe(2);
    expect(responseHeaderVersion(ApiKey.ApiVersions, 3)).toBe(0);
  });

  it('use v0 for ControlledShutdown v0 and v1 for APIs we do not know', () => {
    expect(requestHeaderVersion(7, 0)).toBe(0);
    expect(requestHeaderVersion(7, 1)).toBe(1);
    expect(requestHeaderVersion(9999, 5)).toBe(1);
    expect(responseHeaderVersion(9999, 5)).toBe(0);
  });

  it('treat versions beyond the ones we serve by the schema (ApiVersions v4 is flexible)', () => {
    expect(requestHeaderVersion(ApiKey.ApiVersions, 4)).toBe(2);
  });
});

describe('request header', () => {
  it('v1 golden bytes', () => {
    const golden = hex(`
      0003            // request_api_key: Metadata
      0001            // request_api_version: 1
      0000002a        // correlation_id: 42
      0002 6331       // client_id: "c1"
    `);
    const w = new Writer();
    encodeRequestHeader(w, { apiKey: 3, apiVersion: 1, correlationId: 42, clientId: 'c1' });
    expect(w.toBuffer()).toEqual(golden);
    expect(decodeRequestHeader(new Reader(golden))).toEqual({
      apiKey: 3,
      apiVersion: 1,
      correlationId: 42,
      clientId: 'c1',
      headerVersion: 1,
    });
  });

  it('v2 golden bytes: client_id stays a classic string, then tagged fields', () => {
    const golden = hex(`
      0000            // request_api_key: Produce
      0009            // request_api_version: 9
      00000001        // correlation_id: 1
      ffff            // client_id: null (NOT compact)
      00              // tagged fields
    `);
    const w = new Writer();
    encodeRequestHeader(w, { apiKey: 0, apiVersion: 9, correlationId: 1, clientId: null });
    expect(w.toBuffer()).toEqual(golden);
    expect(decodeRequestHeader(new Reader(golden))).toMatchObject({ clientId: null, headerVersion: 2 });
  });

  it('skips unknown tagged fields of a v2 header', () => {
    const reader = new Reader(hex('0001 000c 00000005 0000 01 07 02 abcd 99'));
    expect(decodeRequestHeader(reader)).toMatchObject({ apiKey: 1, apiVersion: 12, clientId: '' });
    expect(reader.remaining).toBe(1);
  });

  it('v0 for ControlledShutdown v0: no client id', () => {
    const reader = new Reader(hex('0007 0000 00000003'));
    expect(decodeRequestHeader(reader)).toEqual({
      apiKey: 7,
      apiVersion: 0,
      correlationId: 3,
      clientId: null,
      headerVersion: 0,
    });
  });

  it('still reads the v1 fields of an API we do not serve', () => {
    expect(decodeRequestHeader(new Reader(hex('0400 0001 00000009 0001 78')))).toMatchObject({
      apiKey: 1024,
      correlationId: 9,
      clientId: 'x',
    });
  });

  it('throws ProtocolDecodeError naming the field on truncation', () => {
    const golden = hex('0003 0001 0000002a 0002 6331');
    for (let n = 0; n < golden.length; n++) {
      expect(() => decodeRequestHeader(new Reader(golden.subarray(0, n)))).toThrow(ProtocolDecodeError);
    }
    expect(() => decodeRequestHeader(new Reader(hex('0003 0001 0000')))).toThrow(
      /RequestHeader.correlationId/,
    );
  });
});

describe('response header', () => {
  it('v0 and v1 golden bytes', () => {
    const w0 = new Writer();
    encodeResponseHeader(w0, 42, 0);
    expect(w0.toBuffer()).toEqual(hex('0000002a'));
    const w1 = new Writer();
    encodeResponseHeader(w1, 42, 1);
    expect(w1.toBuffer()).toEqual(hex('0000002a 00'));
    expect(decodeResponseHeader(new Reader(hex('0000002a')), 0)).toEqual({ correlationId: 42 });
    expect(decodeResponseHeader(new Reader(hex('0000002a 01 00 01 ff')), 1)).toEqual({ correlationId: 42 });
    expect(() => decodeResponseHeader(new Reader(hex('0000002a')), 1)).toThrow(ProtocolDecodeError);
  });
});
