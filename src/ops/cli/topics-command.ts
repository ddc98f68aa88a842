import type { Command } from 'commander';
import kafkajs, { type Admin, type ITopicMetadata, type PartitionMetadata } from 'kafkajs';
import { CliError } from './cli-error.js';
import { collect, parseIntInRange } from './cli-options.js';
import { type AdminFlags, withAdmin } from './kafka-admin.js';
import { describeKafkaJsError } from './kafkajs-errors.js';
import { println } from './output.js';

const { ConfigResourceTypes, ConfigSource } = kafkajs;

interface TopicsFlags extends AdminFlags {
  create?: boolean;
  list?: boolean;
  describe?: boolean;
  alter?: boolean;
  delete?: boolean;
  topic?: string;
  partitions?: number;
  replicationFactor?: number;
  config: string[];
  excludeInternal?: boolean;
  underReplicatedPartitions?: boolean;
  unavailablePartitions?: boolean;
}

const ACTIONS = ['create', 'list', 'describe', 'alter', 'delete'] as const;

/**
 * `ferry topics`: kafka-topics.sh's flags and output, over kafkajs's admin client. Topic ids are not shown
 * (kafkajs speaks Metadata v6, which predates them); `TopicId: -` keeps the line's shape for scripts.
 */
export function registerTopicsCommand(program: Command): void {
  program
    .command('topics')
    .description('create, list, describe, alter and delete topics (the flags of kafka-topics.sh)')
    .requiredOption('--bootstrap-server <servers>', 'host:port[,host:port…] of the cluster')
    .option('--create', 'create a topic')
    .option('--list', 'list the topics')
    .option('--describe', 'describe the topics (or --topic T)')
    .option('--alter', 'add partitions to a topic (--partitions N)')
    .option('--delete', 'delete a topic')
    .option('--topic <topic>', 'the topic')
    .option('--partitions <n>', 'partition count', parseIntInRange(1, 1_000_000))
    .option('--replication-factor <n>', 'replication factor', parseIntInRange(1, 32_767))
    .option('--config <key=value>', 'topic config override (repeatable)', collect, [])
    .option('--exclude-internal', 'leave internal topics out of --list and --describe')
    .option(
      '--under-replicated-partitions',
      'with --describe: only partitions whose ISR is short of the replicas',
    )
    .option('--unavailable-partitions', 'with --describe: only partitions without a live leader')
    .option('--verbose', "show the kafkajs client's log lines")
    .action(async (flags: TopicsFlags) => {
      const actions = ACTIONS.filter((a) => flags[a] === true);
      if (actions.length !== 1) {
        throw new CliError(
          'Command must include exactly one action: --list, --describe, --create, --alter or --delete',
        );
      }
      await withAdmin(flags, async (admin) => {
        switch (actions[0]) {
          case 'create':
            return createTopic(admin, flags);
          case 'list':
            return listTopics(admin, flags);
          case 'describe':
            return describeTopics(admin, flags);
          case 'alter':
            return alterTopic(admin, flags);
          case 'delete':
            return deleteTopic(admin, flags);
        }
      });
    });
}

function requireTopic(flags: TopicsFlags): string {
  if (flags.topic === undefined || flags.topic === '')
    throw new CliError('--topic is required for this action');
  return flags.topic;
}

function parseConfigs(pairs: readonly string[]): Array<{ name: string; value: string }> {
  return pairs.map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--config '${pair}' is not key=value`);
    return { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
  });
}

async function ensureExists(admin: Admin, topic: string): Promise<void> {
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) throw new CliError(`Topic '${topic}' does not exist as expected`);
}

async function createTopic(admin: Admin, flags: TopicsFlags): Promise<void> {
  const topic = requireTopic(flags);
  let created: boolean;
  try {
    created = await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: flags.partitions ?? -1,
          replicationFactor: flags.replicationFactor ?? -1,
          configEntries: parseConfigs(flags.config),
        },
      ],
    });
  } catch (err) {
    throw new CliError(`Error while creating topic '${topic}': ${describeKafkaJsError(err)}`, { cause: err });
  }
  if (!created) throw new CliError(`Topic '${topic}' already exists.`);
  println(`Created topic ${topic}.`);
}

async function listTopics(admin: Admin, flags: TopicsFlags): Promise<void> {
  const topics = (await admin.listTopics()).filter((t) => !(flags.excludeInternal && isInternal(t)));
  for (const topic of topics.sort()) println(topic);
}

async function alterTopic(admin: Admin, flags: TopicsFlags): Promise<void> {
  const topic = requireTopic(flags);
  if (flags.partitions === undefined) throw new CliError('--alter needs --partitions N');
  await ensureExists(admin, topic);
  try {
    await admin.createPartitions({ topicPartitions: [{ topic, count: flags.partitions }] });
  } catch (err) {
    throw new CliError(`Error while altering topic '${topic}': ${describeKafkaJsError(err)}`, { cause: err });
  }
  println(`Altered topic ${topic}: ${flags.partitions} partitions.`);
}

async function deleteTopic(admin: Admin, flags: TopicsFlags): Promise<void> {
  const topic = requireTopic(flags);
  await ensureExists(admin, topic);
  try {
    await admin.deleteTopics({ topics: [topic] });
  } catch (err) {
    throw new CliError(`Error while deleting topic '${topic}': ${describeKafkaJsError(err)}`, { cause: err });
  }
  println(`Deleted topic ${topic}.`);
}

async function describeTopics(admin: Admin, flags: TopicsFlags): Promise<void> {
  let names: string[];
  if (flags.topic !== undefined) {
    await ensureExists(admin, flags.topic);
    names = [flags.topic];
  } else {
    names = (await admin.listTopics()).filter((t) => !(flags.excludeInternal && isInternal(t))).sort();
  }
  if (names.length === 0) return;
  const [{ topics }, cluster] = await Promise.all([
    admin.fetchTopicMetadata({ topics: names }),
    admin.describeCluster(),
  ]);
  const live = new Set(cluster.brokers.map((b) => b.nodeId));
  const filtered = flags.underReplicatedPartitions === true || flags.unavailablePartitions === true;
  const configs = filtered ? new Map<string, string>() : await topicConfigs(admin, names);
  for (const topic of [...topics].sort((a, b) => a.name.localeCompare(b.name))) {
    const partitions = [...topic.partitions].sort((a, b) => a.partitionId - b.partitionId);
    if (!filtered) println(topicLine(topic, partitions, configs.get(topic.name) ?? ''));
    for (const p of partitions) {
      const underReplicated = p.isr.length < p.replicas.length;
      const unavailable = p.leader < 0 || !live.has(p.leader);
      if (flags.underReplicatedPartitions && !underReplicated) continue;
      if (flags.unavailablePartitions && !unavailable) continue;
      println(partitionLine(topic.name, p, live));
    }
  }
}

function topicLine(topic: ITopicMetadata, partitions: readonly PartitionMetadata[], configs: string): string {
  const rf = partitions[0]?.replicas.length ?? 0;
  return `Topic: ${topic.name}\tTopicId: -\tPartitionCount: ${partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${configs}`;
}

function partitionLine(topic: string, p: PartitionMetadata, live: ReadonlySet<number>): string {
  const offline = p.offlineReplicas ?? p.replicas.filter((r) => !live.has(r));
  return (
    `\tTopic: ${topic}\tPartition: ${p.partitionId}\tLeader: ${p.leader < 0 ? 'none' : p.leader}` +
    `\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}\tOffline: ${offline.join(',')}`
  );
}

/** The topic-level overrides, `k=v,k=v`, as kafka-topics.sh shows them (defaults left out). */
async function topicConfigs(admin: Admin, topics: readonly string[]): Promise<Map<string, string>> {
  const { resources } = await admin.describeConfigs({
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    includeSynonyms: false,
  });
  const out = new Map<string, string>();
  for (const r of resources) {
    const overrides = r.configEntries.filter((e) =>
      e.configSource === undefined ? !e.isDefault : e.configSource === ConfigSource.TOPIC_CONFIG,
    );
    out.set(r.resourceName, overrides.map((e) => `${e.configName}=${e.configValue}`).join(','));
  }
  return out;
}

function isInternal(topic: string): boolean {
  return topic === '__consumer_offsets' || topic === '__transaction_state';
}
