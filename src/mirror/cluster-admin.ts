import kafkajs, { type Admin, type ITopicConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '../common/logger.js';
import type { MirrorClusterConfig } from './mirror-config.js';

const { Kafka, logLevel } = kafkajs;

/**
 * The mirror's control-plane connection to one cluster: a kafkajs admin client (topics, configs, groups,
 * offset commits), as the design assigns control-plane work to kafkajs and the data path to src/client.
 *
 * kafkajs log lines go to the given pino logger at debug (warnings and errors at warn), so that its retry
 * chatter does not drown the mirror's own lines but is there when an operator asks for it.
 */
export function createClusterAdmin(cluster: MirrorClusterConfig, logger: Logger): Admin {
  const kafka = new Kafka({
    clientId: cluster.clientId,
    brokers: [...cluster.bootstrapServers],
    connectionTimeout: cluster.connectTimeoutMs,
    requestTimeout: cluster.requestTimeoutMs,
    retry: { retries: 5, initialRetryTime: cluster.retryBackoffMs },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        if (level <= logLevel.WARN) logger.warn(rest, `kafkajs: ${message}`);
        else logger.debug(rest, `kafkajs: ${message}`);
      },
  });
  return kafka.admin();
}

/**
 * The replication factor to ask for: the configured one, or the broker's `default.replication.factor` when it
 * is -1, never more than the cluster has brokers (a two-broker target still gets its topics). -1 stays -1
 * when the broker will not say its default (the broker then applies it).
 */
export async function effectiveReplicationFactor(admin: Admin, configured: number): Promise<number> {
  const { brokers } = await admin.describeCluster();
  let wanted = configured;
  if (wanted === -1) {
    const brokerId = brokers[0]?.nodeId;
    if (brokerId === undefined) return -1;
    try {
      const { resources } = await admin.describeConfigs({
        resources: [{ type: 4, name: String(brokerId), configNames: ['default.replication.factor'] }],
        includeSynonyms: false,
      });
      const value = resources[0]?.configEntries.find((e) => e.configName === 'default.replication.factor');
      wanted = value?.configValue ? Number.parseInt(value.configValue, 10) : -1;
    } catch {
      return -1;
    }
    if (!Number.isInteger(wanted) || wanted < 1) return -1;
  }
  return Math.max(1, Math.min(wanted, brokers.length));
}

/** kafkajs' TOPIC_ALREADY_EXISTS, by type or code (36), which createTopics does not always surface alike. */
export function isTopicAlreadyExists(err: unknown): boolean {
  const e = err as { type?: string; code?: number; errors?: unknown[] } | null;
  if (e?.type === 'TOPIC_ALREADY_EXISTS' || e?.code === 36) return true;
  return Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every(isTopicAlreadyExists);
}

/**
 * Creates a single-partition internal topic with the given configs unless it exists. Idempotent; safe to race
 * with another creator. An existing topic is left as it is.
 */
export async function ensureTopic(
  admin: Admin,
  topic: string,
  replicationFactor: number,
  configEntries: ReadonlyArray<{ name: string; value: string }>,
): Promise<void> {
  const existing = await admin.listTopics();
  if (existing.includes(topic)) return;
  const config: ITopicConfig = {
    topic,
    numPartitions: 1,
    replicationFactor: await effectiveReplicationFactor(admin, replicationFactor),
    configEntries: configEntries.map((e) => ({ name: e.name, value: e.value })),
  };
  try {
    await admin.createTopics({ topics: [config], waitForLeaders: true });
  } catch (err) {
    if (!isTopicAlreadyExists(err)) throw err;
  }
}

/** MirrorMaker 2's single-partition compacted internal topic (`heartbeats`, `….checkpoints.internal`). */
export function ensureCompactedTopic(admin: Admin, topic: string, replicationFactor: number): Promise<void> {
  return ensureTopic(admin, topic, replicationFactor, [{ name: 'cleanup.policy', value: 'compact' }]);
}
