import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { EmbeddedCluster } from '../../cluster/embedded-cluster.js';
import { loadConfig } from '../../common/config/index.js';
import type { Logger } from '../../common/logger.js';
import { MirrorMaker, parseMirrorConfig } from '../../mirror/index.js';
import { DemoProgress, type ProgressSnapshot } from './demo-progress.js';
import { BillingConsumer, OrdersProducer } from './demo-workload.js';

const { Kafka: KafkaClient, logLevel } = kafkajs;

/**
 * The mirroring demo (`ferry demo`): two embedded three-broker clusters, east and west; `orders` on east
 * (6 partitions, replication factor 3) written by a keyed idempotent producer and read by the consumer group
 * `billing`; an east->west flow (default replication policy, so west gets `east.orders`) with short
 * refresh/checkpoint/sync intervals and group offset sync on. Progress is shown every second until `stop`
 * resolves (Ctrl-C) or `durationMs` passes; then the producer and consumer stop, the mirror drains (up to
 * DRAIN_MS), a last view is printed, and everything is stopped and the data removed unless `keep`.
 *
 * Everything started is registered for teardown as soon as it exists, so a failure at any step (or a
 * signal) still stops what runs and removes the directory.
 */

export interface MirrorDemoOptions {
  /** Where the clusters keep their data (`<dir>/east`, `<dir>/west`); a fresh temp dir otherwise. */
  readonly dir?: string;
  readonly keep: boolean;
  /** First broker port of each cluster; 0 picks free ports. */
  readonly portEast: number;
  readonly portWest: number;
  /** Stop after this long; otherwise when `stop` resolves. */
  readonly durationMs?: number;
  readonly stop: Promise<unknown>;
  readonly recordsPerSecond: number;
  readonly logger: Logger;
  readonly out: (line: string) => void;
  /** Redraw the progress block in place (a terminal) instead of printing each one after the last. */
  readonly redraw: boolean;
}

export interface MirrorDemoResult {
  readonly produced: number;
  readonly mirrored: number;
  readonly groupTranslated: number;
}

const TOPIC = 'orders';
const GROUP = 'billing';
const PARTITIONS = 6;
const BROKERS = 3;
const DRAIN_MS = 5000;
const CLUSTER_OVERRIDES: Record<string, unknown> = {
  // A group starts consuming at once, and the internal topics stay small: the demo must start in seconds.
  'group.initial.rebalance.delay.ms': 0,
  'offsets.topic.num.partitions': 6,
  'transaction.state.log.num.partitions': 3,
};

export async function runMirrorDemo(options: MirrorDemoOptions): Promise<MirrorDemoResult> {
  const { out, logger } = options;
  const startedAt = Date.now();
  const root = options.dir ?? mkdtempSync(join(tmpdir(), 'ferry-demo-'));
  const created: string[] = [];
  if (options.dir === undefined) created.push(root);
  else {
    for (const name of ['east', 'west']) {
      if (existsSync(join(root, name)))
        throw new Error(`${join(root, name)} already exists; give an empty --dir`);
    }
    mkdirSync(root, { recursive: true });
    created.push(join(root, 'east'), join(root, 'west'));
  }
  const teardown: (() => Promise<unknown>)[] = [];
  let result: MirrorDemoResult = { produced: 0, mirrored: 0, groupTranslated: -1 };
  try {
    out(`Ferry demo: two ${BROKERS}-broker clusters, east and west, with data in ${root}`);
    const config = loadConfig({ overrides: CLUSTER_OVERRIDES });
    const startCluster = async (name: string, basePort: number) => {
      const cluster = await EmbeddedCluster.start({
        name,
        brokers: BROKERS,
        basePort,
        dataDir: root,
        config,
        logger,
      });
      teardown.push(() => cluster.stop());
      return cluster;
    };
    const [east, west] = await Promise.all([
      startCluster('east', options.portEast),
      startCluster('west', options.portWest),
    ]);
    out(`east: bootstrap=${east.bootstrap}`);
    out(`west: bootstrap=${west.bootstrap}`);

    const eastKafka = kafka(east.bootstrap, 'ferry-demo-east');
    const westKafka = kafka(west.bootstrap, 'ferry-demo-west');
    const eastAdmin = await connectedAdmin(eastKafka, teardown);
    const westAdmin = await connectedAdmin(westKafka, teardown);
    await eastAdmin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: BROKERS }],
    });

    const mirror = new MirrorMaker({
      config: parseMirrorConfig(
        {
          clusters: {
            east: { 'bootstrap.servers': east.bootstrap, 'client.id': 'ferry-demo-mirror' },
            west: { 'bootstrap.servers': west.bootstrap, 'client.id': 'ferry-demo-mirror' },
          },
          flows: [
            {
              source: 'east',
              target: 'west',
              'replication.policy': 'default',
              'refresh.topics.interval.seconds': 2,
              'emit.checkpoints.interval.seconds': 1,
              'sync.group.offsets.enabled': true,
              'sync.group.offsets.interval.seconds': 1,
              'emit.heartbeats.interval.seconds': 1,
              'replication.factor': BROKERS,
              'tasks.max': 2,
            },
          ],
        },
        'the demo mirror config',
      ),
      logger,
      taskSettings: { fetchMaxWaitMs: 100 },
    });
    teardown.push(() => mirror.stop());
    await mirror.start();
    const flow = mirror.flow('east->west')!;

    const consumer = new BillingConsumer({
      kafka: eastKafka,
      topic: TOPIC,
      groupId: GROUP,
      autoCommitIntervalMs: 1000,
    });
    teardown.push(() => consumer.stop());
    await consumer.start();
    const producer = new OrdersProducer({
      kafka: eastKafka,
      topic: TOPIC,
      recordsPerSecond: options.recordsPerSecond,
      customers: 50,
      logger,
    });
    teardown.push(() => producer.stop());
    await producer.start();

    const progress = new DemoProgress({ flow, eastAdmin, westAdmin, topic: TOPIC, group: GROUP });
    out(
      `flow east->west: ${TOPIC} -> ${progress.remoteTopic} (${PARTITIONS} partitions, replication factor ` +
        `${BROKERS}); checkpoints and group offset sync every second`,
    );
    out(
      `on east: a keyed producer (${options.recordsPerSecond} records/s, keys customer-0..49) and the ` +
        `consumer group ${GROUP}; started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );
    out('look further while it runs, in another terminal:');
    out(`  npm run ferry -- topics --bootstrap-server ${west.bootstrap} --describe`);
    out(
      `  npm run ferry -- consumer-groups --bootstrap-server ${west.bootstrap} --describe --group ${GROUP}`,
    );
    out(
      `  npm run ferry -- consumer-groups --bootstrap-server ${east.bootstrap} --describe --group ${GROUP}`,
    );
    out(
      options.durationMs === undefined
        ? 'Ctrl-C stops the demo'
        : `stops after ${options.durationMs / 1000} s (or Ctrl-C)`,
    );

    await showProgress(options, progress, startedAt);

    out('stopping the producer and the consumer, letting the mirror catch up…');
    await producer.stop();
    await consumer.stop();
    const final = await drain(progress);
    for (const line of progress.render(final, undefined, Date.now() - startedAt)) out(line);
    result = { produced: final.produced, mirrored: final.mirrored, groupTranslated: final.groupTranslated };
    out(
      `demo done: ${final.produced} records produced on east, ${final.mirrored} mirrored to west ` +
        `(${final.lag === 0 ? 'all of them' : `${final.lag} still behind`}); group ${GROUP} committed ` +
        `${final.groupEast} on east, translated on west ${final.groupTranslated}`,
    );
  } finally {
    for (const close of teardown.reverse()) {
      await close().catch((err: unknown) => logger.warn({ err }, 'demo teardown step failed'));
    }
    if (options.keep) {
      out(`kept the data in ${root}; look further:`);
      out(`  npm run ferry -- cluster start --name west --brokers ${BROKERS} --port 0 --data-dir ${root}`);
      out('  then, with the bootstrap= it prints:');
      out(`  npm run ferry -- topics --bootstrap-server BOOTSTRAP --describe --topic east.${TOPIC}`);
      out(`  npm run ferry -- consumer-groups --bootstrap-server BOOTSTRAP --describe --group ${GROUP}`);
      out(
        `  npm run ferry -- log dump --dir ${join(root, 'west', 'broker-1', `east.${TOPIC}-0`)} --print-records`,
      );
    } else {
      for (const dir of created) rmSync(dir, { recursive: true, force: true });
      out(`removed ${root}${options.dir === undefined ? '' : '/{east,west}'}`);
      out(
        "look further: `npm run demo -- --keep` keeps the clusters' data for `ferry cluster start` and " +
          '`ferry log dump`; while the demo runs, the commands printed at its start describe both clusters',
      );
    }
  }
  return result;
}

/** Samples every 100 ms and prints the view every second until stopped or the duration is over. */
async function showProgress(
  options: MirrorDemoOptions,
  progress: DemoProgress,
  startedAt: number,
): Promise<void> {
  let stopped = false;
  let wake: (() => void) | undefined;
  void options.stop.then(() => {
    stopped = true;
    wake?.();
  });
  const deadline =
    options.durationMs === undefined ? Number.POSITIVE_INFINITY : startedAt + options.durationMs;
  let previous: ProgressSnapshot | undefined;
  let shownLines = 0;
  let nextShowAt = Date.now() + 1000;
  while (!stopped && Date.now() < deadline) {
    // Not a Promise.race with options.stop: each race would leave a reaction on that long-lived promise.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 100);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    progress.sample();
    if (Date.now() < nextShowAt || stopped) continue;
    nextShowAt += 1000;
    const snapshot = await progress.snapshot();
    const lines = progress.render(snapshot, previous, Date.now() - startedAt);
    // Cursor up over the last block and clear to the end of the screen, so that the view updates in place.
    if (options.redraw && shownLines > 0) process.stdout.write(`\x1b[${shownLines}F\x1b[J`);
    for (const line of lines) options.out(line);
    shownLines = lines.length;
    previous = snapshot;
  }
}

/**
 * Waits until west holds everything east has and the group's last commit is translated (or DRAIN_MS
 * passes); the last snapshot.
 */
async function drain(progress: DemoProgress): Promise<ProgressSnapshot> {
  const deadline = Date.now() + DRAIN_MS;
  for (;;) {
    progress.sample();
    const snapshot = await progress.snapshot();
    const translated = snapshot.groupEast < 0 || snapshot.groupTranslated === snapshot.groupEast;
    if ((snapshot.lag === 0 && translated) || Date.now() > deadline) return snapshot;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function kafka(bootstrap: string, clientId: string): Kafka {
  return new KafkaClient({
    clientId,
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

async function connectedAdmin(kafka: Kafka, teardown: (() => Promise<unknown>)[]): Promise<Admin> {
  const admin = kafka.admin();
  teardown.push(() => admin.disconnect());
  await admin.connect();
  return admin;
}
