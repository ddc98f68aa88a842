import { ProtocolDecodeError } from '../../protocol/wire/protocol-errors.js';
import { Reader } from '../../protocol/wire/reader.js';
import { Writer } from '../../protocol/wire/writer.js';
import { NO_PRODUCER_ID, type TxnPartitions, type TxnTransition } from './transaction-metadata.js';
import { isTransactionState, TransactionState } from './transaction-state.js';
import type { TransactionStateRecord, TransactionStateStore } from './transaction-state-store.js';

/**
 * The key and value formats of `__transaction_state` records, byte for byte as Kafka writes them
 * (TransactionLogKey / TransactionLogValue), so that Kafka's tools read what Ferry writes and Ferry loads
 * what Kafka wrote. Big-endian; strings int16 length + UTF-8; arrays int32 count (-1 null).
 *
 *   key   := version int16 (0), transactional_id string
 *   value := version int16 (0), producer_id int64, producer_epoch int16, transaction_timeout_ms int32,
 *            transaction_status int8 (TransactionState numbering),
 *            transaction_partitions nullable [topic string, partition_ids [int32]],
 *            transaction_last_update_timestamp_ms int64, transaction_start_timestamp_ms int64
 *
 * Ferry writes value version 0; Empty is written with null partitions, as Kafka does. Version 1 (flexible:
 * compact strings and arrays, tagged fields; tag 0 = previous producer id, 1 = next producer id, 2 = client
 * transaction version) is read, so a log written by a Kafka with transactions v2 still loads. A null value is
 * the tombstone of an expired (Dead) id; compaction keeps the last value per key, and replay applies the
 * same rule, so a compacted and an uncompacted log load alike.
 */

export const TRANSACTION_STATE_TOPIC = '__transaction_state';
export const TRANSACTION_LOG_KEY_VERSION = 0;
export const TRANSACTION_LOG_VALUE_VERSION = 0;

function strLen(s: string): number {
  return 2 + Buffer.byteLength(s, 'utf8');
}

export function encodeTransactionLogKey(transactionalId: string): Buffer {
  return new Writer(2 + strLen(transactionalId))
    .int16(TRANSACTION_LOG_KEY_VERSION)
    .nullableString(transactionalId)
    .toBuffer();
}

/** The transactional id of a key, or null for a key version this coordinator does not know (skipped on load). */
export function decodeTransactionLogKey(buf: Buffer): string | null {
  const r = new Reader(buf);
  const version = r.int16();
  if (version !== TRANSACTION_LOG_KEY_VERSION) return null;
  return r.string();
}

export function encodeTransactionLogValue(t: TxnTransition): Buffer {
  // Kafka writes no partitions for an Empty id; any other state lists its (possibly zero) partitions.
  const partitions = t.state === TransactionState.Empty ? null : t.partitions;
  let size = 2 + 8 + 2 + 4 + 1 + 4 + 8 + 8;
  if (partitions) for (const [topic, ps] of partitions) size += strLen(topic) + 4 + 4 * ps.size;
  const w = new Writer(size);
  w.int16(TRANSACTION_LOG_VALUE_VERSION)
    .int64(t.producerId)
    .int16(t.producerEpoch)
    .int32(t.txnTimeoutMs)
    .int8(t.state)
    .arrayLength(partitions === null ? null : partitions.size, false);
  if (partitions) {
    for (const [topic, ps] of partitions) {
      w.nullableString(topic).int32(ps.size);
      for (const p of ps) w.int32(p);
    }
  }
  return w.int64(t.txnLastUpdateTimestamp).int64(t.txnStartTimestamp).toBuffer();
}

/** What a value holds. `lastProducerId` is version 1's previous producer id (-1 in version 0). */
export type TransactionLogValue = Omit<TxnTransition, 'lastProducerEpoch'>;

export function decodeTransactionLogValue(buf: Buffer): TransactionLogValue {
  const r = new Reader(buf);
  const version = r.int16();
  if (version !== 0 && version !== 1) {
    throw new ProtocolDecodeError(`transaction log value version ${version} is not supported`);
  }
  const flexible = version === 1;
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const txnTimeoutMs = r.int32();
  const status = r.int8();
  if (!isTransactionState(status)) {
    throw new ProtocolDecodeError(`unknown transaction status ${status}`);
  }
  const partitions = new Map<string, Set<number>>();
  // A topic entry takes at least its string length and its array count.
  const topicCount = r.arrayLength(flexible, flexible ? 3 : 6);
  for (let i = 0; i < topicCount; i++) {
    const topic = flexible ? r.compactString() : r.string();
    const count = r.arrayLength(flexible, 4);
    let ps = partitions.get(topic);
    if (!ps) {
      ps = new Set();
      partitions.set(topic, ps);
    }
    for (let j = 0; j < count; j++) ps.add(r.int32());
    if (flexible) skipTaggedFields(r);
  }
  const txnLastUpdateTimestamp = r.int64();
  const txnStartTimestamp = r.int64();
  let lastProducerId = NO_PRODUCER_ID;
  if (flexible) {
    const tags = r.unsignedVarint();
    for (let i = 0; i < tags; i++) {
      const tag = r.unsignedVarint();
      const size = r.unsignedVarint();
      if (tag === 0 && size === 8) lastProducerId = r.int64();
      else r.skip(size);
    }
  }
  const value: TransactionLogValue = {
    state: status,
    producerId,
    producerEpoch,
    lastProducerId,
    txnTimeoutMs,
    partitions: partitions satisfies TxnPartitions,
    txnStartTimestamp,
    txnLastUpdateTimestamp,
  };
  return value;
}

function skipTaggedFields(r: Reader): void {
  const n = r.unsignedVarint();
  for (let i = 0; i < n; i++) {
    r.unsignedVarint();
    r.skip(r.unsignedVarint());
  }
}

export function transactionLogRecord(transactionalId: string, t: TxnTransition): TransactionStateRecord {
  return { key: encodeTransactionLogKey(transactionalId), value: encodeTransactionLogValue(t) };
}

export function transactionLogTombstone(transactionalId: string): TransactionStateRecord {
  return { key: encodeTransactionLogKey(transactionalId), value: null };
}

/**
 * Replays one partition: the last value of each transactional id, tombstoned ids removed. `isCancelled` is
 * polled between records so that a resignation or a newer leadership stops a long load; it then returns
 * null.
 */
export async function replayTransactionLog(
  store: TransactionStateStore,
  partition: number,
  isCancelled: () => boolean,
): Promise<Map<string, TransactionLogValue> | null> {
  const latest = new Map<string, TransactionLogValue>();
  for await (const record of store.read(partition)) {
    if (isCancelled()) return null;
    const transactionalId = decodeTransactionLogKey(record.key);
    if (transactionalId === null) continue;
    if (record.value === null) latest.delete(transactionalId);
    else latest.set(transactionalId, decodeTransactionLogValue(record.value));
  }
  return isCancelled() ? null : latest;
}
