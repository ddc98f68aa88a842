import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIRECT_READ_MIN_BYTES, FrameReader } from '../../../src/client/frame-reader.js';
import { FrameTooLargeError } from '../../../src/protocol/wire/frame-splitter.js';

function framed(payloads: readonly Buffer[]): Buffer {
  return Buffer.concat(
    payloads.flatMap((p) => {
      const size = Buffer.alloc(4);
      size.writeInt32BE(p.length, 0);
      return [size, p];
    }),
  );
}

/** Feeds `stream` in pieces cut at `cuts`, through one reused buffer that is scribbled over after each push. */
function readAll(reader: FrameReader, stream: Buffer, cuts: readonly number[]): Buffer[] {
  const receive = Buffer.alloc(stream.length);
  const frames: Buffer[] = [];
  let from = 0;
  for (const to of [...new Set(cuts)].sort((a, b) => a - b).concat(stream.length)) {
    if (to <= from) continue;
    stream.copy(receive, 0, from, to);
    frames.push(...reader.push(receive.subarray(0, to - from)));
    receive.fill(0xee); // the socket reuses its buffer: frames must not point into it
    from = to;
  }
  return frames;
}

describe('FrameReader', () => {
  it('returns every frame whole and in order however the stream is cut, as copies that outlive the read buffer', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (raw, cutSeeds) => {
          const payloads = raw.map((r) => Buffer.from(r));
          const stream = framed(payloads);
          const cuts = cutSeeds.map((c) => c % (stream.length + 1));
          const frames = readAll(new FrameReader(1024), stream, cuts);
          expect(frames.map((f) => f.toString('hex'))).toEqual(payloads.map((p) => p.toString('hex')));
        },
      ),
    );
  });

  it('as a socket’s read target: large frames are read into directly, small ones copied out of the receive buffer', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 * DIRECT_READ_MIN_BYTES }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 10 }),
        (sizes, readSizes) => {
          const payloads = sizes.map((n, i) => Buffer.alloc(n, i + 1));
          const stream = framed(payloads);
          const receive = Buffer.alloc(100_000);
          const reader = new FrameReader(1 << 20, receive);
          const frames: Buffer[] = [];
          const directTargets: Buffer[] = [];
          let pos = 0;
          for (let r = 0; pos < stream.length; r++) {
            // What a socket does: ask for the target, read at most its length (and what the kernel has), report.
            const target = reader.nextReadTarget();
            if (target !== receive) directTargets.push(target);
            const n = Math.min(target.length, readSizes[r % readSizes.length]!, stream.length - pos);
            stream.copy(target, 0, pos, pos + n);
            pos += n;
            frames.push(...reader.onRead(n, target));
            receive.fill(0xee);
          }
          expect(frames.map((f) => f.toString('hex'))).toEqual(payloads.map((p) => p.toString('hex')));
          // Every direct read landed inside the buffer of a frame that came out (no copy of those bytes).
          for (const t of directTargets) expect(frames.some((f) => f.buffer === t.buffer)).toBe(true);
          // A frame longer than one receive buffer plus the direct minimum leaves at least that minimum to come after
          // the read that brought its size, so it is read into directly.
          if (sizes.some((n) => n >= receive.length + DIRECT_READ_MIN_BYTES))
            expect(directTargets.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps a frame that is not complete yet for the next read', () => {
    const reader = new FrameReader(1024);
    const stream = framed([Buffer.from('abcdef'), Buffer.from('gh')]);
    expect(reader.push(stream.subarray(0, 2))).toEqual([]); // half a size prefix
    expect(reader.push(stream.subarray(2, 8))).toEqual([]); // the prefix and 2 of 6 bytes
    expect(reader.push(stream.subarray(8)).map(String)).toEqual(['abcdef', 'gh']);
  });

  it('refuses a size prefix above the limit or below zero', () => {
    const tooLarge = Buffer.alloc(4);
    tooLarge.writeInt32BE(1025, 0);
    expect(() => new FrameReader(1024).push(tooLarge)).toThrow(FrameTooLargeError);
    const negative = Buffer.alloc(4);
    negative.writeInt32BE(-1, 0);
    expect(() => new FrameReader(1024).push(negative)).toThrow(FrameTooLargeError);
  });
});
