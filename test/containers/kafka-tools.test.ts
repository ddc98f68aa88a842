import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMirrorConfig } from '../../src/mirror/mirror-config.js';
import { MirrorMaker } from '../../src/mirror/mirror-maker.js';
import { waitUntil } from '../harness/cluster.js';
import { type EastWest, eastToWest, startEastWest } from '../harness/east-west.js';
import { dockerEngine, KAFKA_IMAGE, suiteName } from './docker-engine.js';

/**
 * Apache Kafka's own command-line tools, from its image, against Ferry's brokers while an east->west flow runs:
 * the Java console consumer reads the mirrored records, MirrorMaker 2's formatter classes
 * (org.apache.kafka.connect.mirror.formatters.*) print Ferry's heartbeats, checkpoints and offset syncs, and
 * kafka-consumer-groups.sh shows the group offset Ferry synced into west. The tools run in a container on the
 * host's network, so they reach the embedded brokers at the 127.0.0.1 addresses those advertise (a Linux Docker
 * engine; Docker Desktop's host networking differs).
 *
 * Runs only where testcontainers finds a Docker engine; elsewhere it is reported as skipped, with the reason.
 */

const engine = await dockerEngine();
const FORMATTERS = 'org.apache.kafka.connect.mirror.formatters';

describe.skipIf('why' in engine)(suiteName("Apache Kafka's own tools against Ferry", engine), () => {
  let clusters: EastWest | undefined;
  let mirror: MirrorMaker | undefined;
  let tools: StartedTestContainer | undefined;

  /** A tool's standard output. Not its exit code: the console consumer's --timeout-ms ends it with an error. */
  async function kafkaTool(script: string, args: string[]): Promise<string> {
    const result = await tools!.exec([`/opt/kafka/bin/${script}`, ...args]);
    return result.stdout;
  }

  function consoleConsumer(bootstrap: string, topic: string, maxMessages: number, extra: string[] = []) {
    return kafkaTool('kafka-console-consumer.sh', [
      '--bootstrap-server',
      bootstrap,
      '--topic',
      topic,
      '--from-beginning',
      '--max-messages',
      String(maxMessages),
      '--timeout-ms',
      '30000',
      ...extra,
    ]);
  }

  const lines = (out: string) => out.split('\n').filter((l) => l.trim() !== '');

  beforeAll(async () => {
    clusters = await startEastWest();
    const { east, west, eastAdmin } = clusters;
    await eastAdmin.createTopics({ waitForLeaders: true, topics: [{ topic: 'orders', numPartitions: 2 }] });
    const producer = east.kafka('tools-producer').producer();
    await producer.connect();
    for (const [partition, prefix] of ['a', 'b'].entries()) {
      await producer.send({
        topic: 'orders',
        messages: Array.from({ length: 5 }, (_, i) => ({
          partition,
          key: `k-${prefix}${i}`,
          value: `${prefix}${i}`,
        })),
      });
    }
    await producer.disconnect();
    mirror = new MirrorMaker({
      config: parseMirrorConfig(
        eastToWest(
          { east, west },
          {
            topics: 'orders',
            'emit.heartbeats.interval.seconds': 0.3,
            'emit.checkpoints.interval.seconds': 0.3,
            'sync.group.offsets.enabled': true,
            'sync.group.offsets.interval.seconds': 3600,
          },
        ),
      ),
      taskSettings: { fetchMaxWaitMs: 100 },
    });
    await mirror.start();
    await eastAdmin.setOffsets({
      groupId: 'billing',
      topic: 'orders',
      partitions: [{ partition: 0, offset: '3' }],
    });
    const flow = mirror.flow('east->west')!;
    await waitUntil(
      'a checkpoint of billing',
      () => (flow.checkpoints().get('billing')?.size ?? 0) === 1,
      30_000,
    );
    const outcomes = await flow.syncGroupOffsets();
    expect(outcomes.find((o) => o.group === 'billing')?.result).toBe('synced');
    tools = await new GenericContainer(KAFKA_IMAGE)
      .withNetworkMode('host')
      .withEntrypoint(['sleep'])
      .withCommand(['infinity'])
      .start();
  }, 300_000);

  afterAll(async () => {
    await tools?.stop();
    await mirror?.stop().catch(() => {});
    await clusters?.close();
  }, 120_000);

  it('the Java console consumer reads the mirrored records with their keys, in order', async () => {
    const out = await consoleConsumer(clusters!.west.cluster.bootstrap, 'east.orders', 10, [
      '--property',
      'print.key=true',
    ]);
    const read = lines(out);
    for (const prefix of ['a', 'b']) {
      expect(read.filter((l) => l.startsWith(`k-${prefix}`))).toEqual(
        Array.from({ length: 5 }, (_, i) => `k-${prefix}${i}\t${prefix}${i}`),
      );
    }
  });

  it("MirrorMaker 2's HeartbeatFormatter prints Ferry's heartbeats", async () => {
    const out = await consoleConsumer(clusters!.west.cluster.bootstrap, 'heartbeats', 1, [
      '--formatter',
      `${FORMATTERS}.HeartbeatFormatter`,
    ]);
    expect(out).toMatch(/^Heartbeat\{sourceClusterAlias=east, targetClusterAlias=west, timestamp=\d+\}$/m);
  });

  it("MirrorMaker 2's CheckpointFormatter prints Ferry's checkpoint of the group", async () => {
    const out = await consoleConsumer(clusters!.west.cluster.bootstrap, 'east.checkpoints.internal', 1, [
      '--formatter',
      `${FORMATTERS}.CheckpointFormatter`,
    ]);
    expect(out).toContain(
      'Checkpoint{consumerGroupId=billing, topicPartition=east.orders-0, upstreamOffset=3, downstreamOffset=3, metadata=}',
    );
  });

  it("MirrorMaker 2's OffsetSyncFormatter prints Ferry's offset syncs", async () => {
    const out = await consoleConsumer(clusters!.east.cluster.bootstrap, 'mm2-offset-syncs.west.internal', 2, [
      '--formatter',
      `${FORMATTERS}.OffsetSyncFormatter`,
    ]);
    expect(out).toMatch(
      /^OffsetSync\{topicPartition=orders-[01], upstreamOffset=\d+, downstreamOffset=\d+\}$/m,
    );
  });

  it('kafka-consumer-groups.sh describes the group offset Ferry synced into west', async () => {
    const out = await kafkaTool('kafka-consumer-groups.sh', [
      '--bootstrap-server',
      clusters!.west.cluster.bootstrap,
      '--describe',
      '--group',
      'billing',
    ]);
    expect(out).toMatch(/billing\s+east\.orders\s+0\s+3\s/);
  });
});
