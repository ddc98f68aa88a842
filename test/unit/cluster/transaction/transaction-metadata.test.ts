import { describe, expect, it } from 'vitest';
import {
  IllegalTransitionError,
  MAX_PRODUCER_EPOCH,
  TransactionMetadata,
} from '../../../../src/cluster/transaction/transaction-metadata.js';
import {
  isValidTransition,
  TransactionState as S,
} from '../../../../src/cluster/transaction/transaction-state.js';

function meta(state: S, producerEpoch = 3): TransactionMetadata {
  return new TransactionMetadata('id', {
    state,
    producerId: 9,
    producerEpoch,
    txnTimeoutMs: 1000,
    partitions: new Map([['t', new Set([0])]]),
    txnStartTimestamp: 10,
    txnLastUpdateTimestamp: 10,
  });
}

describe('TransactionState transitions', () => {
  it("follows Kafka's table", () => {
    expect(isValidTransition(S.Ongoing, S.PrepareCommit)).toBe(true);
    expect(isValidTransition(S.PrepareEpochFence, S.PrepareAbort)).toBe(true);
    expect(isValidTransition(S.Empty, S.PrepareCommit)).toBe(false);
    expect(isValidTransition(S.PrepareCommit, S.CompleteAbort)).toBe(false);
    expect(isValidTransition(S.Ongoing, S.Dead)).toBe(false);
  });
});

describe('TransactionMetadata', () => {
  it('refuses an illegal transition and a second pending one', () => {
    expect(() => meta(S.Empty).prepareEndTransaction(true, 20)).toThrow(IllegalTransitionError);
    const m = meta(S.Ongoing);
    m.prepareEndTransaction(true, 20);
    expect(() => m.prepareEndTransaction(true, 21)).toThrow(/already pending/);
  });

  it('applies a transition only on completion, and forgets it on abort', () => {
    const m = meta(S.Ongoing);
    const t = m.prepareEndTransaction(false, 20);
    expect(m.state).toBe(S.Ongoing);
    expect(m.pendingState).toBe(S.PrepareAbort);
    m.completeTransition(t);
    expect(m.state).toBe(S.PrepareAbort);
    const done = m.prepareComplete(30);
    expect(done.state).toBe(S.CompleteAbort);
    expect(done.partitions.size).toBe(0);
    m.abortTransition();
    expect(m.state).toBe(S.PrepareAbort);
    expect(m.pendingState).toBeNull();
  });

  it('fencing bumps the epoch, except at the last epoch', () => {
    expect(meta(S.Ongoing, 3).prepareFenceAndAbort(20).producerEpoch).toBe(4);
    expect(meta(S.Ongoing, MAX_PRODUCER_EPOCH).prepareFenceAndAbort(20).producerEpoch).toBe(
      MAX_PRODUCER_EPOCH,
    );
  });

  it('counts the epoch exhausted one before the maximum', () => {
    expect(meta(S.Empty, MAX_PRODUCER_EPOCH - 2).isProducerEpochExhausted).toBe(false);
    expect(meta(S.Empty, MAX_PRODUCER_EPOCH - 1).isProducerEpochExhausted).toBe(true);
  });
});
