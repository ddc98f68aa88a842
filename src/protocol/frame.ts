import { apiSpec } from './apis.js';
import { KafkaError } from './errors/kafka-error.js';
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  type RequestHeader,
  responseHeaderVersion,
} from './headers.js';
import { compileMessage } from './schema/codec.js';
import type { ApiSpec, MessageSpec } from './schema/types.js';
import { ProtocolDecodeError } from './wire/protocol-errors.js';
import { Reader } from './wire/reader.js';
import { Writer } from './wire/writer.js';

/**
 * Kafka's framing: every request and response on the wire is `size:int32` followed by `size` bytes of
 * header + body. Encoding yields chunks (size prefix, header and small fields in one scratch chunk, record
 * batches as their own chunks) for the connection to write with one cork/uncork or writev. Decoding takes
 * one frame WITHOUT its size prefix — the connection has already split the stream on it.
 *
 * Pure codec: no socket in here. Nothing is shared between calls.
 */

/** Header + body of a request, size-prefixed, as chunks to write in order. */
export function encodeRequest<T>(
  header: Omit<RequestHeader, 'headerVersion'>,
  spec: MessageSpec,
  version: number,
  body: T,
): Buffer[] {
  if (version !== header.apiVersion || spec.apiKey !== header.apiKey || spec.type !== 'request') {
    throw new Error(
      `encodeRequest: header ${header.apiKey}v${header.apiVersion} does not match ${spec.name} v${version}`,
    );
  }
  const compiled = compileMessage<T>(spec, version);
  const w = new Writer();
  const sizeAt = w.reserveInt32();
  encodeRequestHeader(w, header);
  compiled.encode(body, w);
  w.patchInt32(sizeAt, w.length - 4);
  return w.toChunks();
}

/** Header + body of a response, size-prefixed, as chunks to write in order. */
export function encodeResponse<T>(
  correlationId: number,
  spec: MessageSpec,
  version: number,
  body: T,
): Buffer[] {
  if (spec.type !== 'response') throw new Error(`encodeResponse: ${spec.name} is not a response`);
  const compiled = compileMessage<T>(spec, version);
  const w = new Writer();
  const sizeAt = w.reserveInt32();
  encodeResponseHeader(w, correlationId, responseHeaderVersion(spec.apiKey, version));
  compiled.encode(body, w);
  w.patchInt32(sizeAt, w.length - 4);
  return w.toChunks();
}

/**
 * A request frame that could not be decoded. `header` is there whenever the header itself decoded, so the
 * broker can still answer the client's correlation id (UNSUPPORTED_VERSION for an API or version Ferry does
 * not serve — for ApiVersions that answer is mandatory, KIP-511); without it the connection is closed.
 */
export class RequestFrameError extends KafkaError {
  readonly header: RequestHeader | undefined;

  constructor(
    name: 'INVALID_REQUEST' | 'UNSUPPORTED_VERSION',
    detail: string,
    header: RequestHeader | undefined,
    cause?: unknown,
  ) {
    super(name, detail, cause === undefined ? undefined : { cause });
    this.name = 'RequestFrameError';
    this.header = header;
  }
}

export interface DecodedRequest<T = unknown> {
  readonly header: RequestHeader;
  readonly api: ApiSpec;
  readonly body: T;
}

/**
 * Decodes one request frame (without the size prefix). Body bytes and records are slices of `frame`.
 * Throws RequestFrameError: UNSUPPORTED_VERSION for an API or version Ferry does not serve, INVALID_REQUEST
 * for bytes that do not decode (its cause is the ProtocolDecodeError with the field path).
 */
export function decodeRequest<T = unknown>(frame: Buffer): DecodedRequest<T> {
  const reader = new Reader(frame);
  let header: RequestHeader;
  try {
    header = decodeRequestHeader(reader);
  } catch (e) {
    throw new RequestFrameError('INVALID_REQUEST', e instanceof Error ? e.message : String(e), undefined, e);
  }
  const api = apiSpec(header.apiKey);
  if (api === undefined) {
    throw new RequestFrameError('UNSUPPORTED_VERSION', `API key ${header.apiKey} is not served`, header);
  }
  if (header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) {
    throw new RequestFrameError(
      'UNSUPPORTED_VERSION',
      `${api.name} v${header.apiVersion} is not served (v${api.minVersion}-${api.maxVersion})`,
      header,
    );
  }
  try {
    const body = compileMessage<T>(api.request, header.apiVersion).decode(reader);
    return { header, api, body };
  } catch (e) {
    if (e instanceof ProtocolDecodeError)
      throw new RequestFrameError('INVALID_REQUEST', e.message, header, e);
    throw e;
  }
}

export interface DecodedResponse<T = unknown> {
  readonly correlationId: number;
  readonly body: T;
}

/**
 * Decodes one response frame (without the size prefix) of a request the caller sent as `apiKey` v`version`
 * (a client matches the correlation id to learn them). Throws ProtocolDecodeError on malformed bytes.
 */
export function decodeResponse<T = unknown>(
  frame: Buffer,
  spec: MessageSpec,
  version: number,
): DecodedResponse<T> {
  const reader = new Reader(frame);
  const { correlationId } = decodeResponseHeader(reader, responseHeaderVersion(spec.apiKey, version));
  const body = compileMessage<T>(spec, version).decode(reader);
  return { correlationId, body };
}

/** Total bytes of a list of chunks, e.g. to account for a response before writing it. */
export function chunksLength(chunks: readonly Buffer[]): number {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}
