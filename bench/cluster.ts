/**
 * A three-broker cluster's produce throughput and latency with replication factor 3 against replication factor
 * 1, and failover time after the partition leader stops, in the same run.
 *
 *   npm run bench:cluster                  128 MiB per replication factor, 2 failovers of each kind
 *   npx tsx bench/cluster.ts --mib 32 --failovers 1    a quicker run (or FERRY_BENCH_MIB / FERRY_BENCH_FAILOVERS)
 *
 * Everything runs in this one process, as `ferry cluster start --brokers 3` does: an EmbeddedCluster of three
 * brokers (default settings: broker.session.timeout.ms 2000, heartbeats every 500 ms, replica.lag.time.max.ms
 * 30000) and the raw-batch ClusterClient, so the client's work shares the brokers' event loop. Data under one
 * temp dir, removed at the end.
 *
 * Phases:
 *   throughput    topics rf1 (6 partitions, RF 1, min.insync.replicas 1) and rf3 (6 partitions, RF 3,
 *                 min.insync.replicas 2), leaders spread two per broker; produceMany of one pre-encoded
 *                 16 KiB batch of 1 KiB records to each partition per call (one request per leader),
 *                 acks=all, PIPELINE calls in flight; latency per call (send → every partition acknowledged)
 *   light load    one 16 KiB batch at a time to partition 0, acks=all, LIGHT_REQUESTS requests: p50/p99
 *   failover      topic failover (1 partition, RF 3, min ISR 2); a producer sends one small batch at a time with
 *                 acks=all (on an error it waits 10 ms and tries again); the partition leader is stopped —
 *                 controlled shutdown, or a crash — and the time from the stop call to the first acknowledged
 *                 produce routed to another broker is the failover time. The broker is then started again and
 *                 the ISR waited back to 3 before the next one.
 * Prints a human line and a JSON line.
 */
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
    for (const topic of ['rf1', 'rf3']) {
      await client.produceMany(
        Array.from({ length: PARTITIONS }, (_, p) => ({ topic, partition: p, records: batches[0]! })),
        { acks: -1, timeoutMs: 30_000 },
      );
    }
    const rf1 = await throughput(client, 'rf1', batches, calls);
    const rf3 = await throughput(client, 'rf3', batches, calls);
    const light1 = await lightLoad(client, 'rf1', batches[0]!);
    const light3 = await lightLoad(client, 'rf3', batches[0]!);

    const runs: Awaited<ReturnType<typeof failover>>[] = [];
    for (let i = 0; i < failovers; i++) runs.push(await failover(cluster, client, 'failover', false));
    for (let i = 0; i < failovers; i++) runs.push(await failover(cluster, client, 'failover', true));
    const worst = (kind: string) => Math.max(...runs.filter((r) => r.kind === kind).map((r) => r.failoverMs));
    const ratio = rf3.MBps / rf1.MBps;
    const perCoreRatio = rf3.perCoreMBps / rf1.perCoreMBps;
    const result = {
      bench: 'cluster',
      mibPerReplicationFactor: mib,
      batchBytes: batches[0]!.length,
      pipeline: PIPELINE,
      rf1: { ...rf1, lightLoad: light1 },
      rf3: { ...rf3, lightLoad: light3 },
      ratio,
      perCoreRatio,
      failovers: runs,
      goals: {
        ratio: { goal: 0.4, value: ratio, met: ratio >= 0.4 },
        cleanFailoverMs: { goal: 1000, worst: worst('clean'), met: worst('clean') <= 1000 },
        crashFailoverMs: { goal: 3000, worst: worst('crash'), met: worst('crash') <= 3000 },
      },
      machine: { cpus: cpus().length, arch: arch(), node: process.version, loadavg: load },
    };
    const f0 = (n: number) => n.toFixed(0);
    const f1 = (n: number) => n.toFixed(1);
    const f2 = (n: number) => n.toFixed(2);
    const tp = (r: typeof rf1, l: typeof light1) =>
      `${f0(r.MBps)} MB/s ${f0(r.recordsPerSec)} rec/s (${f2(r.cores)} cores, ${f0(r.perCoreMBps)} MB/s per core), p50 ${f1(r.p50Ms)} ms p99 ${f1(r.p99Ms)} ms ` +
      `(light load p50 ${f2(l.p50Ms)} ms p99 ${f2(l.p99Ms)} ms)`;
    console.log(
      `cluster: RF1 ${tp(rf1, light1)} | RF3 acks=all ${tp(rf3, light3)} | RF3/RF1 ${f2(ratio)} (per core ${f2(perCoreRatio)}) | failover ` +
        runs.map((r) => `${r.kind} ${f0(r.failoverMs)} ms`).join(', ') +
        ` | load ${load.map(f2).join(' ')}`,
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
