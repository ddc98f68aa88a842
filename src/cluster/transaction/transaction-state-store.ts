/** One record of `__transaction_state` at key/value level; a null value is a tombstone. */
export interface TransactionStateRecord {
  key: Buffer;
  value: Buffer | null;
}

/**
 * Where the transaction coordinator keeps its state: the partitions of the compacted internal topic
 * `__transaction_state`. The broker implements it on its partition logs and wraps the records into a record
 * batch (one batch per `append`, so the records of one call land atomically).
 *
 * Contract (the same as the group coordinator's ConsumerOffsetsStore):
 * - `append` resolves only once the records are durable as acks=all defines it for the partition (in the
 *   ISR, `min.insync.replicas` honoured) and rejects otherwise, preferably with a KafkaError
 *   (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT, …) that the coordinator maps to the
 *   codes Kafka's coordinator answers. Appends to one partition resolve in the order they were made.
 * - `read` yields every record of the partition from the log start to the current end, in offset order;
 *   the coordinator replays it when it becomes the partition's leader.
 */
export interface TransactionStateStore {
  append(partition: number, records: TransactionStateRecord[]): Promise<void>;
  read(partition: number): AsyncIterable<TransactionStateRecord>;
}
