import type {
  ConsumerOffsetsLogRecord,
  ConsumerOffsetsRecord,
  ConsumerOffsetsStore,
  TransactionalAppend,
} from '../../../../src/cluster/group/index.js';
import { ControlRecordType, encodeControlRecordKey } from '../../../../src/protocol/records/index.js';

/**
 * `__consumer_offsets` as arrays in memory, for unit tests only: appends are durable at once (after a
 * microtask, as a real append is never synchronous), `failNextAppend` makes the next append reject, and
 * `blockReads` holds every `read` until `releaseReads` so a test can observe a partition while it loads.
 * A transactional append stores its records with the producer id; `appendMarker` writes an end-txn marker
 * as the transaction coordinator's marker writer would.
 */
export class InMemoryConsumerOffsetsStore implements ConsumerOffsetsStore {
  readonly partitions = new Map<number, ConsumerOffsetsLogRecord[]>();
  appendCount = 0;
  private failure: Error | null = null;
  private readGate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;

  failNextAppend(err: Error): void {
    this.failure = err;
  }

  blockReads(): void {
    this.readGate = new Promise((resolve) => {
      this.openGate = resolve;
    });
  }

  releaseReads(): void {
    this.openGate?.();
    this.readGate = null;
  }

  records(partition: number): ConsumerOffsetsLogRecord[] {
    return this.partitions.get(partition) ?? [];
  }

  async append(
    partition: number,
    records: ConsumerOffsetsRecord[],
    txn?: TransactionalAppend,
  ): Promise<void> {
    await Promise.resolve();
    const failure = this.failure;
    if (failure) {
      this.failure = null;
      throw failure;
    }
    this.appendCount++;
    this.log(partition).push(
      ...(txn === undefined
        ? records
        : records.map((r) => ({ ...r, producerId: txn.producerId, transactional: true }))),
    );
  }

  appendMarker(partition: number, producerId: number, commit: boolean): void {
    const type = commit ? ControlRecordType.Commit : ControlRecordType.Abort;
    const value = Buffer.alloc(6);
    this.log(partition).push({
      key: encodeControlRecordKey(type),
      value,
      producerId,
      transactional: true,
      controlType: type,
    });
  }

  /** Up to the end at the time of the call, as a log read is: later appends are not seen. */
  async *read(partition: number): AsyncIterable<ConsumerOffsetsLogRecord> {
    const records = this.records(partition).slice();
    if (this.readGate) await this.readGate;
    for (const record of records) yield record;
  }

  private log(partition: number): ConsumerOffsetsLogRecord[] {
    let log = this.partitions.get(partition);
    if (!log) {
      log = [];
      this.partitions.set(partition, log);
    }
    return log;
  }
}
