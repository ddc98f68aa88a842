/**
 * The mirror's throughput and record age against a kafkajs consume→produce loop and a kcat pipe, in the same
 * run, between two embedded clusters.
 *
 *   npm run bench:mirror                     256 MB of record payload per case
 *   npx tsx bench/mirror.ts --mb 16          a quicker run (or FERRY_BENCH_MB=16)
 *   npx tsx bench/mirror.ts --partitions 4   source partitions (default 6)
 *   npx tsx bench/mirror.ts --latency-fraction 0.25   the record-age phase at a quarter of Ferry's peak
 *   FERRY_BENCH_PROF=/tmp/prof npm run bench:mirror   every process writes a --cpu-prof profile there
 *   npx tsx bench/mirror.ts --page-cache-mb 0   no page-cache cap (FERRY_BENCH_PAGE_CACHE_MB=0): see below
 *   npx tsx bench/mirror.ts --cases 1024-none --ferry-only --age-rate 80000   while iterating: some cases, no
 *                                            baselines (their ratios print as NaN), a fixed record-age rate
 *
 * Processes: east and west are each an EmbeddedCluster of one broker in a child process of this script, so the
 * copiers take no CPU from the brokers' event loops and the brokers not from each other. Ferry's mirror copies
 * here; the kafkajs baseline runs in a child of its own and kcat in its own processes, so neither shares the
 * mirror's heap or event loop; the record-age load (paced producer on east, reader on west) runs in another
 * child. Data under one temp dir, removed at the end. All of them run in one memory cgroup that caps the page
 * cache (bench/page-cache-cap.ts: 4096 MB by default, `--page-cache-mb 0` for none), so that the brokers write
 * into reclaimed pages as on a host whose page cache is full; the output says whether the cap was in force.
 *
 * Cases: 100 B and 1 KiB values (8-byte ASCII keys, JSON-like ASCII values: no tab, no newline), uncompressed
 * and snappy. Each case's source topic (PARTITIONS partitions) is filled beforehand with pre-encoded 64 KiB
 * batches (uncompressed size; snappy ones encoded with encodeRecordBatchSync) through the raw client, round
 * robin over the partitions, until MB of record payload (key + value bytes). Then three copies of it, one at a
 * time, each to a fresh topic on west with the same partition count:
 *   ferry     one MirrorTaskRunner (one worker) over all partitions, policy `default` (`east.<topic>`), its
 *             default settings (acks=all, 5 batches in flight per partition, coalesced into one Produce per turn
 *             with the other partitions' (CoalescingProducer), 4 fetches read ahead, offset
 *             syncs every 100 offsets into a per-case syncs topic on east); timed from start() until the
 *             task's acknowledged target end equals the source's log end on every partition
 *   kafkajs   kafkajs 2.2: one consumer (fromBeginning, default fetch sizes), eachBatch → one producer's
 *             `send` of the batch's messages (key, value, timestamp) to the same partition, acks=all, snappy
 *             for the snappy case (kafkajs-snappy); timed from the first eachBatch call (the group join is
 *             left out: generous to the baseline) until the target's log ends add up to the record count, or
 *             BASELINE_MAX_S (then the rate is that of the records copied so far); CPU is the child's during
 *             the copy
 *   kcat      `kcat -C -b east -t T -o beginning -e -q -f '%k\t%s\n' | kcat -P -b west -t T2 -K '\t'`
 *             (`-z snappy` on the producer for the snappy case), librdkafka's defaults otherwise (acks=all);
 *             partitioned by key (librdkafka's partitioner), not by source partition; timed from the spawn
 *             until the target's log ends add up to the record count (or BASELINE_MAX_S, as above); CPU
 *             from bash's `times` (from /proc when capped)
 * MB/s counts record payload (key + value, uncompressed); the source log's bytes per second are in the JSON.
 * Each copy also reports the CPU seconds of every process (`cores` = CPU s / wall s): on a shared two-core
 * machine the share each got says what limited it.
 *
 * Record age: a topic of PARTITIONS partitions mirrored by a running MirrorTaskRunner; the load child sends
 * 1 KiB records in batches of the peak's shape (62 records, 64 KiB) to east (raw client, acks=1, round robin,
 * paced on a 1 ms timer) at LATENCY_FRACTION of Ferry's peak rec/s in the 1 KiB uncompressed case, every batch
 * stamped with its send time (baseTimestamp = maxTimestamp = Date.now(), record deltas 0, CRC rewritten), and
 * reads `east.<topic>` on west (one Fetch of all partitions at a time, min_bytes 1, max_wait 500 ms): age =
 * arrival - the batch's timestamp, over 10 s after 2 s of warm-up. The mirror's own record-age-ms gauge (ack
 * time - maxTimestamp) is sampled here every 5 ms, counting the batches sent in the same window; with it the
 * event-loop delay (p99 and max) of the mirror and of both brokers, the CPU (in cores) of the load, the mirror and
 * both brokers over the window, the whole machine's user, system and idle cores over it (/proc/stat: the
 * kernel's writeback and reclaim show there and in no process), and the mirror's RSS at the window's open and
 * close. Prints a human line and a JSON line.
 */
import './ferry-heap.js';
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Admin, CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { ClusterClient } from '../src/client/index.js';
import { EmbeddedCluster } from '../src/cluster/embedded-cluster.js';
import { loadConfig } from '../src/common/config/index.js';
import { createRootLogger } from '../src/common/logger.js';
import { MirrorTaskRunner } from '../src/mirror/mirror-task.js';
import { createReplicationPolicy } from '../src/mirror/replication-policy.js';
import {
  BASE_TIMESTAMP_OFFSET,
  baseTimestamp,
  CompressionType,
  encodeRecordBatchSync,
  lastOffset,
  MAX_TIMESTAMP_OFFSET,
  recordBatchSpans,
  rewriteBatchCrc,
  writeInt64,
} from '../src/protocol/records/index.js';
import { describePageCacheCap, pageCacheCap } from './page-cache-cap.js';

const RECORD_SIZES = [100, 1024] as const;
const COMPRESSIONS = ['none', 'snappy'] as const;
type Codec = (typeof COMPRESSIONS)[number];
const KEY_BYTES = 8;
const FILL_BATCH_BYTES = 64 * 1024;
const POOL = 8;
const FILL_PIPELINE = 16;
const POLL_MS = 10;
const COPY_TIMEOUT_MS = 300_000;
/** The peak's batch shape (62 × 1 KiB): half load is then half the peak's batch rate as well as its record rate. */
const LATENCY_BATCH_RECORDS = Math.floor(FILL_BATCH_BYTES / (1024 + KEY_BYTES + 10));
/** A baseline copy stops here and its rate is taken from the records copied so far (keeps a run short). */
const BASELINE_MAX_S = 15;
const LATENCY_S = 10;
const WARMUP_MS = 2000;
const MAX_BURST_MS = 10;
const GOALS = { MBps1KiB: 100, vsKafkajs: 5, vsKcat: 2, ageP99Ms: 50 };

interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}
const require = createRequire(import.meta.url);
// kafkajs is CommonJS and its ESM face lacks CompressionCodecs; require reaches the same module instance.
const { CompressionCodecs } = require('kafkajs') as {
  CompressionCodecs: Record<number, () => KafkajsCodec>;
};
CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy') as () => KafkajsCodec;

/** `--cases 100-none,1024-snappy`: the cases to run, as `<record bytes>-<codec>`; all when absent. */
function caseFilter(): Set<string> | undefined {
  const i = process.argv.indexOf('--cases');
  const raw = i >= 0 ? process.argv[i + 1] : process.env.FERRY_BENCH_CASES;
  return raw === undefined ? undefined : new Set(raw.split(','));
}

function flag(name: string, env: string, fallback: number, max = Number.POSITIVE_INFINITY): number {
  const i = process.argv.indexOf(name);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[env];
  const n = raw === undefined ? fallback : Number(raw);
  if (!(n > 0 && n <= max)) throw new Error(`bad ${name} ${raw}; expected a positive number up to ${max}`);
  return n;
}

const seconds = (t: number) => (performance.now() - t) / 1000;
const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'order',
  'created',
  'shipped',
  'paid',
  'refund',
  'cart',
  'user',
  'session',
  'click',
  'view',
  'search',
  'amount',
  'currency',
  'EUR',
  'USD',
  'warehouse',
  'east',
  'west',
  'status',
  'pending',
  'done',
  'item',
  'price',
  'quantity',
  'discount',
  'coupon',
  'address',
  'city',
  'country',
  'mobile',
  'desktop',
  'tablet',
];

/** A JSON-like ASCII value of exactly `bytes` bytes: no tab or newline, so kcat's text pipe carries it. */
function jsonValue(rand: () => number, seq: number, bytes: number): Buffer {
  let s = `{"seq":${seq},"user":"u${Math.floor(rand() * 100000)}","event":"${WORDS[Math.floor(rand() * 32)]}","data":"`;
  while (s.length < bytes - 2) s += `${WORDS[Math.floor(rand() * 32)]} ${Math.floor(rand() * 1000)} `;
  s = `${s.slice(0, bytes - 2)}"}`;
  return Buffer.from(s, 'ascii');
}

// ---------------------------------------------------------------- children: a cluster, and the record-age load

async function serveCluster(name: string, dataDir: string): Promise<void> {
  const cluster = await EmbeddedCluster.start({
    name,
    brokers: 1,
    basePort: 0,
    dataDir,
    config: loadConfig({
      env: {},
      overrides: { 'offsets.topic.num.partitions': 1, 'group.initial.rebalance.delay.ms': 0 },
    }),
    // Warnings and errors to stderr: a broker that closes a client's connection says why (a run once failed
    // with ECONNRESET on the load process's produce connection, with nothing to tell the cause).
    logger: createRootLogger({ level: 'warn', pretty: false }),
  });
  // The broker's event-loop delay, reset when the record-age window opens: a stalled broker shows here.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'stats')
      process.send?.({
        cpuUs: process.cpuUsage(),
        loop: { p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 },
      });
    if (m.cmd === 'loop-reset') loop.reset();
    if (m.cmd === 'stop')
      cluster.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
  process.send?.({ bootstrap: cluster.bootstrap });
}

interface LoadParams {
  east: string;
  west: string;
  topic: string;
  remoteTopic: string;
  partitions: number;
  recordsPerSec: number;
}

interface LoadResult {
  targetRecordsPerSec: number;
  actualRecordsPerSec: number;
  batches: number;
  skippedBatches: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  loopDelayP99Ms: number;
  /** The load process's CPU over its measured window, in cores (CPU s / wall s). */
  cores: number;
  /** Date.now() when the measured window opened: batches sent from then on count. */
  windowStartMs: number;
}

async function serveLoad(params: LoadParams): Promise<void> {
  const east = await ClusterClient.connect({ bootstrapServers: params.east, clientId: 'bench-load' });
  const west = await ClusterClient.connect({ bootstrapServers: params.west, clientId: 'bench-age' });
  const rand = mulberry32(7);
  const now = Date.now();
  const pool = Array.from({ length: POOL }, (_, b) =>
    encodeRecordBatchSync({
      records: Array.from({ length: LATENCY_BATCH_RECORDS }, (_, r) => ({
        key: Buffer.from(`k${String(b * 100 + r).padStart(KEY_BYTES - 1, '0')}`),
        value: jsonValue(rand, r, 1024),
        timestamp: now,
      })),
    }),
  );
  const batchesPerMs = params.recordsPerSec / LATENCY_BATCH_RECORDS / 1000;
  const samples: number[] = [];
  let produced = 0;
  let skipped = 0;
  let producing = true;
  let failure: unknown;
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const t0 = performance.now();
  const wallStart = Date.now();
  let windowT0: number | undefined;
  let windowCpu: NodeJS.CpuUsage | undefined;
  const reader = (async () => {
    const offsets = new Array<number>(params.partitions).fill(0);
    let seen = 0;
    while ((producing || seen < produced) && failure === undefined) {
      const results = await west.fetch(
        offsets.map((fetchOffset, partition) => ({
          topic: params.remoteTopic,
          partition,
          fetchOffset,
          maxBytes: 1024 * 1024,
        })),
        { maxWaitMs: 500, minBytes: 1 },
      );
      const arrived = Date.now();
      results.forEach((r, partition) => {
        if (r.error) throw r.error;
        for (const [pos] of recordBatchSpans(r.records)) {
          const sentAt = baseTimestamp(r.records, pos);
          if (sentAt - wallStart >= WARMUP_MS) samples.push(arrived - sentAt);
          offsets[partition] = lastOffset(r.records, pos) + 1;
          seen++;
        }
      });
    }
  })();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - t0;
      if (windowT0 === undefined && elapsed >= WARMUP_MS) {
        windowT0 = performance.now();
        windowCpu = process.cpuUsage();
      }
      if (elapsed >= (LATENCY_S + WARMUP_MS / 1000) * 1000 || failure !== undefined) {
        producing = false;
        resolve();
        return;
      }
      // A producer that fell behind (a stalled event loop) sends at most MAX_BURST_MS worth at once.
      const due = Math.floor(elapsed * batchesPerMs) + 1;
      const burst = Math.ceil(MAX_BURST_MS * batchesPerMs);
      if (due - produced - skipped > burst) skipped = due - produced - burst;
      while (produced + skipped < due) {
        const batch = Buffer.from(pool[produced % POOL]!);
        const sentAt = Date.now();
        writeInt64(batch, BASE_TIMESTAMP_OFFSET, sentAt);
        writeInt64(batch, MAX_TIMESTAMP_OFFSET, sentAt);
        rewriteBatchCrc(batch);
        const partition = produced % params.partitions;
        produced++;
        east.produce(params.topic, partition, batch, { acks: 1, timeoutMs: 30_000 }).catch((err: unknown) => {
          failure = err;
        });
      }
      setTimeout(tick, 1);
    };
    tick();
  });
  await reader;
  loopDelay.disable();
  if (failure !== undefined) throw failure;
  samples.sort((a, b) => a - b);
  const result: LoadResult = {
    targetRecordsPerSec: params.recordsPerSec,
    actualRecordsPerSec: (produced * LATENCY_BATCH_RECORDS) / seconds(t0),
    batches: samples.length,
    skippedBatches: skipped,
    p50Ms: percentile(samples, 0.5),
    p99Ms: percentile(samples, 0.99),
    maxMs: samples[samples.length - 1] ?? Number.NaN,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    cores: cpuSeconds(process.cpuUsage(windowCpu)) / ((performance.now() - (windowT0 ?? t0)) / 1000),
    windowStartMs: wallStart + WARMUP_MS,
  };
  east.close();
  west.close();
  process.send?.(result, () => process.exit(0));
}

// ---------------------------------------------------------------- parent: fill, copy three ways, record age

interface Child {
  proc: ChildProcess;
  bootstrap: string;
}

function childExecArgv(): string[] {
  const execArgv = [...process.execArgv];
  const prof = process.env.FERRY_BENCH_PROF;
  if (prof) execArgv.push('--cpu-prof', `--cpu-prof-dir=${prof}`);
  return execArgv;
}

/**
 * A child of this script in the role `args` name, and its first message; that promise rejects if the child exits
 * first. Await it in the same turn, or an early exit is an unhandled rejection.
 */
function forkChild<T>(args: string[], what: string): { proc: ChildProcess; first: Promise<T> } {
  const proc = fork(process.argv[1]!, args, { execArgv: childExecArgv() });
  const first = new Promise<T>((resolve, reject) => {
    proc.once('message', (m) => resolve(m as T));
    proc.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  });
  return { proc, first };
}

async function startCluster(name: string, root: string): Promise<Child> {
  const { proc, first } = forkChild<{ bootstrap: string }>(
    ['--serve-cluster', name, join(root, name)],
    `cluster ${name}`,
  );
  return { proc, bootstrap: (await first).bootstrap };
}

interface LoopDelay {
  p99Ms: number;
  maxMs: number;
}

function childStats(child: Child): Promise<{ cpuUs: NodeJS.CpuUsage; loop: LoopDelay }> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      const stats = m as { cpuUs?: NodeJS.CpuUsage; loop: LoopDelay };
      if (stats.cpuUs === undefined) return;
      child.proc.off('message', onMessage);
      resolve({ cpuUs: stats.cpuUs, loop: stats.loop });
    };
    child.proc.on('message', onMessage);
    child.proc.send({ cmd: 'stats' });
  });
}

const childCpu = async (child: Child) => cpuSeconds((await childStats(child)).cpuUs);

interface CaseData {
  recordBytes: number;
  codec: Codec;
  topic: string;
  records: number;
  payloadBytes: number;
  logBytes: number;
}

async function fill(
  client: ClusterClient,
  topic: string,
  partitions: number,
  recordBytes: number,
  codec: Codec,
  mb: number,
): Promise<CaseData> {
  const rand = mulberry32(recordBytes);
  const perBatch = Math.floor(FILL_BATCH_BYTES / (recordBytes + KEY_BYTES + 10));
  const now = Date.now();
  const pool = Array.from({ length: POOL }, (_, b) =>
    encodeRecordBatchSync({
      compression: codec === 'snappy' ? CompressionType.Snappy : CompressionType.None,
      records: Array.from({ length: perBatch }, (_, r) => ({
        key: Buffer.from(`k${String(b * perBatch + r).padStart(KEY_BYTES - 1, '0')}`),
        value: jsonValue(rand, b * perBatch + r, recordBytes),
        timestamp: now,
      })),
    }),
  );
  const batchPayload = perBatch * (recordBytes + KEY_BYTES);
  const count = Math.max(partitions, Math.ceil((mb * 1e6) / batchPayload));
  let sent = 0;
  let done = 0;
  let logBytes = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (sent < count && sent - done < FILL_PIPELINE) {
        const records = pool[sent % POOL]!;
        logBytes += records.length;
        const partition = sent % partitions;
        sent++;
        client.produce(topic, partition, records, { acks: 1, timeoutMs: 30_000 }).then(() => {
          done++;
          if (done === count) resolve();
          else pump();
        }, reject);
      }
    };
    pump();
  });
  return {
    recordBytes,
    codec,
    topic,
    records: count * perBatch,
    payloadBytes: count * batchPayload,
    logBytes,
  };
}

async function logEnds(client: ClusterClient, topic: string, partitions: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: partitions }, (_, p) =>
      client.listOffsets(topic, p, 'latest').then((r) => r.offset),
    ),
  );
}

/** Polls the target's log ends until they add up to `total` or `deadline` passes; the records there then. */
async function waitForTotal(
  client: ClusterClient,
  topic: string,
  partitions: number,
  total: number,
  deadline: number,
): Promise<number> {
  for (;;) {
    const ends = await logEnds(client, topic, partitions);
    const sum = ends.reduce((a, b) => a + b, 0);
    if (sum >= total || performance.now() > deadline) return sum;
    await sleep(POLL_MS);
  }
}

interface CopyTiming {
  s: number;
  /** Records on the target when the clock stopped (fewer than the source's when a baseline hit its cap). */
  copied: number;
  /** CPU seconds of the copier's processes (this one, or both kcats) during the copy. */
  copierCpuS: number;
  eastCpuS: number;
  westCpuS: number;
}

async function withCpu(
  east: Child,
  west: Child,
  copy: () => Promise<{ s: number; copied: number; externalCpuS?: number }>,
): Promise<CopyTiming> {
  const e0 = await childCpu(east);
  const w0 = await childCpu(west);
  const c0 = process.cpuUsage();
  const r = await copy();
  const copierCpuS = r.externalCpuS ?? cpuSeconds(process.cpuUsage(c0));
  const e1 = await childCpu(east);
  const w1 = await childCpu(west);
  return { s: r.s, copied: r.copied, copierCpuS, eastCpuS: e1 - e0, westCpuS: w1 - w0 };
}

async function copyFerry(
  data: CaseData,
  partitions: number,
  bootstraps: Record<string, string>,
  syncsTopic: string,
): Promise<{ s: number; copied: number }> {
  const ends = await logEnds(await sourceClient(bootstraps.east!), data.topic, partitions);
  const runner = new MirrorTaskRunner({
    task: {
      taskId: `bench-${data.topic}`,
      flowId: 'east->west',
      sourceAlias: 'east',
      targetAlias: 'west',
      partitions: Array.from({ length: partitions }, (_, partition) => ({ topic: data.topic, partition })),
    },
    clusterClientOptions: (alias) => ({ bootstrapServers: bootstraps[alias]!, clientId: 'bench-mirror' }),
    policy: createReplicationPolicy('default'),
    offsetSyncsTopic: syncsTopic,
  });
  const t = performance.now();
  await runner.start();
  const deadline = t + COPY_TIMEOUT_MS;
  while (!runner.metrics().every((m, p) => m.targetNextOffset >= ends[p]!)) {
    if (performance.now() > deadline) throw new Error(`ferry did not copy ${data.topic}`);
    await sleep(1);
  }
  const s = seconds(t);
  await runner.stop();
  return { s, copied: data.records };
}

let eastClientForEnds: ClusterClient | undefined;
async function sourceClient(bootstrap: string): Promise<ClusterClient> {
  eastClientForEnds ??= await ClusterClient.connect({ bootstrapServers: bootstrap, clientId: 'bench-ends' });
  return eastClientForEnds;
}

interface KafkajsParams {
  readonly data: Pick<CaseData, 'topic' | 'codec' | 'records'>;
  readonly partitions: number;
  readonly bootstraps: Record<string, string>;
}

interface KafkajsResult {
  s: number;
  copied: number;
  fromRunS: number;
  /** CPU seconds of the kafkajs process during the copy (its start-up excluded). */
  externalCpuS: number;
}

/**
 * The kafkajs baseline in a process of its own, as the kcat pipe is: in this one its garbage (kafkajs allocates
 * JavaScript objects per record) would stay in the heap that the next case's mirror runs with.
 */
async function copyKafkajsInChild(params: KafkajsParams): Promise<KafkajsResult> {
  return forkChild<KafkajsResult>(['--serve-kafkajs', JSON.stringify(params)], 'kafkajs process').first;
}

async function serveKafkajs(params: KafkajsParams): Promise<void> {
  const westClient = await ClusterClient.connect({
    bootstrapServers: params.bootstraps.west!,
    clientId: 'bench-kjs-ends',
  });
  const c0 = process.cpuUsage();
  const r = await copyKafkajs(params.data, params.partitions, params.bootstraps, westClient);
  const result: KafkajsResult = { ...r, externalCpuS: cpuSeconds(process.cpuUsage(c0)) };
  westClient.close();
  process.send?.(result, () => process.exit(0));
}

async function copyKafkajs(
  data: KafkajsParams['data'],
  partitions: number,
  bootstraps: Record<string, string>,
  westClient: ClusterClient,
): Promise<{ s: number; copied: number; fromRunS: number }> {
  const source = new Kafka({
    clientId: 'bench-kjs',
    brokers: [bootstraps.east!],
    logLevel: logLevel.NOTHING,
  });
  const target = new Kafka({
    clientId: 'bench-kjs',
    brokers: [bootstraps.west!],
    logLevel: logLevel.NOTHING,
  });
  const consumer = source.consumer({ groupId: `bench-kjs-${data.topic}` });
  const producer = target.producer({ allowAutoTopicCreation: false });
  const remote = `kafkajs.${data.topic}`;
  const compression = data.codec === 'snappy' ? CompressionTypes.Snappy : CompressionTypes.None;
  await consumer.connect();
  await producer.connect();
  await consumer.subscribe({ topic: data.topic, fromBeginning: true });
  let first: number | undefined;
  let failure: unknown;
  const run0 = performance.now();
  await consumer.run({
    eachBatch: async ({ batch }) => {
      first ??= performance.now();
      try {
        await producer.send({
          topic: remote,
          acks: -1,
          compression,
          messages: batch.messages.map((m) => ({
            key: m.key,
            value: m.value,
            timestamp: m.timestamp,
            partition: batch.partition,
          })),
        });
      } catch (err) {
        failure = err;
        throw err;
      }
    },
  });
  while (first === undefined && failure === undefined) await sleep(POLL_MS);
  const copied = await waitForTotal(
    westClient,
    remote,
    partitions,
    data.records,
    (first ?? run0) + BASELINE_MAX_S * 1000,
  );
  const end = performance.now();
  await consumer.disconnect();
  await producer.disconnect();
  if (failure !== undefined) throw failure;
  return { s: (end - (first ?? run0)) / 1000, copied, fromRunS: (end - run0) / 1000 };
}

async function copyKcat(
  data: CaseData,
  partitions: number,
  bootstraps: Record<string, string>,
  westClient: ClusterClient,
): Promise<{ s: number; copied: number; externalCpuS: number }> {
  const remote = `kcat.${data.topic}`;
  const z = data.codec === 'snappy' ? ' -z snappy' : '';
  const pipe =
    `kcat -C -b ${bootstraps.east} -t ${data.topic} -o beginning -e -q -f '%k\\t%s\\n' | ` +
    `kcat -P -b ${bootstraps.west} -t ${remote} -K '\\t'${z}; times`;
  const t = performance.now();
  const proc = spawn('bash', ['-c', pipe], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const deadline = t + BASELINE_MAX_S * 1000;
  let copied = 0;
  while (copied < data.records && performance.now() <= deadline) {
    copied = await waitForTotal(westClient, remote, partitions, data.records, performance.now());
    if (exitCode !== undefined && exitCode !== 0)
      throw new Error(`kcat pipe exited with ${exitCode}: ${err}`);
    if (copied < data.records) await sleep(POLL_MS);
  }
  const s = seconds(t);
  if (copied < data.records) {
    // Capped: the kcats' CPU so far from /proc (clock ticks, 100 per second), then stop them.
    const kids = readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8').trim().split(/\s+/);
    let ticks = 0;
    for (const pid of kids.filter(Boolean)) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    process.kill(-proc.pid!, 'SIGTERM');
    await exited;
    return { s, copied, externalCpuS: ticks / 100 };
  }
  await exited;
  // bash's `times`: the shell's own user/sys, then its children's (both kcats).
  const parts = [...out.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { s, copied, externalCpuS: (parts[2] ?? Number.NaN) + (parts[3] ?? Number.NaN) };
}

async function createTopics(admin: Admin, topics: string[], partitions: number): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
  });
}

function summarise(data: CaseData, t: CopyTiming) {
  const share = t.copied / data.records;
  return {
    seconds: t.s,
    copiedRecords: t.copied,
    capped: t.copied < data.records,
    MBps: (data.payloadBytes * share) / 1e6 / t.s,
    logMBps: (data.logBytes * share) / 1e6 / t.s,
    recordsPerSec: t.copied / t.s,
    cores: { copier: t.copierCpuS / t.s, east: t.eastCpuS / t.s, west: t.westCpuS / t.s },
    /** Payload MB/s one whole core of the copier would give at its CPU cost per byte. */
    perCopierCoreMBps: (data.payloadBytes * share) / 1e6 / t.copierCpuS,
  };
}

/** The machine's CPU time so far, in ticks (/proc/stat's first line). */
interface MachineCpuTicks {
  readonly user: number;
  readonly system: number;
  readonly idle: number;
  readonly total: number;
}

/** undefined where there is no /proc/stat. */
function machineCpuTicks(): MachineCpuTicks | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // user nice system idle iowait irq softirq steal …; iowait counts as idle, irq and softirq as system.
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    return {
      user: user + nice,
      system: system + irq + softirq,
      idle: idle + iowait,
      total: user + nice + system + idle + iowait + irq + softirq + steal,
    };
  } catch {
    return undefined;
  }
}

/**
 * The whole machine's busy cores over the window (user and system, of all processes and the kernel's threads),
 * beside the bench's own processes: what is left idle says how close to saturation the run was.
 */
function machineCores(open: MachineCpuTicks | undefined, close: MachineCpuTicks | undefined) {
  if (open === undefined || close === undefined) return undefined;
  const n = cpus().length;
  const total = close.total - open.total;
  const share = (ticks: number) => (total > 0 ? (ticks / total) * n : Number.NaN);
  return {
    user: share(close.user - open.user),
    system: share(close.system - open.system),
    idle: share(close.idle - open.idle),
  };
}

async function recordAge(
  clusters: { east: Child; west: Child },
  bootstraps: Record<string, string>,
  eastAdmin: Admin,
  westAdmin: Admin,
  partitions: number,
  recordsPerSec: number,
) {
  const topic = 'bench-age';
  const remoteTopic = `east.${topic}`;
  await createTopics(eastAdmin, [topic, 'bench-syncs-age'], partitions);
  await createTopics(westAdmin, [remoteTopic], partitions);
  let resumed = 0;
  const runner = new MirrorTaskRunner({
    task: {
      taskId: 'bench-age',
      flowId: 'east->west',
      sourceAlias: 'east',
      targetAlias: 'west',
      partitions: Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
    },
    clusterClientOptions: (alias) => ({ bootstrapServers: bootstraps[alias]!, clientId: 'bench-mirror' }),
    policy: createReplicationPolicy('default'),
    offsetSyncsTopic: 'bench-syncs-age',
    hooks: {
      onResumed: () => {
        resumed++;
      },
    },
  });
  await runner.start();
  while (resumed < partitions) await sleep(5);
  const params: LoadParams = {
    east: bootstraps.east!,
    west: bootstraps.west!,
    topic,
    remoteTopic,
    partitions,
    recordsPerSec,
  };
  const load = forkChild<LoadResult>(['--serve-load', JSON.stringify(params)], 'load process');
  /** [when the batch was sent (its timestamp), its record age at the mirror's acknowledgement]. */
  const gauge: [number, number][] = [];
  const seenBatches = new Array<number>(partitions).fill(0);
  const t0 = performance.now();
  const mirrorLoop = monitorEventLoopDelay({ resolution: 1 });
  let windowOpen = false;
  let memoryAtOpen = process.memoryUsage();
  // CPU of every process over the window, in cores: five processes share this machine's cores.
  let mirrorCpuAtOpen: NodeJS.CpuUsage | undefined;
  let windowOpenedAt = 0;
  let brokersCpuAtOpen: Promise<[number, number]> | undefined;
  let machineAtOpen: MachineCpuTicks | undefined;
  const sampler = setInterval(() => {
    if (performance.now() - t0 < WARMUP_MS) return;
    if (!windowOpen) {
      // Event-loop delay over the same window in the mirror and in both brokers, so a tail has a culprit.
      windowOpen = true;
      memoryAtOpen = process.memoryUsage();
      mirrorLoop.enable();
      for (const c of [clusters.east, clusters.west]) c.proc.send({ cmd: 'loop-reset' });
      windowOpenedAt = performance.now();
      mirrorCpuAtOpen = process.cpuUsage();
      machineAtOpen = machineCpuTicks();
      brokersCpuAtOpen = Promise.all([childCpu(clusters.east), childCpu(clusters.west)]);
    }
    runner.metrics().forEach((m, p) => {
      if (m.batchesMirrored !== seenBatches[p]) {
        seenBatches[p] = m.batchesMirrored;
        const now = Date.now();
        gauge.push([now - m.recordAgeMs, m.recordAgeMs]);
      }
    });
  }, 5);
  const result = await load.first;
  clearInterval(sampler);
  mirrorLoop.disable();
  const memoryAtClose = process.memoryUsage();
  // The mirror's memory across the window: a task that kept what it mirrored grew by the load's bytes.
  const mirrorMemoryMB = {
    rssAtOpen: memoryAtOpen.rss / 1e6,
    rssAtClose: memoryAtClose.rss / 1e6,
    arrayBuffersAtClose: memoryAtClose.arrayBuffers / 1e6,
  };
  if (mirrorCpuAtOpen === undefined || brokersCpuAtOpen === undefined)
    throw new Error('the load ended before the record-age window opened');
  const windowS = (performance.now() - windowOpenedAt) / 1000;
  const mirrorCpuS = cpuSeconds(process.cpuUsage(mirrorCpuAtOpen));
  // One stats answer per broker at the close gives both its CPU and its event-loop delay.
  const [eastAtClose, westAtClose] = await Promise.all([
    childStats(clusters.east),
    childStats(clusters.west),
  ]);
  const [eastAtOpen, westAtOpen] = await brokersCpuAtOpen;
  const cores = {
    load: result.cores,
    mirror: mirrorCpuS / windowS,
    east: (cpuSeconds(eastAtClose.cpuUs) - eastAtOpen) / windowS,
    west: (cpuSeconds(westAtClose.cpuUs) - westAtOpen) / windowS,
    machine: machineCores(machineAtOpen, machineCpuTicks()),
  };
  const loopDelay = {
    mirror: { p99Ms: mirrorLoop.percentile(99) / 1e6, maxMs: mirrorLoop.max / 1e6 },
    east: eastAtClose.loop,
    west: westAtClose.loop,
  };
  await runner.stop();
  // The batches the load sent within its measured window, as the load's own ages count them (the window opens
  // here earlier than in the load process, and the first ones after it carry the start-up backlog).
  const windowGauge = gauge
    .filter(([sentAt]) => sentAt >= result.windowStartMs)
    .map(([, age]) => age)
    .sort((a, b) => a - b);
  return {
    ...result,
    mirrorGauge: {
      samples: windowGauge.length,
      p50Ms: percentile(windowGauge, 0.5),
      p99Ms: percentile(windowGauge, 0.99),
    },
    loopDelay,
    cores,
    mirrorMemoryMB,
  };
}

function machineLine(m: ReturnType<typeof machineCores>): string {
  if (m === undefined) return '';
  return `, machine user/system/idle ${[m.user, m.system, m.idle].map((n) => n.toFixed(2)).join('/')}`;
}

async function main(): Promise<void> {
  const mb = flag('--mb', 'FERRY_BENCH_MB', 256);
  const partitions = flag('--partitions', 'FERRY_BENCH_PARTITIONS', 6);
  const fraction = flag('--latency-fraction', 'FERRY_BENCH_LATENCY_FRACTION', 0.5, 1);
  const ageRate = process.argv.includes('--age-rate') ? flag('--age-rate', '', 1) : undefined;
  const ferryOnly = process.argv.includes('--ferry-only');
  const only = caseFilter();
  const load = loadavg();
  const root = mkdtempSync(join(tmpdir(), 'ferry-bench-mirror-'));
  const east = await startCluster('east', root);
  const west = await startCluster('west', root);
  const bootstraps = { east: east.bootstrap, west: west.bootstrap };
  const eastAdmin = new Kafka({
    clientId: 'bench-admin',
    brokers: [east.bootstrap],
    logLevel: logLevel.NOTHING,
  }).admin();
  const westAdmin = new Kafka({
    clientId: 'bench-admin',
    brokers: [west.bootstrap],
    logLevel: logLevel.NOTHING,
  }).admin();
  let eastClient: ClusterClient | undefined;
  let westClient: ClusterClient | undefined;
  try {
    await eastAdmin.connect();
    await westAdmin.connect();
    eastClient = await ClusterClient.connect({ bootstrapServers: east.bootstrap, clientId: 'bench-fill' });
    westClient = await ClusterClient.connect({ bootstrapServers: west.bootstrap, clientId: 'bench-ends' });
    const cases = [];
    for (const recordBytes of RECORD_SIZES) {
      for (const codec of COMPRESSIONS) {
        if (only && !only.has(`${recordBytes}-${codec}`)) continue;
        const topic = `bench-${recordBytes}-${codec}`;
        const syncsTopic = `bench-syncs-${recordBytes}-${codec}`;
        await createTopics(eastAdmin, [topic], partitions);
        await createTopics(eastAdmin, [syncsTopic], 1);
        await createTopics(westAdmin, [`east.${topic}`, `kafkajs.${topic}`, `kcat.${topic}`], partitions);
        const data = await fill(eastClient, topic, partitions, recordBytes, codec, mb);
        const ferry = await withCpu(east, west, () => copyFerry(data, partitions, bootstraps, syncsTopic));
        let kjsFromRun = 0;
        const skipped = {
          s: Number.NaN,
          copied: data.records,
          copierCpuS: Number.NaN,
          eastCpuS: 0,
          westCpuS: 0,
        };
        const kafkajs = ferryOnly
          ? skipped
          : await withCpu(east, west, async () => {
              const r = await copyKafkajsInChild({
                data: { topic: data.topic, codec: data.codec, records: data.records },
                partitions,
                bootstraps,
              });
              kjsFromRun = r.fromRunS;
              return r;
            });
        const kcat = ferryOnly
          ? skipped
          : await withCpu(east, west, () => copyKcat(data, partitions, bootstraps, westClient!));
        const f = summarise(data, ferry);
        const k = summarise(data, kafkajs);
        const c = summarise(data, kcat);
        cases.push({
          recordBytes,
          codec,
          records: data.records,
          payloadBytes: data.payloadBytes,
          logBytes: data.logBytes,
          ferry: f,
          kafkajs: { ...k, secondsFromRun: kjsFromRun },
          kcat: c,
          ferryVsKafkajs: f.MBps / k.MBps,
          ferryVsKcat: f.MBps / c.MBps,
        });
      }
    }
    const peak = cases.find((c) => c.recordBytes === 1024 && c.codec === 'none');
    const rate = ageRate ?? (peak ? peak.ferry.recordsPerSec * fraction : undefined);
    if (rate === undefined) throw new Error('the record-age phase needs the 1024-none case or --age-rate');
    const age = await recordAge({ east, west }, bootstraps, eastAdmin, westAdmin, partitions, rate);
    const oneK = cases.filter((c) => c.recordBytes === 1024);
    const min1k = Math.min(...oneK.map((c) => c.ferry.MBps));
    const minVsKjs = Math.min(...cases.map((c) => c.ferryVsKafkajs));
    const minVsKcat = Math.min(...cases.map((c) => c.ferryVsKcat));
    const result = {
      bench: 'mirror',
      mbPerCase: mb,
      partitions,
      brokersPerCluster: 1,
      layout:
        'east, west, the kafkajs copier and the record-age load in child processes; ferry copies in the parent',
      cases,
      latencyFraction: fraction,
      recordAge: age,
      goals: {
        MBps1KiB: { goal: GOALS.MBps1KiB, worst: min1k, met: min1k >= GOALS.MBps1KiB },
        vsKafkajs: { goal: GOALS.vsKafkajs, worst: minVsKjs, met: minVsKjs >= GOALS.vsKafkajs },
        vsKcat: { goal: GOALS.vsKcat, worst: minVsKcat, met: minVsKcat >= GOALS.vsKcat },
        ageP99Ms: { goal: GOALS.ageP99Ms, value: age.p99Ms, met: age.p99Ms <= GOALS.ageP99Ms },
      },
      pageCache: pageCacheCap,
      machine: { cpus: cpus().length, arch: arch(), node: process.version, loadavg: load },
    };
    const f0 = (n: number) => n.toFixed(0);
    const f1 = (n: number) => n.toFixed(1);
    const f2 = (n: number) => n.toFixed(2);
    const loops = (l: LoopDelay) => `${f1(l.p99Ms)}/${f0(l.maxMs)}`;
    const one = (name: string, r: ReturnType<typeof summarise>) =>
      `${name} ${f0(r.MBps)} MB/s ${f0(r.recordsPerSec)} rec/s (cores ${f2(r.cores.copier)}/${f2(r.cores.east)}/${f2(r.cores.west)})`;
    console.log(
      `mirror (${mb} MB/case, ${partitions} partitions): ` +
        cases
          .map(
            (c) =>
              `${c.recordBytes} B ${c.codec}: ${one('ferry', c.ferry)}, ${one('kafkajs', c.kafkajs)}, ${one('kcat', c.kcat)}, ` +
              `ferry/kafkajs ${f1(c.ferryVsKafkajs)}x ferry/kcat ${f1(c.ferryVsKcat)}x`,
          )
          .join(' | ') +
        ` | record age at ${f0(age.actualRecordsPerSec)} rec/s: p50 ${f1(age.p50Ms)} ms p99 ${f1(age.p99Ms)} ms max ${f0(age.maxMs)} ms ` +
        `(mirror gauge p50 ${f1(age.mirrorGauge.p50Ms)} p99 ${f1(age.mirrorGauge.p99Ms)}; ` +
        `event-loop delay p99/max ms: mirror ${loops(age.loopDelay.mirror)}, east ${loops(age.loopDelay.east)}, ` +
        `west ${loops(age.loopDelay.west)}; cores load/mirror/east/west ${[age.cores.load, age.cores.mirror, age.cores.east, age.cores.west].map(f2).join('/')}${machineLine(age.cores.machine)}; mirror RSS ${f0(age.mirrorMemoryMB.rssAtOpen)} → ${f0(age.mirrorMemoryMB.rssAtClose)} MB) | ${describePageCacheCap()} | load ${load.map(f2).join(' ')}`,
    );
    console.log(JSON.stringify(result));
  } finally {
    eastClient?.close();
    westClient?.close();
    eastClientForEnds?.close();
    await eastAdmin.disconnect().catch(() => undefined);
    await westAdmin.disconnect().catch(() => undefined);
    await Promise.all(
      [east, west].map(
        (c) =>
          new Promise<void>((resolve) => {
            c.proc.once('exit', () => resolve());
            c.proc.send({ cmd: 'stop' });
          }),
      ),
    );
    rmSync(root, { recursive: true, force: true });
  }
}

const clusterAt = process.argv.indexOf('--serve-cluster');
const loadAt = process.argv.indexOf('--serve-load');
const kafkajsAt = process.argv.indexOf('--serve-kafkajs');
if (clusterAt >= 0) {
  await serveCluster(process.argv[clusterAt + 1]!, process.argv[clusterAt + 2]!);
} else if (loadAt >= 0) {
  await serveLoad(JSON.parse(process.argv[loadAt + 1]!) as LoadParams);
} else if (kafkajsAt >= 0) {
  await serveKafkajs(JSON.parse(process.argv[kafkajsAt + 1]!) as KafkajsParams);
} else {
  await main();
}
