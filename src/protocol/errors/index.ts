export { ERROR_CODES, type ErrorCodeEntry, type ErrorName, errorForCode } from './error-codes.js';
export { isKafkaError, KafkaError, toKafkaError } from './kafka-error.js';
