import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs, { type Consumer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { logConfig, PartitionLog } from '../../src/log/index.js';
import { encodeRecordBatchSync } from '../../src/protocol/records/index.js';
import { FerryCluster, killFerryProcesses, runFerry } from './cli-process.js';

const { Kafka, logLevel } = kafkajs;

/** Keeps the broker quick to test: no initial rebalance delay, a small offsets topic, quiet logs. */
const CLUSTER_ENV = {
  FERRY_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
  FERRY_OFFSETS_TOPIC_NUM_PARTITIONS: '3',
  FERRY_LOGGING_LEVEL: 'warn',
};

function rowOf(stdout: string, group: string, topic: string, partition: number): string[] | undefined {
  return stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((cols) => cols[0] === group && cols[1] === topic && cols[2] === String(partition));
}

describe('ferry cluster start, topics and consumer-groups against a real broker process', () => {
  let root: string;
  let cluster: FerryCluster | undefined;
  let consumer: Consumer | undefined;
  const topics = (...args: string[]) =>
    runFerry(['topics', '--bootstrap-server', cluster!.bootstrap, ...args]);
  const groups = (...args: string[]) =>
    runFerry(['consumer-groups', '--bootstrap-server', cluster!.bootstrap, ...args]);
  const startCluster = async () => {
    cluster = await FerryCluster.start(['--brokers', '1', '--port', '0', '--data-dir', root], CLUSTER_ENV);
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ferry-e2e-'));
    await startCluster();
  });

  afterEach(async () => {
    await consumer?.disconnect().catch(() => undefined);
    consumer = undefined;
  });

  afterAll(async () => {
    await killFerryProcesses();
    rmSync(root, { recursive: true, force: true });
  });

  it('prints the port it really bound when asked for port 0, and keeps its data under <dir>/<name>/broker-1', () => {
    const [host, port] = cluster!.bootstrap.split(':');
    expect(host).toBe('127.0.0.1');
    expect(Number(port)).toBeGreaterThan(0);
    expect(readdirSync(join(root, 'ferry'))).toEqual(['broker-1']);
  });

  it('creates, lists, describes, alters and deletes topics, with clear errors and exit code 1', async () => {
    const created = await topics(
      '--create',
      '--topic',
      'orders',
      '--partitions',
      '1',
      '--replication-factor',
      '1',
    );
    expect(created).toMatchObject({ code: 0, stdout: 'Created topic orders.\n' });
    const withConfig = await topics(
      '--create',
      '--topic',
      'events',
      '--partitions',
      '2',
      '--config',
      'retention.ms=3600000',
      '--config',
      'cleanup.policy=compact',
    );
    expect(withConfig.code).toBe(0);

    const again = await topics('--create', '--topic', 'orders', '--partitions', '1');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("Topic 'orders' already exists.");

    const list = await topics('--list', '--exclude-internal');
    expect(list.stdout.split('\n').filter(Boolean)).toEqual(['events', 'orders']);

    const described = await topics('--describe', '--topic', 'events');
    expect(described.code).toBe(0);
    const lines = described.stdout.split('\n').filter((l) => l !== '');
    expect(lines[0]).toMatch(
      /^Topic: events\tTopicId: \S+\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: (?=.*cleanup\.policy=compact)(?=.*retention\.ms=3600000)/,
    );
    expect(lines.slice(1)).toEqual([
      '\tTopic: events\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tOffline: ',
      '\tTopic: events\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\tOffline: ',
    ]);

    const altered = await topics('--alter', '--topic', 'events', '--partitions', '4');
    expect(altered.code).toBe(0);
    expect((await topics('--describe', '--topic', 'events')).stdout).toContain('PartitionCount: 4');
    const shrink = await topics('--alter', '--topic', 'events', '--partitions', '2');
    expect(shrink.code).toBe(1);
    expect(shrink.stderr).toMatch(/INVALID_PARTITIONS|partitions/i);

    const healthy = await topics('--describe', '--under-replicated-partitions');
    expect(healthy).toMatchObject({ code: 0, stdout: '' });
    expect((await topics('--describe', '--unavailable-partitions')).stdout).toBe('');

    expect((await topics('--delete', '--topic', 'events')).code).toBe(0);
    expect((await topics('--list')).stdout.split('\n')).not.toContain('events');
    const unknown = await topics('--delete', '--topic', 'events');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Topic 'events' does not exist");
    const unknownDescribe = await topics('--describe', '--topic', 'nope');
    expect(unknownDescribe.code).toBe(1);

    const noAction = await topics('--topic', 'orders');
    expect(noAction.code).toBe(1);
    expect(noAction.stderr).toContain('exactly one action');
  });

  it('describes a consumer group with its committed offsets, log end offsets, lag and members', async () => {
    const kafka = new Kafka({ clientId: 'e2e', brokers: [cluster!.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'orders',
      messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `order ${i}` })),
    });
    await producer.disconnect();

    consumer = kafka.consumer({ groupId: 'billing', maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve) => {
      void consumer!.run({
        autoCommit: false,
        eachMessage: async () => {
          if (++seen === 10) resolve();
        },
      });
    });
    await consumer.commitOffsets([{ topic: 'orders', partition: 0, offset: '6' }]);

    const list = await groups('--list');
    expect(list.stdout.split('\n')).toContain('billing');

    const described = await groups('--describe', '--group', 'billing');
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(
      /GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID/,
    );
    const row = rowOf(described.stdout, 'billing', 'orders', 0);
    expect(row?.slice(3, 6)).toEqual(['6', '10', '4']);
    expect(row?.[6]).toMatch(/^e2e-/);
    expect(row?.[8]).toBe('e2e');

    const missing = await groups('--describe', '--group', 'nobody');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Consumer group 'nobody' does not exist.");
  });

  it('stops with exit code 0 on SIGTERM and comes back on the same data dir with its topics, data and offsets', async () => {
    await consumer?.disconnect();
    consumer = undefined;
    const code = await cluster!.terminate();
    expect(code).toBe(0);
    expect(cluster!.stdout).toContain('cluster ferry stopped');

    await startCluster();
    const list = await topics('--list', '--exclude-internal');
    expect(list.stdout.split('\n').filter(Boolean)).toEqual(['orders']);
    const described = await groups('--describe', '--group', 'billing');
    expect(described.stdout).toContain("Consumer group 'billing' has no active members.");
    const row = rowOf(described.stdout, 'billing', 'orders', 0);
    expect(row?.slice(3, 9)).toEqual(['6', '10', '4', '-', '-', '-']);
  });

  it('refuses a rack list that does not name one rack per broker, and an unreachable bootstrap server, with exit code 1', async () => {
    const racks = await runFerry([
      'cluster',
      'start',
      '--brokers',
      '3',
      '--port',
      '0',
      '--data-dir',
      root,
      '--rack-list',
      'r1,r2',
    ]);
    expect(racks.code).toBe(1);
    expect(racks.stderr).toContain('must name one rack per broker (3)');

    const unreachable = await runFerry(['topics', '--bootstrap-server', '127.0.0.1:1', '--list']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot connect to 127.0.0.1:1');
  });
});

describe('ferry log dump and ferry demo --log', () => {
  let dir: string;

  afterEach(async () => {
    await killFerryProcesses();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dumps a partition directory read-only and reports a torn tail with exit code 0', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-e2e-dump-'));
    const partitionDir = join(dir, 'payments-0');
    mkdirSync(partitionDir);
    const log = PartitionLog.open({ dir: partitionDir, config: logConfig() });
    for (let b = 0; b < 3; b++) {
      const records = Array.from({ length: 4 }, (_, i) => ({
        key: Buffer.from(`key-${b * 4 + i}`),
        value: Buffer.from(`value-${b * 4 + i}`),
      }));
      log.appendAsLeader(encodeRecordBatchSync({ records }), 0);
    }
    log.close();
    const segment = join(partitionDir, '00000000000000000000.log');
    const intactBytes = statSync(segment).size;
    appendFileSync(
      segment,
      encodeRecordBatchSync({ records: [{ value: Buffer.alloc(64) }] }).subarray(0, 40),
    );

    const result = await runFerry(['log', 'dump', '--dir', partitionDir, '--print-records']);
    expect(result.code).toBe(0);
    const headers = result.stdout.split('\n').filter((l) => l.startsWith('baseOffset:'));
    expect(headers.map((h) => /baseOffset: (\d+) lastOffset: (\d+) count: (\d+)/.exec(h)?.slice(1))).toEqual([
      ['0', '3', '4'],
      ['4', '7', '4'],
      ['8', '11', '4'],
    ]);
    expect(headers.every((h) => h.includes('isValid: true'))).toBe(true);
    expect(result.stdout).toContain('| offset: 11 CreateTime: ');
    expect(result.stdout).toContain('key: key-11 payload: value-11');
    expect(result.stdout).toContain(`Stopped: a torn batch at position ${intactBytes}`);
    // Read-only: the torn tail is still there for the next look.
    expect(statSync(segment).size).toBe(intactBytes + 40);
  });

  it('runs the log demo to completion with exit code 0, and keeps a log that dumps cleanly with --keep', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-e2e-demo-'));
    const plain = await runFerry(['demo', '--log']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('read all back');

    const kept = await runFerry(['demo', '--log', '--dir', dir, '--keep']);
    expect(kept.code).toBe(0);
    const dump = await runFerry(['log', 'dump', '--dir', join(dir, 'demo-0')]);
    expect(dump.code).toBe(0);
    expect(dump.stdout).not.toContain('Stopped:');
    expect(dump.stdout).toMatch(/compresscodec: zstd/);
  });
});
