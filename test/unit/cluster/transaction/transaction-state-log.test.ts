import { describe, expect, it } from 'vitest';
import type { TxnTransition } from '../../../../src/cluster/transaction/transaction-metadata.js';
import { TransactionState } from '../../../../src/cluster/transaction/transaction-state.js';
import {
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  encodeTransactionLogKey,
  encodeTransactionLogValue,
  replayTransactionLog,
  transactionLogRecord,
  transactionLogTombstone,
} from '../../../../src/cluster/transaction/transaction-state-log.js';
import { MemoryTransactionStateStore } from './fakes.js';

/** Hex with `#` comments to the end of the line. */
const hex = (s: string): Buffer => Buffer.from(s.replace(/#[^\n]*/g, '').replace(/\s+/g, ''), 'hex');

const ONGOING: TxnTransition = {
  state: TransactionState.Ongoing,
  producerId: 1000,
  producerEpoch: 2,
  lastProducerId: -1,
  lastProducerEpoch: -1,
  txnTimeoutMs: 60_000,
  partitions: new Map([['t', new Set([0, 1])]]),
  txnStartTimestamp: 1_700_000_000_000,
  txnLastUpdateTimestamp: 1_700_000_000_500,
};

// TransactionLogValue v0 of ONGOING, field by field.
const ONGOING_HEX = `
  0000                 # version 0
  00000000000003e8     # producer_id 1000
  0002                 # producer_epoch 2
  0000ea60             # transaction_timeout_ms 60000
  01                   # transaction_status Ongoing
  00000001             # transaction_partitions: 1 topic
    0001 74            # topic "t"
    00000002 00000000 00000001   # partition_ids [0, 1]
  0000018bcfe569f4     # transaction_last_update_timestamp_ms
  0000018bcfe56800     # transaction_start_timestamp_ms
`;

describe('__transaction_state key', () => {
  it('is version 0 then the transactional id as an int16-length string', () => {
    expect(encodeTransactionLogKey('txn-1')).toEqual(hex('0000 0005 74786e2d31'));
    expect(decodeTransactionLogKey(hex('0000 0005 74786e2d31'))).toBe('txn-1');
  });

  it('reports an unknown key version as null so that a load can skip it', () => {
    expect(decodeTransactionLogKey(hex('0001 0005 74786e2d31'))).toBeNull();
  });
});

describe('__transaction_state value', () => {
  it('encodes version 0 in Kafka field order', () => {
    expect(encodeTransactionLogValue(ONGOING).toString('hex')).toBe(hex(ONGOING_HEX).toString('hex'));
  });

  it('writes null partitions for an Empty id', () => {
    const empty: TxnTransition = {
      ...ONGOING,
      state: TransactionState.Empty,
      partitions: new Map(),
      txnStartTimestamp: -1,
    };
    expect(encodeTransactionLogValue(empty).toString('hex')).toBe(
      hex(`0000 00000000000003e8 0002 0000ea60 00 ffffffff 0000018bcfe569f4 ffffffffffffffff`).toString(
        'hex',
      ),
    );
  });

  it('writes an empty partition list for a completed transaction', () => {
    const complete: TxnTransition = {
      ...ONGOING,
      state: TransactionState.CompleteCommit,
      partitions: new Map(),
    };
    expect(encodeTransactionLogValue(complete).toString('hex')).toBe(
      hex(`0000 00000000000003e8 0002 0000ea60 04 00000000 0000018bcfe569f4 0000018bcfe56800`).toString(
        'hex',
      ),
    );
  });

  it('decodes the hand-written bytes back', () => {
    const v = decodeTransactionLogValue(hex(ONGOING_HEX));
    expect(v.state).toBe(TransactionState.Ongoing);
    expect(v.producerId).toBe(1000);
    expect(v.producerEpoch).toBe(2);
    expect(v.txnTimeoutMs).toBe(60_000);
    expect([...v.partitions].map(([t, ps]) => [t, [...ps]])).toEqual([['t', [0, 1]]]);
    expect(v.txnLastUpdateTimestamp).toBe(1_700_000_000_500);
    expect(v.txnStartTimestamp).toBe(1_700_000_000_000);
    expect(v.lastProducerId).toBe(-1);
  });

  it('decodes a flexible version 1 value with tagged fields (previous producer id kept)', () => {
    const v1 = hex(`
      0001 00000000000003e8 0002 0000ea60 02   # version 1, id, epoch, timeout, PrepareCommit
      02                   # compact array: 1 topic
        02 74              # compact string "t"
        02 00000005        # compact array [5]
        00                 # no tagged fields
      0000018bcfe569f4 0000018bcfe56800   # last update, start
      02                   # 2 tagged fields
        00 08 00000000000003e7   # tag 0 previous producer id 999
        02 02 0002               # tag 2 client transaction version
    `);
    const v = decodeTransactionLogValue(v1);
    expect(v.state).toBe(TransactionState.PrepareCommit);
    expect([...v.partitions].map(([t, ps]) => [t, [...ps]])).toEqual([['t', [5]]]);
    expect(v.lastProducerId).toBe(999);
    expect(v.txnStartTimestamp).toBe(1_700_000_000_000);
  });

  it('rejects an unknown status and an unknown version', () => {
    const bad = hex(ONGOING_HEX);
    bad.writeInt8(9, 16);
    expect(() => decodeTransactionLogValue(bad)).toThrow(/status 9/);
    const v9 = hex(ONGOING_HEX);
    v9.writeInt16BE(9, 0);
    expect(() => decodeTransactionLogValue(v9)).toThrow(/version 9/);
  });
});

describe('replayTransactionLog', () => {
  it('keeps the last value per id and drops tombstoned ids', async () => {
    const store = new MemoryTransactionStateStore();
    await store.append(3, [transactionLogRecord('a', { ...ONGOING, producerEpoch: 1 })]);
    await store.append(3, [transactionLogRecord('b', ONGOING)]);
    await store.append(3, [transactionLogRecord('a', { ...ONGOING, producerEpoch: 5 })]);
    await store.append(3, [transactionLogTombstone('b')]);
    const loaded = await replayTransactionLog(store, 3, () => false);
    expect([...(loaded ?? new Map()).keys()]).toEqual(['a']);
    expect(loaded?.get('a')?.producerEpoch).toBe(5);
  });

  it('returns null when cancelled during the replay', async () => {
    const store = new MemoryTransactionStateStore();
    await store.append(0, [transactionLogRecord('a', ONGOING), transactionLogRecord('b', ONGOING)]);
    let seen = 0;
    expect(await replayTransactionLog(store, 0, () => ++seen > 1)).toBeNull();
  });
});
