import type { Admin } from 'kafkajs';
import kafkajs from 'kafkajs';
import type { Logger } from '../../common/logger.js';
import { createClusterAdmin } from '../cluster-admin.js';
import type { MirrorClusterConfig } from '../mirror-config.js';

const { ConfigResourceTypes } = kafkajs;

/**
 * Ferry's topic-level write freeze, `ferry.write.freeze=true` (src/cluster/topic-configs.ts): the broker refuses
 * every client Produce to the topic with the retriable NOT_ENOUGH_REPLICAS — a mirror's target writer included,
 * since it is a client like any other, unless its client id is the freeze's exemption (below).
 */
export const WRITE_FREEZE = 'ferry.write.freeze';

/**
 * `ferry.write.freeze.exempt.client.id`: the one request header client id a frozen topic still accepts produce
 * from — the reverse flow's writer, so that the freeze keeps every other producer out while it runs.
 */
export const WRITE_FREEZE_EXEMPT_CLIENT_ID = 'ferry.write.freeze.exempt.client.id';

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
 * Sets (or lifts) the freeze on each topic of `cluster`; returns the topics touched. Either way the freeze's
 * exemption goes (in the same AlterConfigs): a new freeze exempts nobody, and a lifted one leaves no exemption
 * behind to let a client through the next freeze. Idempotent; lifting where no freeze is set rewrites the
 * overrides unchanged.
 */
export function setWriteFreeze(
  cluster: MirrorClusterConfig,
  topics: readonly string[],
  frozen: boolean,
  logger: Logger,
): Promise<string[]> {
  return editTopicOverrides(cluster, topics, logger, (overrides) => {
    if (frozen) overrides.set(WRITE_FREEZE, 'true');
    else overrides.delete(WRITE_FREEZE);
    overrides.delete(WRITE_FREEZE_EXEMPT_CLIENT_ID);
  });
}

/**
 * Exempts `clientId` from the freeze on each topic of `cluster`, leaving the freeze itself as it is; returns the
 * topics touched. Idempotent.
 */
export function exemptFromWriteFreeze(
  cluster: MirrorClusterConfig,
  topics: readonly string[],
  clientId: string,
  logger: Logger,
): Promise<string[]> {
  if (clientId === '' && topics.length > 0) throw new Error('an empty client id exempts nobody');
  return editTopicOverrides(cluster, topics, logger, (overrides) => {
    overrides.set(WRITE_FREEZE_EXEMPT_CLIENT_ID, clientId);
  });
}

/**
 * Rewrites each topic's dynamic overrides through `edit`. kafkajs has no IncrementalAlterConfigs, so each
 * AlterConfigs carries the topic's other overrides too (read just before): an operator altering the same
 * topic's configs meanwhile may lose that change.
 */
async function editTopicOverrides(
  cluster: MirrorClusterConfig,
  topics: readonly string[],
  logger: Logger,
  edit: (overrides: Map<string, string>) => void,
): Promise<string[]> {
  if (topics.length === 0) return [];
  const admin = createClusterAdmin(cluster, logger);
  await admin.connect();
  try {
    // Topics are independent resources: a wave of them at a time instead of two round trips per topic in turn.
    await inWaves(topics, async (topic) => {
      const overrides = await topicOverrides(admin, topic);
      edit(overrides);
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
