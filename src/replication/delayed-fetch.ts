import { DelayedOperation } from './delayed-operation.js';

/** The outcome of reading every partition of a fetch once. */
export interface FetchRead<R> {
  readonly results: R;
  /** Record bytes read across partitions. */
  readonly bytes: number;
  /** A partition answered with an error (e.g. leadership moved): answer now rather than wait. */
  readonly hasError: boolean;
}

/**
 * A fetch waiting for `min_bytes` (Kafka's DelayedFetch): parked on its partitions' keys, it re-reads when one
 * of them gets new data (appends on the leader for followers, HW moves for consumers) and answers as soon as it
 * has min_bytes, or with whatever there is at max_wait_ms. The read that satisfied the condition is the one
 * answered, so data is read once per attempt, not once more on completion.
 */
export class DelayedFetch<R> extends DelayedOperation {
  constructor(
    private readonly minBytes: number,
    private readonly read: () => FetchRead<R>,
    private readonly respond: (results: R) => void,
    /** The read the request already made before it was parked (its first attempt), if any. */
    private lastRead?: FetchRead<R>,
  ) {
    super();
  }

  tryComplete(): boolean {
    const read = this.read();
    this.lastRead = read;
    if (read.hasError || read.bytes >= this.minBytes) return this.forceComplete();
    return false;
  }

  protected onComplete(): void {
    // On timeout the last read may be stale by now: read once more so the answer carries the newest data.
    const read = this.lastRead !== undefined && this.lastReadIsFinal() ? this.lastRead : this.read();
    this.respond(read.results);
  }

  private lastReadIsFinal(): boolean {
    return this.lastRead !== undefined && (this.lastRead.hasError || this.lastRead.bytes >= this.minBytes);
  }
}
