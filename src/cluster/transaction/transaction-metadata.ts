import { isValidTransition, TransactionState, transactionStateName } from './transaction-state.js';

/** No producer id / epoch, as the wire and the log spell it. */
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
/** Java's Short.MAX_VALUE: the epoch field is an int16. */
export const MAX_PRODUCER_EPOCH = 0x7fff;

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Partitions of a transaction, by topic: the shape the log value and the markers both want. */
export type TxnPartitions = ReadonlyMap<string, ReadonlySet<number>>;

/**
 * Everything a `__transaction_state` value holds (plus KIP-360's last producer id/epoch, kept in memory
 * only), as one immutable snapshot: the target of a transition, written to the log before it is applied.
 */
export interface TxnTransition {
  readonly state: TransactionState;
  readonly producerId: number;
  readonly producerEpoch: number;
  /** The id/epoch this one replaced, so that a retried InitProducerId can be recognised (KIP-360). */
  readonly lastProducerId: number;
  readonly lastProducerEpoch: number;
  readonly txnTimeoutMs: number;
  readonly partitions: TxnPartitions;
  /** -1 when no transaction has started. */
  readonly txnStartTimestamp: number;
  readonly txnLastUpdateTimestamp: number;
}

const NO_PARTITIONS: TxnPartitions = new Map();

export class IllegalTransitionError extends Error {
  constructor(transactionalId: string, from: TransactionState, to: TransactionState) {
    super(
      `transactional id ${transactionalId}: illegal transition ${transactionStateName(from)} -> ${transactionStateName(to)}`,
    );
    this.name = 'IllegalTransitionError';
  }
}

/**
 * The coordinator's state of one transactional id: who owns it (producer id and epoch), its timeout, and the
 * open transaction (state, partitions, start time).
 *
 * Every change goes through a transition: `prepare*` builds the target snapshot and marks it pending, the
 * coordinator appends it to `__transaction_state`, then `completeTransition` applies it (or
 * `abortTransition` drops it when the append failed). While a transition is pending the id answers
 * CONCURRENT_TRANSACTIONS, so at most one change of an id is in flight and the log order is the apply order.
 *
 * Owned by the TransactionCoordinator; it runs on the event loop and is the only writer.
 */
export class TransactionMetadata {
  producerId: number;
  producerEpoch: number;
  lastProducerId = NO_PRODUCER_ID;
  lastProducerEpoch = NO_PRODUCER_EPOCH;
  txnTimeoutMs: number;
  state: TransactionState;
  partitions: TxnPartitions;
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
  /** The state of the transition being written, or null when none is. */
  pendingState: TransactionState | null = null;

  constructor(
    readonly transactionalId: string,
    init: Omit<TxnTransition, 'lastProducerId' | 'lastProducerEpoch'> &
      Partial<Pick<TxnTransition, 'lastProducerId' | 'lastProducerEpoch'>>,
  ) {
    this.producerId = init.producerId;
    this.producerEpoch = init.producerEpoch;
    this.lastProducerId = init.lastProducerId ?? NO_PRODUCER_ID;
    this.lastProducerEpoch = init.lastProducerEpoch ?? NO_PRODUCER_EPOCH;
    this.txnTimeoutMs = init.txnTimeoutMs;
    this.state = init.state;
    this.partitions = init.partitions;
    this.txnStartTimestamp = init.txnStartTimestamp;
    this.txnLastUpdateTimestamp = init.txnLastUpdateTimestamp;
  }

  /**
   * Kafka keeps the last epoch free so that fencing an open transaction can always bump once more; an id at
   * or past this point gets a new producer id instead of another bump.
   */
  get isProducerEpochExhausted(): boolean {
    return this.producerEpoch >= MAX_PRODUCER_EPOCH - 1;
  }

  hasPartition(topic: string, partition: number): boolean {
    return this.partitions.get(topic)?.has(partition) ?? false;
  }

  partitionList(): TopicPartition[] {
    const out: TopicPartition[] = [];
    for (const [topic, ps] of this.partitions) for (const partition of ps) out.push({ topic, partition });
    return out;
  }

  snapshot(): TxnTransition {
    return {
      state: this.state,
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      lastProducerId: this.lastProducerId,
      lastProducerEpoch: this.lastProducerEpoch,
      txnTimeoutMs: this.txnTimeoutMs,
      partitions: this.partitions,
      txnStartTimestamp: this.txnStartTimestamp,
      txnLastUpdateTimestamp: this.txnLastUpdateTimestamp,
    };
  }

  /** A new owner instance: the next epoch of the same producer id, with no transaction. */
  prepareIncrementProducerEpoch(txnTimeoutMs: number, nowMs: number): TxnTransition {
    return this.prepare({
      state: TransactionState.Empty,
      producerEpoch: this.producerEpoch + 1,
      lastProducerId: this.producerId,
      lastProducerEpoch: this.producerEpoch,
      txnTimeoutMs,
      partitions: NO_PARTITIONS,
      txnStartTimestamp: -1,
      txnLastUpdateTimestamp: nowMs,
    });
  }

  /** A new owner instance once the epoch is exhausted: a fresh producer id at epoch 0. */
  prepareProducerIdRotation(newProducerId: number, txnTimeoutMs: number, nowMs: number): TxnTransition {
    return this.prepare({
      state: TransactionState.Empty,
      producerId: newProducerId,
      producerEpoch: 0,
      lastProducerId: this.producerId,
      lastProducerEpoch: this.producerEpoch,
      txnTimeoutMs,
      partitions: NO_PARTITIONS,
      txnStartTimestamp: -1,
      txnLastUpdateTimestamp: nowMs,
    });
  }

  /** Adds partitions, starting a transaction (and its timeout clock) when none is open. */
  prepareAddPartitions(added: readonly TopicPartition[], nowMs: number): TxnTransition {
    const partitions = new Map<string, Set<number>>();
    for (const [topic, ps] of this.partitions) partitions.set(topic, new Set(ps));
    for (const { topic, partition } of added) {
      let ps = partitions.get(topic);
      if (!ps) {
        ps = new Set();
        partitions.set(topic, ps);
      }
      ps.add(partition);
    }
    const starting = this.state !== TransactionState.Ongoing;
    return this.prepare({
      state: TransactionState.Ongoing,
      partitions,
      txnStartTimestamp: starting ? nowMs : this.txnStartTimestamp,
      txnLastUpdateTimestamp: nowMs,
    });
  }

  /** EndTxn from the producer: PrepareCommit or PrepareAbort with the same partitions. */
  prepareEndTransaction(committed: boolean, nowMs: number): TxnTransition {
    return this.prepare({
      state: committed ? TransactionState.PrepareCommit : TransactionState.PrepareAbort,
      txnLastUpdateTimestamp: nowMs,
    });
  }

  /**
   * The coordinator aborts the open transaction on its own (a new instance of the producer, or the
   * timeout): the epoch is bumped first, so that the old instance is fenced and the abort markers carry an
   * epoch it can no longer write with. At the last epoch there is nothing left to bump; the abort then
   * fences through the markers alone.
   */
  prepareFenceAndAbort(nowMs: number): TxnTransition {
    const bump = this.producerEpoch < MAX_PRODUCER_EPOCH;
    return this.prepare({
      state: TransactionState.PrepareAbort,
      producerEpoch: bump ? this.producerEpoch + 1 : this.producerEpoch,
      // As Kafka: the fenced epoch is not one a retried InitProducerId may claim back.
      lastProducerEpoch: NO_PRODUCER_EPOCH,
      txnLastUpdateTimestamp: nowMs,
    });
  }

  /** Every marker is written: the transaction is over and its partitions are forgotten. */
  prepareComplete(nowMs: number): TxnTransition {
    const state =
      this.state === TransactionState.PrepareCommit
        ? TransactionState.CompleteCommit
        : TransactionState.CompleteAbort;
    return this.prepare({ state, partitions: NO_PARTITIONS, txnLastUpdateTimestamp: nowMs });
  }

  prepareDead(nowMs: number): TxnTransition {
    return this.prepare({
      state: TransactionState.Dead,
      partitions: NO_PARTITIONS,
      txnLastUpdateTimestamp: nowMs,
    });
  }

  completeTransition(t: TxnTransition): void {
    if (this.pendingState !== t.state) {
      throw new Error(
        `transactional id ${this.transactionalId}: completing ${transactionStateName(t.state)} while ${
          this.pendingState === null ? 'nothing' : transactionStateName(this.pendingState)
        } is pending`,
      );
    }
    this.producerId = t.producerId;
    this.producerEpoch = t.producerEpoch;
    this.lastProducerId = t.lastProducerId;
    this.lastProducerEpoch = t.lastProducerEpoch;
    this.txnTimeoutMs = t.txnTimeoutMs;
    this.state = t.state;
    this.partitions = t.partitions;
    this.txnStartTimestamp = t.txnStartTimestamp;
    this.txnLastUpdateTimestamp = t.txnLastUpdateTimestamp;
    this.pendingState = null;
  }

  abortTransition(): void {
    this.pendingState = null;
  }

  private prepare(change: Partial<TxnTransition> & Pick<TxnTransition, 'state'>): TxnTransition {
    if (this.pendingState !== null) {
      throw new Error(
        `transactional id ${this.transactionalId}: ${transactionStateName(this.pendingState)} is already pending`,
      );
    }
    if (!isValidTransition(this.state, change.state)) {
      throw new IllegalTransitionError(this.transactionalId, this.state, change.state);
    }
    const t: TxnTransition = { ...this.snapshot(), ...change };
    this.pendingState = t.state;
    return t;
  }
}
