import { PatternList } from './pattern-list.js';

/**
 * Which topic configs a remote topic takes from its source topic — MirrorSourceConnector's rule with
 * DefaultConfigPropertyFilter:
 * - read-only and sensitive entries, and values that come from the source broker's static config file
 *   (STATIC_BROKER_CONFIG), are never synced: they describe the source cluster, not the topic;
 * - names fully matching `config.properties.exclude` are never synced (defaults below: throttled replicas,
 *   timestamp handling, unclean election, min.insync.replicas — they are the target operator's business);
 * - of the rest, a value the source topic overrides (not a default) is set on the target, and a name that is
 *   at its default on the source is reset (deleted) on the target, so that removing an override on the
 *   source propagates. This is MM2's incremental mode with `use.defaults.from = target` (its default); a new
 *   remote topic is created with `overrides` only.
 *
 * A pure function of the DescribeConfigs answer; no I/O.
 */

/** MM2's `config.properties.exclude` default (DefaultConfigPropertyFilter). */
export const DEFAULT_CONFIG_PROPERTIES_EXCLUDE =
  'follower\\.replication\\.throttled\\.replicas, leader\\.replication\\.throttled\\.replicas, ' +
  'message\\.timestamp\\.difference\\.max\\.ms, message\\.timestamp\\.type, ' +
  'unclean\\.leader\\.election\\.enable, min\\.insync\\.replicas';

/** DescribeConfigs' config source codes (DescribeConfigsResponse ConfigSource). */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

/** One entry of a source topic's DescribeConfigs answer (kafkajs: configName, configValue, isDefault, …). */
export interface TopicConfigEntry {
  readonly name: string;
  readonly value: string | null;
  /** True when the value is Kafka's built-in default (DescribeConfigs v1+: source DEFAULT_CONFIG). */
  readonly isDefault: boolean;
  /** A ConfigSource code; when absent only `isDefault` is used. */
  readonly source?: number;
  readonly readOnly?: boolean;
  readonly sensitive?: boolean;
}

export interface TargetTopicConfig {
  /** Configs to set on the remote topic (at creation, and as incremental SETs afterwards). */
  readonly overrides: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** Configs at their default on the source: DELETE on the remote topic so it falls back to the target's default. */
  readonly resets: readonly string[];
}

/** Compiles `config.properties.exclude` once per flow; throws PatternListError on a bad regex. */
export function configPropertyExclusions(
  exclude: string | readonly string[] = DEFAULT_CONFIG_PROPERTIES_EXCLUDE,
): PatternList {
  return PatternList.compile(exclude);
}

/**
 * Whether a source topic config goes to the remote topic. Ferry's own topic configs (`ferry.*`, e.g. the cutover's
 * `ferry.write.freeze`) describe the source cluster's state, never the data: they are not synced whatever
 * `config.properties.exclude` says — a frozen source must not freeze the target the mirror drains into, and an
 * Apache Kafka target would refuse the unknown key.
 */
export function shouldReplicateConfigProperty(name: string, exclusions: PatternList): boolean {
  return !name.startsWith('ferry.') && !exclusions.matches(name);
}

export function targetTopicConfig(
  entries: Iterable<TopicConfigEntry>,
  exclusions: PatternList = configPropertyExclusions(),
): TargetTopicConfig {
  const overrides: { name: string; value: string }[] = [];
  const resets: string[] = [];
  for (const entry of entries) {
    if (entry.readOnly || entry.sensitive) continue;
    if (entry.source === ConfigSource.STATIC_BROKER_CONFIG) continue;
    if (!shouldReplicateConfigProperty(entry.name, exclusions)) continue;
    const isDefault = entry.isDefault || entry.source === ConfigSource.DEFAULT_CONFIG;
    if (isDefault || entry.value === null) resets.push(entry.name);
    else overrides.push({ name: entry.name, value: entry.value });
  }
  return { overrides, resets };
}
