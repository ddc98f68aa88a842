import { compress, decompress } from '@mongodb-js/zstd';

/**
 * Zstandard (KIP-110), one zstd frame per batch. The codec has no synchronous API, so zstd batches are
 * encoded and decoded only through the async functions.
 */

/** Kafka's default `compression.zstd.level`. */
export const ZSTD_DEFAULT_LEVEL = 3;

export function compressZstd(data: Buffer, level = ZSTD_DEFAULT_LEVEL): Promise<Buffer> {
  return compress(data, level);
}

export function decompressZstd(data: Buffer): Promise<Buffer> {
  return decompress(data);
}
