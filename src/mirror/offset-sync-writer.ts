import type { ProduceOptions, ProduceResult } from '../client/index.js';
import { encodeRecordBatchSync, type RecordSpec } from '../protocol/records/record-batch.js';
import { encodeOffsetSyncKey, encodeOffsetSyncValue } from './formats/index.js';
import type { OffsetSyncPoint } from './offset-mapping.js';

/** What the writer needs of a ClusterClient. */
export interface SyncProduceClient {
  produce(topic: string, partition: number, records: Buffer, options: ProduceOptions): Promise<ProduceResult>;
}

export interface OffsetSyncWriterOptions {
  /** `mm2-offset-syncs.<target alias>.internal` on the cluster `client` talks to. */
  topic: string;
  /** MirrorMaker 2's offset-syncs topic has one partition. @defaultValue 0 */
  partition?: number;
  /** Wait after a failed write before trying the same records again. @defaultValue 200 */
  retryBackoffMs?: number;
  /** @defaultValue Date.now */
  nowMs?: () => number;
  /** @defaultValue a setTimeout promise */
  delay?: (ms: number) => Promise<void>;
}

interface QueuedSync {
  readonly record: RecordSpec;
}

/**
 * Appends a task's offset-syncs, in MirrorMaker 2's record format (formats/offset-sync.ts), to the offset-syncs
 * topic — in emission order, which is what lets a reader rebuild runs from them (offset-sync-log.ts).
 *
 * The task calls `emit` only after the target acknowledged the batch a sync describes. Syncs queue up and go
 * out as one batch per Produce (acks=all), one request at a time, so they land in the order emitted; a failed
 * write is retried with the same records, ahead of later ones, until it succeeds or the writer is closed.
 * Losing queued syncs (a crash) is harmless: the resume procedure re-derives them from the target.
 * Single-threaded (the event loop); shared by the partitions of one task.
 */
export class OffsetSyncWriter {
  private queue: QueuedSync[] = [];
  private writing: Promise<void> | undefined;
  private closed = false;
  private written = 0;
  private emitted = 0;
  private readonly partition: number;
  private readonly retryBackoffMs: number;
  private readonly nowMs: () => number;
  private readonly delay: (ms: number) => Promise<void>;
  private readonly produceOptions: ProduceOptions = { acks: -1, timeoutMs: 30_000 };

  constructor(
    private readonly client: SyncProduceClient,
    private readonly options: OffsetSyncWriterOptions,
  ) {
    this.partition = options.partition ?? 0;
    this.retryBackoffMs = options.retryBackoffMs ?? 200;
    this.nowMs = options.nowMs ?? Date.now;
    this.delay = options.delay ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get topic(): string {
    return this.options.topic;
  }

  /** Syncs acknowledged by the offset-syncs topic so far. */
  get syncsWritten(): number {
    return this.written;
  }

  /** Queues a sync of source partition `topic`-`partition`; it is written soon, after those before it. */
  emit(topic: string, partition: number, point: OffsetSyncPoint): void {
    if (this.closed) return;
    this.queue.push({
      record: {
        key: encodeOffsetSyncKey({ topic, partition }),
        value: encodeOffsetSyncValue(point),
        timestamp: this.nowMs(),
      },
    });
    this.emitted++;
    this.writing ??= this.drain();
  }

  /** Resolves once every sync emitted so far is written (or the writer was closed). */
  async flush(): Promise<void> {
    const target = this.emitted;
    while (this.written < target && this.writing && !this.closed) await this.writing;
  }

  /** Drops what is queued and stops retrying: a killed task leaves its syncs unwritten. */
  close(): void {
    this.closed = true;
    this.queue = [];
  }

  private async drain(): Promise<void> {
    try {
      while (!this.closed && this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        const records = encodeRecordBatchSync({ records: batch.map((q) => q.record) });
        for (;;) {
          try {
            await this.client.produce(this.options.topic, this.partition, records, this.produceOptions);
            this.written += batch.length;
            break;
          } catch {
            if (this.closed) return;
            await this.delay(this.retryBackoffMs);
            if (this.closed) return;
          }
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
