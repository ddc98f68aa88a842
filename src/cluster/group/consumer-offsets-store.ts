/** One record of `__consumer_offsets` at key/value level; a null value is a tombstone. */
export interface ConsumerOffsetsRecord {
  key: Buffer;
  value: Buffer | null;
}

/**
 * Where the coordinator keeps its state: the partitions of the compacted internal topic
 * `__consumer_offsets`. The broker implements it on its partition logs and does the record-batch wrapping
 * (one batch per `append`, so the records of one call land atomically, as Kafka writes a commit's offsets).
 *
 * Contract:
 * - `append` resolves only once the records are durable as acks=all defines it for the partition (in the
 *   ISR), and rejects otherwise, preferably with a KafkaError (NOT_LEADER_OR_FOLLOWER,
 *   NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT, MESSAGE_TOO_LARGE, …) that the coordinator maps to the codes
 *   Kafka's coordinator answers. Appends to one partition resolve in the order they were made.
 * - `read` yields every record of the partition from the log start to the current end, in offset order;
 *   the coordinator replays it when it becomes the partition's leader.
 */
export interface ConsumerOffsetsStore {
  append(partition: number, records: ConsumerOffsetsRecord[]): Promise<void>;
  read(partition: number): AsyncIterable<ConsumerOffsetsRecord>;
}
