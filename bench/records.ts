/**
 * Hot-path costs of the record batch codec: CRC-32C over a 16 KiB batch, rewriteProducer (the mirror's
 * per-batch rewrite, against a full CRC pass over the same batch), and full encode/decode per codec. The baseline is a plain Buffer copy of the same
 * bytes in the same run, so the ratios survive a noisy machine.
 *
 *   npx tsx bench/records.ts
 *
 * Prints one human line and one JSON line per figure.
 */
import './ferry-heap.js';
import {
  CompressionType,
  computeBatchCrc,
  decodeRecordBatch,
  encodeRecordBatch,
  encodeRecordBatchSync,
  type RecordBatchSpec,
  rewriteBatchCrc,
  rewriteProducer,
} from '../src/protocol/records/index.js';

const MIN_MS = 500;

/** Runs `fn` in rounds until MIN_MS have passed; returns calls per second. */
async function rate(fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await fn(); // warm-up
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < MIN_MS) {
    for (let i = 0; i < 100; i++) await fn();
    calls += 100;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (calls * 1000) / elapsedMs;
}

function syncRate(fn: () => unknown): Promise<number> {
  let calls = 0;
  for (let i = 0; i < 1000; i++) fn();
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < MIN_MS) {
    for (let i = 0; i < 1000; i++) fn();
    calls += 1000;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return Promise.resolve((calls * 1000) / elapsedMs);
}

function report(name: string, value: number, unit: string, baseline?: number, baselineName = 'memcpy'): void {
  const ratio = baseline === undefined ? undefined : value / baseline;
  const vs = ratio === undefined ? '' : `  (${ratio.toFixed(3)} x ${baselineName})`;
  console.log(`${name.padEnd(40)} ${value.toFixed(2).padStart(12)} ${unit}${vs}`);
  console.log(
    JSON.stringify({ bench: 'records', name, value, unit, ...(ratio === undefined ? {} : { ratio }) }),
  );
}

/** Text-like values, so that the codecs see realistic redundancy. */
function spec(records: number, valueSize: number, compression = CompressionType.None): RecordBatchSpec {
  const now = 1_700_000_000_000;
  return {
    compression,
    producerId: 1234,
    producerEpoch: 1,
    baseSequence: 0,
    records: Array.from({ length: records }, (_, i) => ({
      key: Buffer.from(`key-${i}`),
      value: Buffer.from(
        `{"id":${i},"payload":"${'abcdefghij'.repeat(valueSize / 10)}"}`.slice(0, valueSize),
      ),
      headers: [{ key: 'trace', value: Buffer.from(`t-${i}`) }],
      timestamp: now + i,
    })),
  };
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${process.arch}`);

  const batch16k = encodeRecordBatchSync(spec(16, 1000));
  const copyTarget = Buffer.allocUnsafe(batch16k.length);
  const copyPerSec = await syncRate(() => batch16k.copy(copyTarget));
  const memcpyGBs = (copyPerSec * batch16k.length) / 1e9;
  report(`memcpy ${batch16k.length} B (baseline)`, memcpyGBs, 'GB/s');

  const crcPerSec = await syncRate(() => computeBatchCrc(batch16k, 0));
  report(`CRC-32C ${batch16k.length} B batch`, (crcPerSec * batch16k.length) / 1e9, 'GB/s', memcpyGBs);

  // The mirror's per-batch rewrite against what it cost before its CRC was patched: a full pass over the batch.
  for (const records of [16, 64, 1024]) {
    const batch = encodeRecordBatchSync(spec(records, 1000));
    const fullPassesPerSec = await syncRate(() => rewriteBatchCrc(batch, 0));
    let sequence = 0;
    const rewritesPerSec = await syncRate(() => {
      sequence = (sequence + 16) & 0x7fff_ffff;
      rewriteProducer(batch, 0, { producerId: 99, producerEpoch: 2, baseSequence: sequence });
    });
    report(
      `rewriteProducer ${batch.length} B batch`,
      rewritesPerSec,
      'batches/s',
      fullPassesPerSec,
      'a full CRC pass',
    );
  }

  for (const compression of [
    CompressionType.None,
    CompressionType.Gzip,
    CompressionType.Snappy,
    CompressionType.Lz4,
    CompressionType.Zstd,
  ]) {
    const s = spec(100, 200, compression);
    const encoded = await encodeRecordBatch(s);
    // MB/s of uncompressed batch bytes, so that the codecs compare on the same payload.
    const plainSize = encodeRecordBatchSync({ ...s, compression: CompressionType.None }).length;
    const name = CompressionType[compression].toLowerCase();
    const encodes = await rate(() => encodeRecordBatch(s));
    report(`encode 100x200 B ${name} (${encoded.length} B)`, (encodes * plainSize) / 1e6, 'MB/s');
    const decodes = await rate(() => decodeRecordBatch(encoded));
    report(`decode 100x200 B ${name}`, (decodes * plainSize) / 1e6, 'MB/s');
  }
}

await main();
