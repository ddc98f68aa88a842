import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompressionType, decodeRecordBatch, encodeRecordBatch, verifyBatchCrc } from './helpers.js';

/**
 * kafkajs carries its own record batch v2 encoder and decoder (and kafkajs-snappy / kafkajs-lz4 plug their
 * codecs into it). Batches cross in both directions, so we know an unmodified kafkajs client reads what Ferry
 * writes and Ferry reads what kafkajs writes.
 */

const require = createRequire(import.meta.url);

interface KafkajsEncoder {
  buffer: Buffer;
}
interface KafkajsDecodedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null>;
}
interface KafkajsDecodedBatch {
  firstOffset: string;
  partitionLeaderEpoch: number;
  inTransaction: boolean;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  maxTimestamp: string;
  records: KafkajsDecodedRecord[];
}
interface KafkajsCodec {
  compress(encoder: KafkajsEncoder): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch(args: object): Promise<KafkajsEncoder>;
};
const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (
  args: object,
) => unknown;
const decodeKafkajsBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (
  decoder: unknown,
) => Promise<KafkajsDecodedBatch>;
const KafkajsDecoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => unknown;
const compression = require('kafkajs/src/protocol/message/compression/index.js') as {
  Codecs: Record<number, () => KafkajsCodec>;
};
const snappyCodec = require('kafkajs-snappy') as () => KafkajsCodec;
const Lz4Codec = require('kafkajs-lz4') as new () => { codec: () => KafkajsCodec };
// What an application does with kafkajs's CompressionCodecs to enable these codecs.
compression.Codecs[CompressionType.Snappy] = snappyCodec;
compression.Codecs[CompressionType.Lz4] = new Lz4Codec().codec;

interface Sample {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  timestamp: number;
}

// kafkajs takes headers as an object, so header keys are unique here.
const sample: fc.Arbitrary<Sample> = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 30 }).map((a) => Buffer.from(a))),
  value: fc.option(
    fc
      .oneof(
        { arbitrary: fc.string({ maxLength: 200 }), weight: 15 },
        // past one 32 KiB xerial snappy block
        { arbitrary: fc.constant('x'.repeat(40_000)), weight: 1 },
      )
      .map((s) => Buffer.from(s)),
    { freq: 6 },
  ),
  headers: fc.dictionary(
    fc.string({ minLength: 1, maxLength: 6 }),
    fc.uint8Array({ maxLength: 10 }).map((a) => Buffer.from(a)),
    { maxKeys: 3 },
  ),
  timestamp: fc.integer({ min: 1_500_000_000_000, max: 1_800_000_000_000 }),
});
const samples = fc.array(sample, { minLength: 1, maxLength: 8 });
const ids = fc.record({
  baseOffset: fc.integer({ min: 0, max: 2 ** 40 }),
  producerId: fc.integer({ min: 0, max: 2 ** 45 }),
  producerEpoch: fc.integer({ min: 0, max: 0x7fff }),
  baseSequence: fc.integer({ min: 0, max: 0x7fff_0000 }),
  partitionLeaderEpoch: fc.integer({ min: 0, max: 1000 }),
});

const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4];

describe('interoperability with kafkajs record batches', () => {
  for (const type of CODECS) {
    it(`decodes what kafkajs encodes with ${CompressionType[type]}`, async () => {
      await fc.assert(
        fc.asyncProperty(samples, ids, async (records, id) => {
          const firstTimestamp = records[0]!.timestamp;
          const encoded = await RecordBatch({
            compression: type,
            firstOffset: id.baseOffset,
            firstTimestamp,
            maxTimestamp: Math.max(...records.map((r) => r.timestamp)),
            partitionLeaderEpoch: id.partitionLeaderEpoch,
            lastOffsetDelta: records.length - 1,
            transactional: true,
            producerId: id.producerId,
            producerEpoch: id.producerEpoch,
            firstSequence: id.baseSequence,
            records: records.map((r, i) =>
              KafkajsRecord({
                offsetDelta: i,
                timestampDelta: r.timestamp - firstTimestamp,
                key: r.key,
                value: r.value,
                headers: r.headers,
              }),
            ),
          });
          const buf = encoded.buffer;
          expect(verifyBatchCrc(buf, 0)).toBe(true);
          const batch = await decodeRecordBatch(buf);
          expect(batch).toMatchObject({
            baseOffset: id.baseOffset,
            sizeInBytes: buf.length,
            compression: type,
            isTransactional: true,
            producerId: id.producerId,
            producerEpoch: id.producerEpoch,
            baseSequence: id.baseSequence,
            partitionLeaderEpoch: id.partitionLeaderEpoch,
          });
          expect(
            batch.records.map((r) => ({
              offset: r.offset,
              timestamp: r.timestamp,
              key: r.key,
              value: r.value,
              headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value])),
            })),
          ).toEqual(records.map((r, i) => ({ ...r, offset: id.baseOffset + i })));
        }),
        { numRuns: 20 },
      );
    });

    it(`kafkajs decodes what Ferry encodes with ${CompressionType[type]}`, async () => {
      await fc.assert(
        fc.asyncProperty(samples, ids, async (records, id) => {
          const buf = await encodeRecordBatch({
            ...id,
            compression: type,
            transactional: true,
            records: records.map((r) => ({
              key: r.key,
              value: r.value,
              timestamp: r.timestamp,
              headers: Object.entries(r.headers).map(([key, value]) => ({ key, value })),
            })),
          });
          const batch = await decodeKafkajsBatch(new KafkajsDecoder(buf));
          expect(batch).toMatchObject({
            firstOffset: String(id.baseOffset),
            partitionLeaderEpoch: id.partitionLeaderEpoch,
            inTransaction: true,
            lastOffsetDelta: records.length - 1,
            producerId: String(id.producerId),
            producerEpoch: id.producerEpoch,
            firstSequence: id.baseSequence,
            maxTimestamp: String(Math.max(...records.map((r) => r.timestamp))),
          });
          expect(
            batch.records.map((r) => ({
              offset: r.offset,
              timestamp: r.timestamp,
              key: r.key,
              value: r.value,
              headers: r.headers,
            })),
          ).toEqual(
            records.map((r, i) => ({
              ...r,
              offset: String(id.baseOffset + i),
              timestamp: String(r.timestamp),
            })),
          );
        }),
        { numRuns: 20 },
      );
    });
  }
});
