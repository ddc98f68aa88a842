import type { Clock } from '../../common/clock.js';

/**
 * The coordinator's timers (session expiry, rebalance and initial-rebalance delays, pending members,
 * pending syncs), keyed so that re-arming a timer replaces it and leaving cancels it.
 */
export interface Scheduler {
  /** Runs `task` once, `delayMs` from now, unless cancelled or replaced under the same key first. */
  schedule(key: string, delayMs: number, task: () => void): void;
  cancel(key: string): void;
}

interface Entry {
  readonly deadlineMs: number;
  readonly task: () => void;
}

/**
 * A Scheduler over a Clock that fires only when polled: the broker polls it from a coarse interval
 * (`start`), tests poll it after moving a ManualClock, so no test sleeps and every expiry is deterministic.
 *
 * Due tasks run earliest deadline first; a task that re-arms itself for a deadline already passed runs in
 * the same poll. Tasks run on the event loop that called `poll`, one at a time, so they see the coordinator
 * between two requests, never in the middle of one.
 */
export class ClockScheduler implements Scheduler {
  private readonly entries = new Map<string, Entry>();
  /** A lower bound on the earliest deadline, so most polls return without scanning. */
  private earliestMs = Number.POSITIVE_INFINITY;
  private interval: NodeJS.Timeout | null = null;

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  schedule(key: string, delayMs: number, task: () => void): void {
    const deadlineMs = this.clock.monotonicMs() + Math.max(0, delayMs);
    this.entries.set(key, { deadlineMs, task });
    if (deadlineMs < this.earliestMs) this.earliestMs = deadlineMs;
  }

  cancel(key: string): void {
    this.entries.delete(key);
  }

  /** Runs every task whose deadline has passed; returns how many ran. */
  poll(): number {
    let ran = 0;
    for (;;) {
      const now = this.clock.monotonicMs();
      if (now < this.earliestMs) return ran;
      const due: [string, Entry][] = [];
      let earliest = Number.POSITIVE_INFINITY;
      for (const [key, entry] of this.entries) {
        if (entry.deadlineMs <= now) due.push([key, entry]);
        else if (entry.deadlineMs < earliest) earliest = entry.deadlineMs;
      }
      this.earliestMs = earliest;
      if (due.length === 0) return ran;
      due.sort((a, b) => a[1].deadlineMs - b[1].deadlineMs);
      for (const [key, entry] of due) {
        // An earlier task in this batch may have cancelled or re-armed this one.
        if (this.entries.get(key) !== entry) continue;
        this.entries.delete(key);
        ran++;
        entry.task();
      }
    }
  }

  /** Polls every `intervalMs` on a timer that does not keep the process alive. */
  start(intervalMs = 100): void {
    if (this.interval) return;
    this.interval = setInterval(() => this.poll(), intervalMs);
    this.interval.unref();
  }

  stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
  }
}
