import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { patchCrc32c } from '../../../../src/protocol/records/crc32c-patch.js';
import { crc32c } from './helpers.js';

/** Changes `fresh.length` bytes of `data` at `at` (in place) and returns the patched CRC of the result. */
function changeAndPatch(data: Buffer, at: number, fresh: Uint8Array): number {
  const before = crc32c(data);
  const delta = Buffer.alloc(fresh.length);
  for (let i = 0; i < fresh.length; i++) {
    delta[i] = data[at + i]! ^ fresh[i]!;
    data[at + i] = fresh[i]!;
  }
  return patchCrc32c(before, delta, data.length - at - fresh.length);
}

describe('patchCrc32c', () => {
  it('equals the CRC of the changed data computed in full, for any data, place and change', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 4096 }),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (bytes, where, change) => {
          const data = Buffer.from(bytes);
          const fresh = change.subarray(0, data.length);
          const at = where % (data.length - fresh.length + 1);
          const patched = changeAndPatch(data, at, fresh);
          expect(patched).toBe(crc32c(data));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('handles a change at the very end and one followed by megabytes', () => {
    const tail = Buffer.alloc(64, 0x5a);
    expect(changeAndPatch(tail, 28, Buffer.alloc(36, 0x11))).toBe(crc32c(tail));
    const large = Buffer.alloc((3 << 20) + 7);
    for (let i = 0; i < large.length; i++) large[i] = (i * 131) & 0xff;
    expect(changeAndPatch(large, 21, Buffer.alloc(36, 0xc3))).toBe(crc32c(large));
  });

  it('leaves the CRC as it was when nothing changed', () => {
    expect(patchCrc32c(0xdeadbeef, Buffer.alloc(36), 65_000)).toBe(0xdeadbeef);
  });
});
