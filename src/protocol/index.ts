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
export * from './messages/add-offsets-to-txn.js';
export * from './messages/add-partitions-to-txn.js';
export * from './messages/alter-configs.js';
export * from './messages/alter-partition-reassignments.js';
export * from './messages/api-versions.js';
export * from './messages/create-partitions.js';
export * from './messages/create-topics.js';
export * from './messages/delete-groups.js';
export * from './messages/delete-records.js';
export * from './messages/delete-topics.js';
export * from './messages/describe-cluster.js';
export * from './messages/describe-configs.js';
export * from './messages/describe-groups.js';
export * from './messages/describe-log-dirs.js';
export * from './messages/describe-producers.js';
export * from './messages/elect-leaders.js';
export * from './messages/end-txn.js';
export * from './messages/fetch.js';
export * from './messages/find-coordinator.js';
export * from './messages/heartbeat.js';
export * from './messages/incremental-alter-configs.js';
export * from './messages/init-producer-id.js';
export * from './messages/join-group.js';
export * from './messages/leave-group.js';
export * from './messages/list-groups.js';
export * from './messages/list-offsets.js';
export * from './messages/list-partition-reassignments.js';
export * from './messages/metadata.js';
export * from './messages/offset-commit.js';
export * from './messages/offset-delete.js';
export * from './messages/offset-fetch.js';
export * from './messages/offset-for-leader-epoch.js';
export * from './messages/produce.js';
export * from './messages/sasl-handshake.js';
export * from './messages/sync-group.js';
export * from './messages/txn-offset-commit.js';
export * from './messages/write-txn-markers.js';
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
