import { ERROR_CODES, isKafkaError } from '../../protocol/errors/index.js';
import type { JoinGroupResult, SyncGroupResult } from './group-types.js';
import { EMPTY_BYTES } from './member-metadata.js';

/**
 * The error codes the group coordinator answers with, and the shapes of its error answers: one place, so
 * that JoinGroup, SyncGroup, the offset calls and partition unloading answer a failure the same way.
 */
export const GROUP_ERROR_CODES = {
  NONE: ERROR_CODES.NONE.code,
  UNKNOWN_SERVER_ERROR: ERROR_CODES.UNKNOWN_SERVER_ERROR.code,
  COORDINATOR_LOAD_IN_PROGRESS: ERROR_CODES.COORDINATOR_LOAD_IN_PROGRESS.code,
  COORDINATOR_NOT_AVAILABLE: ERROR_CODES.COORDINATOR_NOT_AVAILABLE.code,
  NOT_COORDINATOR: ERROR_CODES.NOT_COORDINATOR.code,
  ILLEGAL_GENERATION: ERROR_CODES.ILLEGAL_GENERATION.code,
  INCONSISTENT_GROUP_PROTOCOL: ERROR_CODES.INCONSISTENT_GROUP_PROTOCOL.code,
  INVALID_GROUP_ID: ERROR_CODES.INVALID_GROUP_ID.code,
  UNKNOWN_MEMBER_ID: ERROR_CODES.UNKNOWN_MEMBER_ID.code,
  INVALID_SESSION_TIMEOUT: ERROR_CODES.INVALID_SESSION_TIMEOUT.code,
  REBALANCE_IN_PROGRESS: ERROR_CODES.REBALANCE_IN_PROGRESS.code,
  INVALID_COMMIT_OFFSET_SIZE: ERROR_CODES.INVALID_COMMIT_OFFSET_SIZE.code,
  OFFSET_METADATA_TOO_LARGE: ERROR_CODES.OFFSET_METADATA_TOO_LARGE.code,
  NON_EMPTY_GROUP: ERROR_CODES.NON_EMPTY_GROUP.code,
  GROUP_ID_NOT_FOUND: ERROR_CODES.GROUP_ID_NOT_FOUND.code,
  MEMBER_ID_REQUIRED: ERROR_CODES.MEMBER_ID_REQUIRED.code,
  GROUP_MAX_SIZE_REACHED: ERROR_CODES.GROUP_MAX_SIZE_REACHED.code,
  FENCED_INSTANCE_ID: ERROR_CODES.FENCED_INSTANCE_ID.code,
  GROUP_SUBSCRIBED_TO_TOPIC: ERROR_CODES.GROUP_SUBSCRIBED_TO_TOPIC.code,
  UNSTABLE_OFFSET_COMMIT: ERROR_CODES.UNSTABLE_OFFSET_COMMIT.code,
} as const;

const E = GROUP_ERROR_CODES;

export function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    memberId,
    skipAssignment: false,
    members: [],
  };
}

export function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
}

/** Kafka's mapping of a failed append to what the coordinator answers. */
export function storeErrorCode(err: unknown, offsetCommit: boolean): number {
  if (!isKafkaError(err)) return E.UNKNOWN_SERVER_ERROR;
  switch (err.errorName) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
    case 'NOT_ENOUGH_REPLICAS':
    case 'NOT_ENOUGH_REPLICAS_AFTER_APPEND':
    case 'REQUEST_TIMED_OUT':
      return E.COORDINATOR_NOT_AVAILABLE;
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'KAFKA_STORAGE_ERROR':
      return E.NOT_COORDINATOR;
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
    case 'INVALID_FETCH_SIZE':
      return offsetCommit ? E.INVALID_COMMIT_OFFSET_SIZE : E.UNKNOWN_SERVER_ERROR;
    default:
      return offsetCommit ? err.code : E.UNKNOWN_SERVER_ERROR;
  }
}
