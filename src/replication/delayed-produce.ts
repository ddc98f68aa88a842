import { isKafkaError, KafkaError } from '../protocol/errors/index.js';
import { DelayedOperation } from './delayed-operation.js';
import type { Partition } from './partition.js';

/** One partition of an acks=all produce that wrote and now waits for the ISR. */
export interface ProducePartitionStatus {
  readonly partition: Partition;
  /** The offset after the appended batches: acknowledged once the HW reaches it. */
  readonly requiredOffset: number;
  readonly minInsyncReplicas: number;
  /** Filled when the partition is acknowledged or fails. */
  error: KafkaError | undefined;
  acknowledged: boolean;
}

/**
 * An acks=all produce waiting until the high watermark of every partition it wrote passed its batches
 * (Kafka's DelayedProduce). A partition that lost leadership meanwhile answers NOT_LEADER_OR_FOLLOWER; one
 * still waiting at the timeout answers REQUEST_TIMED_OUT — its records may still become committed, as in Kafka.
 */
export class DelayedProduce extends DelayedOperation {
  constructor(
    private readonly statuses: readonly ProducePartitionStatus[],
    private readonly respond: (statuses: readonly ProducePartitionStatus[]) => void,
  ) {
    super();
  }

  tryComplete(): boolean {
    let pending = false;
    for (const status of this.statuses) {
      if (status.acknowledged || status.error) continue;
      try {
        if (
          status.partition.checkEnoughReplicasReachOffset(status.requiredOffset, status.minInsyncReplicas) ===
          'done'
        ) {
          status.acknowledged = true;
        } else {
          pending = true;
        }
      } catch (err) {
        status.error = isKafkaError(err)
          ? err
          : new KafkaError('UNKNOWN_SERVER_ERROR', (err as Error).message);
      }
    }
    return pending ? false : this.forceComplete();
  }

  protected onComplete(): void {
    for (const status of this.statuses) {
      if (!status.acknowledged && !status.error) {
        status.error = new KafkaError(
          'REQUEST_TIMED_OUT',
          `the ISR of ${status.partition.key} did not acknowledge offset ${status.requiredOffset - 1} in time`,
        );
      }
    }
    this.respond(this.statuses);
  }
}
