import { KafkaError } from '../protocol/errors/index.js';
import {
  BATCH_LENGTH_OFFSET,
  baseOffset,
  LOG_OVERHEAD,
  lastOffset,
} from '../protocol/records/batch-header.js';
import { RecordSetIterator } from '../protocol/records/record-set.js';
import type {
  AbortedTransaction,
  FetchOptions,
  FetchPartitionRequest,
  FetchPartitionResult,
  IsolationLevel,
} from './client-requests.js';
import { defaultDelay } from './connection-pool.js';
import type { LeaderAndEpoch } from './metadata-cache.js';

/** What the reader needs of a ClusterClient; tests bring a fake. */
export interface PartitionFetcher {
  fetch(requests: readonly FetchPartitionRequest[], options: FetchOptions): Promise<FetchPartitionResult[]>;
  leaderFor(topic: string, partition: number): Promise<LeaderAndEpoch>;
}

export interface PartitionReaderOptions {
  topic: string;
  partition: number;
  /** The first offset to read. */
  startOffset: number;
  /** Fetched record sets held ahead of the consumer, counting the fetch in flight. @defaultValue 2 */
  maxBufferedFetches?: number;
  /** partition_max_bytes of each fetch; grows by itself for a batch larger than this. @defaultValue 1 MiB */
  partitionMaxBytes?: number;
  /** Long-poll time when caught up. @defaultValue 500 */
  maxWaitMs?: number;
  /** @defaultValue 1 */
  minBytes?: number;
  /** @defaultValue IsolationLevel.ReadUncommitted */
  isolationLevel?: IsolationLevel;
  /** Sends the cached leader epoch with each fetch, so a deposed leader fences us (KIP-320). @defaultValue true */
  fenceLeaderEpoch?: boolean;
  /** Wait after a retriable error (leadership moved, connection lost) before fetching again. @defaultValue 100 */
  retryBackoffMs?: number;
  /** @defaultValue a setTimeout promise */
  delay?: (ms: number) => Promise<void>;
}

/** The complete batches of one fetch, as the broker sent them. */
export interface RecordSetChunk {
  topic: string;
  partition: number;
  /** The offset fetched; the first batch may start before it (a batch is returned whole). */
  fetchOffset: number;
  /** Complete record batches only: a slice of the response frame ending at the last whole batch. */
  records: Buffer;
  /** baseOffset of the first batch. */
  firstOffset: number;
  /** lastOffset of the last batch. */
  lastOffset: number;
  /** Where the next fetch starts: lastOffset + 1. */
  nextOffset: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  abortedTransactions: AbortedTransaction[] | null;
}

interface Waiter {
  resolve(): void;
}

/**
 * Reads one partition from an offset onward, forever: fetch → complete batches → advance to the offset after
 * the last batch's lastOffset → fetch again. Record sets are never decoded: batch boundaries come from the
 * length fields and offsets from the batch headers. A trailing partial batch (the broker cut at max bytes)
 * is dropped and fetched again from its start; a first batch bigger than partitionMaxBytes raises the limit
 * for the next fetch to its size.
 *
 * Read-ahead: the next fetch is issued as soon as a response is parsed, before the consumer has taken the
 * chunk, up to `maxBufferedFetches` chunks ahead. Within one partition fetches cannot overlap, since each
 * starts where the previous one ended; many readers sharing a ClusterClient are what puts several fetches in
 * flight per broker connection.
 *
 * Errors: OFFSET_OUT_OF_RANGE and every non-retriable error end the reader and are thrown to the consumer
 * (nextOffset says where it stopped); retriable ones (leadership moved, connection lost, fenced epoch) wait
 * `retryBackoffMs` and fetch again, the ClusterClient having dropped its stale metadata.
 *
 * One consumer at a time: `next()` or a single `for await` loop.
 */
export class PartitionReader implements AsyncIterable<RecordSetChunk> {
  private offset: number;
  private readonly queue: RecordSetChunk[] = [];
  private failure: Error | undefined;
  private closed = false;
  private running = false;
  private consumerWaiting: Waiter | undefined;
  private producerWaiting: Waiter | undefined;
  private hw = -1;
  private maxBytes: number;
  private readonly iterator = new RecordSetIterator(Buffer.alloc(0));
  private readonly options: Required<Omit<PartitionReaderOptions, 'startOffset'>>;

  constructor(
    private readonly client: PartitionFetcher,
    options: PartitionReaderOptions,
  ) {
    this.options = {
      maxBufferedFetches: 2,
      partitionMaxBytes: 1024 * 1024,
      maxWaitMs: 500,
      minBytes: 1,
      isolationLevel: 0,
      fenceLeaderEpoch: true,
      retryBackoffMs: 100,
      delay: defaultDelay,
      ...options,
    };
    if (this.options.maxBufferedFetches < 1) throw new Error('maxBufferedFetches must be at least 1');
    this.offset = options.startOffset;
    this.maxBytes = this.options.partitionMaxBytes;
  }

  /** The offset the next fetch starts at: the one after the last batch handed to the queue. */
  get nextOffset(): number {
    return this.offset;
  }

  /** The partition's high watermark as of the last fetch; -1 before the first. */
  get highWatermark(): number {
    return this.hw;
  }

  /** The next chunk of complete batches; waits for data; rejects with the error that ended the reader. */
  async next(): Promise<RecordSetChunk> {
    this.start();
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk) {
        this.wakeProducer();
        return chunk;
      }
      if (this.failure) throw this.failure;
      if (this.closed) throw new KafkaError('NETWORK_EXCEPTION', 'partition reader closed');
      await new Promise<void>((resolve) => {
        this.consumerWaiting = { resolve };
      });
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordSetChunk> {
    while (!this.closed) {
      try {
        yield await this.next();
      } catch (err) {
        if (this.closed && this.failure === undefined) return;
        throw err;
      }
    }
  }

  /** Stops fetching; a fetch in flight completes and is discarded. */
  close(): void {
    this.closed = true;
    this.wakeProducer();
    this.wakeConsumer();
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    this.run().catch((err: unknown) => {
      this.failure = err instanceof Error ? err : new Error(String(err));
      this.wakeConsumer();
    });
  }

  private async run(): Promise<void> {
    const { topic, partition } = this.options;
    while (!this.closed) {
      if (this.queue.length >= this.options.maxBufferedFetches) {
        await new Promise<void>((resolve) => {
          this.producerWaiting = { resolve };
        });
        continue;
      }
      let currentLeaderEpoch = -1;
      if (this.options.fenceLeaderEpoch) {
        try {
          currentLeaderEpoch = (await this.client.leaderFor(topic, partition)).leaderEpoch;
        } catch (err) {
          if (!(err instanceof KafkaError) || !err.retriable) throw err;
          await this.options.delay(this.options.retryBackoffMs);
          continue;
        }
      }
      const [result] = await this.client.fetch(
        [{ topic, partition, fetchOffset: this.offset, maxBytes: this.maxBytes, currentLeaderEpoch }],
        {
          maxWaitMs: this.options.maxWaitMs,
          minBytes: this.options.minBytes,
          maxBytes: this.maxBytes,
          isolationLevel: this.options.isolationLevel,
        },
      );
      if (this.closed) return;
      if (result === undefined) throw new Error('fetch returned no result');
      if (result.error) {
        if (result.error.errorName === 'OFFSET_OUT_OF_RANGE' || !result.error.retriable) throw result.error;
        await this.options.delay(this.options.retryBackoffMs);
        continue;
      }
      this.hw = result.highWatermark;
      const chunk = this.toChunk(result);
      if (chunk) {
        this.maxBytes = this.options.partitionMaxBytes;
        this.offset = chunk.nextOffset;
        this.queue.push(chunk);
        this.wakeConsumer();
      }
    }
  }

  /** Complete batches of a response as a chunk; null when there is none (and maybe a larger limit next). */
  private toChunk(result: FetchPartitionResult): RecordSetChunk | null {
    const records = result.records;
    const it = this.iterator;
    it.reset(records);
    let first = -1;
    let lastPosition = -1;
    while (it.next()) {
      if (first < 0) first = baseOffset(records, it.position);
      lastPosition = it.position;
    }
    if (lastPosition < 0) {
      // Not one whole batch: the first batch is larger than the limit we asked with.
      if (records.length >= LOG_OVERHEAD) {
        this.maxBytes = Math.max(this.maxBytes, LOG_OVERHEAD + records.readInt32BE(BATCH_LENGTH_OFFSET));
      }
      return null;
    }
    const last = lastOffset(records, lastPosition);
    const valid = it.validBytes;
    return {
      topic: result.topic,
      partition: result.partition,
      fetchOffset: result.fetchOffset,
      records: valid === records.length ? records : records.subarray(0, valid),
      firstOffset: first,
      lastOffset: last,
      nextOffset: last + 1,
      highWatermark: result.highWatermark,
      lastStableOffset: result.lastStableOffset,
      logStartOffset: result.logStartOffset,
      abortedTransactions: result.abortedTransactions,
    };
  }

  private wakeConsumer(): void {
    const waiter = this.consumerWaiting;
    this.consumerWaiting = undefined;
    waiter?.resolve();
  }

  private wakeProducer(): void {
    const waiter = this.producerWaiting;
    this.producerWaiting = undefined;
    waiter?.resolve();
  }
}
