import { spawn, spawnSync } from 'node:child_process';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrokerHarness, startBrokerHarness, waitFor } from '../harness/broker-harness.js';
import { type ProcessResult, runProcess } from '../harness/run-process.js';

/**
 * kcat from Debian (librdkafka inside) against one real Ferry broker: metadata, keyed produce (plain,
 * idempotent, every codec), consume to the end, and a balanced consumer group. CI installs kcat through
 * scripts/ensure-system-packages.sh; a missing kcat fails here with the command that installs it.
 */

const INSTALL_KCAT = 'sudo apt-get update && sudo apt-get install -y kcat';

let harness: BrokerHarness;
let admin: Admin;

/** Runs kcat to completion with `input` on stdin; killed (and failed) if it outlives `timeoutMs`. */
function kcat(args: readonly string[], input = '', timeoutMs = 20_000): Promise<ProcessResult> {
  return runProcess('kcat', ['-b', harness.bootstrap, ...args], {
    what: `kcat ${args.join(' ')}`,
    timeoutMs,
    input,
  });
}

async function kcatOk(args: readonly string[], input = ''): Promise<string> {
  const result = await kcat(args, input);
  if (result.code !== 0)
    throw new Error(`kcat ${args.join(' ')} exited with ${result.code}: ${result.stderr}`);
  return result.stdout;
}

function keyedLines(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-k${i}:${prefix}-v${i}`);
}

/** Everything in `topic` from the beginning, as `key:value` lines in offset order per partition. */
async function consumeToEnd(topic: string): Promise<string[]> {
  const out = await kcatOk(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k:%s\\n']);
  return out.split('\n').filter((l) => l !== '');
}

beforeAll(async () => {
  const probe = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`kcat is not installed (needed by this suite). Run: ${INSTALL_KCAT}`);
  }
  harness = await startBrokerHarness();
  admin = new Kafka({ brokers: [harness.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});

afterAll(async () => {
  try {
    await admin?.disconnect().catch(() => {});
  } finally {
    await harness?.close();
  }
});

describe('kcat', () => {
  it('-L lists the broker and the topics with their leaders', async () => {
    await admin.createTopics({ topics: [{ topic: 'kcat-meta', numPartitions: 3 }], waitForLeaders: true });
    const metadata = JSON.parse(await kcatOk(['-L', '-J'])) as {
      controllerid: number;
      brokers: Array<{ id: number; name: string }>;
      topics: Array<{ topic: string; partitions: Array<{ partition: number; leader: number }> }>;
    };
    expect(metadata.controllerid).toBe(1);
    expect(metadata.brokers).toEqual([{ id: 1, name: harness.bootstrap }]);
    const topic = metadata.topics.find((t) => t.topic === 'kcat-meta');
    expect(topic?.partitions.map((p) => [p.partition, p.leader]).sort()).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
  });

  it('-P with keyed lines and -H headers, then -C -o beginning -e reads them back', async () => {
    const topic = 'kcat-plain';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const lines = keyedLines('plain', 50);
    await kcatOk(['-P', '-t', topic, '-K:', '-H', 'origin=kcat'], `${lines.join('\n')}\n`);
    expect(await consumeToEnd(topic)).toEqual(lines);
    const withHeaders = await kcatOk([
      '-C',
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-c',
      '1',
      '-f',
      '%h\\n',
    ]);
    expect(withHeaders.trim()).toBe('origin=kcat');
  });

  it('-P into a topic that does not exist yet creates it (auto.create.topics.enable)', async () => {
    const lines = keyedLines('auto', 5);
    await kcatOk(['-P', '-t', 'kcat-auto-created', '-K:'], `${lines.join('\n')}\n`);
    expect(await consumeToEnd('kcat-auto-created')).toEqual(lines);
  });

  it('-X enable.idempotence=true produces every line exactly once, in order', async () => {
    const topic = 'kcat-idempotent';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const lines = keyedLines('idem', 200);
    await kcatOk(['-P', '-t', topic, '-K:', '-X', 'enable.idempotence=true'], `${lines.join('\n')}\n`);
    expect(await consumeToEnd(topic)).toEqual(lines);
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    it(`-z ${codec} round-trips`, async () => {
      const topic = `kcat-${codec}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      const lines = keyedLines(codec, 300);
      await kcatOk(['-P', '-t', topic, '-K:', '-z', codec, '-X', 'linger.ms=20'], `${lines.join('\n')}\n`);
      expect(await consumeToEnd(topic)).toEqual(lines);
    });
  }

  it('-G consumes every line as a group member and commits its offsets', async () => {
    const topic = 'kcat-group';
    const groupId = 'kcat-group-1';
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const lines = keyedLines('group', 90);
    await kcatOk(['-P', '-t', topic, '-K:'], `${lines.join('\n')}\n`);

    const child = spawn(
      'kcat',
      [
        '-b',
        harness.bootstrap,
        '-G',
        groupId,
        '-X',
        'auto.offset.reset=earliest',
        '-q',
        '-u',
        '-f',
        '%k:%s\\n',
        topic,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await waitFor(
        `kcat -G to print all ${lines.length} lines (stderr: ${stderr})`,
        () => stdout.split('\n').filter((l) => l !== '').length >= lines.length,
        20_000,
      );
      // A clean stop (SIGTERM) leaves the group and commits what was consumed.
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), 10_000);
        }),
      ]);
      clearTimeout(timer);
      expect(code).not.toBe('timeout');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const got = stdout.split('\n').filter((l) => l !== '');
    expect([...got].sort()).toEqual([...lines].sort());

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed[0]?.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(total).toBe(lines.length);
  });
});
