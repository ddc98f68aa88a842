import type { Clock } from '../common/clock.js';
import { encodeEndTxnMarkerBatch } from '../protocol/records/control-record.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { TransactionMarkerRequest, TransactionMarkerWriter } from './transaction/index.js';
import { topicPartitionKey } from './transaction/index.js';

/** Called once a marker landed on a partition (the group coordinator completes transactional offsets). */
export type MarkerWritten = (
  topic: string,
  partition: number,
  producerId: number,
  committed: boolean,
) => void;

/**
 * Writes end-transaction markers (control batches, acks=all) to the partitions of a transaction that this
 * broker leads, through the replica manager — the same path a WriteTxnMarkers request from another broker's
 * coordinator takes. A partition led elsewhere answers NOT_LEADER_OR_FOLLOWER, and the coordinator retries it
 * after the metadata moved; a multi-broker cluster routes those to the leader over the wire.
 */
export class LocalMarkerWriter implements TransactionMarkerWriter {
  constructor(
    private readonly replicaManager: ReplicaManager,
    private readonly clock: Clock,
    private readonly onWritten: MarkerWritten,
    private readonly timeoutMs = 30_000,
  ) {}

  async writeMarkers(request: TransactionMarkerRequest): Promise<Map<string, number>> {
    const results = await this.replicaManager.appendRecords(
      request.partitions.map((tp) => ({
        topic: tp.topic,
        partition: tp.partition,
        records: encodeEndTxnMarkerBatch({
          producerId: request.producerId,
          producerEpoch: request.producerEpoch,
          coordinatorEpoch: request.coordinatorEpoch,
          commit: request.committed,
          timestamp: this.clock.nowMs(),
        }),
      })),
      -1,
      this.timeoutMs,
      'coordinator',
    );
    const codes = new Map<string, number>();
    for (const r of results) {
      codes.set(topicPartitionKey(r.topic, r.partition), r.error?.code ?? 0);
      if (!r.error) this.onWritten(r.topic, r.partition, request.producerId, request.committed);
    }
    return codes;
  }
}
