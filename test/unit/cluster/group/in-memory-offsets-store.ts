import type { ConsumerOffsetsRecord, ConsumerOffsetsStore } from '../../../../src/cluster/group/index.js';

/**
 * `__consumer_offsets` as arrays in memory, for unit tests only: appends are durable at once (after a
 * microtask, as a real append is never synchronous), `failNextAppend` makes the next append reject, and
 * `blockReads` holds every `read` until `releaseReads` so a test can observe a partition while it loads.
 */
export class InMemoryConsumerOffsetsStore implements ConsumerOffsetsStore {
  readonly partitions = new Map<number, ConsumerOffsetsRecord[]>();
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

  records(partition: number): ConsumerOffsetsRecord[] {
    return this.partitions.get(partition) ?? [];
  }

  async append(partition: number, records: ConsumerOffsetsRecord[]): Promise<void> {
    await Promise.resolve();
    const failure = this.failure;
    if (failure) {
      this.failure = null;
      throw failure;
    }
    this.appendCount++;
    let log = this.partitions.get(partition);
    if (!log) {
      log = [];
      this.partitions.set(partition, log);
    }
    log.push(...records);
  }

  async *read(partition: number): AsyncIterable<ConsumerOffsetsRecord> {
    if (this.readGate) await this.readGate;
    for (const record of this.records(partition)) yield record;
  }
}
