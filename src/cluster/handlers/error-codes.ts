import { isKafkaError, type KafkaError } from '../../protocol/errors/index.js';

/** The wire code of an error a component raised: a KafkaError's own, UNKNOWN_SERVER_ERROR for anything else. */
export function errorCodeOf(err: unknown): number {
  return isKafkaError(err) ? err.code : -1;
}

/** The code and, for the versions that carry one, the message of an optional error. */
export function codeOf(err: KafkaError | undefined): number {
  return err === undefined ? 0 : err.code;
}
