/**
 * A three-broker cluster's produce throughput and latency with replication factor 3 against replication factor
 * 1, and failover time after the partition leader stops, in the same run.
 *
 *   npm run bench:cluster                  128 MiB per phase, 3 rounds, 2 failovers of each kind
 *   npx tsx bench/cluster.ts --mib 32 --rounds 3 --failovers 1    a quicker run
 *                                          (or FERRY_BENCH_MIB / FERRY_BENCH_ROUNDS / FERRY_BENCH_FAILOVERS)
 *
 * Everything runs in this one process, as `ferry cluster start --brokers 3` does: an EmbeddedCluster of three
 * brokers (default settings: broker.session.timeout.ms 2000, heartbeats every 500 ms, replica.lag.time.max.ms
 * 30000; followers fetch with Kafka's replica.fetch.* defaults) and the raw-batch ClusterClient, so the client's
 * work shares the brokers' event loop. Data under one temp dir, removed at the end.
 *
 * Phases:
 *   throughput    topics rf1 (6 partitions, RF 1, min.insync.replicas 1) and rf3 (6 partitions, RF 3,
 *                 min.insync.replicas 2), leaders spread two per broker. Both the same way: produceMany of one
 *                 pre-encoded 16 KiB batch of 1 KiB records to each partition per call (one request per leader),
 *                 acks=all (for RF 1 the same as acks=1), PIPELINE calls in flight, MiB per phase; latency per
 *                 call (send → every partition acknowledged). The phases alternate over ROUNDS rounds, RF 1 first
 *                 in odd rounds and RF 3 first in even ones, so neither always gets the machine's quieter moment;
 *                 before round 1 an unmeasured warm-up phase of each (same size) takes JIT compilation and heap
 *                 growth out of the figures.
 *                 Per phase: MB/s, the process's CPU seconds (process.cpuUsage, user + system: all three
 *                 brokers and the client) and MB per CPU second, which the machine's other load moves far less
 *                 than MB/s. Reported: every round, the median MB/s of each replication factor, the median of the
 *                 rounds' RF3/RF1 ratios (the goal is judged on it), and the RF3/RF1 ratio of MB per CPU second
 *                 (total bytes over total CPU seconds of each replication factor).
 *   light load    one 16 KiB batch at a time to partition 0, acks=all, LIGHT_REQUESTS requests: p50/p99
 *   failover      after every log is flushed (so that a clean stop does not fsync what the throughput phases
 *                 wrote): topic failover (1 partition, RF 3, min ISR 2); a producer sends one small batch at a
 *                 time with acks=all (on an error it waits 10 ms and tries again); the partition leader is stopped —
 *                 controlled shutdown, or a crash — and the time from the stop call to the first acknowledged
 *                 produce routed to another broker is the failover time. The broker is then started again and
 *                 the ISR waited back to 3 before the next one.
 * Prints a human line per round, a summary line and a JSON line.
 */
import './ferry-heap.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { arch, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { ClusterClient, type ProducePartitionRequest } from '../src/client/index.js';
import { EmbeddedCluster } from '../src/cluster/embedded-cluster.js';
import { loadConfig } from '../src/common/config/index.js';
import { silentLogger } from '../src/common/logger.js';
import { encodeRecordBatchSync } from '../src/protocol/records/index.js';

const RECORD_BYTES = 1024;
const RECORDS_PER_BATCH = 15; // 15.2 KiB batches, as bench/broker.ts's 1 KiB / 16 KiB case
const PARTITIONS = 6; // two per broker, as Kafka's 2014 replication benchmark used six
const PIPELINE = 8;
const LIGHT_REQUESTS = 500;
const RETRY_WAIT_MS = 10;
const ISR_WAIT_MS = 60_000;

function flag(name: string, env: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[env];
  const n = raw === undefined ? fallback : Number(raw);
  if (!(n > 0)) throw new Error(`bad ${name} ${raw}; expected a positive number`);
  return n;
}

const seconds = (t: number) => (performance.now() - t) / 1000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function buildBatch(seed: number, records: number, bytes: number): Buffer {
  return encodeRecordBatchSync({
    records: Array.from({ length: records }, (_, r) => {
      const value = Buffer.allocUnsafe(bytes);
      for (let i = 0; i + 4 <= bytes; i += 4) value.writeUInt32BE((seed * 7919 + r * 104729 + i) >>> 0, i);
      return { value, timestamp: Date.now() };
    }),
  });
}

type Throughput = Awaited<ReturnType<typeof throughput>>;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function throughput(client: ClusterClient, topic: string, batches: Buffer[], calls: number) {
  const latencies: number[] = [];
  let sent = 0;
  let done = 0;
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (sent < calls && sent - done < PIPELINE) {
        const entries: ProducePartitionRequest[] = [];
        for (let p = 0; p < PARTITIONS; p++) {
          const records = batches[(sent + p) % batches.length]!;
          entries.push({ topic, partition: p, records });
          bytes += records.length;
        }
        sent++;
        const start = performance.now();
        client.produceMany(entries, { acks: -1, timeoutMs: 30_000 }).then((results) => {
          const failed = results.find((r) => r.error);
          if (failed) {
            reject(failed.error);
            return;
          }
          latencies.push(performance.now() - start);
          done++;
          if (done === calls) resolve();
          else pump();
        }, reject);
      }
    };
    pump();
  });
  const s = seconds(t);
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  latencies.sort((a, b) => a - b);
  return {
    bytes,
    seconds: s,
    cpuSeconds: cpuS,
    MBps: bytes / 1e6 / s,
    // The share of a core this process got, and what a whole core would do at its CPU cost per byte.
    cores: cpuS / s,
    perCoreMBps: bytes / 1e6 / cpuS,
    recordsPerSec: (calls * PARTITIONS * RECORDS_PER_BATCH) / s,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

async function lightLoad(client: ClusterClient, topic: string, batch: Buffer) {
  const latencies: number[] = [];
  for (let i = 0; i < LIGHT_REQUESTS; i++) {
    const t = performance.now();
    await client.produce(topic, 0, batch, { acks: -1, timeoutMs: 30_000 });
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  return { p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
}

async function waitForFullIsr(cluster: EmbeddedCluster, topic: string): Promise<number> {
  const deadline = performance.now() + ISR_WAIT_MS;
  for (;;) {
    const running = cluster.brokerIds.filter((id) => cluster.isRunning(id));
    const p = cluster.broker(cluster.controllerId).metadata.partition(topic, 0);
    if (p && p.leader > 0 && p.isr.length === 3 && running.length === 3) return p.leader;
    if (performance.now() > deadline)
      throw new Error(`ISR of ${topic}-0 not back to 3 after ${ISR_WAIT_MS} ms`);
    await sleep(50);
  }
}

async function failover(cluster: EmbeddedCluster, client: ClusterClient, topic: string, crash: boolean) {
  const oldLeader = await waitForFullIsr(cluster, topic);
  const wasController = cluster.controllerId === oldLeader;
  const batch = buildBatch(0, 1, 100);
  let stoppedAt = Number.POSITIVE_INFINITY;
  let errors = 0;
  let ackedOnOld = 0;
  // Warm: the client knows the leader and has its connection open.
  await client.produce(topic, 0, batch, { acks: -1, timeoutMs: 30_000 });
  const producer = (async () => {
    for (;;) {
      let leaderId = -1;
      try {
        leaderId = (await client.leaderFor(topic, 0)).brokerId;
        await client.produce(topic, 0, batch, { acks: -1, timeoutMs: 30_000 });
      } catch {
        errors++;
        await sleep(RETRY_WAIT_MS);
        continue;
      }
      const now = performance.now();
      if (leaderId !== oldLeader && now > stoppedAt) return { ackMs: now - stoppedAt, newLeader: leaderId };
      if (leaderId === oldLeader && now > stoppedAt) ackedOnOld++;
    }
  })();
  await sleep(200);
  stoppedAt = performance.now();
  await cluster.stopBroker(oldLeader, { crash });
  const stopCallMs = performance.now() - stoppedAt;
  const { ackMs, newLeader } = await producer;
  await cluster.startBroker(oldLeader);
  await waitForFullIsr(cluster, topic);
  return {
    kind: crash ? 'crash' : 'clean',
    failoverMs: ackMs,
    stopCallMs,
    oldLeader,
    newLeader,
    wasController,
    producerErrors: errors,
    ackedOnOldLeaderAfterStop: ackedOnOld,
  };
}

async function main(): Promise<void> {
  const mib = flag('--mib', 'FERRY_BENCH_MIB', 128);
  const rounds = flag('--rounds', 'FERRY_BENCH_ROUNDS', 3);
  const failovers = flag('--failovers', 'FERRY_BENCH_FAILOVERS', 2);
  const load = loadavg();
  const root = mkdtempSync(join(tmpdir(), 'ferry-bench-cluster-'));
  const cluster = await EmbeddedCluster.start({
    name: 'bench',
    brokers: 3,
    basePort: 0,
    dataDir: root,
    config: loadConfig({ env: {}, overrides: { 'offsets.topic.num.partitions': 1 } }),
    logger: silentLogger,
  });
  const kafka = new Kafka({
    clientId: 'bench-admin',
    brokers: cluster.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  let client: ClusterClient | undefined;
  try {
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: 'rf1',
          numPartitions: PARTITIONS,
          replicationFactor: 1,
          configEntries: [{ name: 'min.insync.replicas', value: '1' }],
        },
        {
          topic: 'rf3',
          numPartitions: PARTITIONS,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
        {
          topic: 'failover',
          numPartitions: 1,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
    });
    client = await ClusterClient.connect({ bootstrapServers: cluster.bootstrap, clientId: 'bench' });
    const batches = Array.from({ length: 16 }, (_, i) => buildBatch(i, RECORDS_PER_BATCH, RECORD_BYTES));
    const calls = Math.max(1, Math.floor((mib * 1024 * 1024) / (batches[0]!.length * PARTITIONS)));
    // Warm-up, not measured: one phase of each, so that no measured phase pays for JIT compilation and heap
    // growth (a cold first phase ran at a quarter of the warm rate per CPU second).
    const warmup = {
      rf1: await throughput(client, 'rf1', batches, calls),
      rf3: await throughput(client, 'rf3', batches, calls),
    };
    const f0 = (n: number) => n.toFixed(0);
    const f1 = (n: number) => n.toFixed(1);
    const f2 = (n: number) => n.toFixed(2);
    const tp = (r: Throughput) =>
      `${f0(r.MBps)} MB/s (${f2(r.cores)} cores, ${f0(r.perCoreMBps)} MB per CPU s), p50 ${f1(r.p50Ms)} ms p99 ${f1(r.p99Ms)} ms`;
    const perRound: Array<{
      round: number;
      order: string;
      rf1: Throughput;
      rf3: Throughput;
      ratio: number;
      perCpuRatio: number;
    }> = [];
    for (let round = 1; round <= rounds; round++) {
      const rf1First = round % 2 === 1;
      let rf1: Throughput;
      let rf3: Throughput;
      if (rf1First) {
        rf1 = await throughput(client, 'rf1', batches, calls);
        rf3 = await throughput(client, 'rf3', batches, calls);
      } else {
        rf3 = await throughput(client, 'rf3', batches, calls);
        rf1 = await throughput(client, 'rf1', batches, calls);
      }
      const r = {
        round,
        order: rf1First ? 'rf1,rf3' : 'rf3,rf1',
        rf1,
        rf3,
        ratio: rf3.MBps / rf1.MBps,
        perCpuRatio: rf3.perCoreMBps / rf1.perCoreMBps,
      };
      perRound.push(r);
      console.log(
        `round ${round} (${r.order}): RF1 ${tp(rf1)} | RF3 acks=all ${tp(rf3)} | RF3/RF1 ${f2(r.ratio)} (per CPU s ${f2(r.perCpuRatio)}) | load ${loadavg().map(f2).join(' ')}`,
      );
    }
    const total = (pick: (r: (typeof perRound)[number]) => Throughput) => {
      const phases = perRound.map(pick);
      const bytes = phases.reduce((sum, p) => sum + p.bytes, 0);
      const cpuSeconds = phases.reduce((sum, p) => sum + p.cpuSeconds, 0);
      return {
        medianMBps: median(phases.map((p) => p.MBps)),
        MBperCpuSecond: bytes / 1e6 / cpuSeconds,
        medianP50Ms: median(phases.map((p) => p.p50Ms)),
        medianP99Ms: median(phases.map((p) => p.p99Ms)),
      };
    };
    const rf1 = total((r) => r.rf1);
    const rf3 = total((r) => r.rf3);
    const ratio = median(perRound.map((r) => r.ratio));
    const perCpuRatio = rf3.MBperCpuSecond / rf1.MBperCpuSecond;
    const light1 = await lightLoad(client, 'rf1', batches[0]!);
    const light3 = await lightLoad(client, 'rf3', batches[0]!);

    // The throughput phases leave hundreds of MB unflushed; a clean stop fsyncs its logs, so without this the
    // failover figures would measure how much the phases before them wrote (more rounds, slower failover).
    for (const id of cluster.brokerIds)
      for (const p of cluster.broker(id).replicaManager.allPartitions()) p.log.flush();
    const runs: Awaited<ReturnType<typeof failover>>[] = [];
    for (let i = 0; i < failovers; i++) runs.push(await failover(cluster, client, 'failover', false));
    for (let i = 0; i < failovers; i++) runs.push(await failover(cluster, client, 'failover', true));
    const worst = (kind: string) => Math.max(...runs.filter((r) => r.kind === kind).map((r) => r.failoverMs));
    const result = {
      bench: 'cluster',
      mibPerPhase: mib,
      rounds,
      warmup: { rf1MBps: warmup.rf1.MBps, rf3MBps: warmup.rf3.MBps },
      batchBytes: batches[0]!.length,
      pipeline: PIPELINE,
      perRound,
      rf1: { ...rf1, lightLoad: light1 },
      rf3: { ...rf3, lightLoad: light3 },
      ratio,
      perCpuRatio,
      failovers: runs,
      goals: {
        ratio: { goal: 0.4, value: ratio, met: ratio >= 0.4 },
        cleanFailoverMs: { goal: 1000, worst: worst('clean'), met: worst('clean') <= 1000 },
        crashFailoverMs: { goal: 3000, worst: worst('crash'), met: worst('crash') <= 3000 },
      },
      machine: { cpus: cpus().length, arch: arch(), node: process.version, loadavg: load },
    };
    const summary = (r: typeof rf1, l: typeof light1) =>
      `median ${f0(r.medianMBps)} MB/s, ${f0(r.MBperCpuSecond)} MB per CPU s, p50 ${f1(r.medianP50Ms)} ms p99 ${f1(r.medianP99Ms)} ms ` +
      `(light load p50 ${f2(l.p50Ms)} ms p99 ${f2(l.p99Ms)} ms)`;
    console.log(
      `cluster: RF1 ${summary(rf1, light1)} | RF3 acks=all ${summary(rf3, light3)} | RF3/RF1 median ${f2(ratio)} ` +
        `(rounds ${perRound.map((r) => f2(r.ratio)).join(', ')}; per CPU s ${f2(perCpuRatio)}) | failover ` +
        runs.map((r) => `${r.kind} ${f0(r.failoverMs)} ms`).join(', ') +
        ` | load ${load.map(f2).join(' ')} → ${loadavg().map(f2).join(' ')}`,
    );
    console.log(JSON.stringify(result));
  } finally {
    client?.close();
    await admin.disconnect().catch(() => undefined);
    await cluster.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
