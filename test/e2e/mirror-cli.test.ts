import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FerryCluster, killFerryProcesses, REPO_ROOT, runFerry } from './cli-process.js';

const { Kafka: KafkaClient, logLevel } = kafkajs;

/**
 * `ferry demo` (the mirroring demo) and `ferry mirror` as processes: the demo runs to its --duration and
 * reports what it mirrored and translated; `ferry mirror` runs a Ferry JSON config and an MM2 properties file
 * between two `ferry cluster start` processes, serves its metrics and stops on SIGTERM with exit code 0; bad
 * configs stop it at start with exit code 1 and a message naming what is wrong. Every wait is on output lines
 * or offsets against a deadline.
 */

const CLUSTER_ENV = {
  FERRY_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
  FERRY_OFFSETS_TOPIC_NUM_PARTITIONS: '3',
  FERRY_LOGGING_LEVEL: 'warn',
};
/** One-broker clusters: every topic the flow creates asks for one replica. */
const SINGLE_REPLICA = {
  'replication.factor': 1,
  'offset-syncs.topic.replication.factor': 1,
  'checkpoints.topic.replication.factor': 1,
  'heartbeats.topic.replication.factor': 1,
};

/** A long-running `ferry …` child whose output is waited on line by line. */
class FerryChild {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly listeners = new Set<() => void>();

  constructor(args: readonly string[]) {
    this.child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'src/ops/cli/main.ts'), ...args],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.add(this);
    this.child.stdout?.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      for (const l of this.listeners) l();
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        children.delete(this);
        for (const l of this.listeners) l();
        resolve(code);
      }),
    );
  }

  /** The first match of `pattern` in stdout, once it is there; fails on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.stdout);
        if (match) return done(() => resolve(match));
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
          done(() => reject(new Error(`exited before ${pattern}:\n${this.stdout}\n${this.stderr}`)));
        }
      };
      const timer = setTimeout(
        () =>
          done(() => reject(new Error(`no ${pattern} in ${timeoutMs} ms:\n${this.stdout}\n${this.stderr}`))),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  terminate(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }

  kill(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.exited;
  }
}

const children = new Set<FerryChild>();

async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function endOffsetSum(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, o) => sum + Number(o.high), 0);
}

describe('ferry demo', () => {
  afterAll(async () => {
    await killFerryProcesses();
  });

  it('runs two clusters, mirrors and translates the billing group, and removes its data', async () => {
    const result = await runFerry(['demo', '--duration', '8']);
    expect(result.code, result.stderr).toBe(0);
    const done =
      /demo done: (\d+) records produced on east, (\d+) mirrored to west .*translated on west (\d+)/.exec(
        result.stdout,
      );
    expect(done, result.stdout).not.toBeNull();
    const [, produced, mirrored, translated] = done!.map(Number);
    expect(mirrored).toBeGreaterThan(0);
    expect(mirrored).toBeLessThanOrEqual(produced!);
    expect(translated).toBeGreaterThan(0);
    // The live view showed progress while it ran.
    expect(result.stdout).toMatch(/mirrored to west: \d+ records/);
    expect(result.stdout).toMatch(/record age p99: \d+ ms/);
    const removed = /^removed (\S+)$/m.exec(result.stdout)?.[1];
    expect(removed).toBeDefined();
    expect(existsSync(removed!)).toBe(false);
  });
});

describe('ferry mirror', () => {
  let root: string;
  let east: FerryCluster;
  let west: FerryCluster;
  let eastKafka: Kafka;
  let westAdmin: Admin;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ferry-e2e-mirror-'));
    [east, west] = await Promise.all([
      FerryCluster.start(
        ['--name', 'east', '--brokers', '1', '--port', '0', '--data-dir', root],
        CLUSTER_ENV,
      ),
      FerryCluster.start(
        ['--name', 'west', '--brokers', '1', '--port', '0', '--data-dir', root],
        CLUSTER_ENV,
      ),
    ]);
    eastKafka = new KafkaClient({
      clientId: 'e2e-east',
      brokers: [east.bootstrap],
      logLevel: logLevel.NOTHING,
    });
    westAdmin = new KafkaClient({
      clientId: 'e2e-west',
      brokers: [west.bootstrap],
      logLevel: logLevel.NOTHING,
    }).admin();
    await westAdmin.connect();
    const admin = eastKafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'orders', numPartitions: 3 }] });
    await admin.disconnect();
    const producer = eastKafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'orders',
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `customer-${i % 7}`, value: `order ${i}` })),
    });
    await producer.disconnect();
  });

  afterAll(async () => {
    await Promise.all([...children].map((c) => c.kill()));
    await westAdmin?.disconnect().catch(() => undefined);
    await killFerryProcesses();
    rmSync(root, { recursive: true, force: true });
  });

  const writeConfig = (name: string, config: unknown) => {
    const file = join(root, name);
    writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
    return file;
  };

  it('mirrors a topic with --config, serves metrics, and stops on SIGTERM with exit code 0', async () => {
    const file = writeConfig('mirror.json', {
      clusters: {
        east: { 'bootstrap.servers': east.bootstrap },
        west: { 'bootstrap.servers': west.bootstrap },
      },
      flows: [{ source: 'east', target: 'west', topics: 'orders', ...SINGLE_REPLICA }],
    });
    const mirror = new FerryChild([
      'mirror',
      '--config',
      file,
      '--metrics-port',
      '0',
      '--status-interval',
      '1',
    ]);
    await mirror.waitFor(/^mirror running: 1 flow/m);
    // orders' three partitions, and `heartbeats` (from the west->east heartbeat pair), which MM2 always mirrors.
    expect(mirror.stdout).toMatch(/^flow east->west: 4 partitions in 1 task/m);
    await waitUntil(
      '30 records in east.orders on west',
      async () => (await endOffsetSum(westAdmin, 'east.orders')) === 30,
    );
    // A status line counting them (heartbeats too) follows within a status interval or two.
    await mirror.waitFor(/^status east->west: 4 partitions, (?:[3-9]\d|\d{3,}) records mirrored/m, 5000);

    const url = (await mirror.waitFor(/^metrics=(\S+)$/m))[1]!;
    const metrics = await (await fetch(url)).text();
    expect(metrics).toMatch(
      /ferry_mirror_record_count\{flow="east->west",topic="east.orders",partition="0"\} \d+/,
    );

    expect(await mirror.terminate()).toBe(0);
    expect(mirror.stdout).toMatch(/^mirror stopped$/m);
  });

  it('runs MirrorMaker 2 properties and names every unsupported key on stderr', async () => {
    const file = writeConfig(
      'connect-mirror-maker.properties',
      [
        '# MirrorMaker 2 dedicated mode',
        'clusters = A, B',
        `A.bootstrap.servers = ${east.bootstrap}`,
        `B.bootstrap.servers = ${west.bootstrap}`,
        'A->B.enabled = true',
        'A->B.topics = orders',
        ...Object.entries(SINGLE_REPLICA).map(([k, v]) => `${k} = ${v}`),
        'A->B.producer.override.linger.ms = 5',
        'sasl.mechanism = PLAIN',
      ].join('\n'),
    );
    const mirror = new FerryChild(['mirror', '--mm2-properties', file, '--quiet']);
    await mirror.waitFor(/^mirror running: 1 flow/m);
    expect(mirror.stderr).toContain(
      "unsupported MirrorMaker 2 setting 'A->B.producer.override.linger.ms' (line 11)",
    );
    expect(mirror.stderr).toContain("unsupported MirrorMaker 2 setting 'sasl.mechanism' (line 12)");
    await waitUntil(
      '30 records in A.orders on west',
      async () => (await endOffsetSum(westAdmin, 'A.orders')) === 30,
    );
    expect(mirror.stdout).not.toMatch(/^status /m);
    expect(await mirror.terminate()).toBe(0);
  });

  it.each([
    [
      'an unknown cluster alias',
      { flows: [{ source: 'east', target: 'nowhere' }] },
      "target 'nowhere' is not a cluster alias",
    ],
    [
      'an invalid regex',
      { flows: [{ source: 'east', target: 'west', 'topics.exclude': 'ok, (unclosed' }] },
      "topics.exclude: invalid regex '(unclosed'",
    ],
    [
      'a flow from a cluster to itself',
      { flows: [{ source: 'west', target: 'west' }] },
      'from cluster west to itself',
    ],
  ])('refuses %s with exit code 1 and a message naming it', async (_what, { flows }, message) => {
    const file = writeConfig('bad.json', {
      clusters: {
        east: { 'bootstrap.servers': east.bootstrap },
        west: { 'bootstrap.servers': west.bootstrap },
      },
      flows,
    });
    const result = await runFerry(['mirror', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stdout).not.toContain('mirror running');
  });
});
