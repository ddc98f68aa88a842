import type {
  AbortedTransaction,
  FetchOptions,
  FetchPartitionRequest,
  FetchPartitionResult,
  LeaderAndEpoch,
  ListOffsetsResult,
  OffsetSpec,
  ProduceOptions,
  ProduceResult,
} from '../../../src/client/index.js';
import { IsolationLevel } from '../../../src/client/index.js';
import { baseOffset, lastOffset, setBaseOffset } from '../../../src/protocol/records/batch-header.js';
import { encodeEndTxnMarkerBatch } from '../../../src/protocol/records/control-record.js';
import { encodeRecordBatchSync, type RecordBatchSpec } from '../../../src/protocol/records/record-batch.js';

/**
 * Test builders for the mirror: a partition log built batch by batch (data, transactions, markers, compaction
 * gaps) with the aborted-transaction list a broker would keep, and a fake cluster of such logs that answers
 * the raw client's fetch/listOffsets/produce as a broker does (whole batches from the one holding the fetch
 * offset, aborted transactions overlapping the fetched range for read_committed).
 */

export const T0 = 1_700_000_000_000;

interface AbortedRange extends AbortedTransaction {
  lastOffset: number;
}

export class PartitionLog {
  readonly batches: Buffer[] = [];
  readonly aborted: AbortedRange[] = [];
  next = 0;
  private readonly open = new Map<number, number>();
  private counter = 0;

  /** A data batch of `count` records; transactional when `txnProducerId` is given. */
  data(count: number, spec: Partial<RecordBatchSpec> & { txnProducerId?: number } = {}): Buffer {
    const tag = this.counter++;
    const { txnProducerId, ...rest } = spec;
    const batch = encodeRecordBatchSync({
      baseOffset: this.next,
      producerId: txnProducerId ?? -1,
      producerEpoch: txnProducerId === undefined ? -1 : 0,
      baseSequence: txnProducerId === undefined ? -1 : 0,
      transactional: txnProducerId !== undefined,
      ...rest,
      records: Array.from({ length: count }, (_, i) => ({
        key: Buffer.from(`k${tag}-${i}`),
        value: Buffer.from(`v${tag}-${i}`),
        headers: [{ key: 'h', value: Buffer.from(String(i)) }],
        timestamp: T0 + tag,
      })),
    });
    if (txnProducerId !== undefined && !this.open.has(txnProducerId)) this.open.set(txnProducerId, this.next);
    return this.push(batch);
  }

  marker(producerId: number, commit: boolean): Buffer {
    const batch = encodeEndTxnMarkerBatch({
      producerId,
      producerEpoch: 0,
      coordinatorEpoch: 0,
      commit,
      baseOffset: this.next,
      timestamp: T0,
    });
    const first = this.open.get(producerId);
    if (first !== undefined && !commit)
      this.aborted.push({ producerId, firstOffset: first, lastOffset: this.next });
    this.open.delete(producerId);
    return this.push(batch);
  }

  /** Offsets compaction removed between batches. */
  gap(n: number): void {
    this.next += n;
  }

  /** Appends a batch as a leader does: stamps the next offset (on a copy). */
  append(batch: Buffer): number {
    const copy = Buffer.from(batch);
    setBaseOffset(copy, this.next);
    this.push(copy);
    return baseOffset(copy);
  }

  recordSet(): Buffer {
    return Buffer.concat(this.batches);
  }

  private push(batch: Buffer): Buffer {
    this.batches.push(batch);
    this.next = lastOffset(batch) + 1;
    return batch;
  }
}

/** A cluster of PartitionLogs behind the raw client's interface. */
export class FakeCluster {
  readonly logs = new Map<string, PartitionLog>();
  produced = 0;

  log(topic: string, partition: number): PartitionLog {
    const key = `${topic}-${partition}`;
    let log = this.logs.get(key);
    if (!log) {
      log = new PartitionLog();
      this.logs.set(key, log);
    }
    return log;
  }

  async fetch(
    requests: readonly FetchPartitionRequest[],
    options: FetchOptions,
  ): Promise<FetchPartitionResult[]> {
    const results = requests.map((r) => {
      const log = this.log(r.topic, r.partition);
      const picked: Buffer[] = [];
      let size = 0;
      for (const b of log.batches) {
        if (lastOffset(b) < r.fetchOffset) continue;
        if (picked.length > 0 && size + b.length > r.maxBytes) break;
        picked.push(b);
        size += b.length;
      }
      const last = picked.length > 0 ? lastOffset(picked.at(-1)!) : -1;
      const abortedTransactions =
        options.isolationLevel === IsolationLevel.ReadCommitted
          ? log.aborted
              .filter((a) => a.lastOffset >= r.fetchOffset && a.firstOffset <= last)
              .map(({ producerId, firstOffset }) => ({ producerId, firstOffset }))
          : null;
      return {
        topic: r.topic,
        partition: r.partition,
        fetchOffset: r.fetchOffset,
        error: null,
        highWatermark: log.next,
        lastStableOffset: log.next,
        logStartOffset: 0,
        abortedTransactions,
        preferredReadReplica: -1,
        records: Buffer.concat(picked),
      };
    });
    // Let other tasks run, as a real long poll would, when there was nothing to return.
    if (results.every((r) => r.records.length === 0)) await new Promise((resolve) => setImmediate(resolve));
    return results;
  }

  async listOffsets(topic: string, partition: number, spec: OffsetSpec): Promise<ListOffsetsResult> {
    const log = this.log(topic, partition);
    const first = log.batches.length > 0 ? baseOffset(log.batches[0]!) : log.next;
    const offset = spec === 'earliest' ? first : log.next;
    return { offset, timestamp: -1, leaderEpoch: 0 };
  }

  async leaderFor(): Promise<LeaderAndEpoch> {
    return { brokerId: 1, leaderEpoch: 0 };
  }

  async brokerConnection(): Promise<unknown> {
    return undefined;
  }

  async produce(
    topic: string,
    partition: number,
    records: Buffer,
    _options: ProduceOptions,
  ): Promise<ProduceResult> {
    this.produced++;
    const base = this.log(topic, partition).append(records);
    return { baseOffset: base, logAppendTimeMs: -1, logStartOffset: 0 };
  }
}
