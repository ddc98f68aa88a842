import { KafkaError } from '../../errors/index.js';
import { CompressionType } from '../batch-header.js';
import { compressGzip, compressGzipSync, decompressGzip, decompressGzipSync } from './gzip.js';
import { compressLz4, compressLz4Sync, decompressLz4, decompressLz4Sync } from './lz4.js';
import { compressSnappy, compressSnappySync, decompressSnappy, decompressSnappySync } from './snappy.js';
import { compressZstd, decompressZstd } from './zstd.js';

/**
 * The compression codecs of record batch attributes bits 0-2, dispatched by type. Compression covers the
 * records section of a batch (everything after the 61-byte header) as one unit. A codec that fails to read
 * its input is a CORRUPT_MESSAGE; an unknown codec id is UNSUPPORTED_COMPRESSION_TYPE.
 */

export { isXerialFramed } from './snappy.js';
export { ZSTD_DEFAULT_LEVEL } from './zstd.js';

function unsupported(type: number): KafkaError {
  return new KafkaError('UNSUPPORTED_COMPRESSION_TYPE', `compression type ${type}`);
}

function noSync(type: CompressionType): KafkaError {
  return new KafkaError(
    'UNSUPPORTED_COMPRESSION_TYPE',
    `${CompressionType[type]} has no synchronous codec; use the async encode/decode`,
  );
}

function corrupt(type: CompressionType, err: unknown): KafkaError {
  if (err instanceof KafkaError) return err;
  return new KafkaError('CORRUPT_MESSAGE', `${CompressionType[type]} data does not decompress`, {
    cause: err,
  });
}

/** Whether {@link compressSync} and {@link decompressSync} handle this type. */
export function hasSyncCodec(type: CompressionType): boolean {
  return type !== CompressionType.Zstd;
}

export async function compress(type: CompressionType, data: Buffer): Promise<Buffer> {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return compressGzip(data);
    case CompressionType.Snappy:
      return compressSnappy(data);
    case CompressionType.Lz4:
      return compressLz4(data);
    case CompressionType.Zstd:
      return compressZstd(data);
    default:
      throw unsupported(type);
  }
}

export async function decompress(type: CompressionType, data: Buffer): Promise<Buffer> {
  try {
    switch (type) {
      case CompressionType.None:
        return data;
      case CompressionType.Gzip:
        return await decompressGzip(data);
      case CompressionType.Snappy:
        return await decompressSnappy(data);
      case CompressionType.Lz4:
        return await decompressLz4(data);
      case CompressionType.Zstd:
        return await decompressZstd(data);
    }
  } catch (err) {
    throw corrupt(type, err);
  }
  throw unsupported(type);
}

export function compressSync(type: CompressionType, data: Buffer): Buffer {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return compressGzipSync(data);
    case CompressionType.Snappy:
      return compressSnappySync(data);
    case CompressionType.Lz4:
      return compressLz4Sync(data);
    case CompressionType.Zstd:
      throw noSync(type);
    default:
      throw unsupported(type);
  }
}

export function decompressSync(type: CompressionType, data: Buffer): Buffer {
  if (type === CompressionType.Zstd) throw noSync(type);
  try {
    switch (type) {
      case CompressionType.None:
        return data;
      case CompressionType.Gzip:
        return decompressGzipSync(data);
      case CompressionType.Snappy:
        return decompressSnappySync(data);
      case CompressionType.Lz4:
        return decompressLz4Sync(data);
    }
  } catch (err) {
    throw corrupt(type, err);
  }
  throw unsupported(type);
}
