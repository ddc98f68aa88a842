import { fdatasync } from 'node:fs';

/**
 * A segment's steady writeback (`log.writeback.bytes`, LogConfig.writebackBytes): every `everyBytes` appended, an
 * unawaited fdatasync of the log file in the thread pool, at most one in flight. It moves nothing: `flushedSize`
 * and the recovery point stay where the last real flush put them, so a simulated crash loses as much as before.
 * A file closed meanwhile makes the fdatasync fail with EBADF, which is of no consequence.
 *
 * Owned by one LogSegment; its log serialises the calls.
 */
export class SegmentWriteback {
  /** Writebacks started; at most one is in flight. */
  started = 0;
  private inFlight: Promise<void> | undefined;
  private requestedAt = 0;

  constructor(private readonly everyBytes: number) {}

  /** After an append that brought the file to `size` bytes: starts a writeback when one is due. */
  afterAppend(fd: number, size: number): void {
    if (this.everyBytes <= 0 || this.inFlight !== undefined || size - this.requestedAt < this.everyBytes)
      return;
    this.requestedAt = size;
    this.started++;
    this.inFlight = new Promise((resolve) => {
      fdatasync(fd, () => {
        this.inFlight = undefined;
        resolve();
      });
    });
  }

  /** Resolves once no writeback is in flight (for tests and for a caller that wants the disk quiet). */
  settled(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }
}
