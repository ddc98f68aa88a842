/**
 * One broker's produce and fetch throughput and end-to-end latency against loopback TCP and raw disk, in the
 * same run.
 *
 *   npm run bench:broker                   256 MiB per produce case
 *   npx tsx bench/broker.ts --mib 64       a quicker run (or FERRY_BENCH_MIB=64)
 *   FERRY_BENCH_PROF=/tmp/prof npm run bench:broker   the broker process writes a --cpu-prof profile there
 *   npx tsx bench/broker.ts --latency-fraction 0.25   the latency phase at a quarter of the peak instead
 *   npx tsx bench/broker.ts --segment-bytes 16777216   the broker's log.segment.bytes (default 1 GiB), so that
 *                                          segments roll often enough to show what a roll costs the latency
 *
 * The broker runs in a child process of this script (its own event loop, so on two cores the client and the
 * broker do not share one thread, as a real producer and broker would not); the clients run here. Both take
 * this process's Node flags (`npm run bench:broker` passes `--initial-old-space-size=128`, as `ferry` does;
 * see the README's note on the Node heap: without it the latency phase's p99 is mostly mark-compact stalls). The child
 * also serves a plain TCP sink for the loopback baseline. Data under one temp dir, removed at the end.
 *
 * Phases:
 *   raw disk      writeSync of the 64 KiB batches, sequentially, into a fresh file (no fsync), as bench/log.ts
 *   loopback      a plain net socket to the child's sink, writing the same bytes in the same chunk sizes
 *                 (16 KiB and 64 KiB) with backpressure, until the sink has read them all
 *   produce       ClusterClient.produce (the raw-batch client) of pre-encoded, uncompressed batches of 100 B and
 *                 1 KiB records, 16 KiB and 64 KiB batches, acks=1, PIPELINE requests in flight on one
 *                 connection, one partition per case
 *   fetch         each case's partition read back from offset 0 with 1 MiB fetches (Kafka's
 *                 max.partition.fetch.bytes default), one fetch at a time
 *   latency       100 B records in 16 KiB batches at half the peak rate of that produce case, paced on a 1 ms
 *                 timer; each batch's first record carries the send time (performance.now, CRC rewritten);
 *                 a long-polling consumer (min_bytes 1, max_wait 500 ms) on its own connection measures
 *                 arrival - send per batch over 10 s; the first 2 s are warm-up and not counted (the p99 from
 *                 0.5 s on is reported too: the first seconds of a fresh topic are slower). When this process
 *                 stalls, the producer sends at most 10 ms worth at once (the rest is skipped and counted),
 *                 and the rate actually reached is reported
 *   kafkajs       kafkajs's producer, acks=1, `send` of the same record counts per call as the 16 KiB batches,
 *                 8 sends in flight, for 3 s per record size: for reference
 * Produce and fetch also report the CPU seconds both processes spent (`cores` = CPU s / wall s) and the MB/s
 * one whole broker core would give at the measured CPU cost per byte: on a shared machine, the figure that
 * does not depend on how much of the machine the run got. The latency phase reports both event loops' delay.
 * Prints a human line and a JSON line.
 */
import './ferry-heap.js';
import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { arch, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { ClusterClient } from '../src/client/index.js';
import { Broker } from '../src/cluster/broker.js';
import { loadConfig } from '../src/common/config/index.js';
import { silentLogger } from '../src/common/logger.js';
import {
  encodeRecordBatchSync,
  lastOffset,
  recordBatchSpans,
  rewriteBatchCrc,
} from '../src/protocol/records/index.js';

const RECORD_SIZES = [100, 1024] as const;
const BATCH_SIZES = [16 * 1024, 64 * 1024] as const;
const PIPELINE = 32;
const POOL = 16;
const FETCH_BYTES = 1024 * 1024;
const LATENCY_S = 10;
const WARMUP_MS = 2000;
/** The first half second is never counted; from there to WARMUP_MS is reported apart (see the header). */
const EARLY_MS = 500;
const MAX_BURST_MS = 10;
const KAFKAJS_S = 3;
const KAFKAJS_IN_FLIGHT = 8;
const STAMP = Buffer.from('@stamp@!');

/** The latency phase's rate as a fraction of the peak; the issue's goal is at one half. */
function latencyFraction(): number {
  const i = process.argv.indexOf('--latency-fraction');
  const n = i >= 0 ? Number(process.argv[i + 1]) : 0.5;
  if (!(n > 0 && n <= 1)) throw new Error(`bad --latency-fraction ${process.argv[i + 1]}; expected (0, 1]`);
  return n;
}

/** `--segment-bytes N`: the broker's log.segment.bytes, passed on to the child; undefined for the default. */
function segmentBytes(): number | undefined {
  const i = process.argv.indexOf('--segment-bytes');
  if (i < 0) return undefined;
  const n = Number(process.argv[i + 1]);
  if (!(Number.isInteger(n) && n >= 14)) throw new Error(`bad --segment-bytes ${process.argv[i + 1]}`);
  return n;
}

function sizeMiB(): number {
  const i = process.argv.indexOf('--mib');
  const raw = i >= 0 ? process.argv[i + 1] : process.env.FERRY_BENCH_MIB;
  const n = raw === undefined ? 256 : Number(raw);
  if (!(n > 0)) throw new Error(`bad size ${raw}; expected a positive number of MiB`);
  return n;
}

// ---------------------------------------------------------------- child: the broker and the TCP sink

async function serve(dataDir: string): Promise<void> {
  const broker = await Broker.start({
    brokerId: 1,
    clusterId: 'bench',
    dataDir,
    host: '127.0.0.1',
    port: 0,
    rack: null,
    config: loadConfig({
      env: {},
      overrides: {
        'offsets.topic.num.partitions': 1,
        ...(segmentBytes() === undefined ? {} : { 'log.segment.bytes': segmentBytes() }),
      },
    }),
    logger: silentLogger,
  });
  // The sink reads an 8-byte length, then that many bytes, and answers one byte: a loopback bandwidth probe.
  const sink = createServer((socket) => {
    let expected = -1;
    let got = 0;
    socket.on('data', (chunk: Buffer) => {
      if (expected < 0) {
        expected = Number(chunk.readBigInt64BE(0));
        got -= 8;
      }
      got += chunk.length;
      if (got >= expected) socket.write(Buffer.of(1));
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkPort = (sink.address() as { port: number }).port;
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'stats') {
      const stats: BrokerStats = {
        cpuUs: process.cpuUsage(),
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
      };
      loopDelay.reset();
      process.send?.(stats);
      return;
    }
    if (m.cmd !== 'stop') return;
    sink.close();
    broker.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.send?.({ brokerPort: broker.port, sinkPort });
}

// ---------------------------------------------------------------- parent: the clients

interface BrokerStats {
  cpuUs: NodeJS.CpuUsage;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

/** The broker process's CPU time so far, and its event-loop delay since the last call. */
function brokerStats(child: ChildProcess): Promise<BrokerStats> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as BrokerStats));
    child.send({ cmd: 'stats' });
  });
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

/**
 * Runs `phase` and reports the CPU seconds each process spent in it: on a shared machine the share of a core
 * each side got says whether it, the other side, or the machine was the limit.
 */
async function withCpu<T extends { s: number }>(child: ChildProcess, phase: () => Promise<T>) {
  const b0 = await brokerStats(child);
  const c0 = process.cpuUsage();
  const r = await phase();
  const clientCpuS = cpuSeconds(process.cpuUsage(c0));
  const b1 = await brokerStats(child);
  const brokerCpuS = cpuSeconds(b1.cpuUs) - cpuSeconds(b0.cpuUs);
  return { ...r, brokerCpuS, clientCpuS, brokerCores: brokerCpuS / r.s, clientCores: clientCpuS / r.s };
}

interface Case {
  recordBytes: number;
  batchBytes: number;
  topic: string;
  batches: Buffer[];
  recordsPerBatch: number;
}

function buildCase(recordBytes: number, batchBytes: number): Case {
  const perRecordOverhead = recordBytes < 128 ? 8 : 10; // attributes, deltas, key/value lengths as varints
  const recordsPerBatch = Math.floor((batchBytes - 61) / (recordBytes + perRecordOverhead));
  const batches: Buffer[] = [];
  for (let b = 0; b < POOL; b++) {
    const records = [];
    for (let r = 0; r < recordsPerBatch; r++) {
      const value = Buffer.allocUnsafe(recordBytes);
      for (let i = 0; i + 4 <= recordBytes; i += 4) value.writeUInt32BE((b * 7919 + r * 104729 + i) >>> 0, i);
      if (r === 0) STAMP.copy(value, 0);
      records.push({ value, timestamp: Date.now() });
    }
    batches.push(encodeRecordBatchSync({ records }));
  }
  return { recordBytes, batchBytes, topic: `bench-${recordBytes}-${batchBytes}`, batches, recordsPerBatch };
}

const seconds = (t: number) => (performance.now() - t) / 1000;
const mb = (bytes: number, s: number) => bytes / 1e6 / s;

function rawDiskWrite(root: string, batches: Buffer[], count: number): number {
  const path = join(root, 'raw.bin');
  const fd = openSync(path, 'w');
  let bytes = 0;
  const t = performance.now();
  for (let i = 0; i < count; i++) {
    const b = batches[i % batches.length]!;
    bytes += writeSync(fd, b, 0, b.length, bytes);
  }
  const s = seconds(t);
  closeSync(fd);
  rmSync(path);
  return mb(bytes, s);
}

async function loopback(port: number, batches: Buffer[], count: number): Promise<number> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  let total = 0;
  for (let i = 0; i < count; i++) total += batches[i % batches.length]!.length;
  const done = new Promise<void>((resolve) => socket.once('data', () => resolve()));
  const t = performance.now();
  const header = Buffer.alloc(8);
  header.writeBigInt64BE(BigInt(total));
  socket.write(header);
  for (let i = 0; i < count; i++) {
    if (!socket.write(batches[i % batches.length]!)) await new Promise((r) => socket.once('drain', r));
  }
  await done;
  const s = seconds(t);
  socket.destroy();
  return mb(total, s);
}

async function produceCase(
  client: ClusterClient,
  c: Case,
  count: number,
): Promise<{ s: number; bytes: number }> {
  let sent = 0;
  let done = 0;
  let bytes = 0;
  const t = performance.now();
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (sent < count && sent - done < PIPELINE) {
        const records = c.batches[sent % POOL]!;
        bytes += records.length;
        sent++;
        client.produce(c.topic, 0, records, { acks: 1, timeoutMs: 30_000 }).then(() => {
          done++;
          if (done === count) resolve();
          else pump();
        }, reject);
      }
    };
    pump();
  });
  return { s: seconds(t), bytes };
}

async function fetchAll(
  client: ClusterClient,
  topic: string,
  endOffset: number,
): Promise<{ s: number; bytes: number }> {
  let offset = 0;
  let bytes = 0;
  const t = performance.now();
  while (offset < endOffset) {
    const [r] = await client.fetch([{ topic, partition: 0, fetchOffset: offset, maxBytes: FETCH_BYTES }], {
      maxWaitMs: 500,
      minBytes: 1,
    });
    if (r === undefined || r.error) throw r?.error ?? new Error('no fetch result');
    const spans = recordBatchSpans(r.records);
    const last = spans[spans.length - 1];
    if (last === undefined) throw new Error(`fetch at ${offset} returned no complete batch`);
    bytes += last[0] + last[1];
    offset = lastOffset(r.records, last[0]) + 1;
  }
  return { s: seconds(t), bytes };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** A paced producer and a long-polling consumer; latency per batch in ms, after the warm-up. */
async function latency(client: ClusterClient, c: Case, recordsPerSec: number) {
  const topic = c.topic;
  const stampPos = c.batches.map((b) => b.indexOf(STAMP));
  const batchesPerMs = recordsPerSec / c.recordsPerBatch / 1000;
  const start = await client.listOffsets(topic, 0, 'latest');
  const samples: number[] = [];
  const withEarly: number[] = [];
  let produced = 0;
  let skipped = 0;
  let producing = true;
  let failure: unknown;
  // Stalls of this process's event loop (GC, a busy machine's scheduler) show up in the latency; measured here.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const t0 = performance.now();
  const consumer = (async () => {
    let offset = start.offset;
    let seen = 0;
    while ((producing || seen < produced) && failure === undefined) {
      const [r] = await client.fetch([{ topic, partition: 0, fetchOffset: offset, maxBytes: FETCH_BYTES }], {
        maxWaitMs: 500,
        minBytes: 1,
      });
      const now = performance.now();
      if (r === undefined || r.error) throw r?.error ?? new Error('no fetch result');
      for (const [pos] of recordBatchSpans(r.records)) {
        const at = r.records.indexOf(STAMP, pos);
        const sentAt = r.records.readDoubleBE(at + STAMP.length);
        if (sentAt - t0 >= WARMUP_MS) samples.push(now - sentAt);
        if (sentAt - t0 >= EARLY_MS) withEarly.push(now - sentAt);
        offset = lastOffset(r.records, pos) + 1;
        seen++;
      }
    }
  })();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - t0;
      if (elapsed >= LATENCY_S * 1000 || failure !== undefined) {
        producing = false;
        resolve();
        return;
      }
      // A producer that fell behind (a stalled event loop) sends at most MAX_BURST_MS worth at once, as a
      // throttled Kafka producer would, rather than a burst that measures its own queue.
      const due = Math.floor(elapsed * batchesPerMs) + 1;
      const burst = Math.ceil(MAX_BURST_MS * batchesPerMs);
      if (due - produced - skipped > burst) skipped = due - produced - burst;
      while (produced + skipped < due) {
        const i = produced % POOL;
        const batch = Buffer.from(c.batches[i]!);
        batch.writeDoubleBE(performance.now(), stampPos[i]! + STAMP.length);
        rewriteBatchCrc(batch);
        produced++;
        client.produce(topic, 0, batch, { acks: 1, timeoutMs: 30_000 }).catch((err: unknown) => {
          failure = err;
        });
      }
      setTimeout(tick, 1);
    };
    tick();
  });
  await consumer;
  loopDelay.disable();
  if (failure !== undefined) throw failure;
  const actualRate = (produced * c.recordsPerBatch) / seconds(t0);
  samples.sort((a, b) => a - b);
  withEarly.sort((a, b) => a - b);
  return {
    targetRecordsPerSec: recordsPerSec,
    actualRecordsPerSec: actualRate,
    batches: samples.length,
    skippedBatches: skipped,
    p50Ms: percentile(samples, 0.5),
    p99Ms: percentile(samples, 0.99),
    maxMs: samples[samples.length - 1] ?? Number.NaN,
    p99FromHalfSecondMs: percentile(withEarly, 0.99),
    clientLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    clientLoopDelayMaxMs: loopDelay.max / 1e6,
  };
}

async function kafkajsProduce(bootstrap: string, topic: string, c: Case) {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const messages = Array.from({ length: c.recordsPerBatch }, (_, i) => ({
    value: Buffer.alloc(c.recordBytes, i & 0xff),
  }));
  let records = 0;
  const t = performance.now();
  const deadline = t + KAFKAJS_S * 1000;
  const lane = async () => {
    while (performance.now() < deadline) {
      await producer.send({ topic, acks: 1, messages });
      records += messages.length;
    }
  };
  await Promise.all(Array.from({ length: KAFKAJS_IN_FLIGHT }, lane));
  const s = seconds(t);
  await producer.disconnect();
  return { recordsPerSec: records / s, MBps: mb(records * c.recordBytes, s) };
}

async function startChild(
  root: string,
): Promise<{ child: ChildProcess; brokerPort: number; sinkPort: number }> {
  const execArgv = [...process.execArgv];
  const prof = process.env.FERRY_BENCH_PROF;
  if (prof) execArgv.push('--cpu-prof', `--cpu-prof-dir=${prof}`);
  const segment = segmentBytes();
  const child = fork(
    process.argv[1]!,
    ['--serve', join(root, 'broker'), ...(segment === undefined ? [] : ['--segment-bytes', String(segment)])],
    { execArgv },
  );
  const ports = await new Promise<{ brokerPort: number; sinkPort: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { brokerPort: number; sinkPort: number }));
    child.once('exit', (code) => reject(new Error(`broker process exited with ${code}`)));
  });
  return { child, ...ports };
}

async function main(): Promise<void> {
  const mib = sizeMiB();
  const root = mkdtempSync(join(tmpdir(), 'ferry-bench-broker-'));
  const load = loadavg();
  const { child, brokerPort, sinkPort } = await startChild(root);
  const bootstrap = `127.0.0.1:${brokerPort}`;
  const kafka = new Kafka({ clientId: 'bench-admin', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let client: ClusterClient | undefined;
  try {
    const cases: Case[] = [];
    for (const r of RECORD_SIZES) for (const b of BATCH_SIZES) cases.push(buildCase(r, b));
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [...cases.map((c) => c.topic), 'bench-latency', 'bench-kafkajs-100', 'bench-kafkajs-1024'].map(
        (topic) => ({ topic, numPartitions: 1, replicationFactor: 1 }),
      ),
    });
    client = await ClusterClient.connect({ bootstrapServers: bootstrap, clientId: 'bench' });
    const countFor = (c: Case) => Math.max(1, Math.floor((mib * 1024 * 1024) / c.batches[0]!.length));

    const big = cases.find((c) => c.recordBytes === 1024 && c.batchBytes === 64 * 1024)!;
    const rawDiskMBps = rawDiskWrite(root, big.batches, countFor(big));
    const loopbackMBps: Record<string, number> = {};
    for (const b of BATCH_SIZES) {
      const c = cases.find((x) => x.recordBytes === 1024 && x.batchBytes === b)!;
      loopbackMBps[`${b / 1024}KiB`] = await loopback(sinkPort, c.batches, countFor(c));
    }

    const produce = [];
    for (const c of cases) {
      const count = countFor(c);
      await client.produce(c.topic, 0, c.batches[0]!, { acks: 1, timeoutMs: 30_000 }); // connection warm
      const pr = await withCpu(child, () => produceCase(client!, c, count));
      const { s, bytes } = pr;
      const f = await withCpu(child, () => fetchAll(client!, c.topic, (count + 1) * c.recordsPerBatch));
      produce.push({
        recordBytes: c.recordBytes,
        batchBytes: c.batches[0]!.length,
        recordsPerBatch: c.recordsPerBatch,
        batches: count,
        recordsPerSec: (count * c.recordsPerBatch) / s,
        produceMBps: mb(bytes, s),
        fetchMBps: mb(f.bytes, f.s),
        produceVsLoopback: mb(bytes, s) / loopbackMBps[`${c.batchBytes / 1024}KiB`]!,
        produceVsRawDisk: mb(bytes, s) / rawDiskMBps,
        fetchVsLoopback: mb(f.bytes, f.s) / loopbackMBps[`${c.batchBytes / 1024}KiB`]!,
        produceCores: { broker: pr.brokerCores, client: pr.clientCores },
        fetchCores: { broker: f.brokerCores, client: f.clientCores },
        // What one full core of broker would do, from the broker's CPU time per byte: load-independent.
        producePerBrokerCoreMBps: mb(bytes, pr.brokerCpuS),
        fetchPerBrokerCoreMBps: mb(f.bytes, f.brokerCpuS),
      });
    }

    const small = cases.find((c) => c.recordBytes === 100 && c.batchBytes === 16 * 1024)!;
    const peak100 = produce.find((p) => p.recordBytes === 100 && p.batchBytes === small.batches[0]!.length)!;
    await brokerStats(child);
    const lat = {
      ...(await latency(
        client,
        { ...small, topic: 'bench-latency' },
        peak100.recordsPerSec * latencyFraction(),
      )),
      brokerLoopDelay: await brokerStats(child).then((b) => ({
        p99Ms: b.loopDelayP99Ms,
        maxMs: b.loopDelayMaxMs,
      })),
    };

    const kafkajs = {
      '100B': await kafkajsProduce(bootstrap, 'bench-kafkajs-100', small),
      '1KiB': await kafkajsProduce(
        bootstrap,
        'bench-kafkajs-1024',
        cases.find((c) => c.recordBytes === 1024 && c.batchBytes === 16 * 1024)!,
      ),
    };

    const best100 = Math.max(...produce.filter((p) => p.recordBytes === 100).map((p) => p.recordsPerSec));
    const best1k = Math.max(...produce.filter((p) => p.recordBytes === 1024).map((p) => p.produceMBps));
    const result = {
      bench: 'broker',
      mibPerCase: mib,
      pipeline: PIPELINE,
      brokerIn: 'child process',
      rawDiskWriteMBps: rawDiskMBps,
      loopbackMBps,
      produce,
      latencyFraction: latencyFraction(),
      latency: lat,
      kafkajs,
      goals: {
        records100PerSec: { goal: 1_000_000, best: best100, met: best100 >= 1_000_000 },
        MBps1KiB: { goal: 400, best: best1k, met: best1k >= 400 },
        p99Ms: { goal: 5, atFraction: latencyFraction(), value: lat.p99Ms, met: lat.p99Ms <= 5 },
      },
      machine: { cpus: cpus().length, arch: arch(), node: process.version, loadavg: load },
    };
    const f0 = (n: number) => n.toFixed(0);
    const f2 = (n: number) => n.toFixed(2);
    const cols = produce
      .map(
        (p) =>
          `${p.recordBytes} B/${(p.batchBytes / 1024).toFixed(0)} KiB: ${f0(p.recordsPerSec)} rec/s ${f0(p.produceMBps)} MB/s ` +
          `(${f2(p.produceVsLoopback)}x loopback, ${f2(p.produceVsRawDisk)}x disk; cores broker ${f2(p.produceCores.broker)} ` +
          `client ${f2(p.produceCores.client)}; ${f0(p.producePerBrokerCoreMBps)} MB/s per broker core), ` +
          `fetch ${f0(p.fetchMBps)} MB/s (${f0(p.fetchPerBrokerCoreMBps)} MB/s per broker core)`,
      )
      .join('; ');
    console.log(
      `broker: raw disk ${f0(rawDiskMBps)} MB/s, loopback ${Object.entries(loopbackMBps)
        .map(([k, v]) => `${k} ${f0(v)}`)
        .join(' / ')} MB/s | produce ${cols} | latency at ${f0(lat.actualRecordsPerSec)} rec/s: ` +
        `p50 ${f2(lat.p50Ms)} ms, p99 ${f2(lat.p99Ms)} ms (from 0.5 s: ${f2(lat.p99FromHalfSecondMs)} ms; event-loop delay p99 client ${f2(lat.clientLoopDelayP99Ms)} ms, broker ${f2(lat.brokerLoopDelay.p99Ms)} ms, max ${f0(lat.brokerLoopDelay.maxMs)} ms) | kafkajs ${f0(kafkajs['100B'].recordsPerSec)} rec/s (100 B), ` +
        `${f0(kafkajs['1KiB'].MBps)} MB/s (1 KiB) | load ${load.map(f2).join(' ')}`,
    );
    console.log(JSON.stringify(result));
  } finally {
    client?.close();
    await admin.disconnect().catch(() => undefined);
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.send({ cmd: 'stop' });
    });
    rmSync(root, { recursive: true, force: true });
  }
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) {
  await serve(process.argv[serveAt + 1]!);
} else {
  await main();
}
