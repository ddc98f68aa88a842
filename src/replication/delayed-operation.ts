/**
 * A request that cannot be answered yet — acks=all produce waiting for the ISR, a fetch waiting for min_bytes —
 * parked until an event on one of its keys (a partition's high watermark moved, data was appended) lets it
 * complete, or until it times out (Kafka's DelayedOperation and purgatory).
 *
 * Single-threaded: `tryComplete` runs in the event loop turn of the event that may complete it, so a completion
 * and an expiry can never race; `completed` makes whichever comes first the only one that answers.
 */
export abstract class DelayedOperation {
  private done = false;
  private timer: NodeJS.Timeout | undefined;

  get completed(): boolean {
    return this.done;
  }

  /** Checks the condition and, when met, completes (calls `onComplete` once). Returns whether it is done. */
  abstract tryComplete(): boolean;

  /** Answers the request with what there is; called exactly once. */
  protected abstract onComplete(): void;

  /** Completes now, whatever the condition; false when it was already completed. */
  forceComplete(): boolean {
    if (this.done) return false;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.onComplete();
    return true;
  }

  /** Starts the expiry timer: on timeout the operation completes with what there is. */
  startTimer(timeoutMs: number): void {
    if (this.done) return;
    this.timer = setTimeout(() => this.forceComplete(), Math.max(0, timeoutMs));
  }
}

/**
 * Operations watched by key (a topic-partition). `checkAndComplete(key)` is called after the event that may
 * satisfy them; completed operations leave every key's list lazily, on the next check or purge.
 */
const PURGE_THRESHOLD = 1000;

export class DelayedOperationPurgatory {
  private readonly watchers = new Map<string, DelayedOperation[]>();
  private watched = 0;

  constructor(readonly name: string) {}

  /** Number of operations being watched (an operation on several keys counts once per key). */
  get size(): number {
    return this.watched;
  }

  /** Completes the operation now if it can; otherwise watches it on `keys` and starts its timer. */
  tryCompleteElseWatch(operation: DelayedOperation, keys: readonly string[], timeoutMs: number): void {
    if (operation.tryComplete()) return;
    this.watch(operation, keys, timeoutMs);
  }

  /**
   * Watches an operation the caller has just found incomplete, without trying it again: on one thread nothing
   * can have changed between that check and this call, and a fetch's check is a log read worth not repeating.
   */
  watch(operation: DelayedOperation, keys: readonly string[], timeoutMs: number): void {
    if (operation.completed) return;
    for (const key of keys) {
      let list = this.watchers.get(key);
      if (!list) {
        list = [];
        this.watchers.set(key, list);
      }
      list.push(operation);
      this.watched++;
    }
    // The condition may have become true between the check and the watch in Kafka; here nothing runs in between.
    operation.startTimer(timeoutMs);
    // Operations that expired stay on the lists of quiet keys; sweep them once they could add up.
    if (this.watched > PURGE_THRESHOLD && this.watched > 2 * this.lastPurgeSize) this.purgeCompleted();
  }

  private lastPurgeSize = 0;

  private purgeCompleted(): void {
    this.watched = 0;
    for (const [key, list] of this.watchers) {
      const live = list.filter((operation) => !operation.completed);
      if (live.length === 0) this.watchers.delete(key);
      else this.watchers.set(key, live);
      this.watched += live.length;
    }
    this.lastPurgeSize = this.watched;
  }

  /** Tries every operation watching `key`; returns how many completed. */
  checkAndComplete(key: string): number {
    const list = this.watchers.get(key);
    if (!list) return 0;
    let completed = 0;
    const remaining: DelayedOperation[] = [];
    for (const operation of list) {
      if (operation.completed) continue;
      if (operation.tryComplete()) completed++;
      else remaining.push(operation);
    }
    this.watched -= list.length - remaining.length;
    if (remaining.length === 0) this.watchers.delete(key);
    else this.watchers.set(key, remaining);
    return completed;
  }

  /** Completes every watched operation now (broker shutdown, leadership change). */
  completeAll(): void {
    for (const list of this.watchers.values()) for (const operation of list) operation.forceComplete();
    this.watchers.clear();
    this.watched = 0;
  }

  /** Completes the operations watching `key` now (the partition moved away). */
  completeKey(key: string): void {
    const list = this.watchers.get(key);
    if (!list) return;
    for (const operation of list) operation.forceComplete();
    this.watched -= list.length;
    this.watchers.delete(key);
  }
}
