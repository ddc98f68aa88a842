import kafkajs, { type Admin, type ConfigEntries, type ITopicConfig } from 'kafkajs';
import type { Logger } from '../common/logger.js';
import type { TaskPartition } from '../runtime/index.js';
import { effectiveReplicationFactor, isTopicAlreadyExists } from './cluster-admin.js';
import {
  configPropertyExclusions,
  shouldReplicateConfigProperty,
  type TopicConfigEntry,
  targetTopicConfig,
} from './config-sync.js';
import type { PatternList } from './pattern-list.js';
import type { ReplicationPolicy } from './replication-policy.js';
import type { TopicFilter } from './topic-filter.js';

const { ConfigResourceTypes } = kafkajs;

export interface TopicSyncOptions {
  readonly sourceAlias: string;
  readonly source: Admin;
  readonly target: Admin;
  readonly policy: ReplicationPolicy;
  readonly filter: TopicFilter;
  /** `replication.factor` of the flow: -1 is the target broker's default; capped to the target's brokers. */
  readonly replicationFactor: number;
  /** `sync.topic.configs.enabled`. */
  readonly syncConfigs: boolean;
  /**
   * `sync.topic.configs.interval.seconds` in ms: existing remote topics are reconfigured by a pass at most
   * this often (new ones get their configs at creation). @defaultValue 0 (every pass)
   */
  readonly configSyncIntervalMs?: number;
  /** @defaultValue Date.now */
  readonly nowMs?: () => number;
  /** `config.properties.exclude`; @defaultValue MM2's DefaultConfigPropertyFilter list */
  readonly configPropertiesExclude?: readonly string[];
  readonly logger: Logger;
}

/** What one pass found and did. */
export interface TopicSyncResult {
  /** Every source partition to mirror (its remote partition exists), sorted by topic then partition. */
  readonly partitions: readonly TaskPartition[];
  readonly created: readonly string[];
  /** Remote topics whose partition count grew, with the new count. */
  readonly grown: ReadonlyArray<{ readonly topic: string; readonly count: number }>;
  /** Remote topics whose configs were rewritten. */
  readonly reconfigured: readonly string[];
}

/**
 * Keeps a flow's remote topics in step with the source — MirrorSourceConnector's topic work:
 * - selects the source topics to mirror (TopicFilter: the flow's `topics`/`topics.exclude`, heartbeats
 *   topics, never internal ones, never a topic that came from the flow's target — loop prevention);
 * - creates each remote topic (policy.formatRemoteTopic) on the target with the source's partition count and
 *   its synced configs (config-sync.ts), replication factor as configured;
 * - grows the remote topic when the source topic grew (CreatePartitions; Kafka cannot shrink);
 * - rewrites the remote topic's configs when the synced set differs. kafkajs has no IncrementalAlterConfigs,
 *   so this is the legacy AlterConfigs, which replaces a topic's whole override set: the set sent is the
 *   synced overrides plus the target's own overrides of excluded names (e.g. `min.insync.replicas`), so the
 *   target operator's settings survive and a source override removed on the source disappears on the target.
 *
 * `sync()` is one pass; the Flow calls it every `refresh.topics.interval.seconds`. A remote topic that exists
 * already (created by an operator, or by an earlier run) is adopted as it is, except that it is grown and
 * reconfigured like any other. Passes must not overlap: the Flow serialises them.
 */
export class TopicSync {
  private readonly exclusions: PatternList;
  private lastConfigSyncMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: TopicSyncOptions) {
    this.exclusions = configPropertyExclusions(options.configPropertiesExclude);
  }

  /** The source topics this flow mirrors, out of a listing of the source. */
  selectTopics(sourceTopics: Iterable<string>): string[] {
    const selected: string[] = [];
    for (const topic of sourceTopics)
      if (this.options.filter.shouldReplicateTopic(topic)) selected.push(topic);
    return selected.sort();
  }

  async sync(): Promise<TopicSyncResult> {
    const { source, target, policy, sourceAlias, logger } = this.options;
    const topics = this.selectTopics(await source.listTopics());
    if (topics.length === 0) return { partitions: [], created: [], grown: [], reconfigured: [] };
    const sourceCounts = await partitionCounts(source, topics);
    const remoteOf = new Map(topics.map((t) => [t, policy.formatRemoteTopic(sourceAlias, t)]));
    const targetTopics = new Set(await target.listTopics());
    const existingRemote = topics.map((t) => remoteOf.get(t)!).filter((r) => targetTopics.has(r));
    const targetCounts = await partitionCounts(target, existingRemote);

    const now = (this.options.nowMs ?? Date.now)();
    const configsDue =
      this.options.syncConfigs && now - this.lastConfigSyncMs >= (this.options.configSyncIntervalMs ?? 0);
    const missing = topics.filter((t) => !targetTopics.has(remoteOf.get(t)!) && sourceCounts.has(t));
    const sourceConfigs =
      this.options.syncConfigs && (configsDue || missing.length > 0)
        ? await describeTopicConfigs(source, configsDue ? topics : missing)
        : new Map<string, readonly ConfigEntries[]>();
    const created: string[] = [];
    const toCreate: ITopicConfig[] = [];
    if (missing.length > 0) {
      const replicationFactor = await effectiveReplicationFactor(target, this.options.replicationFactor);
      for (const topic of missing) {
        const overrides = this.syncedConfig(sourceConfigs.get(topic)).overrides;
        toCreate.push({
          topic: remoteOf.get(topic)!,
          numPartitions: sourceCounts.get(topic)!,
          replicationFactor,
          configEntries: overrides.map((o) => ({ name: o.name, value: o.value })),
        });
      }
    }
    for (const config of toCreate) {
      try {
        // kafkajs answers false (no error) when the topic exists already.
        if (!(await target.createTopics({ topics: [config], waitForLeaders: true }))) continue;
        created.push(config.topic);
        targetCounts.set(config.topic, config.numPartitions!);
        logger.info(
          {
            topic: config.topic,
            partitions: config.numPartitions,
            replicationFactor: config.replicationFactor,
          },
          'created remote topic',
        );
      } catch (err) {
        if (!isTopicAlreadyExists(err)) throw err;
      }
    }
    if (created.length < toCreate.length) {
      // Someone else created some of them meanwhile: learn their counts so that growth applies next.
      const raced = toCreate.map((c) => c.topic).filter((t) => !created.includes(t));
      for (const [t, n] of await partitionCounts(target, raced)) targetCounts.set(t, n);
    }

    const grown: Array<{ topic: string; count: number }> = [];
    for (const topic of topics) {
      const remote = remoteOf.get(topic)!;
      const want = sourceCounts.get(topic);
      const have = targetCounts.get(remote);
      if (want === undefined || have === undefined || want <= have) continue;
      await target.createPartitions({ topicPartitions: [{ topic: remote, count: want }] });
      targetCounts.set(remote, want);
      grown.push({ topic: remote, count: want });
      logger.info({ topic: remote, from: have, to: want }, 'grew remote topic');
    }

    let reconfigured: string[] = [];
    if (configsDue) {
      const existing = topics.filter((t) => !created.includes(remoteOf.get(t)!));
      reconfigured = await this.syncConfigs(existing, remoteOf, sourceConfigs);
      this.lastConfigSyncMs = now;
    }

    const partitions: TaskPartition[] = [];
    for (const topic of topics) {
      // Mirror only what the remote topic can hold; the rest follows once growth has been applied.
      const count = Math.min(sourceCounts.get(topic) ?? 0, targetCounts.get(remoteOf.get(topic)!) ?? 0);
      for (let partition = 0; partition < count; partition++) partitions.push({ topic, partition });
    }
    return { partitions, created, grown, reconfigured };
  }

  private syncedConfig(entries: readonly ConfigEntries[] | undefined) {
    return targetTopicConfig((entries ?? []).map(toTopicConfigEntry), this.exclusions);
  }

  private async syncConfigs(
    topics: readonly string[],
    remoteOf: ReadonlyMap<string, string>,
    sourceConfigs: ReadonlyMap<string, readonly ConfigEntries[]>,
  ): Promise<string[]> {
    const { target, logger } = this.options;
    if (topics.length === 0) return [];
    const remotes = topics.map((t) => remoteOf.get(t)!);
    const targetConfigs = await describeTopicConfigs(target, remotes);
    const reconfigured: string[] = [];
    for (const topic of topics) {
      const remote = remoteOf.get(topic)!;
      const current = targetConfigs.get(remote);
      const source = sourceConfigs.get(topic);
      if (current === undefined || source === undefined) continue;
      const wanted = new Map(this.syncedConfig(source).overrides.map((o) => [o.name, o.value]));
      // The target's own overrides of names the flow does not sync are the target operator's: keep them. That
      // includes Ferry's own (`ferry.write.freeze`): a flow into a frozen topic must not lift the freeze.
      for (const entry of current) {
        if (isTopicOverride(entry) && !shouldReplicateConfigProperty(entry.configName, this.exclusions))
          wanted.set(entry.configName, entry.configValue);
      }
      const have = new Map(current.filter(isTopicOverride).map((e) => [e.configName, e.configValue]));
      if (sameEntries(wanted, have)) continue;
      await target.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: remote,
            configEntries: [...wanted].map(([name, value]) => ({ name, value })),
          },
        ],
      });
      reconfigured.push(remote);
      logger.info({ topic: remote, configs: Object.fromEntries(wanted) }, 'synced remote topic configs');
    }
    return reconfigured;
  }
}

async function partitionCounts(admin: Admin, topics: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (topics.length === 0) return counts;
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
  for (const t of metadata) counts.set(t.name, t.partitions.length);
  return counts;
}

async function describeTopicConfigs(
  admin: Admin,
  topics: readonly string[],
): Promise<Map<string, readonly ConfigEntries[]>> {
  const out = new Map<string, readonly ConfigEntries[]>();
  if (topics.length === 0) return out;
  const { resources } = await admin.describeConfigs({
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    includeSynonyms: false,
  });
  for (const r of resources) if (r.errorCode === 0) out.set(r.resourceName, r.configEntries);
  return out;
}

function toTopicConfigEntry(e: ConfigEntries): TopicConfigEntry {
  return {
    name: e.configName,
    value: e.configValue ?? null,
    isDefault: e.isDefault,
    source: e.configSource,
    readOnly: e.readOnly,
    sensitive: e.isSensitive,
  };
}

/** A value set on the topic itself (DescribeConfigs v1+ source TOPIC_CONFIG, or v0's non-default). */
function isTopicOverride(e: ConfigEntries): boolean {
  return e.configSource === undefined ? !e.isDefault : e.configSource === 1;
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
