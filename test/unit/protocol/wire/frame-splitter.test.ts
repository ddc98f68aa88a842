import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameSplitter, FrameTooLargeError } from '../../../../src/protocol/wire/frame-splitter.js';

function sizePrefixed(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/** Feeds `stream` cut at `cuts` (sorted positions) and collects the frames, copied. */
function split(stream: Buffer, cuts: readonly number[], maxFrameBytes = 1 << 20): Buffer[] {
  const splitter = new FrameSplitter(maxFrameBytes);
  const frames: Buffer[] = [];
  let from = 0;
  for (const to of [...cuts, stream.length]) {
    if (to <= from) continue;
    // A copy per chunk, as a socket delivers fresh buffers.
    for (const f of splitter.push(Buffer.from(stream.subarray(from, to)))) frames.push(Buffer.from(f));
    from = to;
  }
  expect(splitter.bufferedBytes).toBe(0);
  return frames;
}

describe('FrameSplitter', () => {
  it('returns every frame whole wherever the stream is cut, one byte at a time included', () => {
    const bodies = [Buffer.from('abcdefghij'), Buffer.alloc(0), Buffer.from('xyz'), Buffer.alloc(70, 7)];
    const stream = Buffer.concat(bodies.map(sizePrefixed));
    const everyByte = Array.from({ length: stream.length }, (_, i) => i + 1);
    expect(split(stream, everyByte)).toEqual(bodies);
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(split(stream, [cut])).toEqual(bodies);
      for (let second = cut; second <= stream.length; second++)
        expect(split(stream, [cut, second])).toEqual(bodies);
    }
  });

  it('keeps frame boundaries for random frames and random chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (raw, rawCuts) => {
          const bodies = raw.map((b) => Buffer.from(b));
          const stream = Buffer.concat(bodies.map(sizePrefixed));
          const cuts = rawCuts
            .map((c) => (stream.length === 0 ? 0 : c % (stream.length + 1)))
            .sort((a, b) => a - b);
          expect(split(stream, cuts)).toEqual(bodies);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });

  it('refuses a negative or oversized size prefix, also when the prefix spans chunks', () => {
    const big = Buffer.alloc(4);
    big.writeInt32BE(101, 0);
    expect(() => new FrameSplitter(100).push(big)).toThrow(FrameTooLargeError);
    const s = new FrameSplitter(100);
    expect(s.push(big.subarray(0, 2))).toEqual([]);
    expect(() => s.push(big.subarray(2))).toThrow(FrameTooLargeError);
    expect(() => new FrameSplitter(100).push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(
      /invalid frame size -1/,
    );
  });
});
