import { type ErrorName, errorForCode, KafkaError } from '../protocol/errors/index.js';
import { ConnectionClosedError } from './broker-connection.js';

/**
 * Codes after which the client's routing is suspect: the partition moved, is being elected, is not (yet)
 * known to the broker asked, or our leader epoch disagrees with the broker's. The client forgets the topic's
 * metadata and asks again before the next request to it.
 */
const STALE_METADATA_CODES: ReadonlySet<number> = new Set([
  3, // UNKNOWN_TOPIC_OR_PARTITION
  5, // LEADER_NOT_AVAILABLE
  6, // NOT_LEADER_OR_FOLLOWER
  9, // REPLICA_NOT_AVAILABLE
  13, // NETWORK_EXCEPTION
  56, // KAFKA_STORAGE_ERROR
  74, // FENCED_LEADER_EPOCH
  75, // UNKNOWN_LEADER_EPOCH
]);

export function isStaleMetadataError(code: number): boolean {
  return STALE_METADATA_CODES.has(code);
}

/** The KafkaError for a code a broker answered with; `detail` says which request and partition. */
export function kafkaErrorForCode(code: number, detail: string): KafkaError {
  const entry = errorForCode(code);
  const known = entry.code === code;
  return new KafkaError(entry.name as ErrorName, known ? detail : `error code ${code}: ${detail}`);
}

/**
 * Connection failures become NETWORK_EXCEPTION (retriable), so callers see one error type; anything else
 * that is not a KafkaError (a codec bug, an unsupported API) is not the broker's answer and is rethrown.
 */
export function asKafkaError(err: unknown): KafkaError {
  if (err instanceof KafkaError) return err;
  if (err instanceof ConnectionClosedError)
    return new KafkaError('NETWORK_EXCEPTION', err.message, { cause: err });
  throw err;
}
