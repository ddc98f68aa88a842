import { ERROR_CODES, type ErrorCodeEntry, type ErrorName } from './error-codes.js';

/**
 * An error that maps to one of Kafka's error codes, so that a handler can answer the client with the code
 * and an operator can read the same name Kafka would log. `detail` says what happened here; the table's
 * message says what the code means in general.
 */
export class KafkaError extends Error {
  readonly entry: ErrorCodeEntry;

  constructor(name: ErrorName, detail?: string, options?: ErrorOptions) {
    const entry: ErrorCodeEntry = ERROR_CODES[name];
    super(detail ? `${entry.name}: ${detail}` : `${entry.name}: ${entry.message}`, options);
    this.name = 'KafkaError';
    this.entry = entry;
  }

  get code(): number {
    return this.entry.code;
  }

  get errorName(): string {
    return this.entry.name;
  }

  get retriable(): boolean {
    return this.entry.retriable;
  }
}

export function isKafkaError(err: unknown, name?: ErrorName): err is KafkaError {
  return err instanceof KafkaError && (name === undefined || err.entry.name === name);
}

/**
 * The error a component answers with: a KafkaError as it is, anything else (a bug, an I/O failure the component did
 * not classify) as UNKNOWN_SERVER_ERROR keeping the original as its cause.
 */
export function toKafkaError(err: unknown): KafkaError {
  if (isKafkaError(err)) return err;
  return new KafkaError('UNKNOWN_SERVER_ERROR', (err as Error).message, { cause: err });
}
