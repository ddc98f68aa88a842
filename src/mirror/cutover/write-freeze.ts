import type { Admin } from 'kafkajs';
import kafkajs from 'kafkajs';
import type { Logger } from '../../common/logger.js';
import { createClusterAdmin } from '../cluster-admin.js';
import type { MirrorClusterConfig } from '../mirror-config.js';

const { ConfigResourceTypes } = kafkajs;

/**
 * Ferry's topic-level write freeze, `ferry.write.freeze=true` (src/cluster/topic-configs.ts): the broker refuses
 * every client Produce to the topic with the retriable NOT_ENOUGH_REPLICAS — a mirror's target writer included,
 * since it is a client like any other.
 */
export const WRITE_FREEZE = 'ferry.write.freeze';

/** Topics handled concurrently: enough to hide round trips, few enough for any broker. */
const WAVE = 16;

/** Runs `work` over `items`, WAVE at a time; the first failure fails the whole (after its wave settles). */
export async function inWaves<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += WAVE) await Promise.all(items.slice(i, i + WAVE).map(work));
}

/** A topic's dynamic overrides (config source 1, DYNAMIC_TOPIC_CONFIG), name → value. */
export async function topicOverrides(admin: Admin, topic: string): Promise<Map<string, string>> {
  const { resources } = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    includeSynonyms: false,
  });
  return new Map(
    (resources[0]?.configEntries ?? [])
      .filter((e) => e.configSource === 1)
      .map((e) => [e.configName, e.configValue]),
  );
}

/**
 * Sets (or lifts) the freeze on each topic of `cluster`; returns the topics touched. kafkajs has no
 * IncrementalAlterConfigs, so each AlterConfigs carries the topic's other overrides too (read just before):
 * an operator altering the same topic's configs meanwhile may lose that change. Idempotent; lifting where
 * no freeze is set rewrites the overrides unchanged.
 */
export async function setWriteFreeze(
  cluster: MirrorClusterConfig,
  topics: readonly string[],
  frozen: boolean,
  logger: Logger,
): Promise<string[]> {
  if (topics.length === 0) return [];
  const admin = createClusterAdmin(cluster, logger);
  await admin.connect();
  try {
    // Topics are independent resources: a wave of them at a time instead of two round trips per topic in turn.
    await inWaves(topics, async (topic) => {
      const overrides = await topicOverrides(admin, topic);
      if (frozen) overrides.set(WRITE_FREEZE, 'true');
      else overrides.delete(WRITE_FREEZE);
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: [...overrides].map(([name, value]) => ({ name, value })),
          },
        ],
      });
    });
  } finally {
    await admin.disconnect();
  }
  return [...topics];
}
