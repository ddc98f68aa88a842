/** One record of `__consumer_offsets` at key/value level; a null value is a tombstone. */
export interface ConsumerOffsetsRecord {
  key: Buffer;
  value: Buffer | null;
}

/**
 * A record as `read` delivers it, with what replay needs of its batch. An ordinary batch's records carry
 * none of the optional fields. A transactional batch's records carry `transactional: true` and the batch's
 * `producerId`. A control batch (an end-txn marker the transaction coordinator wrote) is delivered as its
 * one control record: the key is the control record key (version int16, type int16), `controlType` the
 * type (0 ABORT, 1 COMMIT; other types carry no transaction outcome), with `producerId` and
 * `transactional: true`.
 */
export interface ConsumerOffsetsLogRecord extends ConsumerOffsetsRecord {
  producerId?: number;
  transactional?: boolean;
  controlType?: number;
}

/** A TxnOffsetCommit's append: one transactional batch of that producer, as Kafka writes it. */
export interface TransactionalAppend {
  producerId: number;
  producerEpoch: number;
  transactional: true;
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
 *   Kafka's coordinator answers. Appends to one partition land in the log, and resolve, in the order they
 *   were made (the coordinator orders offsets of one partition by that).
 * - With `txn`, the batch is transactional: that producer id and epoch, the transactional flag, appended
 *   with the log's coordinator origin (epoch checked, sequences not) so that a stale epoch is refused with
 *   INVALID_PRODUCER_EPOCH / PRODUCER_FENCED. A store that predates the option must not be given it.
 * - `read` yields every record of the partition from the log start to its end at the time of the call, in
 *   offset order, including aborted transactional data and control records (see ConsumerOffsetsLogRecord);
 *   the coordinator replays it when it becomes the partition's leader.
 */
export interface ConsumerOffsetsStore {
  append(partition: number, records: ConsumerOffsetsRecord[], txn?: TransactionalAppend): Promise<void>;
  read(partition: number): AsyncIterable<ConsumerOffsetsLogRecord>;
}
