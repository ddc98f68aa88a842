import type { AbortedTransaction } from '../client/index.js';
import {
  attributes,
  baseOffset,
  CONTROL_FLAG_MASK,
  lastOffset,
  NO_PRODUCER_ID,
  producerId,
  recordsCount,
  TRANSACTIONAL_FLAG_MASK,
} from '../protocol/records/batch-header.js';
import { ControlRecordType, readControlRecordType } from '../protocol/records/control-record.js';
import { RecordSetIterator } from '../protocol/records/record-set.js';

/** One batch the mirror keeps: a slice of the fetched record set (never a copy) and its source offsets. */
export interface KeptBatch {
  /** The whole batch, baseOffset..end; the mirror may patch it in place (the fetched buffer is ours). */
  readonly batch: Buffer;
  readonly baseOffset: number;
  readonly lastOffset: number;
}

export interface FilteredRecordSet {
  /** The kept batches, in log order. */
  readonly kept: KeptBatch[];
  /** Batches dropped: control batches and aborted transactional data. */
  readonly dropped: number;
  /** The source offset after the last complete batch of the set (kept or not); `fromOffset` when none. */
  readonly nextOffset: number;
}

/**
 * read_committed filtering of one fetched record set, by batch headers alone — the rule a read_committed
 * consumer applies (Kafka's CompletedFetch), so that aborted data never reaches the target:
 *
 * - The fetch response lists the aborted transactions that overlap the fetched range as (producerId,
 *   firstOffset). Walking the batches in order, a transaction whose firstOffset <= the current batch's
 *   lastOffset makes its producer "aborted".
 * - A transactional data batch of an aborted producer is dropped. The producer's ABORT control batch ends
 *   its aborted range (the next transaction of that producer may commit); a COMMIT marker ends nothing.
 * - Every control batch is dropped (markers are the source log's bookkeeping, not data).
 * - A batch compaction emptied (recordsCount 0, kept by the cleaner only for its producer state) carries
 *   nothing a consumer sees, and brokers need not accept one: dropped, its offsets become a gap.
 * - A batch wholly before `fromOffset` (the broker returns the whole batch holding the fetch offset, and a
 *   record set may start earlier) is dropped as already read.
 *
 * The aborted-producer state lives for one record set only, as in the consumer: the broker includes every
 * aborted transaction that overlaps the fetched range, so nothing needs carrying between fetches.
 *
 * Hot path: one pass over the headers, no record decoded (a control batch's type is read from its key in
 * place); it allocates the result and one slice per kept batch, and a small set only when the response
 * lists aborted transactions. Stateless apart from a reused cursor: one caller at a time per instance.
 */
export class ReadCommittedFilter {
  private readonly iterator = new RecordSetIterator(Buffer.alloc(0));

  filter(
    records: Buffer,
    abortedTransactions: readonly AbortedTransaction[] | null,
    fromOffset: number,
  ): FilteredRecordSet {
    const kept: KeptBatch[] = [];
    let dropped = 0;
    let nextOffset = fromOffset;
    const pending =
      abortedTransactions && abortedTransactions.length > 0
        ? [...abortedTransactions].sort((a, b) => a.firstOffset - b.firstOffset)
        : null;
    let pendingIndex = 0;
    let aborted: Set<number> | null = null;

    const it = this.iterator;
    it.reset(records);
    while (it.next()) {
      const pos = it.position;
      const base = baseOffset(records, pos);
      const last = lastOffset(records, pos);
      nextOffset = last + 1;
      const attrs = attributes(records, pos);
      const pid = producerId(records, pos);
      if (pending !== null && pid !== NO_PRODUCER_ID) {
        while (pendingIndex < pending.length && pending[pendingIndex]!.firstOffset <= last) {
          aborted ??= new Set<number>();
          aborted.add(pending[pendingIndex]!.producerId);
          pendingIndex++;
        }
      }
      if ((attrs & CONTROL_FLAG_MASK) !== 0) {
        if (aborted !== null && readControlRecordType(records, pos) === ControlRecordType.Abort) {
          aborted.delete(pid);
        }
        dropped++;
        continue;
      }
      if ((attrs & TRANSACTIONAL_FLAG_MASK) !== 0 && aborted !== null && aborted.has(pid)) {
        dropped++;
        continue;
      }
      if (last < fromOffset || recordsCount(records, pos) === 0) {
        dropped++;
        continue;
      }
      kept.push({ batch: records.subarray(pos, pos + it.size), baseOffset: base, lastOffset: last });
    }
    if (nextOffset < fromOffset) nextOffset = fromOffset;
    return { kept, dropped, nextOffset };
  }
}
