/**
 * The protocol layer's public face: the wire codec engine, headers and framing, the API registry and the
 * per-API schemas, record batches, and Kafka's error codes. Pure codec: nothing here touches a socket.
 */

export { ApiKey } from './api-keys.js';
export { API_SPECS, apiSpec, isVersionServed, servedApiVersions } from './apis.js';
export * from './errors/index.js';
export {
  chunksLength,
  type DecodedRequest,
  type DecodedResponse,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  RequestFrameError,
} from './frame.js';
export {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  type RequestHeader,
  type ResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from './headers.js';
export * from './records/batch-header.js';
export * from './records/crc32c.js';
export {
  type CompiledMessage,
  compileMessage,
  decodeMessage,
  encodeMessage,
  encodeMessageToBuffer,
} from './schema/codec.js';
export type * from './schema/types.js';
export {
  highestVersion,
  inVersionRange,
  lowestVersion,
  NO_VERSIONS,
  parseVersionRange,
  type VersionInterval,
} from './schema/versions.js';
export { ProtocolDecodeError, ProtocolEncodeError } from './wire/protocol-errors.js';
export { Reader } from './wire/reader.js';
export { Writer } from './wire/writer.js';

// ---- message schemas (one line per API file under messages/) ----
// ---- end message schemas ----
