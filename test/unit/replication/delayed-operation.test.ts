import { afterEach, describe, expect, it, vi } from 'vitest';
import { DelayedFetch } from '../../../src/replication/delayed-fetch.js';
import { DelayedOperation, DelayedOperationPurgatory } from '../../../src/replication/delayed-operation.js';

class Counting extends DelayedOperation {
  tries = 0;
  answers = 0;
  ready = false;

  tryComplete(): boolean {
    this.tries++;
    return this.ready ? this.forceComplete() : false;
  }

  protected onComplete(): void {
    this.answers++;
  }
}

describe('DelayedOperationPurgatory', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('watch parks without trying again; an event on any key completes it once', () => {
    const purgatory = new DelayedOperationPurgatory('Test');
    const op = new Counting();
    purgatory.watch(op, ['a', 'b'], 60_000);
    expect(op.tries).toBe(0);
    expect(purgatory.size).toBe(2);
    expect(purgatory.checkAndComplete('a')).toBe(0);
    op.ready = true;
    expect(purgatory.checkAndComplete('b')).toBe(1);
    expect(purgatory.checkAndComplete('a')).toBe(0);
    expect(op.answers).toBe(1);
    purgatory.completeAll();
  });

  it('tryCompleteElseWatch tries first and watches only what is not done', () => {
    const purgatory = new DelayedOperationPurgatory('Test');
    const done = new Counting();
    done.ready = true;
    purgatory.tryCompleteElseWatch(done, ['a'], 60_000);
    expect(done.answers).toBe(1);
    expect(purgatory.size).toBe(0);
    const waiting = new Counting();
    purgatory.tryCompleteElseWatch(waiting, ['a'], 60_000);
    expect(waiting.tries).toBe(1);
    expect(purgatory.size).toBe(1);
    purgatory.completeAll();
    expect(waiting.answers).toBe(1);
  });

  it('a watched operation answers at its timeout with what there is', () => {
    vi.useFakeTimers();
    const purgatory = new DelayedOperationPurgatory('Test');
    const op = new Counting();
    purgatory.watch(op, ['a'], 500);
    vi.advanceTimersByTime(499);
    expect(op.answers).toBe(0);
    vi.advanceTimersByTime(1);
    expect(op.answers).toBe(1);
    expect(op.tries).toBe(0);
  });
});

describe('DelayedFetch', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers at the timeout with a fresh read, and with the satisfying read when woken', () => {
    vi.useFakeTimers();
    let bytes = 0;
    let reads = 0;
    const read = () => {
      reads++;
      return { results: bytes, bytes, hasError: false };
    };
    const answers: number[] = [];
    const purgatory = new DelayedOperationPurgatory('Fetch');

    // Parked with the read the request already made: no second read to park it.
    const timedOut = new DelayedFetch(1, read, (r) => answers.push(r), read());
    purgatory.watch(timedOut, ['p'], 500);
    expect(reads).toBe(1);
    vi.advanceTimersByTime(500);
    expect(reads).toBe(2); // the answer reads again: the first read may be stale by then
    expect(answers).toEqual([0]);

    const woken = new DelayedFetch(1, read, (r) => answers.push(r), read());
    purgatory.watch(woken, ['p'], 500);
    bytes = 7;
    purgatory.checkAndComplete('p');
    expect(answers).toEqual([0, 7]);
    expect(reads).toBe(4); // the wake-up's read is the one answered
  });
});
