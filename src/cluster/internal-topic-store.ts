import { storedBatches } from '../log/log-batches.js';
import { KafkaError } from '../protocol/errors/index.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../protocol/records/record-batch.js';
import type { ReplicaManager } from '../replication/replica-manager.js';

/**
 * A record at key/value level. On `read`, a transactional batch's records also carry the batch's
 * `producerId` and `transactional: true`, and a control batch is delivered as its control record (key =
 * the control record key) with `controlType` (0 ABORT, 1 COMMIT); ordinary batches' records carry neither.
 * On `append` these fields are ignored.
 */
export interface KeyValueRecord {
  readonly key: Buffer;
  readonly value: Buffer | null;
  readonly producerId?: number;
  readonly transactional?: boolean;
  readonly controlType?: number;
}

/** Makes an append one transactional batch of this producer (TxnOffsetCommit on `__consumer_offsets`). */
export interface TransactionalAppendOptions {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly transactional: true;
}

/**
 * The coordinators' view of their internal topic (`__consumer_offsets`, `__transaction_state`): append
 * key/value records to one partition as one record batch with acks=all, and read a partition back from its
 * start when this broker becomes the partition's leader. Both coordinators' store interfaces have this shape.
 *
 * Appends to one partition land in the log synchronously, in call order, and resolve in that order: each
 * waits for the ISR in the replica manager's produce purgatory, and the high watermark passes earlier batches
 * first. `read` delivers control records (end-txn markers) too; only `__consumer_offsets` has any.
 */
export class InternalTopicStore {
  constructor(
    private readonly topic: string,
    private readonly replicaManager: ReplicaManager,
    private readonly timeoutMs: number,
  ) {}

  /**
   * With `txn` the batch carries the producer id and epoch and the transactional flag, with base sequence 0
   * as Kafka's group coordinator writes it: the 'coordinator' origin has the log check the epoch (a stale
   * one fails with INVALID_PRODUCER_EPOCH) but not sequences, which a coordinator-written batch has none of.
   */
  async append(
    partition: number,
    records: readonly KeyValueRecord[],
    txn?: TransactionalAppendOptions,
  ): Promise<void> {
    const batch = encodeRecordBatchSync({
      records: records.map((r) => ({ key: r.key, value: r.value })),
      ...(txn === undefined
        ? {}
        : {
            producerId: txn.producerId,
            producerEpoch: txn.producerEpoch,
            baseSequence: 0,
            transactional: true,
          }),
    });
    const [result] = await this.replicaManager.appendRecords(
      [{ topic: this.topic, partition, records: batch }],
      -1,
      this.timeoutMs,
      'coordinator',
    );
    if (result?.error) throw result.error;
  }

  async *read(partition: number): AsyncIterable<KeyValueRecord> {
    const p = this.replicaManager.partition(this.topic, partition);
    if (!p) throw new KafkaError('NOT_LEADER_OR_FOLLOWER', `${this.topic}-${partition} is not hosted here`);
    for (const { records, position } of storedBatches(p.log, p.log.logStartOffset)) {
      const batch = decodeRecordBatchSync(records, position);
      if (batch.isControl) {
        const r = batch.records[0];
        if (r === undefined || r.key === null || r.key.length < 4) continue;
        yield {
          key: r.key,
          value: r.value,
          producerId: batch.producerId,
          transactional: true,
          controlType: r.key.readInt16BE(2),
        };
        continue;
      }
      const producerId = batch.isTransactional ? batch.producerId : undefined;
      for (const r of batch.records) {
        if (r.key === null) continue;
        yield producerId === undefined
          ? { key: r.key, value: r.value }
          : { key: r.key, value: r.value, producerId, transactional: true };
      }
    }
  }
}
