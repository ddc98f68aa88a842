import { promisify } from 'node:util';
import { gunzip, gunzipSync, gzip, gzipSync } from 'node:zlib';

/**
 * gzip (RFC 1952), as the Java client's GZIPOutputStream writes it; decompression also reads several gzip
 * members one after another. zlib runs the async variants on the libuv thread pool.
 */

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export function compressGzip(data: Buffer): Promise<Buffer> {
  return gzipAsync(data);
}

export function decompressGzip(data: Buffer): Promise<Buffer> {
  return gunzipAsync(data);
}

export function compressGzipSync(data: Buffer): Buffer {
  return gzipSync(data);
}

export function decompressGzipSync(data: Buffer): Buffer {
  return gunzipSync(data);
}
