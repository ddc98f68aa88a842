import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AbortedTxn, TransactionIndex } from '../../../src/log/transaction-index.js';
import { isKafkaError } from '../../../src/protocol/errors/index.js';

describe('TransactionIndex', () => {
  let dir: string;
  let index: TransactionIndex | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-txnindex-'));
  });
  afterEach(() => {
    index?.close();
    index = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const path = () => join(dir, '00000000000000000000.txnindex');
  const txn = (
    producerId: number,
    firstOffset: number,
    lastOffset: number,
    lastStableOffset: number,
  ): AbortedTxn => ({
    producerId,
    firstOffset,
    lastOffset,
    lastStableOffset,
  });
  const open = () => {
    index = new TransactionIndex(0, path());
    return index;
  };

  it('does not create a file until the first append, then writes 34-byte entries that reload', () => {
    const idx = open();
    expect(idx.allAbortedTxns()).toEqual([]);
    expect(existsSync(path())).toBe(false);
    idx.append(txn(7, 0, 10, 11));
    idx.append(txn(2 ** 40, 5, 20, 5));
    idx.flush();
    expect(statSync(path()).size).toBe(68);
    idx.close();
    const reopened = open();
    expect(reopened.allAbortedTxns()).toEqual([txn(7, 0, 10, 11), txn(2 ** 40, 5, 20, 5)]);
    reopened.sanityCheck();
  });

  it('rejects an entry whose lastOffset does not grow, also after a reopen', () => {
    const idx = open();
    idx.append(txn(1, 0, 10, 11));
    expect(() => idx.append(txn(1, 11, 10, 12))).toThrow(/appended after/);
    idx.close();
    const reopened = open();
    expect(() => reopened.append(txn(1, 3, 9, 12))).toThrow(/appended after/);
    reopened.append(txn(1, 11, 12, 13));
    expect(reopened.allAbortedTxns()).toHaveLength(2);
  });

  it('collects the aborted transactions overlapping a fetch range and says when the search is complete', () => {
    const idx = open();
    // b opened at 5 before a was aborted at 10, so a's LSO is 5; b and c were the only open ones when aborted
    const a = txn(1, 0, 10, 5);
    const b = txn(2, 5, 20, 21);
    const c = txn(3, 30, 40, 41);
    idx.append(a);
    idx.append(b);
    idx.append(c);
    expect(idx.collectAbortedTxns(11, 25)).toEqual({ abortedTransactions: [b], isComplete: true });
    expect(idx.collectAbortedTxns(11, 21)).toEqual({ abortedTransactions: [b], isComplete: true });
    expect(idx.collectAbortedTxns(11, 45)).toEqual({ abortedTransactions: [b, c], isComplete: false });
    expect(idx.collectAbortedTxns(0, 6)).toEqual({ abortedTransactions: [a, b], isComplete: true });
    expect(idx.collectAbortedTxns(21, 41)).toEqual({ abortedTransactions: [c], isComplete: true });
    expect(idx.collectAbortedTxns(41, 100)).toEqual({ abortedTransactions: [], isComplete: false });
  });

  it('truncates to an offset, dropping entries whose marker is at or after it', () => {
    const idx = open();
    idx.append(txn(1, 0, 10, 11));
    idx.append(txn(2, 12, 20, 21));
    idx.append(txn(3, 22, 30, 31));
    idx.truncateTo(20);
    expect(idx.allAbortedTxns()).toEqual([txn(1, 0, 10, 11)]);
    expect(statSync(path()).size).toBe(34);
    // appends continue after the kept entry
    idx.append(txn(2, 12, 15, 16));
    expect(() => idx.append(txn(2, 12, 10, 16))).toThrow();
    idx.reset();
    expect(idx.allAbortedTxns()).toEqual([]);
    idx.append(txn(9, 0, 1, 2));
    expect(idx.allAbortedTxns()).toEqual([txn(9, 0, 1, 2)]);
  });

  it('reads entries across its read chunk boundary', () => {
    const idx = open();
    for (let i = 0; i < 600; i++) idx.append(txn(i, i * 10, i * 10 + 5, i * 10 + 6));
    const all = idx.allAbortedTxns();
    expect(all).toHaveLength(600);
    expect(all[599]).toEqual(txn(599, 5990, 5995, 5996));
    expect(idx.collectAbortedTxns(5000, 5003).abortedTransactions.map((t) => t.producerId)).toEqual([500]);
  });

  it('fails its sanity check on a torn file', () => {
    writeFileSync(path(), Buffer.alloc(40));
    const idx = open();
    let caught: unknown;
    try {
      idx.sanityCheck();
    } catch (err) {
      caught = err;
    }
    expect(isKafkaError(caught, 'KAFKA_STORAGE_ERROR')).toBe(true);
  });

  it('renames and deletes its file', () => {
    const idx = open();
    idx.append(txn(1, 0, 1, 2));
    idx.close();
    const renamed = join(dir, '00000000000000000000.txnindex.deleted');
    idx.renameTo(renamed);
    expect(existsSync(renamed)).toBe(true);
    expect(idx.allAbortedTxns()).toEqual([txn(1, 0, 1, 2)]);
    expect(idx.delete()).toBe(true);
    expect(existsSync(renamed)).toBe(false);
    expect(idx.delete()).toBe(false);
  });
});
