import type { Logger } from '../common/logger.js';

/**
 * Runs an async job now and then every `intervalMs` after the previous run ended, never two at once — the
 * shape of every control-plane loop of a flow (topic sync, heartbeats, checkpoints, group offset sync). A
 * failed run is logged and the loop goes on: the next run retries, as MirrorMaker 2's scheduler does.
 *
 * `runNow()` runs the job at once (waiting for a run in progress first) and returns its outcome; tests and
 * the Flow's start use it. `stop()` cancels the timer and waits for a run in progress. Single-threaded.
 */
export class PeriodicJob<T = void> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly job: () => Promise<T>,
    private readonly logger: Logger,
  ) {
    if (!(intervalMs > 0)) throw new RangeError(`${name}: interval must be > 0, got ${intervalMs}`);
  }

  /** Starts the loop; the first run happens after `initialDelayMs` (0: on the next tick). */
  start(initialDelayMs = 0): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(initialDelayMs);
  }

  /** Runs the job now, after any run in progress; resolves with its result, rejects with its error. */
  async runNow(): Promise<T> {
    while (this.running) await this.running;
    const run = this.job();
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.running = settled;
    try {
      return await run;
    } finally {
      if (this.running === settled) this.running = undefined;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.runNow()
        .catch((err: unknown) => this.logger.warn({ err, job: this.name }, `${this.name} failed; retrying`))
        .finally(() => this.schedule(this.intervalMs));
    }, delayMs);
  }
}
