import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/common/logger.js';
import { PeriodicJob } from '../../../src/mirror/periodic-job.js';

/** A job whose runs stay open until the test settles them. */
class Gate {
  started = 0;
  running = 0;
  maxRunning = 0;
  private waiting: Array<{ resolve: (n: number) => void; reject: (e: Error) => void }> = [];

  run = (): Promise<number> => {
    this.started++;
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
    }).finally(() => {
      this.running--;
    });
  };

  finish(value = 0): void {
    this.waiting.shift()?.resolve(value);
  }

  fail(err: Error): void {
    this.waiting.shift()?.reject(err);
  }
}

describe('PeriodicJob', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never runs twice at once: runNow waits for a run in progress and returns its own result', async () => {
    const gate = new Gate();
    const job = new PeriodicJob('test', 1000, gate.run, silentLogger);
    const first = job.runNow();
    const second = job.runNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(gate.started).toBe(1);
    gate.finish(1);
    expect(await first).toBe(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(gate.started).toBe(2);
    gate.finish(2);
    expect(await second).toBe(2);
    expect(gate.maxRunning).toBe(1);
  });

  it('runs every interval after the previous run ended, survives a failed run, and stops', async () => {
    const gate = new Gate();
    const job = new PeriodicJob('test', 1000, gate.run, silentLogger);
    job.start(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(gate.started).toBe(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(gate.started).toBe(1); // the first run is still going: no overlap
    gate.fail(new Error('boom'));
    await vi.advanceTimersByTimeAsync(999);
    expect(gate.started).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(gate.started).toBe(2);
    gate.finish();
    const stopped = job.stop();
    await stopped;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(gate.started).toBe(2);
  });

  it('stop waits for the run in progress', async () => {
    const gate = new Gate();
    const job = new PeriodicJob('test', 1000, gate.run, silentLogger);
    job.start(0);
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = job.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    gate.finish();
    await stopping;
    expect(stopped).toBe(true);
  });

  it('refuses a non-positive interval', () => {
    expect(() => new PeriodicJob('test', 0, async () => {}, silentLogger)).toThrow(RangeError);
  });
});
