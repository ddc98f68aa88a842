import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/common/clock.js';
import { readEndTxnMarker } from '../../../src/log/end-txn-marker.js';
import { snapshotFileName } from '../../../src/log/producer-snapshot.js';
import {
  type AppendCheck,
  type AppendOrigin,
  type CompletedTxn,
  ProducerStateManager,
} from '../../../src/log/producer-state.js';
import { isKafkaError } from '../../../src/protocol/errors/index.js';
import { lastOffsetDelta } from '../../../src/protocol/records/batch-header.js';
import { dataBatch, markerBatch } from './producer-batches.js';

const DAY = 24 * 60 * 60 * 1000;

function expectKafkaError(fn: () => unknown, name: Parameters<typeof isKafkaError>[1]): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${name}`).toBeDefined();
  expect(isKafkaError(caught, name), String(caught)).toBe(true);
}

describe('ProducerStateManager', () => {
  let dir: string;
  let clock: ManualClock;
  let state: ProducerStateManager;
  let nextOffset: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-pstate-'));
    clock = new ManualClock(1_700_000_000_000);
    state = ProducerStateManager.open(dir, { clock }).producerState;
    nextOffset = 0;
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** What a log does: check, assign offsets, apply. */
  const append = (batch: Buffer, origin: AppendOrigin = 'client') => {
    const check: AppendCheck = state.checkAppend(batch, 0, origin);
    if (check.kind === 'duplicate') return { check, completed: undefined };
    const first = nextOffset;
    const last = first + lastOffsetDelta(batch, 0);
    nextOffset = last + 1;
    return { check, first, last, completed: state.onAppended(batch, 0, first, last) };
  };

  const idem = (seq: number, count = 1, epoch = 0, pid = 1000) =>
    dataBatch({ producerId: pid, producerEpoch: epoch, baseSequence: seq, count, timestamp: clock.nowMs() });

  it('accepts batches without a producer id without tracking them, but follows the log end', () => {
    expect(append(dataBatch({ count: 3 })).check).toEqual({ kind: 'append' });
    expect(state.activeProducers()).toEqual([]);
    expect(state.mapEndOffset).toBe(3);
  });

  it('tracks an idempotent producer and accepts the next sequence', () => {
    append(idem(0, 3));
    append(idem(3, 2));
    expect(state.producer(1000)).toMatchObject({
      producerEpoch: 0,
      lastSequence: 4,
      currentTxnStartOffset: -1,
    });
    expect(state.mapEndOffset).toBe(5);
  });

  it('answers a retried batch among the last five with its original offsets', () => {
    for (let i = 0; i < 6; i++) append(idem(i * 2, 2));
    // batch 1 (seq 2-3) is among the last five; batch 0 (seq 0-1) fell out
    expect(append(idem(2, 2)).check).toEqual({ kind: 'duplicate', firstOffset: 2, lastOffset: 3 });
    expect(append(idem(10, 2)).check).toEqual({ kind: 'duplicate', firstOffset: 10, lastOffset: 11 });
    expectKafkaError(() => state.checkAppend(idem(0, 2), 0, 'client'), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(state.mapEndOffset).toBe(12);
  });

  it('refuses a sequence gap and a repeated sequence range that is not a retry', () => {
    append(idem(0, 3));
    expectKafkaError(() => state.checkAppend(idem(4), 0, 'client'), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    expectKafkaError(() => state.checkAppend(idem(1, 2), 0, 'client'), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
  });

  it('wraps sequences at int32 max', () => {
    append(idem(0x7fffffff - 1, 2)); // a new producer may start anywhere
    expect(state.producer(1000)?.lastSequence).toBe(0x7fffffff);
    expect(append(idem(0, 1)).check).toEqual({ kind: 'append' });
    expectKafkaError(() => state.checkAppend(idem(5), 0, 'client'), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
  });

  it('fences a lower epoch and requires a new epoch to start at sequence 0', () => {
    append(idem(0, 1, 3));
    expectKafkaError(() => state.checkAppend(idem(1, 1, 2), 0, 'client'), 'INVALID_PRODUCER_EPOCH');
    expectKafkaError(() => state.checkAppend(idem(5, 1, 4), 0, 'client'), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    append(idem(0, 1, 4));
    expect(state.producer(1000)).toMatchObject({ producerEpoch: 4, lastSequence: 0 });
  });

  it('skips sequence and epoch checks for replication', () => {
    append(idem(0, 1, 3));
    expect(append(idem(7, 1, 3), 'replication').check).toEqual({ kind: 'append' });
    expect(append(idem(9, 1, 2), 'replication').check).toEqual({ kind: 'append' });
    // replication never answers "duplicate": the leader already decided
    expect(state.checkAppend(idem(7, 1, 3), 0, 'replication')).toEqual({ kind: 'append' });
  });

  it('tracks a transaction from its first batch to an abort marker and builds the txnindex entry', () => {
    const pid = 2000;
    const txn = (seq: number) =>
      dataBatch({ producerId: pid, producerEpoch: 1, baseSequence: seq, count: 2, transactional: true });
    append(dataBatch({ count: 4 })); // offsets 0-3
    append(txn(0)); // 4-5
    expect(state.firstUnstableOffset()).toBe(4);
    expect(state.producer(pid)?.currentTxnStartOffset).toBe(4);
    expect(state.lastStableOffset(100)).toBe(4);
    expect(state.lastStableOffset(3)).toBe(3);
    append(txn(2)); // 6-7
    expectKafkaError(
      () => state.checkAppend(dataBatch({ producerId: pid, producerEpoch: 1, baseSequence: 4 }), 0, 'client'),
      'INVALID_TXN_STATE',
    );
    const marker = markerBatch({ producerId: pid, producerEpoch: 1, abort: true, coordinatorEpoch: 7 });
    expect(readEndTxnMarker(marker, 0)).toEqual({ isAbort: true, coordinatorEpoch: 7 });
    const { completed } = append(marker, 'coordinator'); // 8
    expect(completed).toEqual<CompletedTxn>({
      producerId: pid,
      firstOffset: 4,
      lastOffset: 8,
      isAborted: true,
    });
    expect(state.completeTxn(completed!)).toEqual({
      producerId: pid,
      firstOffset: 4,
      lastOffset: 8,
      lastStableOffset: 9,
    });
    expect(state.completeTxn(completed!, 6)?.lastStableOffset).toBe(6);
    // the marker is not yet below the HW: the transaction's data stays unstable
    expect(state.firstUnstableOffset()).toBe(4);
    state.onHighWatermarkUpdated(8);
    expect(state.firstUnstableOffset()).toBe(4);
    state.onHighWatermarkUpdated(9);
    expect(state.firstUnstableOffset()).toBeUndefined();
    expect(state.producer(pid)).toMatchObject({ coordinatorEpoch: 7, currentTxnStartOffset: -1 });
  });

  it('computes the aborted entry LSO from the earliest other open transaction, and ignores commits', () => {
    const a = 1;
    const b = 2;
    const txn = (pid: number) =>
      dataBatch({ producerId: pid, producerEpoch: 0, baseSequence: 0, transactional: true });
    append(txn(a)); // 0
    append(dataBatch({ producerId: b, producerEpoch: 0, baseSequence: 0, transactional: true })); // 1
    const abortA = append(markerBatch({ producerId: a, producerEpoch: 0, abort: true }), 'coordinator')
      .completed!;
    expect(state.completeTxn(abortA)?.lastStableOffset).toBe(1);
    const commitB = append(markerBatch({ producerId: b, producerEpoch: 0, abort: false }), 'coordinator')
      .completed!;
    expect(commitB.isAborted).toBe(false);
    expect(state.completeTxn(commitB)).toBeUndefined();
    // an empty transaction's marker completes nothing
    expect(
      append(markerBatch({ producerId: 3, producerEpoch: 0, abort: true }), 'coordinator').completed,
    ).toBeUndefined();
  });

  it('fences markers from an older coordinator epoch, except on replication, and refuses client control batches', () => {
    const pid = 5;
    append(dataBatch({ producerId: pid, producerEpoch: 0, baseSequence: 0, transactional: true }));
    append(
      markerBatch({ producerId: pid, producerEpoch: 0, abort: false, coordinatorEpoch: 4 }),
      'coordinator',
    );
    const stale = markerBatch({ producerId: pid, producerEpoch: 0, abort: false, coordinatorEpoch: 3 });
    expectKafkaError(() => state.checkAppend(stale, 0, 'coordinator'), 'TRANSACTION_COORDINATOR_FENCED');
    expect(state.checkAppend(stale, 0, 'replication')).toEqual({ kind: 'append' });
    expectKafkaError(() => state.checkAppend(stale, 0, 'client'), 'INVALID_RECORD');
  });

  it('expires idle producers without an open transaction after producer.id.expiration.ms', () => {
    append(idem(0, 1, 0, 1));
    append(
      dataBatch({
        producerId: 2,
        producerEpoch: 0,
        baseSequence: 0,
        transactional: true,
        timestamp: clock.nowMs(),
      }),
    );
    clock.advance(DAY - 1);
    expect(state.removeExpiredProducers()).toBe(0);
    clock.advance(1);
    expect(state.removeExpiredProducers()).toBe(1);
    expect(state.activeProducers().map((p) => p.producerId)).toEqual([2]);
    // the forgotten producer may start at any sequence again
    expect(state.checkAppend(idem(42, 1, 0, 1), 0, 'client')).toEqual({ kind: 'append' });
  });

  describe('snapshots', () => {
    const fill = () => {
      append(idem(0, 3)); // 0-2
      append(dataBatch({ producerId: 7, producerEpoch: 2, baseSequence: 0, count: 2, transactional: true })); // 3-4
      append(idem(3, 2)); // 5-6
    };

    it('round-trips the state, duplicates and open transactions through a snapshot', () => {
      fill();
      state.takeSnapshot();
      expect(existsSync(join(dir, snapshotFileName(7)))).toBe(true);
      const { producerState, replayFrom } = ProducerStateManager.open(dir, { clock });
      expect(replayFrom).toBe(7);
      expect(producerState.activeProducers()).toEqual(state.activeProducers());
      expect(producerState.firstUnstableOffset()).toBe(3);
      expect(producerState.checkAppend(idem(0, 3), 0, 'client')).toEqual({
        kind: 'duplicate',
        firstOffset: 0,
        lastOffset: 2,
      });
      expectKafkaError(() => producerState.checkAppend(idem(9), 0, 'client'), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    });

    it('keeps the newest two snapshots and refuses one below the state', () => {
      fill();
      state.takeSnapshot(7);
      append(dataBatch()); // 7
      state.takeSnapshot(); // 8
      append(idem(5, 1)); // 8
      state.takeSnapshot(); // 9
      expect(readdirSync(dir).sort()).toEqual([snapshotFileName(8), snapshotFileName(9)]);
      expect(() => state.takeSnapshot(5)).toThrow(RangeError);
      // above the state's end is allowed (batches without producers followed)
      state.takeSnapshot(12);
      expect(state.mapEndOffset).toBe(12);
      expect(state.latestSnapshotOffset()).toBe(12);
    });

    it('skips a corrupt snapshot and falls back to the previous one', () => {
      fill();
      state.takeSnapshot(); // 7
      append(idem(5, 1)); // 7
      state.takeSnapshot(); // 8
      const newest = join(dir, snapshotFileName(8));
      const bytes = readFileSync(newest);
      bytes[bytes.length - 1]! ^= 0xff;
      writeFileSync(newest, bytes);
      const { producerState, replayFrom } = ProducerStateManager.open(dir, { clock });
      expect(replayFrom).toBe(7);
      expect(producerState.producer(1000)?.lastSequence).toBe(4);
      expect(existsSync(newest)).toBe(false);
    });

    it('ignores snapshots above the recovery point and starts at the log start without any', () => {
      fill();
      state.takeSnapshot(7);
      const { replayFrom, producerState } = ProducerStateManager.open(dir, {
        clock,
        recoveryPoint: 6,
        logStartOffset: 2,
      });
      expect(replayFrom).toBe(2);
      expect(producerState.activeProducers()).toEqual([]);
      expect(readdirSync(dir)).toEqual([]);
    });

    it('drops producers that expired while the broker was down', () => {
      fill();
      state.takeSnapshot();
      clock.advance(2 * DAY);
      const { producerState } = ProducerStateManager.open(dir, { clock });
      // the producer with the open transaction stays
      expect(producerState.activeProducers().map((p) => p.producerId)).toEqual([7]);
    });

    it('truncates and reloads from the newest snapshot within the log', () => {
      fill();
      state.takeSnapshot(); // 7
      append(idem(5, 2)); // 7-8
      state.takeSnapshot(); // 9
      append(idem(7, 1)); // 9
      // a follower truncates to 8: the snapshot at 9 goes, the one at 7 is loaded and 7..8 replayed
      const replayFrom = state.truncateFromEnd(8);
      expect(replayFrom).toBe(7);
      expect(state.mapEndOffset).toBe(7);
      expect(state.producer(1000)?.lastSequence).toBe(4);
      expect(readdirSync(dir)).toEqual([snapshotFileName(7)]);
      // nothing to do when the state already ends there
      expect(state.truncateAndReload(0, 7)).toBe(7);
      expect(state.producer(1000)?.lastSequence).toBe(4);
      // a log start above every snapshot: start empty at the log start
      expect(state.truncateAndReload(8, 12)).toBe(8);
      expect(state.activeProducers()).toEqual([]);
      state.truncateFullyAndStartAt(100);
      expect(state.mapEndOffset).toBe(100);
    });
  });
});
