import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/common/clock.js';
import type { PartitionLog } from '../../../src/log/partition-log.js';
import { isKafkaError } from '../../../src/protocol/errors/index.js';
import { makeBatch, openLog, readAll, splitBatches, TempLogDir } from './log-test-helpers.js';

/** The model: the batches a reader can reach, with their offsets, plus the log start and end offsets. */
interface Model {
  batches: { base: number; last: number; seed: number }[];
  logStart: number;
  logEnd: number;
}

type Op =
  | { kind: 'append'; batches: { count: number; size: number }[] }
  | { kind: 'roll' }
  | { kind: 'truncate'; at: number }
  | { kind: 'deleteRecords'; at: number }
  | { kind: 'flush' }
  | { kind: 'reopen' }
  | { kind: 'read'; at: number; maxBytes: number; lend: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      batches: fc.array(
        fc.record({ count: fc.integer({ min: 1, max: 8 }), size: fc.integer({ min: 1, max: 300 }) }),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'roll' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('truncate' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('deleteRecords' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      maxBytes: fc.integer({ min: 1, max: 5000 }),
      // 0: no buffer lent; otherwise the size of a buffer lent to read (small ones force the fallback)
      lend: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12_000 })),
    }),
  },
);

const T0 = 1_700_000_000_000;
const CONFIG = { segmentBytes: 2500, indexIntervalBytes: 300, segmentIndexBytes: 8 * 6 };
let tmp: TempLogDir | undefined;
let log: PartitionLog | undefined;

afterEach(() => {
  try {
    log?.close();
  } catch {
    // closed already
  }
  log = undefined;
  tmp?.remove();
  tmp = undefined;
});

function pick(model: Model, fraction: number): number {
  return model.logStart + Math.floor(fraction * (model.logEnd - model.logStart + 1));
}

function checkConsistent(l: PartitionLog, model: Model): void {
  expect(l.logStartOffset).toBe(model.logStart);
  expect(l.logEndOffset).toBe(model.logEnd);
  const expected = model.batches.filter((b) => b.last >= model.logStart).map((b) => [b.base, b.last]);
  expect(readAll(l).map((b) => [b.baseOffset, b.lastOffset])).toEqual(expected);
}

/** The structural operations whose interleavings matter most; the test counts how often each pair occurs. */
const STRUCTURAL = ['roll', 'truncate', 'deleteRecords', 'flush', 'reopen'] as const;

describe('the log against an in-memory model', () => {
  it('keeps every read consistent through appends, rolls, truncations, delete-records, flushes and reopens', () => {
    const kinds = new Map<string, number>();
    const pairs = new Map<string, number>();
    let effectiveTruncations = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 50, size: 'max' }), (ops) => {
        for (let i = 0; i < ops.length; i++) {
          kinds.set(ops[i]!.kind, (kinds.get(ops[i]!.kind) ?? 0) + 1);
          // pairs of structural ops with only appends and reads between them
          for (let j = i + 1; j < ops.length; j++) {
            const k = ops[j]!.kind;
            if (k === 'append' || k === 'read') continue;
            const pair = `${ops[i]!.kind}>${k}`;
            pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
            break;
          }
        }
        tmp?.remove();
        tmp = new TempLogDir();
        const clock = new ManualClock(T0);
        let l = openLog(tmp.dir, CONFIG, clock);
        log = l;
        const model: Model = { batches: [], logStart: 0, logEnd: 0 };
        let seed = 0;
        for (const op of ops) {
          switch (op.kind) {
            case 'append': {
              const buf = Buffer.concat(op.batches.map((b) => makeBatch(b.count, T0, b.size, seed++)));
              l.appendAsLeader(buf, 0);
              for (const b of op.batches) {
                model.batches.push({ base: model.logEnd, last: model.logEnd + b.count - 1, seed: 0 });
                model.logEnd += b.count;
              }
              l.updateHighWatermark(l.logEndOffset);
              break;
            }
            case 'roll':
              l.roll();
              break;
            case 'truncate': {
              const at = pick(model, op.at);
              l.truncateTo(at);
              if (at < model.logEnd) {
                effectiveTruncations++;
                // the batch holding `at` goes whole; with no batch left the end is the first removed base
                const firstBase = model.batches[0]?.base ?? at;
                model.batches = model.batches.filter((b) => b.last < at);
                const end = model.batches.at(-1)?.last;
                model.logEnd = end === undefined ? firstBase : end + 1;
                if (model.logEnd < model.logStart) {
                  model.batches = [];
                  model.logEnd = model.logStart;
                }
              }
              l.updateHighWatermark(l.logEndOffset);
              break;
            }
            case 'deleteRecords': {
              const at = pick(model, op.at);
              l.deleteRecordsBefore(Math.min(at, model.logEnd));
              model.logStart = Math.max(model.logStart, Math.min(at, model.logEnd));
              break;
            }
            case 'flush':
              l.flush();
              break;
            case 'reopen':
              l.close();
              l = openLog(tmp.dir, CONFIG, clock);
              log = l;
              expect(l.recoveryReports).toEqual([]);
              l.updateHighWatermark(l.logEndOffset);
              break;
            case 'read': {
              const at = pick(model, op.at);
              if (at > model.logEnd) break;
              const into = op.lend > 0 ? Buffer.alloc(op.lend) : undefined;
              const result = splitBatches(l.read(at, op.maxBytes, model.logEnd, true, into).records);
              const from = model.batches.findIndex((b) => b.last >= at);
              if (from < 0) {
                expect(result).toEqual([]);
                break;
              }
              expect(result.length).toBeGreaterThanOrEqual(1);
              result.forEach((b, i) => {
                expect([b.baseOffset, b.lastOffset]).toEqual([
                  model.batches[from + i]!.base,
                  model.batches[from + i]!.last,
                ]);
              });
              break;
            }
          }
          checkConsistent(l, model);
        }
        // below the log start is out of range
        if (model.logStart > 0) {
          let caught: unknown;
          try {
            l.read(model.logStart - 1, 100);
          } catch (err) {
            caught = err;
          }
          expect(isKafkaError(caught, 'OFFSET_OUT_OF_RANGE')).toBe(true);
        }
        l.close();
        log = undefined;
      }),
      { numRuns: 150 },
    );
    // The generator must actually exercise the interleavings (a weight change could silently starve them).
    for (const kind of STRUCTURAL) expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(100);
    for (const a of STRUCTURAL) {
      for (const b of ['truncate', 'deleteRecords', 'reopen', 'roll'] as const) {
        expect(pairs.get(`${a}>${b}`) ?? 0, `${a} then ${b}`).toBeGreaterThan(5);
      }
    }
    expect(effectiveTruncations).toBeGreaterThan(100);
    if (process.env.FERRY_PROPERTY_STATS) console.log(kinds, pairs, effectiveTruncations);
  }, 60_000);
});
