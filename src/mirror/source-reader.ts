import { IsolationLevel, type PartitionFetcher, PartitionReader } from '../client/index.js';
import { type KeptBatch, ReadCommittedFilter } from './batch-filter.js';

export interface SourceReaderOptions {
  topic: string;
  partition: number;
  /** The first source offset to read (a batch boundary: a resume point or the log start offset). */
  startOffset: number;
  /** Fetched chunks held ahead of the mirror, counting the fetch in flight. @defaultValue 4 */
  maxBufferedFetches?: number;
  /** @defaultValue 1 MiB */
  partitionMaxBytes?: number;
  /** Long-poll time when caught up. @defaultValue 500 */
  maxWaitMs?: number;
  /** @defaultValue Date.now */
  nowMs?: () => number;
}

/** The kept batches of one fetch, with what the metrics need. */
export interface SourceChunk {
  readonly kept: KeptBatch[];
  readonly dropped: number;
  /** The source offset after the last complete batch fetched, kept or dropped. */
  readonly nextOffset: number;
  /** The source's high watermark as of this fetch: offset lag = highWatermark - the mirror's next offset. */
  readonly highWatermark: number;
  /** When the fetch answer was taken, for replication latency. */
  readonly fetchedAtMs: number;
}

/**
 * A source partition as the mirror reads it: read_committed fetches through the raw-batch PartitionReader
 * (read-ahead of `maxBufferedFetches`; readers of many partitions sharing one ClusterClient put several
 * fetches in flight per broker connection), filtered by ReadCommittedFilter, so that only batches a
 * read_committed consumer would deliver come out — as slices of the fetch responses, never decoded.
 *
 * Errors end the reader as they end PartitionReader (OFFSET_OUT_OF_RANGE, non-retriable errors); the task
 * restarts the partition from its resume procedure. One consumer at a time.
 */
export class SourceReader {
  private readonly reader: PartitionReader;
  private readonly filter = new ReadCommittedFilter();
  private position: number;
  private readonly nowMs: () => number;

  constructor(client: PartitionFetcher, options: SourceReaderOptions) {
    this.reader = new PartitionReader(client, {
      topic: options.topic,
      partition: options.partition,
      startOffset: options.startOffset,
      maxBufferedFetches: options.maxBufferedFetches ?? 4,
      partitionMaxBytes: options.partitionMaxBytes ?? 1024 * 1024,
      maxWaitMs: options.maxWaitMs ?? 500,
      isolationLevel: IsolationLevel.ReadCommitted,
    });
    this.position = options.startOffset;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** The source offset after everything returned so far. */
  get nextOffset(): number {
    return this.position;
  }

  /** The next fetch's kept batches (possibly none, when it held only markers or aborted data). */
  async next(): Promise<SourceChunk> {
    const chunk = await this.reader.next();
    const filtered = this.filter.filter(chunk.records, chunk.abortedTransactions, this.position);
    this.position = Math.max(this.position, filtered.nextOffset);
    return {
      kept: filtered.kept,
      dropped: filtered.dropped,
      nextOffset: this.position,
      highWatermark: chunk.highWatermark,
      fetchedAtMs: this.nowMs(),
    };
  }

  close(): void {
    this.reader.close();
  }
}
