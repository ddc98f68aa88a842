export { ERROR_CODES, type ErrorCodeEntry, type ErrorName, errorForCode } from './error-codes.js';
export { isKafkaError, KafkaError } from './kafka-error.js';
