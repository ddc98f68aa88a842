import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import {
  type CleanableLog,
  type CleanableSegment,
  installSwapFiles,
  promoteCleanedToSwap,
} from '../../../src/log/cleanable-log.js';
import { type LogConfig, logConfig } from '../../../src/log/log-config.js';
import {
  DELETED_FILE_SUFFIX,
  logFilePath,
  transactionIndexFilePath,
} from '../../../src/log/log-file-names.js';
import { type AbortedTxn, TransactionIndex } from '../../../src/log/transaction-index.js';
import {
  baseOffset as batchBaseOffset,
  lastOffset,
  maxTimestamp,
} from '../../../src/protocol/records/batch-header.js';
import { type DecodedRecordBatch, decodeRecordBatch } from '../../../src/protocol/records/record-batch.js';
import { recordBatchSpans } from '../../../src/protocol/records/record-set.js';

/**
 * A partition log reduced to what the cleaner sees, over real files: one `<base>.log` per segment, the last
 * segment active. replaceSegments follows the swap protocol of cleanable-log.ts.
 */
export class TestSegment implements CleanableSegment {
  constructor(
    readonly dir: string,
    readonly baseOffset: number,
  ) {}

  bytes(): Buffer {
    return readFileSync(logFilePath(this.dir, this.baseOffset));
  }

  get size(): number {
    return this.bytes().length;
  }

  get nextOffset(): number {
    const buf = this.bytes();
    const spans = recordBatchSpans(buf);
    const lastSpan = spans.at(-1);
    return lastSpan === undefined ? this.baseOffset : lastOffset(buf, lastSpan[0]) + 1;
  }

  largestTimestamp(): number {
    const buf = this.bytes();
    return Math.max(-1, ...recordBatchSpans(buf).map(([pos]) => maxTimestamp(buf, pos)));
  }

  read(fetchOffset: number, maxBytes: number, maxOffset: number, minOneMessage: boolean) {
    const buf = this.bytes();
    const spans = recordBatchSpans(buf).filter(([pos]) => lastOffset(buf, pos) >= fetchOffset);
    let end: number | undefined;
    const start = spans[0]?.[0];
    if (start === undefined) return undefined;
    for (const [pos, size] of spans) {
      if (lastOffset(buf, pos) >= maxOffset) break;
      if (pos + size - start > maxBytes && !(minOneMessage && end === undefined)) break;
      end = pos + size;
    }
    return end === undefined ? undefined : { records: buf.subarray(start, end) };
  }
}

export class TestLog implements CleanableLog {
  segments: TestSegment[] = [];
  readonly config: LogConfig;
  logStartOffset = 0;
  lso = Number.MAX_SAFE_INTEGER;
  aborted: AbortedTxn[] = [];
  readonly lastData = new Map<number, number>();
  refuseSwaps = false;
  swaps = 0;

  constructor(
    readonly dir: string,
    config: Partial<LogConfig> = {},
  ) {
    this.config = logConfig({ cleanupPolicy: { delete: false, compact: true }, ...config });
  }

  /** Adds a segment holding these batches (offsets already assigned); it becomes the active one. */
  addSegment(batches: Buffer[], baseOffset?: number): TestSegment {
    const base =
      baseOffset ?? (batches.length > 0 ? batchBaseOffset(batches[0]!) : this.segments.at(-1)!.nextOffset);
    writeFileSync(logFilePath(this.dir, base), Buffer.concat(batches));
    const segment = new TestSegment(this.dir, base);
    this.segments.push(segment);
    return segment;
  }

  inactiveSegments(): readonly CleanableSegment[] {
    return this.segments.slice(0, -1);
  }

  lastStableOffset(): number {
    return this.lso;
  }

  collectAbortedTxns(startOffset: number, endOffset: number): AbortedTxn[] {
    return this.aborted.filter((t) => t.lastOffset >= startOffset && t.firstOffset < endOffset);
  }

  lastDataOffsetOfProducer(producerId: number): number | undefined {
    return this.lastData.get(producerId);
  }

  replaceSegments(cleanedBaseOffset: number, replaced: readonly CleanableSegment[]): boolean {
    const first = this.segments.indexOf(replaced[0] as TestSegment);
    if (this.refuseSwaps || first < 0 || replaced.some((s, i) => this.segments[first + i] !== s))
      return false;
    promoteCleanedToSwap(this.dir, cleanedBaseOffset);
    for (const s of replaced) {
      renameSync(
        logFilePath(this.dir, s.baseOffset),
        logFilePath(this.dir, s.baseOffset, DELETED_FILE_SUFFIX),
      );
      const txn = transactionIndexFilePath(this.dir, s.baseOffset);
      if (existsSync(txn))
        renameSync(txn, transactionIndexFilePath(this.dir, s.baseOffset, DELETED_FILE_SUFFIX));
    }
    installSwapFiles(this.dir, cleanedBaseOffset);
    for (const name of readdirSync(this.dir)) {
      if (name.endsWith(DELETED_FILE_SUFFIX)) rmSync(`${this.dir}/${name}`);
    }
    this.segments.splice(first, replaced.length, new TestSegment(this.dir, cleanedBaseOffset));
    this.swaps++;
    return true;
  }

  async batches(): Promise<DecodedRecordBatch[]> {
    const out: DecodedRecordBatch[] = [];
    for (const s of this.segments) {
      const buf = s.bytes();
      for (const [pos] of recordBatchSpans(buf)) out.push(await decodeRecordBatch(buf, pos));
    }
    return out;
  }

  /** Every record as [offset, key, value] (null value printed as null). */
  async records(): Promise<Array<[number, string | null, string | null]>> {
    return (await this.batches()).flatMap((b) =>
      b.isControl
        ? []
        : b.records.map((r): [number, string | null, string | null] => [
            r.offset,
            r.key?.toString() ?? null,
            r.value?.toString() ?? null,
          ]),
    );
  }

  txnIndexOf(baseOffset: number): AbortedTxn[] {
    const index = new TransactionIndex(baseOffset, transactionIndexFilePath(this.dir, baseOffset));
    const all = index.allAbortedTxns();
    index.close();
    return all;
  }
}
