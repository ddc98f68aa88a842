import { type ClusterClient, IsolationLevel } from '../../src/client/index.js';
import { decodeRecordBatchSync } from '../../src/protocol/records/record-batch.js';
import { RecordSetIterator } from '../../src/protocol/records/record-set.js';

/**
 * A partition's log as a consumer's rules see it, read with raw fetches (read_uncommitted, every batch, control
 * batches included) from the log start to the high watermark, for tests that must know exactly which offsets
 * hold what: kept records (what a read_committed consumer is handed), control markers, aborted transactional
 * data, and — by absence — compaction gaps. A transactional batch's fate is its producer's next control
 * record (ABORT = type 0, COMMIT = type 1 in the control key `version:INT16 type:INT16`), the rule consumers
 * apply; a transaction still open at the high watermark counts as not kept.
 */
export interface RawLogRecord {
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface RawLog {
  readonly logStartOffset: number;
  readonly highWatermark: number;
  /** What a read_committed consumer reads, in offset order. */
  readonly kept: RawLogRecord[];
  /** Offsets of control records (transaction markers). */
  readonly markers: number[];
  /** Offsets of records of aborted (or still open) transactions. */
  readonly aborted: number[];
  /** Offsets inside a data batch's span that hold no record (compacted away). */
  readonly batchHoles: number[];
  /** Base and last offsets of every batch, in order. */
  readonly batches: Array<{
    readonly baseOffset: number;
    readonly lastOffset: number;
    readonly control: boolean;
  }>;
}

export async function readRawLog(client: ClusterClient, topic: string, partition: number): Promise<RawLog> {
  const logStartOffset = (await client.listOffsets(topic, partition, 'earliest')).offset;
  const highWatermark = (await client.listOffsets(topic, partition, 'latest')).offset;
  const kept: RawLogRecord[] = [];
  const markers: number[] = [];
  const aborted: number[] = [];
  const batchHoles: number[] = [];
  const batches: RawLog['batches'] = [];
  /** Per producer, the records of its open transaction. */
  const open = new Map<number, RawLogRecord[]>();
  const it = new RecordSetIterator(Buffer.alloc(0));
  let offset = logStartOffset;
  while (offset < highWatermark) {
    const [result] = await client.fetch([{ topic, partition, fetchOffset: offset, maxBytes: 4 << 20 }], {
      maxWaitMs: 0,
      minBytes: 0,
      isolationLevel: IsolationLevel.ReadUncommitted,
    });
    if (!result || result.error)
      throw result?.error ?? new Error(`no fetch result for ${topic}-${partition}`);
    it.reset(result.records);
    const before = offset;
    while (it.next()) {
      const batch = decodeRecordBatchSync(result.records, it.position);
      const lastOffset = batch.baseOffset + batch.lastOffsetDelta;
      offset = lastOffset + 1;
      if (lastOffset < before) continue;
      batches.push({ baseOffset: batch.baseOffset, lastOffset, control: batch.isControl });
      if (batch.isControl) {
        for (const r of batch.records) {
          markers.push(r.offset);
          const type = r.key?.readInt16BE(2);
          const pending = open.get(batch.producerId) ?? [];
          open.delete(batch.producerId);
          if (type === 1) kept.push(...pending);
          else aborted.push(...pending.map((p) => p.offset));
        }
        continue;
      }
      let expected = batch.baseOffset;
      for (const r of batch.records) {
        for (; expected < r.offset; expected++) batchHoles.push(expected);
        expected = r.offset + 1;
        const record = { offset: r.offset, key: r.key, value: r.value };
        if (batch.isTransactional) {
          const pending = open.get(batch.producerId);
          if (pending) pending.push(record);
          else open.set(batch.producerId, [record]);
        } else kept.push(record);
      }
      for (; expected <= lastOffset; expected++) batchHoles.push(expected);
    }
    if (offset === before) break;
  }
  for (const pending of open.values()) aborted.push(...pending.map((p) => p.offset));
  kept.sort((a, b) => a.offset - b.offset);
  aborted.sort((a, b) => a - b);
  return { logStartOffset, highWatermark, kept, markers, aborted, batchHoles, batches };
}

/** Index of the first element of the ascending `offsets` that is >= `offset` (offsets.length if none). */
export function lowerBound(offsets: readonly number[], offset: number): number {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
