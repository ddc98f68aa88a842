/**
 * The migration cutover (issue 6): time from the freeze to the switch, per step, with a live producer.
 *
 *   npm run bench:cutover                          100 topics × 10 partitions, 100 records per partition
 *   npx tsx bench/cutover.ts --topics 50 --partitions 10 --records 50     a smaller run
 *   FERRY_BENCH_PROF=/tmp/prof npm run bench:cutover    every process writes a --cpu-prof profile there
 *
 * Processes: east and west are each an EmbeddedCluster of ONE broker in a child process of this script (as in
 * bench/mirror.ts). One broker, not three: on this two-core machine three brokers per cluster would triple the
 * partition replicas (12,000 instead of 4,000 logs with the remote topics) and measure replication, not the
 * cutover; every cutover step talks to partition leaders, so one broker already exercises every request.
 * The flow (policy `default`: `bench-N` → `east.bench-N`) and the cutover run here, in the parent.
 *
 * Setup: TOPICS × PARTITIONS on east, RECORDS per partition of 100 B values (kafkajs sendBatch), the flow
 * started and caught up (every west end equal to east's), groups `bench-g1` and `bench-g2` committed on east at
 * a third and two thirds of every partition, then a live kafkajs producer (acks=all, 2 retries 50 ms apart)
 * sending one record at a time round-robin over every topic and partition.
 * Timed: `Cutover.run()` with the running flow; each step ends where the cutover's beforeRecord hook fires
 * (after the step's work, before its state is written: a step's figure includes the previous step's state
 * write, a few ms). "freeze→switch" is the sum of freeze, drain, offsets, verify and switch; the goal (≤ 30 s,
 * verification included) is judged on it.
 * Checked afterwards: every send the producer saw acknowledged has its offset below the west end of its
 * remote partition (no silent loss); every refused send failed with NOT_ENOUGH_REPLICAS (the freeze's
 * retriable error) as its cause; the cutover completed with verify matching.
 * Prints a human line and a JSON line.
 */
import './ferry-heap.js';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { arch, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';
import { ClusterClient } from '../src/client/index.js';
import { EmbeddedCluster } from '../src/cluster/embedded-cluster.js';
import { loadConfig } from '../src/common/config/index.js';
import { silentLogger } from '../src/common/logger.js';
import { Cutover } from '../src/mirror/cutover/cutover.js';
import { CUTOVER_STEPS, type CutoverStep } from '../src/mirror/cutover/cutover-state.js';
import { Flow } from '../src/mirror/flow.js';
import { RawGroupOffsetCommitter } from '../src/mirror/group-offset-committer.js';
import { type MirrorConfig, parseMirrorConfig } from '../src/mirror/mirror-config.js';

const GOAL_S = 30;
const VALUE_BYTES = 100;
const CATCH_UP_TIMEOUT_MS = 600_000;
const FLOW = 'east->west';

function flag(name: string, env: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[env];
  const n = raw === undefined ? fallback : Number(raw);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`bad ${name} ${raw}; expected a positive integer`);
  return n;
}

const seconds = (t: number) => (performance.now() - t) / 1000;

// ---------------------------------------------------------------- child: one cluster

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
    logger: silentLogger,
  });
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'stop')
      cluster.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
  process.send?.({ bootstrap: cluster.bootstrap });
}

// ---------------------------------------------------------------- parent

interface Child {
  proc: ChildProcess;
  bootstrap: string;
}

async function startCluster(name: string, root: string): Promise<Child> {
  const execArgv = [...process.execArgv];
  const prof = process.env.FERRY_BENCH_PROF;
  if (prof) execArgv.push('--cpu-prof', `--cpu-prof-dir=${prof}`);
  const proc = fork(process.argv[1]!, ['--serve-cluster', name, join(root, name)], { execArgv });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    proc.once('message', (m) => resolve((m as { bootstrap: string }).bootstrap));
    proc.once('exit', (code) => reject(new Error(`cluster ${name} exited with ${code}`)));
  });
  return { proc, bootstrap };
}

function stopCluster(c: Child): Promise<void> {
  return new Promise<void>((resolve) => {
    if (c.proc.exitCode !== null) return resolve();
    c.proc.once('exit', () => resolve());
    c.proc.send({ cmd: 'stop' });
  });
}

async function fill(
  producer: Producer,
  topics: string[],
  partitions: number,
  records: number,
): Promise<void> {
  const value = Buffer.alloc(VALUE_BYTES, 'v');
  // A few topics at a time: one sendBatch per topic carries every partition's records.
  for (let i = 0; i < topics.length; i += 10) {
    await Promise.all(
      topics.slice(i, i + 10).map((topic) =>
        producer.send({
          topic,
          acks: -1,
          messages: Array.from({ length: partitions * records }, (_, n) => ({
            partition: n % partitions,
            key: `k${n}`,
            value,
          })),
        }),
      ),
    );
  }
}

/** Every partition's end on east equals its remote partition's end on west. */
async function caughtUp(
  east: ClusterClient,
  west: ClusterClient,
  topics: string[],
  partitions: number,
): Promise<boolean> {
  const checks = topics.flatMap((topic) =>
    Array.from({ length: partitions }, async (_, p) => {
      const [a, b] = await Promise.all([
        east.listOffsets(topic, p, 'latest'),
        west.listOffsets(`east.${topic}`, p, 'latest').catch(() => ({ offset: -1 })),
      ]);
      return a.offset === b.offset;
    }),
  );
  return (await Promise.all(checks)).every(Boolean);
}

interface LiveProducer {
  stop(): Promise<void>;
  readonly acked: Map<string, number>;
  readonly counts: { acked: number; refused: number; refusedRetriable: number; otherErrors: string[] };
}

/** The cause chain's kafkajs error types (KafkaJSNumberOfRetriesExceeded wraps the broker's error). */
function errorTypes(err: unknown): string[] {
  const out: string[] = [];
  for (let e = err as { type?: string; cause?: unknown; name?: string } | undefined; e; ) {
    out.push(e.type ?? e.name ?? 'unknown');
    e = e.cause as typeof e;
  }
  return out;
}

function liveProducer(producer: Producer, topics: string[], partitions: number): LiveProducer {
  let running = true;
  const acked = new Map<string, number>();
  const counts = { acked: 0, refused: 0, refusedRetriable: 0, otherErrors: [] as string[] };
  const value = Buffer.alloc(VALUE_BYTES, 'l');
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const topic = topics[i % topics.length]!;
      const partition = Math.floor(i / topics.length) % partitions;
      try {
        const [meta] = await producer.send({
          topic,
          acks: -1,
          messages: [{ partition, key: `live${i}`, value }],
        });
        const key = `${topic}:${partition}`;
        acked.set(key, Math.max(acked.get(key) ?? -1, Number(meta!.baseOffset)));
        counts.acked++;
      } catch (err) {
        counts.refused++;
        const types = errorTypes(err);
        if (types.includes('NOT_ENOUGH_REPLICAS')) counts.refusedRetriable++;
        else if (counts.otherErrors.length < 5) counts.otherErrors.push(types.join(' <- '));
        // Frozen: a client would back off and retry; keep trying other topics, slowly.
        await sleep(20);
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
    acked,
    counts,
  };
}

async function createTopics(admin: Admin, topics: string[], partitions: number): Promise<void> {
  // In slices: one CreateTopics of 1,000 partitions can outlast the request timeout on a slow disk.
  for (let i = 0; i < topics.length; i += 20) {
    await admin.createTopics({
      waitForLeaders: true,
      timeout: 120_000,
      topics: topics.slice(i, i + 20).map((topic) => ({ topic, numPartitions: partitions })),
    });
  }
}

async function main(): Promise<void> {
  const topicCount = flag('--topics', 'FERRY_BENCH_TOPICS', 100);
  const partitions = flag('--partitions', 'FERRY_BENCH_PARTITIONS', 10);
  const records = flag('--records', 'FERRY_BENCH_RECORDS', 100);
  const load = loadavg();
  const root = mkdtempSync(join(tmpdir(), 'ferry-bench-cutover-'));
  const stateDir = join(root, 'state');
  const [east, west] = await Promise.all([startCluster('east', root), startCluster('west', root)]);
  const kafka = new Kafka({
    clientId: 'bench-cutover',
    brokers: [east.bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const filler = kafka.producer();
  const live = kafka.producer({ retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 } });
  const eastClient = new ClusterClient({ bootstrapServers: [east.bootstrap], clientId: 'bench-east' });
  const westClient = new ClusterClient({ bootstrapServers: [west.bootstrap], clientId: 'bench-west' });
  const topics = Array.from({ length: topicCount }, (_, i) => `bench-${String(i).padStart(3, '0')}`);
  const config: MirrorConfig = parseMirrorConfig({
    clusters: {
      east: { 'bootstrap.servers': east.bootstrap },
      west: { 'bootstrap.servers': west.bootstrap },
    },
    flows: [{ source: 'east', target: 'west', topics: 'bench-\\d+', 'refresh.topics.interval.seconds': 1 }],
  });
  let flow: Flow | undefined;
  let producer: LiveProducer | undefined;
  try {
    await Promise.all([admin.connect(), filler.connect(), live.connect()]);
    let t = performance.now();
    await createTopics(admin, topics, partitions);
    const createS = seconds(t);
    t = performance.now();
    await fill(filler, topics, partitions, records);
    const fillS = seconds(t);
    t = performance.now();
    flow = new Flow({
      config: config.flows[0]!,
      source: config.clusters.get('east')!,
      target: config.clusters.get('west')!,
      logger: silentLogger,
      taskSettings: { fetchMaxWaitMs: 50 },
    });
    await flow.start();
    while (!(await caughtUp(eastClient, westClient, topics, partitions))) {
      if (seconds(t) * 1000 > CATCH_UP_TIMEOUT_MS) throw new Error('the flow did not catch up in time');
      await sleep(250);
    }
    const catchUpS = seconds(t);
    const committer = new RawGroupOffsetCommitter(eastClient);
    for (const [group, at] of [
      ['bench-g1', Math.floor(records / 3)],
      ['bench-g2', Math.floor((2 * records) / 3)],
    ] as const) {
      await committer.commit(
        group,
        topics.flatMap((topic) =>
          Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: at })),
        ),
      );
    }
    producer = liveProducer(live, topics, partitions);
    while (producer.counts.acked < 200) await sleep(20);

    const stepEnds = new Map<CutoverStep, number>();
    const cutover = new Cutover({
      config,
      flowName: FLOW,
      stateDir,
      flow,
      maxLag: 1_000_000,
      logger: silentLogger,
      beforeRecord: (step) => stepEnds.set(step, performance.now()),
    });
    const start = performance.now();
    const state = await cutover.run();
    const totalS = seconds(start);
    await producer.stop();
    const stepsS = {} as Record<CutoverStep, number>;
    let prev = start;
    for (const step of CUTOVER_STEPS) {
      const end = stepEnds.get(step)!;
      stepsS[step] = (end - prev) / 1000;
      prev = end;
    }
    const freezeToSwitchS = (stepEnds.get('switch')! - stepEnds.get('prechecks')!) / 1000;

    // No silent loss: every acknowledged send is below the west end of its remote partition.
    let lost = 0;
    for (const [key, offset] of producer.acked) {
      const [topic, partition] = key.split(':') as [string, string];
      const end = await westClient.listOffsets(`east.${topic}`, Number(partition), 'latest');
      if (offset >= end.offset) lost++;
    }
    const verify = state.steps.verify.result as { match: boolean } | undefined;
    const counts = producer.counts;
    const result = {
      bench: 'cutover',
      topics: topicCount,
      partitions,
      totalPartitions: topicCount * partitions,
      recordsPerPartition: records,
      brokersPerCluster: 1,
      layout: 'east and west in child processes; flow, cutover and producer in the parent',
      setupS: { createTopics: createS, fill: fillS, flowCatchUp: catchUpS },
      stepsS,
      freezeToSwitchS,
      totalS,
      phase: state.phase,
      verifyMatch: verify?.match === true,
      producer: { ...counts, acknowledgedLost: lost },
      goal: { freezeToSwitchS: GOAL_S, met: freezeToSwitchS <= GOAL_S },
      machine: { cpus: cpus().length, arch: arch(), node: process.version, loadavg: load },
    };
    const f2 = (n: number) => n.toFixed(2);
    console.log(
      `cutover ${topicCount}×${partitions} (${records} rec/partition, 1 broker each): freeze→switch ${f2(freezeToSwitchS)} s ` +
        `(goal ≤ ${GOAL_S} s: ${result.goal.met ? 'met' : 'missed'}), total ${f2(totalS)} s | ` +
        CUTOVER_STEPS.map((s) => `${s} ${f2(stepsS[s])}`).join(', ') +
        ` | ${state.phase}, verify ${result.verifyMatch ? 'match' : 'MISMATCH'} | producer acked ${counts.acked}, ` +
        `refused ${counts.refused} (${counts.refusedRetriable} NOT_ENOUGH_REPLICAS), acked-but-lost ${lost} | ` +
        `setup: create ${f2(createS)} s, fill ${f2(fillS)} s, catch-up ${f2(catchUpS)} s | load ${load.map(f2).join(' ')}`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await producer?.stop().catch(() => undefined);
    await flow?.stop().catch(() => undefined);
    eastClient.close();
    westClient.close();
    await Promise.allSettled([admin.disconnect(), filler.disconnect(), live.disconnect()]);
    await Promise.all([east, west].map(stopCluster));
    rmSync(root, { recursive: true, force: true });
  }
}

const clusterAt = process.argv.indexOf('--serve-cluster');
if (clusterAt >= 0) {
  await serveCluster(process.argv[clusterAt + 1]!, process.argv[clusterAt + 2]!);
} else {
  await main();
}
