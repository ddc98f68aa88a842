import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { compressFrameSync } from 'lz4-napi';
import { compressSync as snappyRaw } from 'snappy';
import { describe, expect, it } from 'vitest';
import {
  CompressionType,
  compress,
  compressSync,
  decompress,
  decompressSync,
  hasSyncCodec,
  hex,
  isKafkaErrorNamed,
  isXerialFramed,
} from '../helpers.js';

const require = createRequire(import.meta.url);
// kafkajs-lz4's codec is built on the `lz4` package; its encoder/decoder are an independent LZ4 frame implementation.
const nodeLz4 = require('lz4') as {
  encode(data: Buffer, options?: object): Buffer;
  decode(data: Buffer): Buffer;
};

/** Compressible but not trivial: repeated text with a counter. */
function sample(size: number): Buffer {
  const buf = Buffer.alloc(size);
  for (let i = 0, pos = 0; pos < size; i++) pos += buf.write(`record-${i % 1000};`, pos);
  return buf;
}

const ALL = [
  CompressionType.None,
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
  CompressionType.Zstd,
];

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return undefined;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('compression', () => {
  for (const type of ALL) {
    it(`round-trips empty, small and multi-block data with ${CompressionType[type]}`, async () => {
      for (const data of [Buffer.alloc(0), Buffer.from('x'), sample(300_000)]) {
        const packed = await compress(type, data);
        expect((await decompress(type, packed)).equals(data)).toBe(true);
        if (hasSyncCodec(type)) {
          expect(decompressSync(type, compressSync(type, data)).equals(data)).toBe(true);
          expect(decompressSync(type, packed).equals(data)).toBe(true);
        }
      }
    });
  }

  it('writes snappy in xerial framing with 32 KiB blocks', async () => {
    const data = sample(100_000);
    const packed = await compress(CompressionType.Snappy, data);
    expect(isXerialFramed(packed)).toBe(true);
    // magic 0x82 'SNAPPY' 0x00, version 1, compatible version 1
    expect(packed.subarray(0, 16)).toEqual(hex('82 53 4e 41 50 50 59 00   00 00 00 01   00 00 00 01'));
    let blocks = 0;
    for (let pos = 16; pos < packed.length; pos += 4 + packed.readInt32BE(pos)) blocks++;
    expect(blocks).toBe(Math.ceil(100_000 / 32_768));
    expect(compressSync(CompressionType.Snappy, data)).toEqual(packed);
  });

  it('reads raw (unframed) snappy as kafkajs-snappy writes it', async () => {
    const data = sample(50_000);
    const raw = snappyRaw(data);
    expect(isXerialFramed(raw)).toBe(false);
    expect((await decompress(CompressionType.Snappy, raw)).equals(data)).toBe(true);
    expect(decompressSync(CompressionType.Snappy, raw).equals(data)).toBe(true);
  });

  it('writes LZ4 frames (magic 0x184D2204) that an independent LZ4 frame decoder reads', async () => {
    const data = sample(200_000);
    const packed = await compress(CompressionType.Lz4, data);
    expect(packed.readUInt32LE(0)).toBe(0x184d2204);
    expect(nodeLz4.decode(packed).equals(data)).toBe(true);
  });

  it('reads LZ4 frames from another encoder, with block and content checksums', async () => {
    const data = sample(200_000);
    for (const frame of [
      nodeLz4.encode(data),
      // node-lz4 sets the content checksum by default; its block checksums are wrong (it cannot read them back
      // itself), so frames with block checksums come from lz4-napi only.
      nodeLz4.encode(data, { streamChecksum: false }),
      compressFrameSync(data, { contentChecksum: true, blockChecksums: true }),
    ]) {
      expect((await decompress(CompressionType.Lz4, frame)).equals(data)).toBe(true);
      expect(decompressSync(CompressionType.Lz4, frame).equals(data)).toBe(true);
    }
  });

  it('reads a zstd frame without a content size, as streaming encoders (the Java client) write', async () => {
    const frame = hex(`
      28 b5 2f fd   # zstd magic
      00            # frame header descriptor: no content size, not single segment, no checksum
      00            # window descriptor: 1 KiB
      29 00 00      # block header: last block, raw, 5 bytes
      68 65 6c 6c 6f
    `);
    expect((await decompress(CompressionType.Zstd, frame)).toString()).toBe('hello');
  });

  it('reads gzip data made of several members', async () => {
    const data = Buffer.concat([gzipSync(Buffer.from('abc')), gzipSync(Buffer.from('def'))]);
    expect((await decompress(CompressionType.Gzip, data)).toString()).toBe('abcdef');
    expect(decompressSync(CompressionType.Gzip, data).toString()).toBe('abcdef');
  });

  it('reports undecodable data as CORRUPT_MESSAGE', async () => {
    const junk = Buffer.from('this is not compressed by anything at all');
    for (const type of [
      CompressionType.Gzip,
      CompressionType.Snappy,
      CompressionType.Lz4,
      CompressionType.Zstd,
    ]) {
      expect(
        isKafkaErrorNamed('CORRUPT_MESSAGE')(await rejection(decompress(type, junk))),
        CompressionType[type],
      ).toBe(true);
    }
    const truncatedXerial = (await compress(CompressionType.Snappy, sample(1000))).subarray(0, 30);
    expect(
      isKafkaErrorNamed('CORRUPT_MESSAGE')(
        thrown(() => decompressSync(CompressionType.Snappy, truncatedXerial)),
      ),
    ).toBe(true);
  });

  it('refuses unknown codecs and synchronous zstd as UNSUPPORTED_COMPRESSION_TYPE', async () => {
    const unsupported = isKafkaErrorNamed('UNSUPPORTED_COMPRESSION_TYPE');
    expect(unsupported(await rejection(compress(5 as CompressionType, Buffer.alloc(1))))).toBe(true);
    expect(unsupported(await rejection(decompress(6 as CompressionType, Buffer.alloc(1))))).toBe(true);
    expect(unsupported(thrown(() => compressSync(CompressionType.Zstd, Buffer.alloc(1))))).toBe(true);
    expect(unsupported(thrown(() => decompressSync(CompressionType.Zstd, Buffer.alloc(1))))).toBe(true);
    expect(hasSyncCodec(CompressionType.Zstd)).toBe(false);
  });
});
