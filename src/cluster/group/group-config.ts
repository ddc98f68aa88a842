/**
 * The group coordinator's settings: Kafka's broker configs of the same meaning under camelCase names. The
 * broker fills them from its config (`group.min.session.timeout.ms`, …); everything has Kafka's default.
 */
export interface GroupCoordinatorConfig {
  /** `group.min.session.timeout.ms`: shortest session timeout a member may ask for. @defaultValue 6000 */
  groupMinSessionTimeoutMs: number;
  /** `group.max.session.timeout.ms`: longest session timeout a member may ask for. @defaultValue 1800000 */
  groupMaxSessionTimeoutMs: number;
  /**
   * `group.initial.rebalance.delay.ms`: how long the first rebalance of an empty group waits for more
   * members, extended by the same delay while members keep arriving, up to the rebalance timeout.
   * @defaultValue 3000
   */
  groupInitialRebalanceDelayMs: number;
  /** `group.max.size`: most members a group may have. @defaultValue unlimited */
  groupMaxSize: number;
  /** `offset.metadata.max.bytes`: longest metadata string of a committed offset. @defaultValue 4096 */
  offsetMetadataMaxBytes: number;
  /** `offsets.topic.num.partitions`: partitions of `__consumer_offsets`. @defaultValue 50 */
  offsetsTopicNumPartitions: number;
  /**
   * How long a new member's JoinGroup may wait in a rebalance before the member is dropped (Kafka's fixed
   * NewMemberJoinTimeoutMs): a client that gave up and retried must not leave a defunct member behind.
   * @defaultValue 300000
   */
  newMemberJoinTimeoutMs: number;
}

export const DEFAULT_GROUP_COORDINATOR_CONFIG: Readonly<GroupCoordinatorConfig> = Object.freeze({
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupInitialRebalanceDelayMs: 3000,
  groupMaxSize: Number.MAX_SAFE_INTEGER,
  offsetMetadataMaxBytes: 4096,
  offsetsTopicNumPartitions: 50,
  newMemberJoinTimeoutMs: 300_000,
});

export function groupCoordinatorConfig(
  overrides: Partial<GroupCoordinatorConfig> = {},
): GroupCoordinatorConfig {
  return { ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...overrides };
}
