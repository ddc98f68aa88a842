/**
 * The wire codec on the hot path: encode and decode of a Fetch response carrying 10 partitions of 64 KiB
 * record batches (what a broker answers a consumer or a follower), in messages/s, against a baseline taken
 * in the same run: copying those 640 KiB once (what any codec that flattens the response into one buffer
 * pays, and what ours avoids by appending record batches by reference).
 *
 *   npx tsx bench/protocol.ts              about 2 s per phase
 *   npx tsx bench/protocol.ts --seconds 1
 *
 * Phases (Fetch v12, flexible, unless named otherwise):
 *   baseline copy   Buffer.concat of the ten 64 KiB batches into one fresh buffer
 *   encode          encodeMessage into a fresh Writer, toChunks (no copy of the batches)
 *   decode          decodeMessage of the whole frame body (records come back as slices)
 *   encode+decode   both, the figure the brief asks for
 *   encode+decode   the same for Fetch v4 (classic encodings)
 *   produce decode  decodeMessage of a Produce v9 request with the same 10 × 64 KiB batches
 * Prints a human line per phase and one JSON line.
 */
import './ferry-heap.js';
import { arch, cpus } from 'node:os';
import { FETCH_RESPONSE, type FetchResponse } from '../src/protocol/messages/fetch.js';
import { PRODUCE_REQUEST, type ProduceRequest } from '../src/protocol/messages/produce.js';
import { compileMessage } from '../src/protocol/schema/codec.js';
import { Reader } from '../src/protocol/wire/reader.js';
import { Writer } from '../src/protocol/wire/writer.js';

const PARTITIONS = 10;
const BATCH_BYTES = 64 * 1024;

function phaseSeconds(): number {
  const i = process.argv.indexOf('--seconds');
  const n = i >= 0 ? Number(process.argv[i + 1]) : 2;
  if (!(n > 0)) throw new Error('bad --seconds');
  return n;
}

/** Runs `fn` repeatedly for about `seconds`; returns operations per second. */
function measure(seconds: number, fn: () => unknown): number {
  for (let i = 0; i < 200; i++) fn(); // warm up: compile plans, let the JIT settle
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let ops = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 64; i++) {
      const r = fn();
      if (r !== undefined) sink++;
    }
    ops += 64;
    now = process.hrtime.bigint();
  }
  if (sink < 0) console.log(sink);
  return ops / (Number(now - start) / 1e9);
}

function main(): void {
  const seconds = phaseSeconds();
  const batches = Array.from({ length: PARTITIONS }, (_, p) => Buffer.alloc(BATCH_BYTES, p + 1));
  const fetch: FetchResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'orders',
        partitions: batches.map((records, p) => ({
          partitionIndex: p,
          errorCode: 0,
          highWatermark: 1_000_000 + p,
          lastStableOffset: 1_000_000 + p,
          logStartOffset: 0,
          abortedTransactions: null,
          preferredReadReplica: -1,
          records,
        })),
      },
    ],
  };
  const produce: ProduceRequest = {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 'orders', partitionData: batches.map((records, index) => ({ index, records })) }],
  };

  const fetch12 = compileMessage<FetchResponse>(FETCH_RESPONSE, 12);
  const fetch4 = compileMessage<FetchResponse>(FETCH_RESPONSE, 4);
  const produce9 = compileMessage<ProduceRequest>(PRODUCE_REQUEST, 9);
  const encodeChunks = (c: typeof fetch12) => {
    const w = new Writer();
    c.encode(fetch, w);
    return w.toChunks();
  };
  const frame12 = Buffer.concat(encodeChunks(fetch12));
  const frame4 = Buffer.concat(encodeChunks(fetch4));
  const produceFrame = (() => {
    const w = new Writer();
    produce9.encode(produce, w);
    return w.toBuffer();
  })();
  const bytes = frame12.length;

  const results = {
    baselineCopy: measure(seconds, () => Buffer.concat(batches)),
    encode: measure(seconds, () => encodeChunks(fetch12)),
    decode: measure(seconds, () => fetch12.decode(new Reader(frame12))),
    encodeDecode: measure(seconds, () => {
      encodeChunks(fetch12);
      return fetch12.decode(new Reader(frame12));
    }),
    encodeDecodeV4: measure(seconds, () => {
      encodeChunks(fetch4);
      return fetch4.decode(new Reader(frame4));
    }),
    produceDecode: measure(seconds, () => produce9.decode(new Reader(produceFrame))),
  };

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const mbps = (n: number) => Math.round((n * bytes) / 1e6).toLocaleString('en-US');
  console.log(
    `Fetch response, ${PARTITIONS} × ${BATCH_BYTES / 1024} KiB records (${bytes} bytes), ${cpus().length} × ${cpus()[0]?.model ?? arch()}, Node ${process.version}`,
  );
  console.log(
    `  baseline copy of the batches  ${fmt(results.baselineCopy)} /s  (${mbps(results.baselineCopy)} MB/s)`,
  );
  console.log(
    `  encode v12 (chunks)           ${fmt(results.encode)} msg/s  (${(results.encode / results.baselineCopy).toFixed(1)}× the copy)`,
  );
  console.log(
    `  decode v12 (slices)           ${fmt(results.decode)} msg/s  (${(results.decode / results.baselineCopy).toFixed(1)}× the copy)`,
  );
  console.log(
    `  encode+decode v12             ${fmt(results.encodeDecode)} msg/s  (${(results.encodeDecode / results.baselineCopy).toFixed(1)}× the copy, ${mbps(results.encodeDecode)} MB/s of payload)`,
  );
  console.log(`  encode+decode v4              ${fmt(results.encodeDecodeV4)} msg/s`);
  console.log(`  Produce v9 request decode     ${fmt(results.produceDecode)} msg/s`);
  console.log(
    JSON.stringify({
      bench: 'protocol',
      node: process.version,
      cpus: cpus().length,
      frameBytes: bytes,
      partitions: PARTITIONS,
      batchBytes: BATCH_BYTES,
      opsPerSecond: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(v)])),
      encodeDecodeVsCopy: Number((results.encodeDecode / results.baselineCopy).toFixed(2)),
    }),
  );
}

main();
