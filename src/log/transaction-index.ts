import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { KafkaError } from '../protocol/errors/index.js';
import { readInt64, writeInt64 } from '../protocol/records/batch-header.js';

/** An aborted transaction as the txnindex stores it and a read_committed Fetch returns it. */
export interface AbortedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
  /** Offset of the ABORT marker. */
  readonly lastOffset: number;
  /** The last stable offset when the abort was written: no aborted transaction below it is still unknown. */
  readonly lastStableOffset: number;
}

/** Kafka's TxnIndexSearchResult: `isComplete` when no later segment can hold a relevant aborted transaction. */
export interface TxnIndexSearchResult {
  readonly abortedTransactions: AbortedTxn[];
  readonly isComplete: boolean;
}

export const ABORTED_TXN_VERSION = 0;
export const ABORTED_TXN_SIZE = 34;

/**
 * A segment's aborted transactions: `<20-digit base offset>.txnindex`, Kafka's format, fixed 34-byte entries:
 *
 *   version: int16           0
 *   producerId: int64
 *   firstOffset: int64
 *   lastOffset: int64        the ABORT marker's offset
 *   lastStableOffset: int64
 *
 * Invariants: entries are appended in strictly increasing lastOffset (markers are appended in offset order);
 * the file length is a multiple of 34 (sanityCheck). The file is opened lazily and not created until the first
 * append, as most segments never see an abort. Appends are not fsynced one by one: `flush` is called with the
 * segment's flush, and recovery rebuilds the index of every segment after the recovery point from the markers
 * in the log. The owning segment serialises access.
 */
export class TransactionIndex {
  private fd: number | undefined;
  private lastOffset: number | undefined;
  private scanned = false;

  constructor(
    /** The owning segment's base offset. */
    readonly startOffset: number,
    private filePath: string,
  ) {}

  get path(): string {
    return this.filePath;
  }

  /** Adds an aborted transaction; its lastOffset must be above every earlier entry's. */
  append(txn: AbortedTxn): void {
    const last = this.lastAppendedOffset();
    if (last !== undefined && txn.lastOffset <= last) {
      throw new KafkaError(
        'UNKNOWN_SERVER_ERROR',
        `aborted transaction ending at ${txn.lastOffset} appended after one ending at ${last} in ${this.filePath}`,
      );
    }
    const entry = Buffer.allocUnsafe(ABORTED_TXN_SIZE);
    entry.writeInt16BE(ABORTED_TXN_VERSION, 0);
    writeInt64(entry, 2, txn.producerId);
    writeInt64(entry, 10, txn.firstOffset);
    writeInt64(entry, 18, txn.lastOffset);
    writeInt64(entry, 26, txn.lastStableOffset);
    const fd = this.open(true)!;
    writeSync(fd, entry, 0, ABORTED_TXN_SIZE, fstatSync(fd).size);
    this.lastOffset = txn.lastOffset;
  }

  flush(): void {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  /** Every entry, in file order. */
  allAbortedTxns(): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    this.forEachEntry((txn) => {
      out.push(txn);
      return true;
    });
    return out;
  }

  /**
   * The aborted transactions that overlap [fetchOffset, upperBoundOffset): lastOffset >= fetchOffset and
   * firstOffset < upperBoundOffset. The search is complete as soon as an entry's lastStableOffset reaches the
   * upper bound: every transaction that could overlap the range was decided before that entry was written, so
   * later segments need not be searched.
   */
  collectAbortedTxns(fetchOffset: number, upperBoundOffset: number): TxnIndexSearchResult {
    const abortedTransactions: AbortedTxn[] = [];
    let isComplete = false;
    this.forEachEntry((txn) => {
      if (txn.lastOffset >= fetchOffset && txn.firstOffset < upperBoundOffset) abortedTransactions.push(txn);
      if (txn.lastStableOffset >= upperBoundOffset) {
        isComplete = true;
        return false;
      }
      return true;
    });
    return { abortedTransactions, isComplete };
  }

  /** Drops the entries whose ABORT marker is at or after `offset` (the log was truncated to end there). */
  truncateTo(offset: number): void {
    let keepBytes = 0;
    let last: number | undefined;
    this.forEachEntry((txn) => {
      if (txn.lastOffset >= offset) return false;
      keepBytes += ABORTED_TXN_SIZE;
      last = txn.lastOffset;
      return true;
    });
    const fd = this.open(false);
    if (fd === undefined) return;
    ftruncateSync(fd, keepBytes);
    this.lastOffset = last;
    this.scanned = true;
  }

  /** Empties the index (the segment was truncated to nothing). */
  reset(): void {
    const fd = this.open(false);
    if (fd !== undefined) ftruncateSync(fd, 0);
    this.lastOffset = undefined;
    this.scanned = true;
  }

  /**
   * Throws KAFKA_STORAGE_ERROR when the file length is not a whole number of entries; the loader then rebuilds
   * the index from the segment's markers.
   */
  sanityCheck(): void {
    const fd = this.open(false);
    if (fd === undefined) return;
    const size = fstatSync(fd).size;
    if (size % ABORTED_TXN_SIZE !== 0) {
      throw new KafkaError(
        'KAFKA_STORAGE_ERROR',
        `transaction index ${this.filePath} is ${size} bytes, not a multiple of ${ABORTED_TXN_SIZE}`,
      );
    }
  }

  /** Renames the file (for `.deleted`, `.cleaned`, `.swap`); works whether or not the file exists yet. */
  renameTo(newPath: string): void {
    if (existsSync(this.filePath)) renameSync(this.filePath, newPath);
    this.filePath = newPath;
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** Closes and removes the file; true when there was one. */
  delete(): boolean {
    this.close();
    const existed = existsSync(this.filePath);
    rmSync(this.filePath, { force: true });
    this.lastOffset = undefined;
    this.scanned = true;
    return existed;
  }

  private lastAppendedOffset(): number | undefined {
    if (!this.scanned) {
      this.forEachEntry((txn) => {
        this.lastOffset = txn.lastOffset;
        return true;
      });
      this.scanned = true;
    }
    return this.lastOffset;
  }

  /** Opens the file (creating it only when asked); undefined when it does not exist and was not created. */
  private open(create: boolean): number | undefined {
    if (this.fd !== undefined) return this.fd;
    if (!create && !existsSync(this.filePath)) return undefined;
    this.fd = openSync(this.filePath, create ? 'a+' : 'r+');
    return this.fd;
  }

  /** Reads the entries in chunks; `visit` returns false to stop. A trailing partial entry is ignored. */
  private forEachEntry(visit: (txn: AbortedTxn) => boolean): void {
    const fd = this.open(false);
    if (fd === undefined) return;
    const size = fstatSync(fd).size;
    const chunk = Buffer.allocUnsafe(ABORTED_TXN_SIZE * 256);
    let filePos = 0;
    while (filePos + ABORTED_TXN_SIZE <= size) {
      const want = Math.min(chunk.length, size - filePos - ((size - filePos) % ABORTED_TXN_SIZE));
      const got = readSync(fd, chunk, 0, want, filePos);
      for (let p = 0; p + ABORTED_TXN_SIZE <= got; p += ABORTED_TXN_SIZE) {
        const version = chunk.readInt16BE(p);
        if (version !== ABORTED_TXN_VERSION) {
          throw new KafkaError(
            'KAFKA_STORAGE_ERROR',
            `transaction index ${this.filePath} has an entry of version ${version} at ${filePos + p}`,
          );
        }
        const txn: AbortedTxn = {
          producerId: readInt64(chunk, p + 2),
          firstOffset: readInt64(chunk, p + 10),
          lastOffset: readInt64(chunk, p + 18),
          lastStableOffset: readInt64(chunk, p + 26),
        };
        if (!visit(txn)) return;
      }
      if (got === 0) return;
      filePos += got - (got % ABORTED_TXN_SIZE);
    }
  }
}
