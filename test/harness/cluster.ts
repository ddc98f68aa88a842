import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { EmbeddedCluster } from '../../src/cluster/embedded-cluster.js';
import type { MetadataImage } from '../../src/cluster/metadata/metadata-image.js';
import type { Clock } from '../../src/common/clock.js';
import { loadConfig } from '../../src/common/config/index.js';
import { silentLogger } from '../../src/common/logger.js';
import type { PartitionLog } from '../../src/log/partition-log.js';

/**
 * An embedded Ferry cluster for integration suites: N brokers in a fresh temp dir on free ports, a silent
 * logger, and settings that keep group start-up and failure detection fast. `close` stops whatever still runs
 * and removes the dir; call it from afterAll/afterEach so it runs even on failure. `restartAll` stops the whole
 * cluster and starts a new one on the same data dir (the restart-from-disk drill).
 */
export interface ClusterHarness {
  readonly cluster: EmbeddedCluster;
  readonly dataDir: string;
  readonly brokers: string[];
  kafka(clientId?: string): Kafka;
  restartAll(): Promise<EmbeddedCluster>;
  close(): Promise<void>;
}

export const FAST_CLUSTER_DEFAULTS: Record<string, unknown> = {
  'group.initial.rebalance.delay.ms': 0,
  'offsets.topic.num.partitions': 3,
  'transaction.state.log.num.partitions': 3,
};

export async function startClusterHarness(
  options: { brokers?: number; overrides?: Record<string, unknown>; name?: string; clock?: Clock } = {},
): Promise<ClusterHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ferry-cluster-it-'));
  const config = loadConfig({ env: {}, overrides: { ...FAST_CLUSTER_DEFAULTS, ...options.overrides } });
  const start = () =>
    EmbeddedCluster.start({
      name: options.name ?? 'it',
      brokers: options.brokers ?? 3,
      basePort: 0,
      dataDir,
      config,
      logger: silentLogger,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  let cluster: EmbeddedCluster;
  try {
    cluster = await start();
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    get cluster() {
      return cluster;
    },
    dataDir,
    get brokers() {
      return cluster.bootstrap.split(',');
    },
    kafka(clientId = 'it') {
      return new Kafka({
        clientId,
        brokers: cluster.bootstrap.split(','),
        logLevel: logLevel.NOTHING,
        retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 },
      });
    },
    async restartAll() {
      await cluster.stop();
      cluster = await start();
      return cluster;
    },
    async close() {
      try {
        await cluster.stop();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Polls `condition` until it holds or `timeoutMs` passes; throws with `what` (and its detail) on timeout. A
 * condition that throws counts as not holding yet.
 */
export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  detail: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await condition()) return;
    } catch (err) {
      // A client call against a cluster in motion (a broker just stopped): not yet, try again.
      lastError = err;
    }
    if (Date.now() > deadline) {
      const cause = lastError ? ` (last error: ${(lastError as Error).message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} ${detail()}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The partitions of `topic` as the controller's image has them. */
export function partitionsOf(cluster: EmbeddedCluster, topic: string) {
  const image = cluster.broker(cluster.controllerId).metadata;
  const t = image.topic(topic);
  if (!t) throw new Error(`no topic ${topic}`);
  return t.partitions;
}

/** Whether every partition of `topics` has a live leader in its ISR and the full replica set in sync. */
export function fullyInSync(cluster: EmbeddedCluster, topics: readonly string[]): boolean {
  return notInSync(cluster, topics).length === 0;
}

/** The partitions of `topics` that are not fully in sync, with why; for failure messages. */
export function notInSync(cluster: EmbeddedCluster, topics: readonly string[]): string[] {
  if (cluster.controllerId < 0) return ['no controller'];
  const image = cluster.broker(cluster.controllerId).metadata;
  const out: string[] = [];
  for (const name of topics) {
    const t = image.topic(name);
    if (!t) {
      out.push(`${name}: unknown`);
      continue;
    }
    for (const p of t.partitions) {
      const key = `${name}-${p.partition}`;
      const state = `leader ${p.leader} epoch ${p.leaderEpoch} replicas [${p.replicas}] isr [${p.isr}]`;
      if (p.leader < 0 || !image.isLive(p.leader)) out.push(`${key}: no live leader (${state})`);
      else if (p.isr.length !== p.replicas.length) out.push(`${key}: ISR not full (${state})`);
      else {
        const local = cluster.broker(p.leader).replicaManager.partition(name, p.partition);
        if (
          !local?.isLeader ||
          local.isrState.kind !== 'committed' ||
          local.inSyncReplicas.length !== p.replicas.length
        ) {
          out.push(
            `${key}: leader's view differs (${state}; local leader ${local?.leaderId} epoch ${local?.leaderEpoch} ${local?.isrState.kind} [${local?.inSyncReplicas}])`,
          );
        }
      }
    }
  }
  return out;
}

/** A comparable rendering of an image's topics (names, ids, configs, partition states). */
export function describeImage(image: MetadataImage): string {
  const topics = [...image.topicsByName.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => ({
      name: t.name,
      topicId: t.topicId,
      configs: [...t.configs].sort(),
      partitions: t.partitions.map((p) => ({
        p: p.partition,
        replicas: p.replicas,
        isr: [...p.isr].sort(),
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: p.partitionEpoch,
      })),
    }));
  const brokers = [...image.brokers.values()].sort((a, b) => a.brokerId - b.brokerId);
  return JSON.stringify({ brokers, topics, lastOffset: image.lastOffset });
}

/** Every batch of `log` from its start up to `upTo` (exclusive, a batch boundary), bytes as stored. */
export function logBytes(log: PartitionLog, upTo: number): Buffer {
  const parts: Buffer[] = [];
  let offset = log.logStartOffset;
  while (offset < upTo) {
    const { records } = log.read(offset, 1024 * 1024, upTo, true);
    if (records.length === 0) break;
    parts.push(Buffer.from(records));
    offset = lastOffsetAfter(records);
  }
  return Buffer.concat(parts);
}

/** The offset after the last whole batch in `records` (base offset at 0, last offset delta at 23). */
function lastOffsetAfter(records: Buffer): number {
  let pos = 0;
  let next = 0;
  while (pos + 12 <= records.length) {
    const length = records.readInt32BE(pos + 8);
    if (pos + 12 + length > records.length) break;
    next = Number(records.readBigInt64BE(pos)) + records.readInt32BE(pos + 23) + 1;
    pos += 12 + length;
  }
  return next;
}

/** mulberry32: a small seeded PRNG, so a failing run can be repeated from its printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
