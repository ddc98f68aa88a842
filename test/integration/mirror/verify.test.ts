import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ClusterClient } from '../../../src/client/index.js';
import { parseMirrorConfig } from '../../../src/mirror/mirror-config.js';
import { MirrorTaskRunner } from '../../../src/mirror/mirror-task.js';
import { DefaultReplicationPolicy } from '../../../src/mirror/replication-policy.js';
import { readCommittedPositions, verifyFlowPartitions } from '../../../src/mirror/verify.js';
import { formatVerification, registerVerifyCommand, runVerify } from '../../../src/ops/cli/verify-command.js';
import { waitFor } from '../../harness/broker-harness.js';
import type { ClusterHarness } from '../../harness/cluster.js';
import { type EastWest, eastToWest, startEastWest } from '../../harness/east-west.js';

/**
 * `verifyFlowPartitions` and `ferry verify` against a real flow: two embedded one-broker clusters, east → west
 * (policy `default`), a MirrorTaskRunner copying `orders` (plain, gzip, committed and aborted transactional
 * records). Verify passes while the flow is live (up to its committed position) and after it stopped; a
 * record written straight to the remote topic is named as the first divergence; --from-timestamp compares
 * the tail only.
 */

const SYNCS_TOPIC = 'mm2-offset-syncs.west.internal';
const T0 = 1_700_000_000_000;
const PARTITIONS = 2;

let clusters: EastWest | undefined;
let east: ClusterHarness;
let west: ClusterHarness;
let eastAdmin: Admin;
let westAdmin: Admin;
let eastClient: ClusterClient;
let westClient: ClusterClient;
let runner: MirrorTaskRunner | undefined;
let dir: string;
/** Committed (visible) records produced per partition of `orders`. */
const produced = [0, 0];
let n = 0;

const config = () => parseMirrorConfig(eastToWest({ east, west }, {}));

async function produce(rounds: number): Promise<void> {
  const producer = east.kafka('plain').producer({ idempotent: true, maxInFlightRequests: 1 });
  const tx = east
    .kafka('tx')
    .producer({ transactionalId: 'verify-tx', idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([producer.connect(), tx.connect()]);
  const messages = (partition: number, count: number, tag: string) =>
    Array.from({ length: count }, () => {
      const i = n++;
      return {
        partition,
        key: i % 4 === 0 ? null : `k${i}`,
        value: `${tag}-${i}`,
        headers: { trace: `t${i}`, origin: 'east' },
        timestamp: String(T0 + i * 10),
      };
    });
  try {
    for (let round = 0; round < rounds; round++) {
      for (let p = 0; p < PARTITIONS; p++) {
        await producer.send({ topic: 'orders', messages: messages(p, 3, 'plain') });
        produced[p]! += 3;
      }
      const t = await tx.transaction();
      for (let p = 0; p < PARTITIONS; p++) await t.send({ topic: 'orders', messages: messages(p, 2, 'tx') });
      if (round % 2 === 0) {
        await t.commit();
        for (let p = 0; p < PARTITIONS; p++) produced[p]! += 2;
      } else {
        await t.abort();
      }
    }
  } finally {
    await Promise.all([producer.disconnect(), tx.disconnect()]);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-verify-it-'));
  clusters = await startEastWest();
  ({ east, west, eastAdmin, westAdmin } = clusters);
  await eastAdmin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: SYNCS_TOPIC, numPartitions: 1, replicationFactor: 1 },
      { topic: 'orders', numPartitions: PARTITIONS, replicationFactor: 1 },
      { topic: 'mid', numPartitions: 1, replicationFactor: 1 },
    ],
  });
  await westAdmin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: 'east.orders', numPartitions: PARTITIONS, replicationFactor: 1 },
      { topic: 'east.mid', numPartitions: 1, replicationFactor: 1 },
    ],
  });
  eastClient = new ClusterClient({ bootstrapServers: east.cluster.bootstrap });
  westClient = new ClusterClient({ bootstrapServers: west.cluster.bootstrap });
}, 60_000);

afterAll(async () => {
  runner?.kill();
  eastClient?.close();
  westClient?.close();
  await clusters?.close();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('verify a mirror flow', () => {
  it('passes while live and after stop, names a divergence, and compares from a timestamp', async () => {
    await produce(4);
    runner = new MirrorTaskRunner({
      task: {
        taskId: 'verify-0',
        flowId: 'east->west',
        sourceAlias: 'east',
        targetAlias: 'west',
        partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: 'orders', partition })),
      },
      clusterClientOptions: (alias) => ({
        bootstrapServers: (alias === 'east' ? east : west).cluster.bootstrap,
        clientId: 'verify-mirror',
      }),
      policy: new DefaultReplicationPolicy(),
      offsetLagMax: 5,
      fetchMaxWaitMs: 50,
    });
    await runner.start();
    await waitFor('the first rounds mirrored', () =>
      runner!.metrics().every((m, p) => m.recordsMirrored === produced[p]),
    );
    // More writes while the flow runs: verify compares up to the committed position whatever is in flight.
    const more = produce(4);
    const live = await runVerify({ config: config(), flow: 'east->west', topics: 'orders' });
    await more;
    expect(live.upToCommittedPosition).toBe(true);
    expect(live.partitions.map((p) => p.sourceTopic)).toEqual(['orders', 'orders']);
    expect(live.match).toBe(true);
    for (const p of live.partitions) {
      expect(p.sourceRecords).toBeGreaterThan(0);
      expect(p.targetRecords).toBe(p.sourceRecords);
      expect(p.targetChecksum).toBe(p.sourceChecksum);
    }

    await waitFor('everything mirrored', () =>
      runner!.metrics().every((m, p) => m.recordsMirrored === produced[p]),
    );
    await runner.stop();
    runner = undefined;

    // The committed position after a clean stop covers everything mirrored.
    const positions = await readCommittedPositions(eastClient, SYNCS_TOPIC);
    for (let p = 0; p < PARTITIONS; p++) expect(positions.bound('orders', p)).toBeDefined();
    const stopped = await runVerify({ config: config(), flow: 'east->west', topics: 'orders', toEnd: true });
    expect(stopped.match).toBe(true);
    expect(stopped.partitions.map((p) => p.sourceRecords)).toEqual(produced);
    expect(stopped.partitions.map((p) => p.targetRecords)).toEqual(produced);
    expect(formatVerification(stopped).at(-1)).toContain('2 partitions match');

    // From a timestamp: the records from the middle on, the same on both sides.
    const half = T0 + Math.floor(n / 2) * 10 + 5;
    const tail = await verifyFlowPartitions({
      source: east.cluster.bootstrap,
      target: west.cluster.bootstrap,
      topics: [{ sourceTopic: 'orders', remoteTopic: 'east.orders', partitions: [0, 1] }],
      fromTimestamp: half,
    });
    expect(tail.match).toBe(true);
    const tailCount = tail.partitions.reduce((sum, p) => sum + p.sourceRecords, 0);
    expect(tailCount).toBeGreaterThan(0);
    expect(tailCount).toBeLessThan(produced[0]! + produced[1]!);
    expect(tail.partitions[0]!.sourceStartOffset).toBeGreaterThan(0);
    expect(tail.partitions[0]!.targetStartOffset).toBeGreaterThan(0);
    const fromTs = await runVerify({
      config: config(),
      flow: 'east->west',
      topics: 'orders',
      fromTimestamp: half,
    });
    expect(fromTs.partitions.map((p) => p.sourceRecords)).toEqual(
      tail.partitions.map((p) => p.sourceRecords),
    );

    // A record written straight to the remote topic: partition 0 diverges where the target has it.
    const foreign = west.kafka('foreign').producer();
    await foreign.connect();
    const [meta] = await foreign.send({
      topic: 'east.orders',
      messages: [{ partition: 0, value: 'not from east', timestamp: String(T0) }],
    });
    await foreign.disconnect();
    const foreignOffset = Number(meta!.baseOffset);
    const diverged = await runVerify({ config: config(), flow: 'east->west', topics: 'orders', toEnd: true });
    expect(diverged.match).toBe(false);
    const [p0, p1] = diverged.partitions;
    expect(p0!.match).toBe(false);
    expect(p0!.firstDivergence).toEqual({ sourceOffset: null, targetOffset: foreignOffset });
    expect(p0!.targetRecords).toBe(produced[0]! + 1);
    expect(p0!.targetChecksum).not.toBe(p0!.sourceChecksum);
    expect(p1!.match).toBe(true);
    expect(formatVerification(diverged).join('\n')).toContain(`source@end target@${foreignOffset}`);

    // The command: a table or JSON on stdout, exit code 1 on a divergence.
    const file = join(dir, 'mirror.json');
    await writeFile(file, JSON.stringify(eastToWest({ east, west }, { topics: 'orders' })));
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const exitCode = process.exitCode;
    try {
      const program = new Command('ferry').exitOverride();
      registerVerifyCommand(program);
      await program.parseAsync(['verify', '--config', file, '--flow', 'east->west', '--to-end', '--json'], {
        from: 'user',
      });
      expect(process.exitCode).toBe(1);
    } finally {
      write.mockRestore();
      process.exitCode = exitCode;
    }
    const json = JSON.parse(out.join('')) as { match: boolean; partitions: Array<{ partition: number }> };
    expect(json.match).toBe(false);
    expect(json.partitions.map((p) => p.partition)).toEqual([0, 1]);
  }, 120_000);

  it('names the first divergent record in the middle of a partition', async () => {
    const records = ['a', 'b', 'c', 'd'].map((value, i) => ({
      value,
      key: `k${i}`,
      timestamp: String(T0 + i),
    }));
    const eastProducer = east.kafka('mid').producer();
    const westProducer = west.kafka('mid').producer();
    await Promise.all([eastProducer.connect(), westProducer.connect()]);
    // Two batches on each side, split differently: batch boundaries do not matter, records do.
    await eastProducer.send({ topic: 'mid', messages: records.slice(0, 3) });
    await eastProducer.send({ topic: 'mid', messages: records.slice(3) });
    await westProducer.send({ topic: 'east.mid', messages: [records[0]!] });
    await westProducer.send({
      topic: 'east.mid',
      messages: [records[1]!, { ...records[2]!, value: 'C' }, records[3]!],
    });
    await Promise.all([eastProducer.disconnect(), westProducer.disconnect()]);
    const report = await verifyFlowPartitions({
      source: eastClient,
      target: westClient,
      topics: [{ sourceTopic: 'mid', remoteTopic: 'east.mid', partitions: [0] }],
      fetchMaxBytes: 64,
    });
    const [p] = report.partitions;
    expect(report.match).toBe(false);
    expect(p!.sourceRecords).toBe(4);
    expect(p!.targetRecords).toBe(4);
    expect(p!.firstDivergence).toEqual({ sourceOffset: 2, targetOffset: 2 });
    expect(p!.sourceChecksum).not.toBe(p!.targetChecksum);
  }, 60_000);
});
