import type { AbortedTxn } from './transaction-index.js';

export interface MarkerDecision {
  /** The marker's transaction has no data left: once past its delete horizon the marker may go. */
  readonly canDiscard: boolean;
  /** The aborted transaction to keep in the cleaned segment's txnindex when its marker stays. */
  readonly abortedTxn?: AbortedTxn;
}

/**
 * Transaction bookkeeping for one cleaner walk over a log range in offset order (Kafka's
 * CleanedTransactionMetadata): which data batches belong to aborted transactions (they are removed), and
 * whether an end marker still has data of its transaction before it (it must then stay, so read_committed
 * consumers can still tell the data's fate).
 *
 * A batch is aborted data when its producer has an aborted transaction (from the txn indexes) that began at or
 * before it and whose ABORT marker comes after it; matching on the offset range as well as on the producer
 * keeps a stale index entry from swallowing a later, committed transaction of the same producer.
 *
 * One instance per walk; the walk feeds it every batch in offset order.
 */
export class CleanedTransactions {
  private readonly pending: AbortedTxn[];
  private nextPending = 0;
  private readonly ongoingAborted = new Map<number, { txn: AbortedTxn; sawData: boolean }>();
  private readonly ongoingCommitted = new Set<number>();

  constructor(abortedTxns: readonly AbortedTxn[]) {
    this.pending = [...abortedTxns].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** Returns true when the data batch belongs to an aborted transaction. */
  onDataBatch(producerId: number, isTransactional: boolean, baseOffset: number, lastOffset: number): boolean {
    this.activateUpTo(lastOffset);
    if (!isTransactional) return false;
    const aborted = this.ongoingAborted.get(producerId);
    if (aborted !== undefined) {
      if (baseOffset >= aborted.txn.firstOffset && lastOffset < aborted.txn.lastOffset) {
        aborted.sawData = true;
        return true;
      }
      if (baseOffset > aborted.txn.lastOffset) this.ongoingAborted.delete(producerId);
    }
    this.ongoingCommitted.add(producerId);
    return false;
  }

  onEndMarker(producerId: number, isAbort: boolean, offset: number): MarkerDecision {
    this.activateUpTo(offset);
    if (isAbort) {
      const aborted = this.ongoingAborted.get(producerId);
      this.ongoingAborted.delete(producerId);
      if (aborted?.sawData && aborted.txn.lastOffset === offset) {
        return { canDiscard: false, abortedTxn: aborted.txn };
      }
      // An abort whose data is gone also ends any committed-looking data we saw (there should be none).
      this.ongoingCommitted.delete(producerId);
      return { canDiscard: true };
    }
    return { canDiscard: !this.ongoingCommitted.delete(producerId) };
  }

  private activateUpTo(offset: number): void {
    while (this.nextPending < this.pending.length && this.pending[this.nextPending]!.firstOffset <= offset) {
      const txn = this.pending[this.nextPending++]!;
      this.ongoingAborted.set(txn.producerId, { txn, sawData: false });
    }
  }
}
