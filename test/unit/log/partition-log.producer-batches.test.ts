import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/common/clock.js';
import type { PartitionLog } from '../../../src/log/partition-log.js';
import { PendingAppend } from '../../../src/log/producer-state.js';
import { isKafkaError } from '../../../src/protocol/errors/index.js';
import { openLog, TempLogDir } from './log-test-helpers.js';
import { dataBatch, markerBatch } from './producer-batches.js';

const PID = 42;
let tmp: TempLogDir;
let log: PartitionLog | undefined;

beforeEach(() => {
  tmp = new TempLogDir();
});

afterEach(() => {
  log?.close();
  log = undefined;
  tmp.remove();
});

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('an append holding several batches of one producer', () => {
  it('checks each batch against the state the earlier ones leave, and applies them all', () => {
    log = openLog(tmp.dir, {}, new ManualClock());
    log.appendAsLeader(dataBatch({ producerId: PID, producerEpoch: 0, baseSequence: 0, count: 2 }), 0);
    const two = Buffer.concat([
      dataBatch({ producerId: PID, producerEpoch: 0, baseSequence: 2, count: 3 }),
      dataBatch({ producerId: PID, producerEpoch: 0, baseSequence: 5, count: 1 }),
      dataBatch({ producerId: 7, producerEpoch: 0, baseSequence: 0, count: 1 }),
    ]);
    const result = log.appendAsLeader(two, 0);
    expect([result.firstOffset, result.lastOffset, result.duplicate]).toEqual([2, 6, false]);
    expect(log.producerState.producer(PID)?.lastSequence).toBe(5);
    // and the next request continues from there
    log.appendAsLeader(dataBatch({ producerId: PID, producerEpoch: 0, baseSequence: 6 }), 0);
    expect(log.logEndOffset).toBe(8);
  });

  it('still refuses a gap between the batches of one append, writing none of them', () => {
    log = openLog(tmp.dir, {}, new ManualClock());
    const gap = Buffer.concat([
      dataBatch({ producerId: PID, producerEpoch: 0, baseSequence: 0, count: 2 }),
      dataBatch({ producerId: PID, producerEpoch: 0, baseSequence: 3, count: 1 }),
    ]);
    expect(
      isKafkaError(
        caught(() => log!.appendAsLeader(gap, 0)),
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
      ),
    ).toBe(true);
    expect(log.logEndOffset).toBe(0);
    expect(log.producerState.producer(PID)).toBeUndefined();
  });

  it('sees a transaction begun by an earlier batch of the same append', () => {
    log = openLog(tmp.dir, {}, new ManualClock());
    const mixed = Buffer.concat([
      dataBatch({ producerId: PID, producerEpoch: 0, baseSequence: 0, transactional: true }),
      dataBatch({ producerId: PID, producerEpoch: 0, baseSequence: 1 }),
    ]);
    expect(
      isKafkaError(
        caught(() => log!.appendAsLeader(mixed, 0)),
        'INVALID_TXN_STATE',
      ),
    ).toBe(true);
    expect(log.logEndOffset).toBe(0);
  });

  it('PendingAppend: the manager checks a second batch against the first without applying either', () => {
    log = openLog(tmp.dir, {}, new ManualClock());
    const state = log.producerState;
    log.appendAsLeader(dataBatch({ producerId: PID, producerEpoch: 3, baseSequence: 0, count: 2 }), 0);
    const first = dataBatch({ producerId: PID, producerEpoch: 3, baseSequence: 2, count: 2 });
    const second = dataBatch({ producerId: PID, producerEpoch: 3, baseSequence: 4 });
    // checked alone, the second batch is out of order: the state still ends at sequence 1
    expect(
      isKafkaError(
        caught(() => state.checkAppend(second, 0, 'client')),
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
      ),
    ).toBe(true);
    const pending = new PendingAppend();
    expect(state.checkAppend(first, 0, 'client', pending).kind).toBe('append');
    expect(state.checkAppend(second, 0, 'client', pending).kind).toBe('append');
    expect(state.producer(PID)?.lastSequence).toBe(1);
    // a marker in the same append closes the transaction for the batches after it
    const txn = new PendingAppend();
    const open = dataBatch({ producerId: PID, producerEpoch: 3, baseSequence: 2, transactional: true });
    const marker = markerBatch({ producerId: PID, producerEpoch: 3, abort: true });
    const after = dataBatch({ producerId: PID, producerEpoch: 3, baseSequence: 3 });
    state.checkAppend(open, 0, 'coordinator', txn);
    state.checkAppend(marker, 0, 'coordinator', txn);
    expect(state.checkAppend(after, 0, 'coordinator', txn).kind).toBe('append');
  });
});
