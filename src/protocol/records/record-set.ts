import { KafkaError } from '../errors/index.js';
import { BATCH_LENGTH_OFFSET, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD } from './batch-header.js';

/**
 * Walks a record set — record batches laid end to end, as a Fetch response, a Produce request and a segment
 * file hold them — by their length fields alone:
 *
 *   RecordSet => [baseOffset: int64, batchLength: int32, batchLength bytes]*
 *
 * A fetch may stop inside a batch (the broker cuts at max.bytes), so a trailing partial batch ends the walk
 * rather than failing it; `validBytes` then says where it starts. A batchLength too small for a v2 header
 * is corruption. Nothing is decoded and nothing is allocated per batch: the iterator is reused as a cursor.
 * One caller at a time.
 *
 *   const it = new RecordSetIterator(buf);
 *   while (it.next()) handle(buf, it.position, it.size);
 */
export class RecordSetIterator {
  /** Where the current batch starts in the buffer; valid after next() returned true. */
  position = 0;
  /** Whole size of the current batch (batchLength + 12). */
  size = 0;
  private nextPosition: number;

  constructor(
    private buf: Buffer,
    private start = 0,
    private end = buf.length,
  ) {
    this.nextPosition = start;
  }

  /** Moves to the next complete batch; false at the end of the set or at a trailing partial batch. */
  next(): boolean {
    const pos = this.nextPosition;
    if (pos + LOG_OVERHEAD > this.end) return false;
    const size = LOG_OVERHEAD + this.buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    if (size < RECORD_BATCH_OVERHEAD) {
      throw new KafkaError('CORRUPT_MESSAGE', `record batch at ${pos} has a batch length of ${size - 12}`);
    }
    if (pos + size > this.end) return false;
    this.position = pos;
    this.size = size;
    this.nextPosition = pos + size;
    return true;
  }

  /** Bytes from the start of the set to the end of the last complete batch seen so far. */
  get validBytes(): number {
    return this.nextPosition - this.start;
  }

  /** Starts over on another buffer, so one iterator serves a whole fetch loop. */
  reset(buf: Buffer, start = 0, end = buf.length): void {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.nextPosition = start;
    this.position = 0;
    this.size = 0;
  }
}

/** The complete batches of a record set as [position, size] pairs; for callers off the hot path. */
export function recordBatchSpans(buf: Buffer, start = 0, end = buf.length): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const it = new RecordSetIterator(buf, start, end);
  while (it.next()) spans.push([it.position, it.size]);
  return spans;
}
