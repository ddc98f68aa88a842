import { ApiKey } from './api-keys.js';
import { apiSpec } from './apis.js';
import { inVersionRange } from './schema/versions.js';
import { ProtocolDecodeError } from './wire/protocol-errors.js';
import type { Reader } from './wire/reader.js';
import type { Writer } from './wire/writer.js';

/**
 * Request and response headers (KIP-482 header versions).
 *
 *   Request Header v0 => request_api_key:int16 request_api_version:int16 correlation_id:int32
 *   Request Header v1 => v0 client_id:NULLABLE_STRING
 *   Request Header v2 => v1 TAG_BUFFER          (client_id stays a classic int16-length string)
 *   Response Header v0 => correlation_id:int32
 *   Response Header v1 => v0 TAG_BUFFER
 *
 * A request uses header v2 in its API's flexible versions and v1 otherwise (v0 only for ControlledShutdown
 * v0, which Ferry does not serve but still parses). A response uses v1 in flexible versions and v0
 * otherwise, except ApiVersions, whose response header is always v0: a client that does not yet know our
 * versions must be able to read the answer.
 *
 * The header is read before anything is known about the API: api key and version come first, then the
 * header version follows from the registry. For an API or version Ferry does not serve, the v1 fields are
 * still read (or v2 where the API's schema says the version is flexible), so the broker has the
 * correlation id to answer with.
 */

export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** 0, 1 or 2: how the header was (or is to be) encoded. */
  readonly headerVersion: number;
}

export interface ResponseHeader {
  readonly correlationId: number;
}

const CONTROLLED_SHUTDOWN_API_KEY = 7;

/** The request header version of `apiKey` at `apiVersion` (1 for APIs Ferry does not know). */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === CONTROLLED_SHUTDOWN_API_KEY && apiVersion === 0) return 0;
  const api = apiSpec(apiKey);
  if (api === undefined) return 1;
  return inVersionRange(api.request.flexibleVersions, apiVersion) ? 2 : 1;
}

/** The response header version of `apiKey` at `apiVersion`. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ApiVersions) return 0;
  const api = apiSpec(apiKey);
  if (api === undefined) return 0;
  return inVersionRange(api.response.flexibleVersions, apiVersion) ? 1 : 0;
}

export function decodeRequestHeader(reader: Reader): RequestHeader {
  let field = 'requestApiKey';
  try {
    const apiKey = reader.int16();
    field = 'requestApiVersion';
    const apiVersion = reader.int16();
    field = 'correlationId';
    const correlationId = reader.int32();
    const headerVersion = requestHeaderVersion(apiKey, apiVersion);
    let clientId: string | null = null;
    if (headerVersion >= 1) {
      field = 'clientId';
      clientId = reader.nullableString();
    }
    if (headerVersion >= 2) {
      field = '_taggedFields';
      skipTaggedFields(reader);
    }
    return { apiKey, apiVersion, correlationId, clientId, headerVersion };
  } catch (e) {
    if (e instanceof ProtocolDecodeError) throw e.prependPath(`RequestHeader.${field}`);
    throw e;
  }
}

/** Encodes `header` in the version the API and version call for (`header.headerVersion` is not consulted). */
export function encodeRequestHeader(writer: Writer, header: Omit<RequestHeader, 'headerVersion'>): void {
  const version = requestHeaderVersion(header.apiKey, header.apiVersion);
  writer.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId);
  if (version >= 1) writer.nullableString(header.clientId);
  if (version >= 2) writer.unsignedVarint(0);
}

export function encodeResponseHeader(writer: Writer, correlationId: number, headerVersion: number): void {
  writer.int32(correlationId);
  if (headerVersion >= 1) writer.unsignedVarint(0);
}

export function decodeResponseHeader(reader: Reader, headerVersion: number): ResponseHeader {
  try {
    const correlationId = reader.int32();
    if (headerVersion >= 1) skipTaggedFields(reader);
    return { correlationId };
  } catch (e) {
    if (e instanceof ProtocolDecodeError) throw e.prependPath('ResponseHeader');
    throw e;
  }
}

/** No header field is tagged in any version Kafka defines; whatever tags arrive are skipped. */
function skipTaggedFields(reader: Reader): void {
  const count = reader.unsignedVarint();
  for (let i = 0; i < count; i++) {
    reader.unsignedVarint();
    reader.skip(reader.unsignedVarint());
  }
}
