/**
 * The transaction coordinator's settings: Kafka's broker configs of the same meaning under camelCase names.
 * The broker fills them from its config; everything has Kafka's default.
 */
export interface TransactionCoordinatorConfig {
  /** `transaction.max.timeout.ms`: longest transaction timeout a producer may ask for. @defaultValue 900000 */
  transactionMaxTimeoutMs: number;
  /** `transaction.state.log.num.partitions`: partitions of `__transaction_state`. @defaultValue 50 */
  transactionStateLogNumPartitions: number;
  /** `offsets.topic.num.partitions`: partitions of `__consumer_offsets`, for AddOffsetsToTxn. @defaultValue 50 */
  offsetsTopicNumPartitions: number;
  /**
   * `transactional.id.expiration.ms`: an id with no transaction open and no update for this long is
   * removed (tombstoned) by `expireTransactionalIds`. @defaultValue 604800000 (7 days)
   */
  transactionalIdExpirationMs: number;
  /**
   * Wait before retrying a marker write or a `__transaction_state` append that failed with a retriable
   * error (Kafka retries its marker sends with the inter-broker request backoff). @defaultValue 100
   */
  retryBackoffMs: number;
}

export const DEFAULT_TRANSACTION_COORDINATOR_CONFIG: Readonly<TransactionCoordinatorConfig> = Object.freeze({
  transactionMaxTimeoutMs: 900_000,
  transactionStateLogNumPartitions: 50,
  offsetsTopicNumPartitions: 50,
  transactionalIdExpirationMs: 604_800_000,
  retryBackoffMs: 100,
});

export function transactionCoordinatorConfig(
  overrides: Partial<TransactionCoordinatorConfig> = {},
): TransactionCoordinatorConfig {
  const config = { ...DEFAULT_TRANSACTION_COORDINATOR_CONFIG, ...overrides };
  for (const key of [
    'transactionMaxTimeoutMs',
    'transactionStateLogNumPartitions',
    'offsetsTopicNumPartitions',
  ] as const) {
    if (!Number.isSafeInteger(config[key]) || config[key] <= 0) {
      throw new RangeError(`${key} must be a positive integer, got ${config[key]}`);
    }
  }
  return config;
}
