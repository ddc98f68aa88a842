/**
 * The states of a transactional id, numbered as Kafka numbers them in the `transaction_status` field of
 * `__transaction_state` values, so that a record written by either side reads the same on the other.
 *
 * Legal transitions (target ← the states it may be entered from):
 *
 *   Empty             ← Empty, CompleteCommit, CompleteAbort      InitProducerId bumps the epoch
 *   Ongoing           ← Ongoing, Empty, CompleteCommit, CompleteAbort
 *                                                                 AddPartitionsToTxn / AddOffsetsToTxn
 *   PrepareCommit     ← Ongoing                                   EndTxn(commit)
 *   PrepareAbort      ← Ongoing, PrepareEpochFence                EndTxn(abort), timeout, fencing init
 *   CompleteCommit    ← PrepareCommit                             every commit marker written
 *   CompleteAbort     ← PrepareAbort                              every abort marker written
 *   Dead              ← Empty, CompleteCommit, CompleteAbort      transactional.id.expiration.ms passed
 *   PrepareEpochFence ← Ongoing                                   a new producer instance or a timeout
 *                                                                 fences the open transaction's producer
 *
 * PrepareEpochFence only ever exists as a pending, in-memory state: the coordinator bumps the epoch and
 * writes PrepareAbort with the bumped epoch, so it never reaches the log (a loaded one is kept as it is
 * and ends by timeout like Ongoing). Dead is written as a tombstone, not as a value.
 */
export enum TransactionState {
  Empty = 0,
  Ongoing = 1,
  PrepareCommit = 2,
  PrepareAbort = 3,
  CompleteCommit = 4,
  CompleteAbort = 5,
  Dead = 6,
  PrepareEpochFence = 7,
}

const S = TransactionState;

const VALID_PREVIOUS: Readonly<Record<TransactionState, readonly TransactionState[]>> = {
  [S.Empty]: [S.Empty, S.CompleteCommit, S.CompleteAbort],
  [S.Ongoing]: [S.Ongoing, S.Empty, S.CompleteCommit, S.CompleteAbort],
  [S.PrepareCommit]: [S.Ongoing],
  [S.PrepareAbort]: [S.Ongoing, S.PrepareEpochFence],
  [S.CompleteCommit]: [S.PrepareCommit],
  [S.CompleteAbort]: [S.PrepareAbort],
  [S.Dead]: [S.Empty, S.CompleteCommit, S.CompleteAbort],
  [S.PrepareEpochFence]: [S.Ongoing],
};

export function isValidTransition(from: TransactionState, to: TransactionState): boolean {
  return VALID_PREVIOUS[to].includes(from);
}

export function isTransactionState(n: number): n is TransactionState {
  return Number.isInteger(n) && n >= S.Empty && n <= S.PrepareEpochFence;
}

/** Kafka's names, for logs and DescribeTransactions. */
export function transactionStateName(state: TransactionState): string {
  return TransactionState[state];
}
