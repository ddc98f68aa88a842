import { compressFrame, compressFrameSync, decompressFrame, decompressFrameSync } from 'lz4-napi';

/**
 * LZ4 as Kafka uses it since magic 1: the LZ4 *frame* format (magic 0x184D2204, FLG/BD descriptor, header
 * checksum, blocks, end mark, optional content checksum), not raw LZ4 blocks. lz4-napi's frame functions
 * write independent blocks with no block or content checksum and no content size, which the Java client,
 * librdkafka and kafkajs-lz4 all read; they read frames with either checksum too.
 */

export function compressLz4(data: Buffer): Promise<Buffer> {
  return compressFrame(data);
}

export function decompressLz4(data: Buffer): Promise<Buffer> {
  return decompressFrame(data);
}

export function compressLz4Sync(data: Buffer): Buffer {
  return compressFrameSync(data);
}

export function decompressLz4Sync(data: Buffer): Buffer {
  return decompressFrameSync(data);
}
