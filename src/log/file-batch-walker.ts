import { readSync } from 'node:fs';
import {
  batchLength,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  magic,
  RECORD_BATCH_OVERHEAD,
} from '../protocol/records/batch-header.js';

/**
 * Walks the record batches stored in a byte range of a segment file, reading large chunks with positional
 * reads and stepping from header to header in memory, instead of one syscall per header. Recovery, index
 * rebuilding and the tail scan of a segment on open all go through here.
 *
 * Only the structure is checked here (a whole header, a plausible batchLength, magic 2, the batch ending
 * within the range); the visitor checks content (CRC, offsets) and returns a problem string to stop the walk.
 * The walk stops *before* the batch that has a problem, so `end` is always a batch boundary and everything
 * before it is good.
 */
export interface BatchWalkResult {
  /** Position after the last good batch. */
  end: number;
  /** Why the walk stopped before the end of the range, if it did. */
  problem?: string;
}

/**
 * Called with the chunk holding the batch, its position in the chunk, and its position in the file. With
 * `wholeBatch` the whole batch is in the chunk, otherwise at least its 61-byte header. The chunk is reused:
 * a visitor must not keep a slice of it.
 */
export type BatchVisitor = (
  chunk: Buffer,
  pos: number,
  filePosition: number,
  size: number,
) => string | undefined;

const MIN_BATCH_LENGTH = RECORD_BATCH_OVERHEAD - LOG_OVERHEAD;

export function walkFileBatches(
  fd: number,
  from: number,
  to: number,
  wholeBatch: boolean,
  chunkSize: number,
  visit: BatchVisitor,
): BatchWalkResult {
  let chunk = Buffer.allocUnsafe(Math.max(chunkSize, RECORD_BATCH_OVERHEAD));
  let chunkStart = from;
  let chunkLength = 0;
  let filePos = from;
  while (filePos < to) {
    let rel = filePos - chunkStart;
    if (rel + RECORD_BATCH_OVERHEAD > chunkLength) {
      if (to - filePos < RECORD_BATCH_OVERHEAD) {
        return {
          end: filePos,
          problem: `${to - filePos} bytes after the last batch are not a whole batch header`,
        };
      }
      chunkStart = filePos;
      chunkLength = readFully(fd, chunk, Math.min(chunk.length, to - filePos), filePos);
      rel = 0;
    }
    const length = batchLength(chunk, rel);
    if (length < MIN_BATCH_LENGTH) {
      return { end: filePos, problem: `batch at position ${filePos} has batchLength ${length}` };
    }
    const m = magic(chunk, rel);
    if (m !== CURRENT_MAGIC) return { end: filePos, problem: `batch at position ${filePos} has magic ${m}` };
    const size = LOG_OVERHEAD + length;
    if (filePos + size > to) {
      return {
        end: filePos,
        problem: `batch at position ${filePos} of ${size} bytes runs past the end of the data (${to})`,
      };
    }
    if (wholeBatch && rel + size > chunkLength) {
      if (size > chunk.length) chunk = Buffer.allocUnsafe(size);
      chunkStart = filePos;
      chunkLength = readFully(fd, chunk, Math.min(chunk.length, to - filePos), filePos);
      rel = 0;
    }
    const problem = visit(chunk, rel, filePos, size);
    if (problem !== undefined) return { end: filePos, problem };
    filePos += size;
  }
  return { end: filePos };
}

/** pread until `length` bytes are in `buf` or the file ends; returns the bytes read. */
export function readFully(fd: number, buf: Buffer, length: number, position: number, offset = 0): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
