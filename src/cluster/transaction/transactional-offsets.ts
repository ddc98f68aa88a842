/**
 * What the transaction coordinator and the broker need from the group coordinator for transactional offset
 * commits (TxnOffsetCommit and the markers on `__consumer_offsets`). The group coordinator implements it;
 * this file only fixes the contract, so that the broker can wire the two coordinators together.
 *
 * The flow, as in Kafka:
 * 1. The producer calls AddOffsetsToTxn on the transaction coordinator, which adds the group's
 *    `__consumer_offsets` partition to the transaction (TransactionCoordinator.addOffsetsToTxn).
 * 2. The producer sends TxnOffsetCommit to the group coordinator → `commitTxnOffsets`. The offsets are
 *    appended to `__consumer_offsets` as ordinary offset-commit records, but inside a transactional batch
 *    (the request's producer id and epoch, transactional flag set), and are held as PENDING for that
 *    producer id: OffsetFetch does not return them (a require_stable OffsetFetch answers
 *    UNSTABLE_OFFSET_COMMIT for those partitions), and a committed offset of the same partition is not
 *    replaced yet.
 * 3. The transaction ends: the coordinator's TransactionMarkerWriter appends the end-txn control batch to
 *    that `__consumer_offsets` partition on its leader. Right after that append (on the broker that leads
 *    the partition, in the broker's WriteTxnMarkers/marker path), the broker calls `completeTxn`: on commit
 *    the producer's pending offsets become the committed ones (each keeps the offset of its record, so a
 *    later non-transactional commit still wins if it came after); on abort they are dropped.
 * 4. On load of a `__consumer_offsets` partition, the group coordinator rebuilds pending offsets from
 *    transactional batches and resolves them by the markers that follow, as Kafka does.
 */

export interface TxnOffsetCommitPartition {
  partition: number;
  offset: number;
  /** -1 when the committer did not know it. */
  leaderEpoch: number;
  metadata: string | null;
}

export interface TxnOffsetCommitTopic {
  topic: string;
  partitions: TxnOffsetCommitPartition[];
}

export interface TxnOffsetCommitParams {
  transactionalId: string;
  groupId: string;
  producerId: number;
  producerEpoch: number;
  /** -1 (TxnOffsetCommit v0–2, or no member check) skips the generation check (KIP-447). */
  generationId: number;
  /** '' skips the member check. */
  memberId: string;
  groupInstanceId: string | null;
  offsets: TxnOffsetCommitTopic[];
}

export interface TxnOffsetCommitPartitionResult {
  partition: number;
  errorCode: number;
}

export interface TxnOffsetCommitTopicResult {
  topic: string;
  partitions: TxnOffsetCommitPartitionResult[];
}

export interface TransactionalOffsets {
  /**
   * TxnOffsetCommit: per-partition error codes, in request order. Expected codes as Kafka answers them:
   * NONE; NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS / COORDINATOR_NOT_AVAILABLE for the group's
   * partition; ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID for a stale member (v3+);
   * OFFSET_METADATA_TOO_LARGE; UNKNOWN_TOPIC_OR_PARTITION; INVALID_PRODUCER_EPOCH / PRODUCER_FENCED when the
   * partition log's producer state rejects the epoch; UNKNOWN_SERVER_ERROR otherwise.
   */
  commitTxnOffsets(params: TxnOffsetCommitParams): Promise<TxnOffsetCommitTopicResult[]>;

  /**
   * A marker for `producerId` was appended to `__consumer_offsets` partition `offsetsPartition` (called by
   * the broker on that partition's leader once the append is durable): materialise (`committed`) or drop
   * the producer's pending offsets of the groups on that partition. Idempotent: a marker written twice (a
   * coordinator failover rewrites them) finds nothing pending the second time.
   */
  completeTxn(producerId: number, committed: boolean, offsetsPartition: number): void;
}
