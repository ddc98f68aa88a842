import { ApiKey } from './api-keys.js';
import type { ApiSpec } from './schema/types.js';

/**
 * The registry of the APIs Ferry speaks: for each API key, its request and response schemas and the
 * versions the broker serves and the client may send. The ApiVersions response, the choice of header
 * versions and request dispatch all read this one table.
 *
 * Registration is a plain list: each schema file under messages/ exports one `ApiSpec`, and gets one import
 * line and one entry in `REGISTERED_APIS` below. Two people append to it, each in their own marked block,
 * so that neither edits the other's lines.
 */

// ---- core APIs (engine/core-schema owner) -- imports ----
import { API_VERSIONS_API } from './messages/api-versions.js';
import { DESCRIBE_GROUPS_API } from './messages/describe-groups.js';
import { FETCH_API } from './messages/fetch.js';
import { FIND_COORDINATOR_API } from './messages/find-coordinator.js';
import { HEARTBEAT_API } from './messages/heartbeat.js';
import { JOIN_GROUP_API } from './messages/join-group.js';
import { LEAVE_GROUP_API } from './messages/leave-group.js';
import { LIST_GROUPS_API } from './messages/list-groups.js';
import { LIST_OFFSETS_API } from './messages/list-offsets.js';
import { METADATA_API } from './messages/metadata.js';
import { OFFSET_COMMIT_API } from './messages/offset-commit.js';
import { OFFSET_FETCH_API } from './messages/offset-fetch.js';
import { PRODUCE_API } from './messages/produce.js';
import { SYNC_GROUP_API } from './messages/sync-group.js';
// ---- end core APIs -- imports ----

// ---- admin/transaction APIs (messages owner) -- imports ----
import { ADD_OFFSETS_TO_TXN_API } from './messages/add-offsets-to-txn.js';
import { ADD_PARTITIONS_TO_TXN_API } from './messages/add-partitions-to-txn.js';
import { ALTER_CONFIGS_API } from './messages/alter-configs.js';
import { ALTER_PARTITION_REASSIGNMENTS_API } from './messages/alter-partition-reassignments.js';
import { CREATE_PARTITIONS_API } from './messages/create-partitions.js';
import { CREATE_TOPICS_API } from './messages/create-topics.js';
import { DELETE_GROUPS_API } from './messages/delete-groups.js';
import { DELETE_RECORDS_API } from './messages/delete-records.js';
import { DELETE_TOPICS_API } from './messages/delete-topics.js';
import { DESCRIBE_CLUSTER_API } from './messages/describe-cluster.js';
import { DESCRIBE_CONFIGS_API } from './messages/describe-configs.js';
import { DESCRIBE_LOG_DIRS_API } from './messages/describe-log-dirs.js';
import { DESCRIBE_PRODUCERS_API } from './messages/describe-producers.js';
import { ELECT_LEADERS_API } from './messages/elect-leaders.js';
import { END_TXN_API } from './messages/end-txn.js';
import { INCREMENTAL_ALTER_CONFIGS_API } from './messages/incremental-alter-configs.js';
import { INIT_PRODUCER_ID_API } from './messages/init-producer-id.js';
import { LIST_PARTITION_REASSIGNMENTS_API } from './messages/list-partition-reassignments.js';
import { OFFSET_DELETE_API } from './messages/offset-delete.js';
import { OFFSET_FOR_LEADER_EPOCH_API } from './messages/offset-for-leader-epoch.js';
import { SASL_HANDSHAKE_API } from './messages/sasl-handshake.js';
import { TXN_OFFSET_COMMIT_API } from './messages/txn-offset-commit.js';
import { WRITE_TXN_MARKERS_API } from './messages/write-txn-markers.js';

// ---- end admin/transaction APIs -- imports ----

const REGISTERED_APIS: readonly ApiSpec[] = [
  // ---- core APIs ----
  PRODUCE_API,
  FETCH_API,
  LIST_OFFSETS_API,
  METADATA_API,
  OFFSET_COMMIT_API,
  OFFSET_FETCH_API,
  FIND_COORDINATOR_API,
  JOIN_GROUP_API,
  HEARTBEAT_API,
  LEAVE_GROUP_API,
  SYNC_GROUP_API,
  DESCRIBE_GROUPS_API,
  LIST_GROUPS_API,
  API_VERSIONS_API,
  // ---- end core APIs ----
  // ---- admin/transaction APIs ----
  ADD_OFFSETS_TO_TXN_API,
  ADD_PARTITIONS_TO_TXN_API,
  ALTER_CONFIGS_API,
  ALTER_PARTITION_REASSIGNMENTS_API,
  CREATE_PARTITIONS_API,
  CREATE_TOPICS_API,
  DELETE_GROUPS_API,
  DELETE_RECORDS_API,
  DELETE_TOPICS_API,
  DESCRIBE_CLUSTER_API,
  DESCRIBE_CONFIGS_API,
  DESCRIBE_LOG_DIRS_API,
  DESCRIBE_PRODUCERS_API,
  ELECT_LEADERS_API,
  END_TXN_API,
  INCREMENTAL_ALTER_CONFIGS_API,
  INIT_PRODUCER_ID_API,
  LIST_PARTITION_REASSIGNMENTS_API,
  OFFSET_DELETE_API,
  OFFSET_FOR_LEADER_EPOCH_API,
  SASL_HANDSHAKE_API,
  TXN_OFFSET_COMMIT_API,
  WRITE_TXN_MARKERS_API,
  // ---- end admin/transaction APIs ----
];

function buildRegistry(apis: readonly ApiSpec[]): ReadonlyMap<ApiKey, ApiSpec> {
  const map = new Map<ApiKey, ApiSpec>();
  for (const api of apis) {
    if (map.has(api.apiKey)) throw new Error(`API key ${api.apiKey} (${api.name}) is registered twice`);
    if (api.request.apiKey !== api.apiKey || api.response.apiKey !== api.apiKey) {
      throw new Error(`${api.name}: request/response schemas carry another API key`);
    }
    if (api.minVersion > api.maxVersion) throw new Error(`${api.name}: minVersion > maxVersion`);
    map.set(api.apiKey, api);
  }
  return map;
}

export const API_SPECS: ReadonlyMap<ApiKey, ApiSpec> = buildRegistry(REGISTERED_APIS);

/** The API registered under `apiKey`, or undefined for an API Ferry does not speak. */
export function apiSpec(apiKey: number): ApiSpec | undefined {
  return API_SPECS.get(apiKey as ApiKey);
}

/** Whether Ferry serves `apiKey` at `apiVersion`. */
export function isVersionServed(apiKey: number, apiVersion: number): boolean {
  const api = API_SPECS.get(apiKey as ApiKey);
  return api !== undefined && apiVersion >= api.minVersion && apiVersion <= api.maxVersion;
}

/** The served ranges, by ascending API key: what an ApiVersions response lists. */
export function servedApiVersions(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
  return [...API_SPECS.values()]
    .sort((a, b) => a.apiKey - b.apiKey)
    .map((a) => ({ apiKey: a.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion }));
}

export { ApiKey };
