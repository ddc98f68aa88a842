import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Flow } from '../../src/mirror/flow.js';
import { parseMirrorConfig } from '../../src/mirror/mirror-config.js';
import { type ClusterHarness, waitUntil } from '../harness/cluster.js';
import { type EastWest, eastToWest, startEastWest } from '../harness/east-west.js';
import { runFerry } from './cli-process.js';

/**
 * `ferry cutover run --flow east->west --reverse-flow` as a process (identity policy, embedded clusters of this
 * test): the cutover completes, the reverse flow west->east then runs in the foreground and says so, a record
 * produced on west's migrated topic reaches east's while east's stays frozen for any other producer, and
 * SIGTERM stops it with exit code 0. Run again, the
 * completed cutover starts the reverse flow again (a resumed run); `--reverse-flow-only-config` only writes
 * the config and prints how to run it.
 */

let clusters: EastWest | undefined;
let east: ClusterHarness;
let west: ClusterHarness;
let eastAdmin: Admin;
let dir: string;
let configFile: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  clusters = await startEastWest();
  ({ east, west, eastAdmin } = clusters);
  await eastAdmin.createTopics({ waitForLeaders: true, topics: [{ topic: 'orders', numPartitions: 2 }] });
  const producer = east.kafka('cutover-cli-east-producer').producer();
  await producer.connect();
  await producer.send({
    topic: 'orders',
    messages: [
      { partition: 0, value: 'e0' },
      { partition: 1, value: 'e1' },
    ],
  });
  await producer.disconnect();
}, 60_000);

afterAll(async () => {
  await clusters?.close();
}, 30_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-cutover-cli-'));
  configFile = join(dir, 'mirror.json');
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  child = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** `ferry cutover …` in the background; resolves once `pattern` appears in its stdout. */
function startCutover(
  args: readonly string[],
  pattern: RegExp,
): Promise<{ exited: Promise<number | null>; stdout: () => string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/ops/cli/main.ts', 'cutover', ...args], {
    cwd: join(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  let stdout = '';
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in 30 s:\n${stdout}\n${stderr}`)), 30_000);
    proc.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!pattern.test(stdout)) return;
      clearTimeout(timer);
      resolve({ exited, stdout: () => stdout });
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before ${pattern}:\n${stdout}\n${stderr}`));
    });
  });
}

async function eastEnd(partition: number): Promise<number> {
  const offsets = await eastAdmin.fetchTopicOffsets('orders');
  return Number(offsets.find((o) => o.partition === partition)?.high ?? -1);
}

describe('ferry cutover run --reverse-flow', () => {
  it('runs the reverse flow after the switch until SIGTERM, and again on a resumed run', async () => {
    const raw = eastToWest(
      { east, west },
      {
        topics: 'orders',
        'replication.policy': 'identity',
        'refresh.topics.interval.seconds': 0.3,
      },
    );
    await writeFile(configFile, JSON.stringify(raw));
    // The forward flow has run (west's orders exists): the cutover's prechecks need it.
    const config = parseMirrorConfig(raw);
    const flow = new Flow({
      config: config.flows[0]!,
      source: config.clusters.get('east')!,
      target: config.clusters.get('west')!,
    });
    await flow.start();
    await flow.stop();

    const args = ['run', '--config', configFile, '--flow', 'east->west', '--state-dir', dir];
    const running =
      /^reverse flow west->east running: \d+ partitions, write freeze kept; exempted for the reverse flow's client id ferry-reverse-flow-west->east on 1 topic\(s\)/m;
    const first = await startCutover([...args, '--reverse-flow'], running);
    const producer = west.kafka('cutover-cli-west').producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'orders', messages: [{ partition: 1, value: 'w1' }] });
      await waitUntil("west's record on east", async () => (await eastEnd(1)) >= 2);
      expect(await eastEnd(1)).toBe(2);
      // East's orders stays frozen for a producer still pointed there: only the reverse flow gets through.
      const stray = east.kafka('cutover-cli-stray').producer({ retry: { retries: 0 } });
      await stray.connect();
      const refused = await stray
        .send({ topic: 'orders', messages: [{ partition: 0, value: 'stray' }] })
        .then(
          () => undefined,
          // kafkajs wraps the broker's last answer once its (here: no) retries are spent.
          (err: unknown) => (err as { cause?: { type?: string; retriable?: boolean } }).cause,
        )
        .finally(() => stray.disconnect());
      expect([refused?.type, refused?.retriable]).toEqual(['NOT_ENOUGH_REPLICAS', true]);
      expect(await eastEnd(0)).toBe(1);
      child!.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.stdout()).toMatch(/^reverse flow stopped$/m);
      const status = await runFerry(['cutover', 'status', ...args.slice(1)]);
      expect(status.stdout).toMatch(
        /reverse flow west->east started; write freeze kept; exempted for the reverse flow's client id ferry-reverse-flow-west->east on 1 topic\(s\)/,
      );
      expect(status.stdout).toMatch(/frozen topics: orders$/m);

      const second = await startCutover([...args, '--reverse-flow'], running);
      await producer.send({ topic: 'orders', messages: [{ partition: 0, value: 'w0' }] });
      await waitUntil("west's second record on east", async () => (await eastEnd(0)) >= 2);
      expect([await eastEnd(0), await eastEnd(1)]).toEqual([2, 2]);
      child!.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      await producer.disconnect();
    }

    const only = await runFerry(['cutover', ...args, '--reverse-flow-only-config']);
    expect(only.code, only.stderr).toBe(0);
    expect(only.stdout).toContain(`run: ferry mirror --config ${join(dir, 'reverse-flow.json')}`);
    expect(only.stdout).not.toMatch(/reverse flow west->east running/);
  }, 60_000);
});
