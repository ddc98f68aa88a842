/**
 * Time as the log, the replication core and the mirror see it. Everything that decides by time (segment.ms,
 * retention.ms, flush.ms, replica.lag.time.max.ms) asks a Clock, so tests can move time without sleeping.
 */
export interface Clock {
  /** Wall-clock milliseconds since the epoch, as Kafka timestamps are. */
  nowMs(): number;
  /** Monotonic milliseconds, for measuring intervals. */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

/** A clock that moves only when told to: for tests of time-based behaviour. */
export class ManualClock implements Clock {
  constructor(private now = 1_700_000_000_000) {}

  nowMs(): number {
    return this.now;
  }

  monotonicMs(): number {
    return this.now;
  }

  advance(ms: number): void {
    this.now += ms;
  }

  set(ms: number): void {
    this.now = ms;
  }
}
