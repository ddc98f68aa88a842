import { beforeEach, describe, expect, it } from 'vitest';
import { TransactionCoordinator } from '../../../../src/cluster/transaction/transaction-coordinator.js';
import { MAX_PRODUCER_EPOCH } from '../../../../src/cluster/transaction/transaction-metadata.js';
import { TransactionState } from '../../../../src/cluster/transaction/transaction-state.js';
import {
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  transactionLogRecord,
} from '../../../../src/cluster/transaction/transaction-state-log.js';
import type { TransactionStateRecord } from '../../../../src/cluster/transaction/transaction-state-store.js';
import { ManualClock } from '../../../../src/common/clock.js';
import { ERROR_CODES } from '../../../../src/protocol/errors/index.js';
import {
  immediate,
  KafkaError,
  MemoryTransactionStateStore,
  RecordingMarkerWriter,
  SequentialProducerIds,
  settle,
} from './fakes.js';

const E = {
  NONE: ERROR_CODES.NONE.code,
  NOT_COORDINATOR: ERROR_CODES.NOT_COORDINATOR.code,
  COORDINATOR_LOAD_IN_PROGRESS: ERROR_CODES.COORDINATOR_LOAD_IN_PROGRESS.code,
  CONCURRENT_TRANSACTIONS: ERROR_CODES.CONCURRENT_TRANSACTIONS.code,
  INVALID_TXN_STATE: ERROR_CODES.INVALID_TXN_STATE.code,
  INVALID_PRODUCER_ID_MAPPING: ERROR_CODES.INVALID_PRODUCER_ID_MAPPING.code,
  INVALID_TRANSACTION_TIMEOUT: ERROR_CODES.INVALID_TRANSACTION_TIMEOUT.code,
  INVALID_REQUEST: ERROR_CODES.INVALID_REQUEST.code,
  PRODUCER_FENCED: ERROR_CODES.PRODUCER_FENCED.code,
  UNKNOWN_TOPIC_OR_PARTITION: ERROR_CODES.UNKNOWN_TOPIC_OR_PARTITION.code,
  OPERATION_NOT_ATTEMPTED: ERROR_CODES.OPERATION_NOT_ATTEMPTED.code,
  NOT_LEADER_OR_FOLLOWER: ERROR_CODES.NOT_LEADER_OR_FOLLOWER.code,
  COORDINATOR_LOAD_IN_PROGRESS_ERR: ERROR_CODES.COORDINATOR_LOAD_IN_PROGRESS.code,
};

const NUM_PARTITIONS = 4;
const COORDINATOR_EPOCH = 7;
const TXN = 'txn-1';
const TIMEOUT_MS = 60_000;

let store: MemoryTransactionStateStore;
let writer: RecordingMarkerWriter;
let ids: SequentialProducerIds;
let clock: ManualClock;
const deleted = new Set<string>();

function coordinator(markerWriter = writer): TransactionCoordinator {
  return new TransactionCoordinator({
    store,
    markerWriter,
    producerIds: ids,
    partitionExists: (topic, partition) => topic !== 'missing' && !deleted.has(`${topic}-${partition}`),
    clock,
    config: { transactionStateLogNumPartitions: NUM_PARTITIONS, offsetsTopicNumPartitions: 50 },
    sleep: immediate,
  });
}

async function leaderOfAll(c: TransactionCoordinator, epoch = COORDINATOR_EPOCH): Promise<void> {
  for (let p = 0; p < NUM_PARTITIONS; p++) await c.onBecomeLeader(p, epoch);
}

/** The decoded values written for `TXN`, in log order. */
function history(c: TransactionCoordinator, transactionalId = TXN) {
  return store
    .records(c.partitionFor(transactionalId))
    .filter((r) => decodeTransactionLogKey(r.key) === transactionalId)
    .map((r) => (r.value === null ? null : decodeTransactionLogValue(r.value)));
}

function states(c: TransactionCoordinator, transactionalId = TXN): (TransactionState | null)[] {
  return history(c, transactionalId).map((v) => (v === null ? null : v.state));
}

async function initTxn(c: TransactionCoordinator) {
  const r = await c.initProducerId({ transactionalId: TXN, transactionTimeoutMs: TIMEOUT_MS });
  expect(r.errorCode).toBe(E.NONE);
  return r;
}

async function beginWith(c: TransactionCoordinator, producerId: number, producerEpoch: number) {
  const result = await c.addPartitionsToTxn({
    transactionalId: TXN,
    producerId,
    producerEpoch,
    topics: [{ name: 't', partitions: [0, 1] }],
  });
  expect(result).toEqual([
    {
      name: 't',
      resultsByPartition: [
        { partitionIndex: 0, partitionErrorCode: E.NONE },
        { partitionIndex: 1, partitionErrorCode: E.NONE },
      ],
    },
  ]);
}

beforeEach(() => {
  store = new MemoryTransactionStateStore();
  writer = new RecordingMarkerWriter();
  ids = new SequentialProducerIds(1000);
  clock = new ManualClock(1_700_000_000_000);
  deleted.clear();
});

describe('InitProducerId', () => {
  it('hands an idempotent producer a new id at epoch 0 without writing state', async () => {
    const c = coordinator();
    expect(await c.initProducerId({ transactionalId: null, transactionTimeoutMs: 0 })).toEqual({
      errorCode: E.NONE,
      producerId: 1000,
      producerEpoch: 0,
    });
    expect((await c.initProducerId({ transactionalId: null, transactionTimeoutMs: 0 })).producerId).toBe(
      1001,
    );
    expect(store.partitions.size).toBe(0);
  });

  it('answers the allocator failure code', async () => {
    const c = coordinator();
    ids.failWith = new KafkaError('COORDINATOR_LOAD_IN_PROGRESS');
    expect((await c.initProducerId({ transactionalId: null, transactionTimeoutMs: 0 })).errorCode).toBe(
      E.COORDINATOR_LOAD_IN_PROGRESS_ERR,
    );
  });

  it('creates a transactional id at epoch 0 and persists it as Empty', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    expect(await initTxn(c)).toEqual({ errorCode: E.NONE, producerId: 1000, producerEpoch: 0 });
    const [v] = history(c);
    expect(v).toMatchObject({
      state: TransactionState.Empty,
      producerId: 1000,
      producerEpoch: 0,
      txnTimeoutMs: TIMEOUT_MS,
    });
  });

  it('bumps the epoch for a new instance, fencing the old one', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const first = await initTxn(c);
    const second = await initTxn(c);
    expect(second).toEqual({ errorCode: E.NONE, producerId: first.producerId, producerEpoch: 1 });
    const stale = await c.addPartitionsToTxn({
      transactionalId: TXN,
      producerId: first.producerId,
      producerEpoch: 0,
      topics: [{ name: 't', partitions: [0] }],
    });
    expect(stale[0]?.resultsByPartition[0]?.partitionErrorCode).toBe(E.PRODUCER_FENCED);
  });

  it('refuses a timeout above transaction.max.timeout.ms and an empty transactional id', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    expect((await c.initProducerId({ transactionalId: TXN, transactionTimeoutMs: 900_001 })).errorCode).toBe(
      E.INVALID_TRANSACTION_TIMEOUT,
    );
    expect((await c.initProducerId({ transactionalId: TXN, transactionTimeoutMs: 0 })).errorCode).toBe(
      E.INVALID_TRANSACTION_TIMEOUT,
    );
    expect((await c.initProducerId({ transactionalId: '', transactionTimeoutMs: 1000 })).errorCode).toBe(
      E.INVALID_REQUEST,
    );
  });

  it('answers NOT_COORDINATOR for an id of a partition it does not lead, and after resigning', async () => {
    const c = coordinator();
    expect((await c.initProducerId({ transactionalId: TXN, transactionTimeoutMs: 1000 })).errorCode).toBe(
      E.NOT_COORDINATOR,
    );
    await leaderOfAll(c);
    await initTxn(c);
    c.onResign(c.partitionFor(TXN));
    expect((await c.initProducerId({ transactionalId: TXN, transactionTimeoutMs: 1000 })).errorCode).toBe(
      E.NOT_COORDINATOR,
    );
  });

  it('answers COORDINATOR_LOAD_IN_PROGRESS while the partition replays', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const plain = store;
    store = Object.assign(Object.create(plain) as MemoryTransactionStateStore, {
      async *read(partition: number): AsyncIterable<TransactionStateRecord> {
        await gate;
        yield* plain.read(partition);
      },
    });
    const c = coordinator();
    const loading = c.onBecomeLeader(c.partitionFor(TXN), COORDINATOR_EPOCH);
    expect((await c.initProducerId({ transactionalId: TXN, transactionTimeoutMs: 1000 })).errorCode).toBe(
      E.COORDINATOR_LOAD_IN_PROGRESS,
    );
    open();
    await loading;
    expect((await c.initProducerId({ transactionalId: TXN, transactionTimeoutMs: 1000 })).errorCode).toBe(
      E.NONE,
    );
  });

  it('gives a new producer id once the epoch is exhausted', async () => {
    const c = coordinator();
    const partition = c.partitionFor(TXN);
    await store.append(partition, [
      transactionLogRecord(TXN, {
        state: TransactionState.CompleteCommit,
        producerId: 500,
        producerEpoch: MAX_PRODUCER_EPOCH - 1,
        lastProducerId: -1,
        lastProducerEpoch: -1,
        txnTimeoutMs: TIMEOUT_MS,
        partitions: new Map(),
        txnStartTimestamp: 1,
        txnLastUpdateTimestamp: 2,
      }),
    ]);
    await leaderOfAll(c);
    expect(await initTxn(c)).toEqual({ errorCode: E.NONE, producerId: 1000, producerEpoch: 0 });
  });

  it('KIP-360: bumps for the current owner, answers a retried bump again, fences an unknown producer id', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const first = await initTxn(c);
    const bumped = await c.initProducerId({
      transactionalId: TXN,
      transactionTimeoutMs: TIMEOUT_MS,
      producerId: first.producerId,
      producerEpoch: 0,
    });
    expect(bumped).toEqual({ errorCode: E.NONE, producerId: first.producerId, producerEpoch: 1 });
    // The same request again (its answer was lost): same answer, no further bump.
    const retried = await c.initProducerId({
      transactionalId: TXN,
      transactionTimeoutMs: TIMEOUT_MS,
      producerId: first.producerId,
      producerEpoch: 0,
    });
    expect(retried).toEqual(bumped);
    expect(states(c)).toHaveLength(2);
    const stranger = await c.initProducerId({
      transactionalId: TXN,
      transactionTimeoutMs: TIMEOUT_MS,
      producerId: 4242,
      producerEpoch: 3,
    });
    expect(stranger.errorCode).toBe(E.PRODUCER_FENCED);
  });

  it('fences and aborts an ongoing transaction, answering CONCURRENT_TRANSACTIONS until the abort completes', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const old = await initTxn(c);
    await beginWith(c, old.producerId, old.producerEpoch);
    writer.hold = true;
    const r = await c.initProducerId({ transactionalId: TXN, transactionTimeoutMs: TIMEOUT_MS });
    expect(r.errorCode).toBe(E.CONCURRENT_TRANSACTIONS);
    expect(c.describeTransaction(TXN)).toMatchObject({
      state: TransactionState.PrepareAbort,
      producerEpoch: 1,
    });
    // The old instance is fenced at once.
    expect(
      await c.endTxn({ transactionalId: TXN, producerId: old.producerId, producerEpoch: 0, committed: true }),
    ).toBe(E.PRODUCER_FENCED);
    expect(
      (await c.initProducerId({ transactionalId: TXN, transactionTimeoutMs: TIMEOUT_MS })).errorCode,
    ).toBe(E.CONCURRENT_TRANSACTIONS);
    writer.release();
    await c.idle();
    expect(writer.written.map((m) => [m.topic, m.partition, m.committed, m.producerEpoch])).toEqual([
      ['t', 0, false, 1],
      ['t', 1, false, 1],
    ]);
    expect(await initTxn(c)).toEqual({ errorCode: E.NONE, producerId: old.producerId, producerEpoch: 2 });
    expect(states(c)).toEqual([
      TransactionState.Empty,
      TransactionState.Ongoing,
      TransactionState.PrepareAbort,
      TransactionState.CompleteAbort,
      TransactionState.Empty,
    ]);
  });
});

describe('AddPartitionsToTxn / AddOffsetsToTxn', () => {
  it('refuses an unknown producer id and a wrong producer id', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const unknown = await c.addPartitionsToTxn({
      transactionalId: TXN,
      producerId: 1,
      producerEpoch: 0,
      topics: [{ name: 't', partitions: [0] }],
    });
    expect(unknown[0]?.resultsByPartition[0]?.partitionErrorCode).toBe(E.INVALID_PRODUCER_ID_MAPPING);
    const p = await initTxn(c);
    const wrong = await c.addPartitionsToTxn({
      transactionalId: TXN,
      producerId: p.producerId + 1,
      producerEpoch: p.producerEpoch,
      topics: [{ name: 't', partitions: [0] }],
    });
    expect(wrong[0]?.resultsByPartition[0]?.partitionErrorCode).toBe(E.INVALID_PRODUCER_ID_MAPPING);
  });

  it('adds nothing when a partition is unknown', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const p = await initTxn(c);
    const result = await c.addPartitionsToTxn({
      transactionalId: TXN,
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      topics: [
        { name: 't', partitions: [0] },
        { name: 'missing', partitions: [3] },
      ],
    });
    expect(result).toEqual([
      {
        name: 't',
        resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: E.OPERATION_NOT_ATTEMPTED }],
      },
      {
        name: 'missing',
        resultsByPartition: [{ partitionIndex: 3, partitionErrorCode: E.UNKNOWN_TOPIC_OR_PARTITION }],
      },
    ]);
    expect(c.describeTransaction(TXN)?.state).toBe(TransactionState.Empty);
  });

  it('starts the transaction (Ongoing, start time) and writes nothing for partitions already in it', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const p = await initTxn(c);
    clock.advance(5);
    await beginWith(c, p.producerId, p.producerEpoch);
    expect(c.describeTransaction(TXN)).toMatchObject({
      state: TransactionState.Ongoing,
      txnStartTimestamp: clock.nowMs(),
      topics: [{ topic: 't', partitions: [0, 1] }],
    });
    const written = store.records(c.partitionFor(TXN)).length;
    clock.advance(5);
    await beginWith(c, p.producerId, p.producerEpoch);
    expect(store.records(c.partitionFor(TXN)).length).toBe(written);
    expect(c.describeTransaction(TXN)?.txnStartTimestamp).toBe(clock.nowMs() - 5);
  });

  it("adds the group's __consumer_offsets partition (Java hashCode of the group id)", async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const p = await initTxn(c);
    expect(
      await c.addOffsetsToTxn({
        transactionalId: TXN,
        producerId: p.producerId,
        producerEpoch: p.producerEpoch,
        groupId: 'my-group',
      }),
    ).toBe(E.NONE);
    // "my-group".hashCode() = -1906497762; abs % 50 = 12.
    expect(c.describeTransaction(TXN)?.topics).toEqual([{ topic: '__consumer_offsets', partitions: [12] }]);
  });
});

describe('EndTxn', () => {
  async function ongoing(c: TransactionCoordinator) {
    const p = await initTxn(c);
    await beginWith(c, p.producerId, p.producerEpoch);
    expect(
      await c.addOffsetsToTxn({
        transactionalId: TXN,
        producerId: p.producerId,
        producerEpoch: p.producerEpoch,
        groupId: 'my-group',
      }),
    ).toBe(E.NONE);
    return p;
  }

  it('commit: answers once PrepareCommit is durable, then writes commit markers to every partition and completes', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const p = await ongoing(c);
    writer.hold = true;
    const end = {
      transactionalId: TXN,
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      committed: true,
    };
    expect(await c.endTxn(end)).toBe(E.NONE);
    expect(states(c).at(-1)).toBe(TransactionState.PrepareCommit);
    await settle();
    expect(writer.pending).toBe(1);

    // While the markers are being written, everything about this id waits.
    expect(await c.endTxn(end)).toBe(E.CONCURRENT_TRANSACTIONS);
    expect(await c.endTxn({ ...end, committed: false })).toBe(E.INVALID_TXN_STATE);
    const add = await c.addPartitionsToTxn({ ...end, topics: [{ name: 't', partitions: [2] }] });
    expect(add[0]?.resultsByPartition[0]?.partitionErrorCode).toBe(E.CONCURRENT_TRANSACTIONS);
    expect(
      (await c.initProducerId({ transactionalId: TXN, transactionTimeoutMs: TIMEOUT_MS })).errorCode,
    ).toBe(E.CONCURRENT_TRANSACTIONS);

    writer.release();
    await c.idle();
    expect(writer.written).toEqual(
      [
        ['t', 0],
        ['t', 1],
        ['__consumer_offsets', 12],
      ].map(([topic, partition]) => ({
        producerId: p.producerId,
        producerEpoch: p.producerEpoch,
        coordinatorEpoch: COORDINATOR_EPOCH,
        committed: true,
        topic,
        partition,
      })),
    );
    expect(states(c)).toEqual([
      TransactionState.Empty,
      TransactionState.Ongoing,
      TransactionState.Ongoing,
      TransactionState.PrepareCommit,
      TransactionState.CompleteCommit,
    ]);
    expect(c.describeTransaction(TXN)).toMatchObject({ state: TransactionState.CompleteCommit, topics: [] });
    // A retried EndTxn after completion: the same outcome is fine, the opposite one is not.
    expect(await c.endTxn(end)).toBe(E.NONE);
    expect(await c.endTxn({ ...end, committed: false })).toBe(E.INVALID_TXN_STATE);
    // The next transaction starts from CompleteCommit.
    await beginWith(c, p.producerId, p.producerEpoch);
    expect(c.describeTransaction(TXN)?.state).toBe(TransactionState.Ongoing);
  });

  it('abort: writes abort markers and ends in CompleteAbort', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const p = await ongoing(c);
    const end = {
      transactionalId: TXN,
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      committed: false,
    };
    expect(await c.endTxn(end)).toBe(E.NONE);
    await c.idle();
    expect(writer.written.map((m) => [m.topic, m.partition, m.committed])).toEqual([
      ['t', 0, false],
      ['t', 1, false],
      ['__consumer_offsets', 12, false],
    ]);
    expect(states(c).slice(-2)).toEqual([TransactionState.PrepareAbort, TransactionState.CompleteAbort]);
    expect(await c.endTxn(end)).toBe(E.NONE);
    expect(await c.endTxn({ ...end, committed: true })).toBe(E.INVALID_TXN_STATE);
  });

  it('answers INVALID_TXN_STATE without an open transaction, PRODUCER_FENCED for a stale epoch', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const p = await initTxn(c);
    const end = {
      transactionalId: TXN,
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      committed: true,
    };
    expect(await c.endTxn(end)).toBe(E.INVALID_TXN_STATE);
    expect(await c.endTxn({ ...end, producerEpoch: p.producerEpoch + 1 })).toBe(E.PRODUCER_FENCED);
  });

  it('concurrent EndTxn calls: the first prepares, the second gets CONCURRENT_TRANSACTIONS', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const p = await ongoing(c);
    const end = {
      transactionalId: TXN,
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      committed: true,
    };
    const [a, b] = await Promise.all([c.endTxn(end), c.endTxn(end)]);
    expect([a, b]).toEqual([E.NONE, E.CONCURRENT_TRANSACTIONS]);
    await c.idle();
    expect(states(c).filter((s) => s === TransactionState.PrepareCommit)).toHaveLength(1);
  });

  it('retries only the partitions whose marker failed retriably, and skips a deleted partition', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const p = await ongoing(c);
    writer.respond = (topic, partition, call) => {
      if (topic === 't' && partition === 1 && call === 0) return E.NOT_LEADER_OR_FOLLOWER;
      if (topic === '__consumer_offsets') {
        deleted.add('__consumer_offsets-12');
        return E.UNKNOWN_TOPIC_OR_PARTITION;
      }
      return E.NONE;
    };
    expect(
      await c.endTxn({
        transactionalId: TXN,
        producerId: p.producerId,
        producerEpoch: p.producerEpoch,
        committed: true,
      }),
    ).toBe(E.NONE);
    await c.idle();
    expect(writer.calls).toBe(2);
    expect(writer.written.map((m) => `${m.topic}-${m.partition}`)).toEqual(['t-0', 't-1']);
    expect(c.describeTransaction(TXN)?.state).toBe(TransactionState.CompleteCommit);
  });

  it('does not complete when a partition reports a newer coordinator', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const p = await ongoing(c);
    writer.respond = () => ERROR_CODES.TRANSACTION_COORDINATOR_FENCED.code;
    expect(
      await c.endTxn({
        transactionalId: TXN,
        producerId: p.producerId,
        producerEpoch: p.producerEpoch,
        committed: true,
      }),
    ).toBe(E.NONE);
    await c.idle();
    expect(c.describeTransaction(TXN)?.state).toBe(TransactionState.PrepareCommit);
  });

  it('maps a failed state append to the coordinator error and leaves the id usable', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const p = await ongoing(c);
    store.failNextAppend = new KafkaError('NOT_LEADER_OR_FOLLOWER');
    const end = {
      transactionalId: TXN,
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      committed: true,
    };
    expect(await c.endTxn(end)).toBe(E.NOT_COORDINATOR);
    expect(c.describeTransaction(TXN)?.state).toBe(TransactionState.Ongoing);
    store.failNextAppend = new KafkaError('NOT_ENOUGH_REPLICAS');
    expect(await c.endTxn(end)).toBe(ERROR_CODES.COORDINATOR_NOT_AVAILABLE.code);
    expect(await c.endTxn(end)).toBe(E.NONE);
    await c.idle();
    expect(c.describeTransaction(TXN)?.state).toBe(TransactionState.CompleteCommit);
  });
});

describe('transaction timeout', () => {
  it('aborts a transaction open longer than its timeout, with a bumped epoch that fences the producer', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const p = await initTxn(c);
    await beginWith(c, p.producerId, p.producerEpoch);
    clock.advance(TIMEOUT_MS);
    expect(await c.abortTimedOutTransactions()).toEqual([]);
    clock.advance(1);
    expect(await c.abortTimedOutTransactions()).toEqual([TXN]);
    await c.idle();
    expect(writer.written.map((m) => [m.topic, m.partition, m.committed, m.producerEpoch])).toEqual([
      ['t', 0, false, p.producerEpoch + 1],
      ['t', 1, false, p.producerEpoch + 1],
    ]);
    expect(c.describeTransaction(TXN)).toMatchObject({
      state: TransactionState.CompleteAbort,
      producerEpoch: p.producerEpoch + 1,
    });
    const end = {
      transactionalId: TXN,
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      committed: true,
    };
    expect(await c.endTxn(end)).toBe(E.PRODUCER_FENCED);
    expect(await c.abortTimedOutTransactions()).toEqual([]);
  });
});

describe('transactional id expiration', () => {
  it('tombstones an id idle for transactional.id.expiration.ms', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    const p = await initTxn(c);
    clock.advance(604_800_000 - 1);
    expect(await c.expireTransactionalIds()).toEqual([]);
    clock.advance(1);
    expect(await c.expireTransactionalIds()).toEqual([TXN]);
    expect(history(c).at(-1)).toBeNull();
    expect(c.describeTransaction(TXN)).toBeNull();
    const again = await initTxn(c);
    expect(again.producerId).not.toBe(p.producerId);
  });
});

describe('load after a restart', () => {
  it('completes a PrepareCommit whose markers had not all been written, with the new coordinator epoch', async () => {
    const before = coordinator();
    await leaderOfAll(before);
    const p = await initTxn(before);
    await beginWith(before, p.producerId, p.producerEpoch);
    writer.hold = true;
    expect(
      await before.endTxn({
        transactionalId: TXN,
        producerId: p.producerId,
        producerEpoch: p.producerEpoch,
        committed: true,
      }),
    ).toBe(E.NONE);
    await settle();
    // The old coordinator "dies": it loses the partition with its marker write still pending.
    before.onResign(before.partitionFor(TXN));

    const writerAfter = new RecordingMarkerWriter();
    const after = coordinator(writerAfter);
    await after.onBecomeLeader(after.partitionFor(TXN), COORDINATOR_EPOCH + 1);
    await after.idle();
    expect(
      writerAfter.written.map((m) => [
        m.topic,
        m.partition,
        m.committed,
        m.coordinatorEpoch,
        m.producerEpoch,
      ]),
    ).toEqual([
      ['t', 0, true, COORDINATOR_EPOCH + 1, p.producerEpoch],
      ['t', 1, true, COORDINATOR_EPOCH + 1, p.producerEpoch],
    ]);
    expect(after.describeTransaction(TXN)?.state).toBe(TransactionState.CompleteCommit);

    // The deposed coordinator's write finishes late; it must not write its own Complete record.
    writer.release();
    await before.idle();
    expect(states(after).filter((s) => s === TransactionState.CompleteCommit)).toHaveLength(1);
    // The loaded state serves the producer as before.
    expect(
      await after.endTxn({
        transactionalId: TXN,
        producerId: p.producerId,
        producerEpoch: p.producerEpoch,
        committed: true,
      }),
    ).toBe(E.NONE);
  });

  it('reloads ongoing transactions with their start time, so that their timeout still applies', async () => {
    const before = coordinator();
    await leaderOfAll(before);
    const p = await initTxn(before);
    await beginWith(before, p.producerId, p.producerEpoch);
    const after = coordinator();
    await leaderOfAll(after, COORDINATOR_EPOCH + 1);
    expect(after.describeTransaction(TXN)).toMatchObject({
      state: TransactionState.Ongoing,
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      topics: [{ topic: 't', partitions: [0, 1] }],
    });
    clock.advance(TIMEOUT_MS + 1);
    expect(await after.abortTimedOutTransactions()).toEqual([TXN]);
  });

  it('ignores a leadership notice for an epoch not newer than the one it holds', async () => {
    const c = coordinator();
    await leaderOfAll(c);
    await initTxn(c);
    await c.onBecomeLeader(c.partitionFor(TXN), COORDINATOR_EPOCH);
    c.onResign(c.partitionFor(TXN), COORDINATOR_EPOCH - 1);
    expect(c.describeTransaction(TXN)?.producerEpoch).toBe(0);
  });
});
