import { lastOffset } from '../protocol/records/batch-header.js';
import { RecordSetIterator } from '../protocol/records/record-set.js';
import type { PartitionLog } from './partition-log.js';

/** One stored batch: `records` holds it at `position` (with the other batches of the same read). */
export interface StoredBatch {
  readonly records: Buffer;
  readonly position: number;
}

const READ_BYTES = 1024 * 1024;

/**
 * Every batch of `log` from the one holding `fromOffset` to the log end as it was when the walk began, read in
 * 1 MiB chunks — how a coordinator, the metadata log and a catching-up broker read a partition back whole. Nothing
 * is decoded here; batches are yielded in order, each exactly once.
 */
export function* storedBatches(log: PartitionLog, fromOffset: number): Generator<StoredBatch> {
  let offset = Math.max(fromOffset, log.logStartOffset);
  const end = log.logEndOffset;
  while (offset < end) {
    const { records } = log.read(offset, READ_BYTES, end, true);
    if (records.length === 0) return;
    const batches = new RecordSetIterator(records);
    while (batches.next()) {
      yield { records, position: batches.position };
      offset = lastOffset(records, batches.position) + 1;
    }
  }
}
