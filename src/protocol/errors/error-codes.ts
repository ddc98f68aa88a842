// Kafka's error codes, as the protocol guide lists them: code, name, retriability, message.
// This is the one table of them in Ferry; everything that answers with or interprets an error code reads it here.

export interface ErrorCodeEntry {
  readonly code: number;
  readonly name: string;
  readonly retriable: boolean;
  readonly message: string;
}

export const ERROR_CODES = {
  UNKNOWN_SERVER_ERROR: {
    code: -1,
    name: 'UNKNOWN_SERVER_ERROR',
    retriable: false,
    message: 'The server experienced an unexpected error when processing the request.',
  },
  NONE: { code: 0, name: 'NONE', retriable: false, message: '' },
  OFFSET_OUT_OF_RANGE: {
    code: 1,
    name: 'OFFSET_OUT_OF_RANGE',
    retriable: false,
    message: 'The requested offset is not within the range of offsets maintained by the server.',
  },
  CORRUPT_MESSAGE: {
    code: 2,
    name: 'CORRUPT_MESSAGE',
    retriable: true,
    message:
      'This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.',
  },
  UNKNOWN_TOPIC_OR_PARTITION: {
    code: 3,
    name: 'UNKNOWN_TOPIC_OR_PARTITION',
    retriable: true,
    message: 'This server does not host this topic-partition.',
  },
  INVALID_FETCH_SIZE: {
    code: 4,
    name: 'INVALID_FETCH_SIZE',
    retriable: false,
    message: 'The requested fetch size is invalid.',
  },
  LEADER_NOT_AVAILABLE: {
    code: 5,
    name: 'LEADER_NOT_AVAILABLE',
    retriable: true,
    message: 'There is no leader for this topic-partition as we are in the middle of a leadership election.',
  },
  NOT_LEADER_OR_FOLLOWER: {
    code: 6,
    name: 'NOT_LEADER_OR_FOLLOWER',
    retriable: true,
    message:
      'For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.',
  },
  REQUEST_TIMED_OUT: {
    code: 7,
    name: 'REQUEST_TIMED_OUT',
    retriable: true,
    message: 'The request timed out.',
  },
  BROKER_NOT_AVAILABLE: {
    code: 8,
    name: 'BROKER_NOT_AVAILABLE',
    retriable: false,
    message: 'The broker is not available.',
  },
  REPLICA_NOT_AVAILABLE: {
    code: 9,
    name: 'REPLICA_NOT_AVAILABLE',
    retriable: true,
    message: 'The replica is not available for the requested topic-partition.',
  },
  MESSAGE_TOO_LARGE: {
    code: 10,
    name: 'MESSAGE_TOO_LARGE',
    retriable: false,
    message: 'The request included a message larger than the max message size the server will accept.',
  },
  STALE_CONTROLLER_EPOCH: {
    code: 11,
    name: 'STALE_CONTROLLER_EPOCH',
    retriable: false,
    message: 'The controller moved to another broker.',
  },
  OFFSET_METADATA_TOO_LARGE: {
    code: 12,
    name: 'OFFSET_METADATA_TOO_LARGE',
    retriable: false,
    message: 'The metadata field of the offset request was too large.',
  },
  NETWORK_EXCEPTION: {
    code: 13,
    name: 'NETWORK_EXCEPTION',
    retriable: true,
    message: 'The server disconnected before a response was received.',
  },
  COORDINATOR_LOAD_IN_PROGRESS: {
    code: 14,
    name: 'COORDINATOR_LOAD_IN_PROGRESS',
    retriable: true,
    message: "The coordinator is loading and hence can't process requests.",
  },
  COORDINATOR_NOT_AVAILABLE: {
    code: 15,
    name: 'COORDINATOR_NOT_AVAILABLE',
    retriable: true,
    message: 'The coordinator is not available.',
  },
  NOT_COORDINATOR: {
    code: 16,
    name: 'NOT_COORDINATOR',
    retriable: true,
    message: 'This is not the correct coordinator.',
  },
  INVALID_TOPIC_EXCEPTION: {
    code: 17,
    name: 'INVALID_TOPIC_EXCEPTION',
    retriable: false,
    message: 'The request attempted to perform an operation on an invalid topic.',
  },
  RECORD_LIST_TOO_LARGE: {
    code: 18,
    name: 'RECORD_LIST_TOO_LARGE',
    retriable: false,
    message: 'The request included message batch larger than the configured segment size on the server.',
  },
  NOT_ENOUGH_REPLICAS: {
    code: 19,
    name: 'NOT_ENOUGH_REPLICAS',
    retriable: true,
    message: 'Messages are rejected since there are fewer in-sync replicas than required.',
  },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: {
    code: 20,
    name: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
    retriable: true,
    message: 'Messages are written to the log, but to fewer in-sync replicas than required.',
  },
  INVALID_REQUIRED_ACKS: {
    code: 21,
    name: 'INVALID_REQUIRED_ACKS',
    retriable: false,
    message: 'Produce request specified an invalid value for required acks.',
  },
  ILLEGAL_GENERATION: {
    code: 22,
    name: 'ILLEGAL_GENERATION',
    retriable: false,
    message: 'Specified group generation id is not valid.',
  },
  INCONSISTENT_GROUP_PROTOCOL: {
    code: 23,
    name: 'INCONSISTENT_GROUP_PROTOCOL',
    retriable: false,
    message:
      "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.",
  },
  INVALID_GROUP_ID: {
    code: 24,
    name: 'INVALID_GROUP_ID',
    retriable: false,
    message: 'The configured groupId is invalid.',
  },
  UNKNOWN_MEMBER_ID: {
    code: 25,
    name: 'UNKNOWN_MEMBER_ID',
    retriable: false,
    message: 'The coordinator is not aware of this member.',
  },
  INVALID_SESSION_TIMEOUT: {
    code: 26,
    name: 'INVALID_SESSION_TIMEOUT',
    retriable: false,
    message: 'The session timeout is not within the range allowed by the broker.',
  },
  REBALANCE_IN_PROGRESS: {
    code: 27,
    name: 'REBALANCE_IN_PROGRESS',
    retriable: false,
    message: 'The group is rebalancing, so a rejoin is needed.',
  },
  INVALID_COMMIT_OFFSET_SIZE: {
    code: 28,
    name: 'INVALID_COMMIT_OFFSET_SIZE',
    retriable: false,
    message: 'The committing offset data size is not valid.',
  },
  TOPIC_AUTHORIZATION_FAILED: {
    code: 29,
    name: 'TOPIC_AUTHORIZATION_FAILED',
    retriable: false,
    message: 'Topic authorization failed.',
  },
  GROUP_AUTHORIZATION_FAILED: {
    code: 30,
    name: 'GROUP_AUTHORIZATION_FAILED',
    retriable: false,
    message: 'Group authorization failed.',
  },
  CLUSTER_AUTHORIZATION_FAILED: {
    code: 31,
    name: 'CLUSTER_AUTHORIZATION_FAILED',
    retriable: false,
    message: 'Cluster authorization failed.',
  },
  INVALID_TIMESTAMP: {
    code: 32,
    name: 'INVALID_TIMESTAMP',
    retriable: false,
    message: 'The timestamp of the message is out of acceptable range.',
  },
  UNSUPPORTED_SASL_MECHANISM: {
    code: 33,
    name: 'UNSUPPORTED_SASL_MECHANISM',
    retriable: false,
    message: 'The broker does not support the requested SASL mechanism.',
  },
  ILLEGAL_SASL_STATE: {
    code: 34,
    name: 'ILLEGAL_SASL_STATE',
    retriable: false,
    message: 'Request is not valid given the current SASL state.',
  },
  UNSUPPORTED_VERSION: {
    code: 35,
    name: 'UNSUPPORTED_VERSION',
    retriable: false,
    message: 'The version of API is not supported.',
  },
  TOPIC_ALREADY_EXISTS: {
    code: 36,
    name: 'TOPIC_ALREADY_EXISTS',
    retriable: false,
    message: 'Topic with this name already exists.',
  },
  INVALID_PARTITIONS: {
    code: 37,
    name: 'INVALID_PARTITIONS',
    retriable: false,
    message: 'Number of partitions is below 1.',
  },
  INVALID_REPLICATION_FACTOR: {
    code: 38,
    name: 'INVALID_REPLICATION_FACTOR',
    retriable: false,
    message: 'Replication factor is below 1 or larger than the number of available brokers.',
  },
  INVALID_REPLICA_ASSIGNMENT: {
    code: 39,
    name: 'INVALID_REPLICA_ASSIGNMENT',
    retriable: false,
    message: 'Replica assignment is invalid.',
  },
  INVALID_CONFIG: {
    code: 40,
    name: 'INVALID_CONFIG',
    retriable: false,
    message: 'Configuration is invalid.',
  },
  NOT_CONTROLLER: {
    code: 41,
    name: 'NOT_CONTROLLER',
    retriable: true,
    message: 'This is not the correct controller for this cluster.',
  },
  INVALID_REQUEST: {
    code: 42,
    name: 'INVALID_REQUEST',
    retriable: false,
    message:
      'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker.',
  },
  UNSUPPORTED_FOR_MESSAGE_FORMAT: {
    code: 43,
    name: 'UNSUPPORTED_FOR_MESSAGE_FORMAT',
    retriable: false,
    message: 'The message format version on the broker does not support the request.',
  },
  POLICY_VIOLATION: {
    code: 44,
    name: 'POLICY_VIOLATION',
    retriable: false,
    message: 'Request parameters do not satisfy the configured policy.',
  },
  OUT_OF_ORDER_SEQUENCE_NUMBER: {
    code: 45,
    name: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    retriable: false,
    message: 'The broker received an out of order sequence number.',
  },
  DUPLICATE_SEQUENCE_NUMBER: {
    code: 46,
    name: 'DUPLICATE_SEQUENCE_NUMBER',
    retriable: false,
    message: 'The broker received a duplicate sequence number.',
  },
  INVALID_PRODUCER_EPOCH: {
    code: 47,
    name: 'INVALID_PRODUCER_EPOCH',
    retriable: false,
    message: 'Producer attempted to produce with an old epoch.',
  },
  INVALID_TXN_STATE: {
    code: 48,
    name: 'INVALID_TXN_STATE',
    retriable: false,
    message: 'The producer attempted a transactional operation in an invalid state.',
  },
  INVALID_PRODUCER_ID_MAPPING: {
    code: 49,
    name: 'INVALID_PRODUCER_ID_MAPPING',
    retriable: false,
    message:
      'The producer attempted to use a producer id which is not currently assigned to its transactional id.',
  },
  INVALID_TRANSACTION_TIMEOUT: {
    code: 50,
    name: 'INVALID_TRANSACTION_TIMEOUT',
    retriable: false,
    message: 'The transaction timeout is larger than the maximum value allowed by the broker.',
  },
  CONCURRENT_TRANSACTIONS: {
    code: 51,
    name: 'CONCURRENT_TRANSACTIONS',
    retriable: true,
    message:
      'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.',
  },
  TRANSACTION_COORDINATOR_FENCED: {
    code: 52,
    name: 'TRANSACTION_COORDINATOR_FENCED',
    retriable: false,
    message:
      'Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a given producer.',
  },
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: {
    code: 53,
    name: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
    retriable: false,
    message: 'Transactional Id authorization failed.',
  },
  SECURITY_DISABLED: {
    code: 54,
    name: 'SECURITY_DISABLED',
    retriable: false,
    message: 'Security features are disabled.',
  },
  OPERATION_NOT_ATTEMPTED: {
    code: 55,
    name: 'OPERATION_NOT_ATTEMPTED',
    retriable: false,
    message: 'The broker did not attempt to execute this operation.',
  },
  KAFKA_STORAGE_ERROR: {
    code: 56,
    name: 'KAFKA_STORAGE_ERROR',
    retriable: true,
    message: 'Disk error when trying to access log file on the disk.',
  },
  LOG_DIR_NOT_FOUND: {
    code: 57,
    name: 'LOG_DIR_NOT_FOUND',
    retriable: false,
    message: 'The user-specified log directory is not found in the broker config.',
  },
  SASL_AUTHENTICATION_FAILED: {
    code: 58,
    name: 'SASL_AUTHENTICATION_FAILED',
    retriable: false,
    message: 'SASL Authentication failed.',
  },
  UNKNOWN_PRODUCER_ID: {
    code: 59,
    name: 'UNKNOWN_PRODUCER_ID',
    retriable: false,
    message:
      'This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question.',
  },
  REASSIGNMENT_IN_PROGRESS: {
    code: 60,
    name: 'REASSIGNMENT_IN_PROGRESS',
    retriable: false,
    message: 'A partition reassignment is in progress.',
  },
  DELEGATION_TOKEN_AUTH_DISABLED: {
    code: 61,
    name: 'DELEGATION_TOKEN_AUTH_DISABLED',
    retriable: false,
    message: 'Delegation Token feature is not enabled.',
  },
  DELEGATION_TOKEN_NOT_FOUND: {
    code: 62,
    name: 'DELEGATION_TOKEN_NOT_FOUND',
    retriable: false,
    message: 'Delegation Token is not found on server.',
  },
  DELEGATION_TOKEN_OWNER_MISMATCH: {
    code: 63,
    name: 'DELEGATION_TOKEN_OWNER_MISMATCH',
    retriable: false,
    message: 'Specified Principal is not valid Owner/Renewer.',
  },
  DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: {
    code: 64,
    name: 'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED',
    retriable: false,
    message:
      'Delegation Token requests are not allowed on PLAINTEXT/1-way SSL channels and on delegation token authenticated channels.',
  },
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: {
    code: 65,
    name: 'DELEGATION_TOKEN_AUTHORIZATION_FAILED',
    retriable: false,
    message: 'Delegation Token authorization failed.',
  },
  DELEGATION_TOKEN_EXPIRED: {
    code: 66,
    name: 'DELEGATION_TOKEN_EXPIRED',
    retriable: false,
    message: 'Delegation Token is expired.',
  },
  INVALID_PRINCIPAL_TYPE: {
    code: 67,
    name: 'INVALID_PRINCIPAL_TYPE',
    retriable: false,
    message: 'Supplied principalType is not supported.',
  },
  NON_EMPTY_GROUP: {
    code: 68,
    name: 'NON_EMPTY_GROUP',
    retriable: false,
    message: 'The group is not empty.',
  },
  GROUP_ID_NOT_FOUND: {
    code: 69,
    name: 'GROUP_ID_NOT_FOUND',
    retriable: false,
    message: 'The group id does not exist.',
  },
  FETCH_SESSION_ID_NOT_FOUND: {
    code: 70,
    name: 'FETCH_SESSION_ID_NOT_FOUND',
    retriable: true,
    message: 'The fetch session ID was not found.',
  },
  INVALID_FETCH_SESSION_EPOCH: {
    code: 71,
    name: 'INVALID_FETCH_SESSION_EPOCH',
    retriable: true,
    message: 'The fetch session epoch is invalid.',
  },
  LISTENER_NOT_FOUND: {
    code: 72,
    name: 'LISTENER_NOT_FOUND',
    retriable: true,
    message:
      'There is no listener on the leader broker that matches the listener on which metadata request was processed.',
  },
  TOPIC_DELETION_DISABLED: {
    code: 73,
    name: 'TOPIC_DELETION_DISABLED',
    retriable: false,
    message: 'Topic deletion is disabled.',
  },
  FENCED_LEADER_EPOCH: {
    code: 74,
    name: 'FENCED_LEADER_EPOCH',
    retriable: true,
    message: 'The leader epoch in the request is older than the epoch on the broker.',
  },
  UNKNOWN_LEADER_EPOCH: {
    code: 75,
    name: 'UNKNOWN_LEADER_EPOCH',
    retriable: true,
    message: 'The leader epoch in the request is newer than the epoch on the broker.',
  },
  UNSUPPORTED_COMPRESSION_TYPE: {
    code: 76,
    name: 'UNSUPPORTED_COMPRESSION_TYPE',
    retriable: false,
    message: 'The requesting client does not support the compression type of given partition.',
  },
  STALE_BROKER_EPOCH: {
    code: 77,
    name: 'STALE_BROKER_EPOCH',
    retriable: false,
    message: 'Broker epoch has changed.',
  },
  OFFSET_NOT_AVAILABLE: {
    code: 78,
    name: 'OFFSET_NOT_AVAILABLE',
    retriable: true,
    message:
      'The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing.',
  },
  MEMBER_ID_REQUIRED: {
    code: 79,
    name: 'MEMBER_ID_REQUIRED',
    retriable: false,
    message: 'The group member needs to have a valid member id before actually entering a consumer group.',
  },
  PREFERRED_LEADER_NOT_AVAILABLE: {
    code: 80,
    name: 'PREFERRED_LEADER_NOT_AVAILABLE',
    retriable: true,
    message: 'The preferred leader was not available.',
  },
  GROUP_MAX_SIZE_REACHED: {
    code: 81,
    name: 'GROUP_MAX_SIZE_REACHED',
    retriable: false,
    message: 'The consumer group has reached its max size.',
  },
  FENCED_INSTANCE_ID: {
    code: 82,
    name: 'FENCED_INSTANCE_ID',
    retriable: false,
    message:
      'The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.',
  },
  ELIGIBLE_LEADERS_NOT_AVAILABLE: {
    code: 83,
    name: 'ELIGIBLE_LEADERS_NOT_AVAILABLE',
    retriable: true,
    message: 'Eligible topic partition leaders are not available.',
  },
  ELECTION_NOT_NEEDED: {
    code: 84,
    name: 'ELECTION_NOT_NEEDED',
    retriable: true,
    message: 'Leader election not needed for topic partition.',
  },
  NO_REASSIGNMENT_IN_PROGRESS: {
    code: 85,
    name: 'NO_REASSIGNMENT_IN_PROGRESS',
    retriable: false,
    message: 'No partition reassignment is in progress.',
  },
  GROUP_SUBSCRIBED_TO_TOPIC: {
    code: 86,
    name: 'GROUP_SUBSCRIBED_TO_TOPIC',
    retriable: false,
    message:
      'Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.',
  },
  INVALID_RECORD: {
    code: 87,
    name: 'INVALID_RECORD',
    retriable: false,
    message: 'This record has failed the validation on broker and hence will be rejected.',
  },
  UNSTABLE_OFFSET_COMMIT: {
    code: 88,
    name: 'UNSTABLE_OFFSET_COMMIT',
    retriable: true,
    message: 'There are unstable offsets that need to be cleared.',
  },
  THROTTLING_QUOTA_EXCEEDED: {
    code: 89,
    name: 'THROTTLING_QUOTA_EXCEEDED',
    retriable: true,
    message: 'The throttling quota has been exceeded.',
  },
  PRODUCER_FENCED: {
    code: 90,
    name: 'PRODUCER_FENCED',
    retriable: false,
    message: 'There is a newer producer with the same transactionalId which fences the current one.',
  },
  RESOURCE_NOT_FOUND: {
    code: 91,
    name: 'RESOURCE_NOT_FOUND',
    retriable: false,
    message: 'A request illegally referred to a resource that does not exist.',
  },
  DUPLICATE_RESOURCE: {
    code: 92,
    name: 'DUPLICATE_RESOURCE',
    retriable: false,
    message: 'A request illegally referred to the same resource twice.',
  },
  UNACCEPTABLE_CREDENTIAL: {
    code: 93,
    name: 'UNACCEPTABLE_CREDENTIAL',
    retriable: false,
    message: 'Requested credential would not meet criteria for acceptability.',
  },
  INCONSISTENT_VOTER_SET: {
    code: 94,
    name: 'INCONSISTENT_VOTER_SET',
    retriable: false,
    message:
      'Indicates that the either the sender or recipient of a voter-only request is not one of the expected voters.',
  },
  INVALID_UPDATE_VERSION: {
    code: 95,
    name: 'INVALID_UPDATE_VERSION',
    retriable: false,
    message: 'The given update version was invalid.',
  },
  FEATURE_UPDATE_FAILED: {
    code: 96,
    name: 'FEATURE_UPDATE_FAILED',
    retriable: false,
    message: 'Unable to update finalized features due to an unexpected server error.',
  },
  PRINCIPAL_DESERIALIZATION_FAILURE: {
    code: 97,
    name: 'PRINCIPAL_DESERIALIZATION_FAILURE',
    retriable: false,
    message: 'Request principal deserialization failed during forwarding.',
  },
  SNAPSHOT_NOT_FOUND: {
    code: 98,
    name: 'SNAPSHOT_NOT_FOUND',
    retriable: false,
    message: 'Requested snapshot was not found.',
  },
  POSITION_OUT_OF_RANGE: {
    code: 99,
    name: 'POSITION_OUT_OF_RANGE',
    retriable: false,
    message:
      'Requested position is not greater than or equal to zero, and less than the size of the snapshot.',
  },
  UNKNOWN_TOPIC_ID: {
    code: 100,
    name: 'UNKNOWN_TOPIC_ID',
    retriable: true,
    message: 'This server does not host this topic ID.',
  },
  DUPLICATE_BROKER_REGISTRATION: {
    code: 101,
    name: 'DUPLICATE_BROKER_REGISTRATION',
    retriable: false,
    message: 'This broker ID is already in use.',
  },
  BROKER_ID_NOT_REGISTERED: {
    code: 102,
    name: 'BROKER_ID_NOT_REGISTERED',
    retriable: false,
    message: 'The given broker ID was not registered.',
  },
  INCONSISTENT_TOPIC_ID: {
    code: 103,
    name: 'INCONSISTENT_TOPIC_ID',
    retriable: true,
    message: "The log's topic ID did not match the topic ID in the request.",
  },
  INCONSISTENT_CLUSTER_ID: {
    code: 104,
    name: 'INCONSISTENT_CLUSTER_ID',
    retriable: false,
    message: 'The clusterId in the request does not match that found on the server.',
  },
  TRANSACTIONAL_ID_NOT_FOUND: {
    code: 105,
    name: 'TRANSACTIONAL_ID_NOT_FOUND',
    retriable: false,
    message: 'The transactionalId could not be found.',
  },
  FETCH_SESSION_TOPIC_ID_ERROR: {
    code: 106,
    name: 'FETCH_SESSION_TOPIC_ID_ERROR',
    retriable: true,
    message: 'The fetch session encountered inconsistent topic ID usage.',
  },
  INELIGIBLE_REPLICA: {
    code: 107,
    name: 'INELIGIBLE_REPLICA',
    retriable: false,
    message: 'The new ISR contains at least one ineligible replica.',
  },
  NEW_LEADER_ELECTED: {
    code: 108,
    name: 'NEW_LEADER_ELECTED',
    retriable: false,
    message:
      'The AlterPartition request successfully updated the partition state but the leader has changed.',
  },
  OFFSET_MOVED_TO_TIERED_STORAGE: {
    code: 109,
    name: 'OFFSET_MOVED_TO_TIERED_STORAGE',
    retriable: false,
    message: 'The requested offset is moved to tiered storage.',
  },
  FENCED_MEMBER_EPOCH: {
    code: 110,
    name: 'FENCED_MEMBER_EPOCH',
    retriable: false,
    message: 'The member epoch is fenced by the group coordinator.',
  },
  UNRELEASED_INSTANCE_ID: {
    code: 111,
    name: 'UNRELEASED_INSTANCE_ID',
    retriable: false,
    message: 'The instance ID is still used by another member in the consumer group.',
  },
  UNSUPPORTED_ASSIGNOR: {
    code: 112,
    name: 'UNSUPPORTED_ASSIGNOR',
    retriable: false,
    message: 'The assignor or its version range is not supported by the consumer group.',
  },
  STALE_MEMBER_EPOCH: {
    code: 113,
    name: 'STALE_MEMBER_EPOCH',
    retriable: false,
    message: 'The member epoch is stale.',
  },
  MISMATCHED_ENDPOINT_TYPE: {
    code: 114,
    name: 'MISMATCHED_ENDPOINT_TYPE',
    retriable: false,
    message: 'The request was sent to an endpoint of the wrong type.',
  },
  UNSUPPORTED_ENDPOINT_TYPE: {
    code: 115,
    name: 'UNSUPPORTED_ENDPOINT_TYPE',
    retriable: false,
    message: 'This endpoint type is not supported yet.',
  },
  UNKNOWN_CONTROLLER_ID: {
    code: 116,
    name: 'UNKNOWN_CONTROLLER_ID',
    retriable: false,
    message: 'This controller ID is not known.',
  },
  UNKNOWN_SUBSCRIPTION_ID: {
    code: 117,
    name: 'UNKNOWN_SUBSCRIPTION_ID',
    retriable: false,
    message: 'Client sent a push telemetry request with an invalid or outdated subscription ID.',
  },
  TELEMETRY_TOO_LARGE: {
    code: 118,
    name: 'TELEMETRY_TOO_LARGE',
    retriable: false,
    message: 'Client sent a push telemetry request larger than the maximum size the broker will accept.',
  },
  INVALID_REGISTRATION: {
    code: 119,
    name: 'INVALID_REGISTRATION',
    retriable: false,
    message: 'The controller has considered the broker registration to be invalid.',
  },
  TRANSACTION_ABORTABLE: {
    code: 120,
    name: 'TRANSACTION_ABORTABLE',
    retriable: false,
    message:
      'The server encountered an error with the transaction. The client can abort the transaction to continue using this transactional ID.',
  },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorName = keyof typeof ERROR_CODES;

const byCode = new Map<number, ErrorCodeEntry>(Object.values(ERROR_CODES).map((e) => [e.code, e]));

/** The table entry for a wire error code; an unknown code maps to UNKNOWN_SERVER_ERROR with its number kept. */
export function errorForCode(code: number): ErrorCodeEntry {
  return byCode.get(code) ?? { ...ERROR_CODES.UNKNOWN_SERVER_ERROR, code };
}
