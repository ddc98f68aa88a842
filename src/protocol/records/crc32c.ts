import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC-32C (Castagnoli), as record batch v2 uses it. Native (SIMD) because it runs over every byte the broker
 * appends and every byte a follower or the mirror validates: a pure JavaScript table loop is ~15x slower.
 * `initial` continues a checksum over a further chunk.
 */
export function crc32c(data: Uint8Array, initial = 0): number {
  return nativeCrc32c(data as Buffer, initial) >>> 0;
}
