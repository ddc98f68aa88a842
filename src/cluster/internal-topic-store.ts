import { KafkaError } from '../protocol/errors/index.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../protocol/records/record-batch.js';
import { RecordSetIterator } from '../protocol/records/record-set.js';
import type { ReplicaManager } from '../replication/replica-manager.js';

export interface KeyValueRecord {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/**
 * The coordinators' view of their internal topic (`__consumer_offsets`, `__transaction_state`): append
 * key/value records to one partition as one record batch with acks=all, and read a partition back from its
 * start when this broker becomes the partition's leader. Both coordinators' store interfaces have this shape.
 *
 * Appends to one partition resolve in order: each waits for the ISR in the replica manager's produce purgatory,
 * and the high watermark passes earlier batches first.
 */
export class InternalTopicStore {
  constructor(
    private readonly topic: string,
    private readonly replicaManager: ReplicaManager,
    private readonly timeoutMs: number,
  ) {}

  async append(partition: number, records: readonly KeyValueRecord[]): Promise<void> {
    const batch = encodeRecordBatchSync({
      records: records.map((r) => ({ key: r.key, value: r.value })),
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
    const log = p.log;
    let offset = log.logStartOffset;
    const end = log.logEndOffset;
    while (offset < end) {
      const { records } = log.read(offset, 1024 * 1024, end, true);
      if (records.length === 0) break;
      const batches = new RecordSetIterator(records);
      while (batches.next()) {
        const batch = decodeRecordBatchSync(records, batches.position);
        offset = batch.baseOffset + batch.lastOffsetDelta + 1;
        if (batch.isControl) continue;
        for (const r of batch.records) {
          if (r.key !== null) yield { key: r.key, value: r.value };
        }
      }
    }
  }
}
