import { KafkaError } from '../errors/kafka-error.js';

/**
 * Bytes from the network that do not decode: truncated, a length that points past the end, a null where
 * the version allows none, a varint longer than five bytes, an int64 beyond JavaScript's safe range.
 * It is Kafka's INVALID_REQUEST, so a broker can answer it (or close the connection) like Kafka does.
 *
 * `path` says where decoding stopped, e.g. `ProduceRequest.topicData[0].partitionData[2].records`. The
 * reader knows nothing of fields; the codec prepends the segments while the error unwinds, so the decoder
 * builds no path strings on the success path.
 */
export class ProtocolDecodeError extends KafkaError {
  /** Where in the message decoding failed; empty when it failed outside any field. */
  path: string;
  readonly reason: string;

  constructor(reason: string, path = '') {
    super('INVALID_REQUEST', path ? `${path}: ${reason}` : reason);
    this.name = 'ProtocolDecodeError';
    this.reason = reason;
    this.path = path;
  }

  /** Adds an outer segment (`.field`, `[3]` or a message name) while the error unwinds through the codec. */
  prependPath(segment: string): this {
    this.path = segment + this.path;
    this.message = `INVALID_REQUEST: ${this.path}: ${this.reason}`;
    return this;
  }
}

/**
 * A value that cannot be encoded in the version asked for: a null where the version allows none, a
 * non-default value of a non-ignorable field the version lacks, an int64 beyond the safe range. This is a
 * programming error of whoever built the value, never the peer's; a broker answers it as Kafka answers an
 * unexpected server error.
 */
export class ProtocolEncodeError extends KafkaError {
  path: string;
  readonly reason: string;

  constructor(reason: string, path = '') {
    super('UNKNOWN_SERVER_ERROR', path ? `${path}: ${reason}` : reason);
    this.name = 'ProtocolEncodeError';
    this.reason = reason;
    this.path = path;
  }

  prependPath(segment: string): this {
    this.path = segment + this.path;
    this.message = `UNKNOWN_SERVER_ERROR: ${this.path}: ${this.reason}`;
    return this;
  }
}
