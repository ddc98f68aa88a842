import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * Fetch (key 1): read record batches from partition leaders (consumers) and from leaders by followers
 * (replica_id >= 0, v15+ in replica_state). Kafka versions 0–17; 12+ flexible. Ferry serves 4–12; the
 * v13+ fields (topic ids in place of names, replica_state, leader hints) are transcribed as well since the
 * codec handles them for free, but nothing serves them yet.
 *
 * The response's `records` fields are appended to the encoder by reference (a slice of a log segment read),
 * so a Fetch response is never copied into a single buffer on its way out. Sessions (KIP-227) are v7+.
 *
 * Grammar (one representative version per direction; the specs below are the authority):
 *
 *   Fetch Request (Version: 12) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch [topics] [forgotten_topics_data] rack_id _tagged_fields<cluster_id:0>
 *     replica_id => INT32
 *     max_wait_ms => INT32
 *     min_bytes => INT32
 *     max_bytes => INT32
 *     isolation_level => INT8
 *     session_id => INT32
 *     session_epoch => INT32
 *     topics => topic [partitions] _tagged_fields
 *       topic => COMPACT_STRING
 *       partitions => partition current_leader_epoch fetch_offset last_fetched_epoch log_start_offset partition_max_bytes _tagged_fields
 *         partition => INT32
 *         current_leader_epoch => INT32
 *         fetch_offset => INT64
 *         last_fetched_epoch => INT32
 *         log_start_offset => INT64
 *         partition_max_bytes => INT32
 *     forgotten_topics_data => topic [partitions] _tagged_fields
 *       topic => COMPACT_STRING
 *       partitions => INT32
 *     rack_id => COMPACT_STRING
 *     cluster_id => COMPACT_NULLABLE_STRING
 *
 *   Fetch Response (Version: 12) => throttle_time_ms error_code session_id [responses] _tagged_fields
 *     throttle_time_ms => INT32
 *     error_code => INT16
 *     session_id => INT32
 *     responses => topic [partitions] _tagged_fields
 *       topic => COMPACT_STRING
 *       partitions => partition_index error_code high_watermark last_stable_offset log_start_offset [aborted_transactions] preferred_read_replica records _tagged_fields<diverging_epoch:0,current_leader:1,snapshot_id:2>
 *         partition_index => INT32
 *         error_code => INT16
 *         high_watermark => INT64
 *         last_stable_offset => INT64
 *         log_start_offset => INT64
 *         aborted_transactions => producer_id first_offset _tagged_fields
 *           producer_id => INT64
 *           first_offset => INT64
 *         preferred_read_replica => INT32
 *         records => COMPACT_RECORDS
 *         diverging_epoch => epoch end_offset _tagged_fields
 *           epoch => INT32
 *           end_offset => INT64
 *         current_leader => leader_id leader_epoch _tagged_fields
 *           leader_id => INT32
 *           leader_epoch => INT32
 *         snapshot_id => end_offset epoch _tagged_fields
 *           end_offset => INT64
 *           epoch => INT32
 */

export interface FetchReplicaState {
  /** default -1 */
  replicaId: number;
  /** default -1 */
  replicaEpoch: number;
}

export interface FetchPartition {
  partition: number;
  /** v9+; default -1 */
  currentLeaderEpoch?: number;
  fetchOffset: number;
  /** v12+; default -1 */
  lastFetchedEpoch?: number;
  /** v5+; default -1 */
  logStartOffset?: number;
  partitionMaxBytes: number;
  /** v17+; tagged (tag 0) */
  replicaDirectoryId?: string;
}

export interface FetchTopic {
  /** v0-12 */
  topic?: string;
  /** v13+ */
  topicId?: string;
  partitions: FetchPartition[];
}

export interface FetchForgottenTopic {
  /** v7-12 */
  topic?: string;
  /** v13+ */
  topicId?: string;
  partitions: number[];
}

export interface FetchRequest {
  /** v12+; nullable v12+; tagged (tag 0); default null */
  clusterId?: string | null;
  /** v0-14; default -1 */
  replicaId?: number;
  /** v15+; tagged (tag 1) */
  replicaState?: FetchReplicaState;
  maxWaitMs: number;
  minBytes: number;
  /** v3+; default 0x7fffffff */
  maxBytes?: number;
  /** v4+ */
  isolationLevel?: number;
  /** v7+ */
  sessionId?: number;
  /** v7+; default -1 */
  sessionEpoch?: number;
  topics: FetchTopic[];
  /** v7+ */
  forgottenTopicsData?: FetchForgottenTopic[];
  /** v11+ */
  rackId?: string;
}

export interface FetchEpochEndOffset {
  /** default -1 */
  epoch: number;
  /** default -1 */
  endOffset: number;
}

export interface FetchLeaderIdAndEpoch {
  /** default -1 */
  leaderId: number;
  /** default -1 */
  leaderEpoch: number;
}

export interface FetchSnapshotId {
  /** default -1 */
  endOffset: number;
  /** default -1 */
  epoch: number;
}

export interface FetchAbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface FetchPartitionData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  /** v4+; default -1 */
  lastStableOffset?: number;
  /** v5+; default -1 */
  logStartOffset?: number;
  /** v12+; tagged (tag 0) */
  divergingEpoch?: FetchEpochEndOffset;
  /** v12+; tagged (tag 1) */
  currentLeader?: FetchLeaderIdAndEpoch;
  /** v12+; tagged (tag 2) */
  snapshotId?: FetchSnapshotId;
  /** v4+; nullable v4+ */
  abortedTransactions?: FetchAbortedTransaction[] | null;
  /** v11+; default -1 */
  preferredReadReplica?: number;
  /** nullable v0+ */
  records: Buffer | null;
}

export interface FetchableTopicResponse {
  /** v0-12 */
  topic?: string;
  /** v13+ */
  topicId?: string;
  partitions: FetchPartitionData[];
}

export interface FetchNodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  /** nullable v16+; default null */
  rack: string | null;
}

export interface FetchResponse {
  /** v1+ */
  throttleTimeMs?: number;
  /** v7+ */
  errorCode?: number;
  /** v7+ */
  sessionId?: number;
  responses: FetchableTopicResponse[];
  /** v16+; tagged (tag 0) */
  nodeEndpoints?: FetchNodeEndpoint[];
}

export const FETCH_REQUEST: MessageSpec = {
  apiKey: ApiKey.Fetch,
  name: 'FetchRequest',
  type: 'request',
  validVersions: '0-17',
  flexibleVersions: '12+',
  fields: [
    {
      name: 'clusterId',
      type: 'string',
      versions: '12+',
      nullableVersions: '12+',
      tag: 0,
      taggedVersions: '12+',
      default: null,
      ignorable: true,
    },
    { name: 'replicaId', type: 'int32', versions: '0-14', default: -1 },
    {
      name: 'replicaState',
      type: 'struct',
      versions: '15+',
      tag: 1,
      taggedVersions: '15+',
      fields: [
        { name: 'replicaId', type: 'int32', versions: '15+', default: -1 },
        { name: 'replicaEpoch', type: 'int64', versions: '15+', default: -1 },
      ],
    },
    { name: 'maxWaitMs', type: 'int32', versions: '0+' },
    { name: 'minBytes', type: 'int32', versions: '0+' },
    { name: 'maxBytes', type: 'int32', versions: '3+', default: 2147483647, ignorable: true },
    { name: 'isolationLevel', type: 'int8', versions: '4+', default: 0, ignorable: true },
    { name: 'sessionId', type: 'int32', versions: '7+', default: 0, ignorable: true },
    { name: 'sessionEpoch', type: 'int32', versions: '7+', default: -1, ignorable: true },
    {
      name: 'topics',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0-12', ignorable: true },
        { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true },
        {
          name: 'partitions',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'currentLeaderEpoch', type: 'int32', versions: '9+', default: -1, ignorable: true },
            { name: 'fetchOffset', type: 'int64', versions: '0+' },
            { name: 'lastFetchedEpoch', type: 'int32', versions: '12+', default: -1 },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1, ignorable: true },
            { name: 'partitionMaxBytes', type: 'int32', versions: '0+' },
            {
              name: 'replicaDirectoryId',
              type: 'uuid',
              versions: '17+',
              tag: 0,
              taggedVersions: '17+',
              ignorable: true,
            },
          ],
        },
      ],
    },
    {
      name: 'forgottenTopicsData',
      type: '[]',
      versions: '7+',
      fields: [
        { name: 'topic', type: 'string', versions: '7-12', ignorable: true },
        { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true },
        { name: 'partitions', type: '[]int32', versions: '7+' },
      ],
    },
    { name: 'rackId', type: 'string', versions: '11+', default: '', ignorable: true },
  ],
};

export const FETCH_RESPONSE: MessageSpec = {
  apiKey: ApiKey.Fetch,
  name: 'FetchResponse',
  type: 'response',
  validVersions: '0-17',
  flexibleVersions: '12+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '7+', ignorable: true },
    { name: 'sessionId', type: 'int32', versions: '7+', default: 0 },
    {
      name: 'responses',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0-12', ignorable: true },
        { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true },
        {
          name: 'partitions',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'highWatermark', type: 'int64', versions: '0+' },
            { name: 'lastStableOffset', type: 'int64', versions: '4+', default: -1, ignorable: true },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1, ignorable: true },
            {
              name: 'divergingEpoch',
              type: 'struct',
              versions: '12+',
              tag: 0,
              taggedVersions: '12+',
              fields: [
                { name: 'epoch', type: 'int32', versions: '12+', default: -1 },
                { name: 'endOffset', type: 'int64', versions: '12+', default: -1 },
              ],
            },
            {
              name: 'currentLeader',
              type: 'struct',
              versions: '12+',
              tag: 1,
              taggedVersions: '12+',
              fields: [
                { name: 'leaderId', type: 'int32', versions: '12+', default: -1 },
                { name: 'leaderEpoch', type: 'int32', versions: '12+', default: -1 },
              ],
            },
            {
              name: 'snapshotId',
              type: 'struct',
              versions: '12+',
              tag: 2,
              taggedVersions: '12+',
              fields: [
                { name: 'endOffset', type: 'int64', versions: '0+', default: -1 },
                { name: 'epoch', type: 'int32', versions: '0+', default: -1 },
              ],
            },
            {
              name: 'abortedTransactions',
              type: '[]',
              versions: '4+',
              nullableVersions: '4+',
              ignorable: true,
              fields: [
                { name: 'producerId', type: 'int64', versions: '4+' },
                { name: 'firstOffset', type: 'int64', versions: '4+' },
              ],
            },
            { name: 'preferredReadReplica', type: 'int32', versions: '11+', default: -1 },
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    {
      name: 'nodeEndpoints',
      type: '[]',
      versions: '16+',
      tag: 0,
      taggedVersions: '16+',
      fields: [
        { name: 'nodeId', type: 'int32', versions: '16+' },
        { name: 'host', type: 'string', versions: '16+' },
        { name: 'port', type: 'int32', versions: '16+' },
        { name: 'rack', type: 'string', versions: '16+', nullableVersions: '16+', default: null },
      ],
    },
  ],
};

export const FETCH_API: ApiSpec = {
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  request: FETCH_REQUEST,
  response: FETCH_RESPONSE,
  minVersion: 4,
  maxVersion: 12,
};
