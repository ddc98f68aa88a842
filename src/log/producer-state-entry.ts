import { NO_PRODUCER_EPOCH, NO_SEQUENCE } from '../protocol/records/batch-header.js';

/** Kafka keeps the metadata of this many recent batches per producer to answer retried batches. */
export const NUM_BATCHES_TO_RETAIN = 5;

/** Where one recent batch of a producer landed. */
export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  /** The batch's max timestamp. */
  readonly timestamp: number;
}

/** What DescribeProducers reports for one producer of a partition. */
export interface ActiveProducer {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly lastSequence: number;
  readonly lastTimestamp: number;
  readonly coordinatorEpoch: number;
  /** First offset of the ongoing transaction, or -1. */
  readonly currentTxnStartOffset: number;
}

/**
 * One producer's state in one partition: its epoch, the last NUM_BATCHES_TO_RETAIN batches it wrote (oldest
 * first), the epoch of the transaction coordinator that last wrote a marker for it, and the first offset of
 * its ongoing transaction.
 *
 * Invariants: every batch in `batches` has the entry's epoch (a new epoch forgets the old batches); batches are
 * in append order, so the last one carries the producer's last sequence and offset. Owned and mutated only by
 * ProducerStateManager.
 */
export class ProducerStateEntry {
  constructor(
    readonly producerId: number,
    public producerEpoch: number = NO_PRODUCER_EPOCH,
    public coordinatorEpoch = -1,
    public lastTimestamp = -1,
    /** First offset of the ongoing transaction, or -1 when none is open. */
    public currentTxnFirstOffset = -1,
    readonly batches: BatchMetadata[] = [],
  ) {}

  get lastSeq(): number {
    return this.batches.at(-1)?.lastSeq ?? NO_SEQUENCE;
  }

  get lastOffset(): number {
    return this.batches.at(-1)?.lastOffset ?? -1;
  }

  /** The retained batch with exactly this sequence range, when the epoch matches: a retried batch. */
  findDuplicate(epoch: number, firstSeq: number, lastSeq: number): BatchMetadata | undefined {
    if (epoch !== this.producerEpoch) return undefined;
    for (const b of this.batches) if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return b;
    return undefined;
  }

  /** A higher epoch starts a new sequence space: the retained batches belong to the old one. */
  maybeUpdateEpoch(epoch: number): void {
    if (epoch === this.producerEpoch) return;
    this.batches.length = 0;
    this.producerEpoch = epoch;
  }

  addBatch(epoch: number, batch: BatchMetadata): void {
    this.maybeUpdateEpoch(epoch);
    this.batches.push(batch);
    if (this.batches.length > NUM_BATCHES_TO_RETAIN) this.batches.shift();
    this.lastTimestamp = batch.timestamp;
  }

  describe(): ActiveProducer {
    return {
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      lastSequence: this.lastSeq,
      lastTimestamp: this.lastTimestamp,
      coordinatorEpoch: this.coordinatorEpoch,
      currentTxnStartOffset: this.currentTxnFirstOffset,
    };
  }
}
