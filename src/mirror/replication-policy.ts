/**
 * How remote topics are named — MirrorMaker 2's ReplicationPolicy, with its two stock implementations.
 *
 * `default` (MM2's DefaultReplicationPolicy): the remote copy of topic `t` from cluster `A` is `A<sep>t`
 * (separator `.` unless `replication.policy.separator` says otherwise). A topic's source is what precedes the
 * first separator, with Java's `String.split` rule that trailing empty pieces do not count: `A.t` comes from
 * `A`, `a.` and `...` are not remote, `.t` comes from the empty alias. Internal topic names use the same
 * separator unless `replication.policy.internal.topic.separator.enabled` is false (then always `.`).
 *
 * `identity` (MM2's IdentityReplicationPolicy): remote topics keep their name, so a topic's source cannot be
 * told from its name (`topicSource` is undefined and `upstreamTopic` is the topic itself) — except for
 * heartbeats, which are still prefixed so that a chain of clusters can be traced. Loop prevention by name is
 * impossible with it: the topology must be acyclic.
 *
 * Both are pure, immutable values; any caller may share one.
 */
export interface ReplicationPolicy {
  /** The target-side name of `topic` mirrored from cluster `sourceAlias`. */
  formatRemoteTopic(sourceAlias: string, topic: string): string;
  /** The alias of the cluster `topic` was mirrored from, or undefined when it is not a remote topic. */
  topicSource(topic: string): string | undefined;
  /** The topic's name one hop upstream (possibly itself remote), or undefined when it is not remote. */
  upstreamTopic(topic: string): string | undefined;
  /** The topic's name on the cluster where it originated, following every hop; the topic when not remote. */
  originalTopic(topic: string): string;
  heartbeatsTopic(): string;
  /** `mm2-offset-syncs.<alias>.internal`; MM2 names it after the flow's *target* alias. */
  offsetSyncsTopic(clusterAlias: string): string;
  /** `<alias>.checkpoints.internal`, on the target, named after the flow's *source* alias. */
  checkpointsTopic(clusterAlias: string): string;
  /** A heartbeats topic, local (`heartbeats`) or remote (`A.heartbeats`, `B.A.heartbeats`, …). */
  isHeartbeatsTopic(topic: string): boolean;
  isCheckpointsTopic(topic: string): boolean;
  /** A topic MirrorMaker itself owns (`….internal`). */
  isMM2InternalTopic(topic: string): boolean;
  /** Never mirrored: MM2's own topics, Kafka's (`__…`, `.…`) and Kafka Connect's (`…-internal`, `….internal`). */
  isInternalTopic(topic: string): boolean;
}

export type ReplicationPolicyName = 'default' | 'identity';

export interface ReplicationPolicyOptions {
  /** @defaultValue '.' */
  separator?: string;
  /** Use the separator in internal topic names too; when false they always use '.'. @defaultValue true */
  internalTopicSeparatorEnabled?: boolean;
}

export const DEFAULT_SEPARATOR = '.';
const HEARTBEATS_TOPIC = 'heartbeats';

export class DefaultReplicationPolicy implements ReplicationPolicy {
  readonly separator: string;
  private readonly internalSeparator: string;

  constructor(options: ReplicationPolicyOptions = {}) {
    this.separator = options.separator ?? DEFAULT_SEPARATOR;
    if (this.separator.length === 0) throw new Error('replication.policy.separator must not be empty');
    this.internalSeparator = (options.internalTopicSeparatorEnabled ?? true) ? this.separator : '.';
  }

  formatRemoteTopic(sourceAlias: string, topic: string): string {
    return `${sourceAlias}${this.separator}${topic}`;
  }

  topicSource(topic: string): string | undefined {
    const first = topic.indexOf(this.separator);
    if (first < 0) return undefined;
    // Java's split drops trailing empty pieces: the topic is remote only if something non-empty follows.
    const rest = topic.slice(first + this.separator.length);
    if (rest.split(this.separator).every((piece) => piece.length === 0)) return undefined;
    return topic.slice(0, first);
  }

  upstreamTopic(topic: string): string | undefined {
    const source = this.topicSource(topic);
    return source === undefined ? undefined : topic.slice(source.length + this.separator.length);
  }

  originalTopic(topic: string): string {
    let current = topic;
    for (;;) {
      const upstream = this.upstreamTopic(current);
      if (upstream === undefined || upstream === current) return current;
      current = upstream;
    }
  }

  heartbeatsTopic(): string {
    return HEARTBEATS_TOPIC;
  }

  offsetSyncsTopic(clusterAlias: string): string {
    return `mm2-offset-syncs${this.internalSeparator}${clusterAlias}${this.internalSuffix()}`;
  }

  checkpointsTopic(clusterAlias: string): string {
    return `${clusterAlias}${this.checkpointsSuffix()}`;
  }

  isHeartbeatsTopic(topic: string): boolean {
    return this.originalTopic(topic) === this.heartbeatsTopic();
  }

  isCheckpointsTopic(topic: string): boolean {
    return topic.endsWith(this.checkpointsSuffix());
  }

  isMM2InternalTopic(topic: string): boolean {
    return topic.endsWith(this.internalSuffix());
  }

  isInternalTopic(topic: string): boolean {
    return (
      this.isMM2InternalTopic(topic) ||
      topic.startsWith('__') ||
      topic.startsWith('.') ||
      topic.endsWith('-internal') ||
      topic.endsWith('.internal')
    );
  }

  private internalSuffix(): string {
    return `${this.internalSeparator}internal`;
  }

  private checkpointsSuffix(): string {
    return `${this.internalSeparator}checkpoints${this.internalSuffix()}`;
  }
}

export class IdentityReplicationPolicy extends DefaultReplicationPolicy {
  override formatRemoteTopic(sourceAlias: string, topic: string): string {
    return this.looksLikeHeartbeats(topic) ? super.formatRemoteTopic(sourceAlias, topic) : topic;
  }

  override topicSource(topic: string): string | undefined {
    return this.looksLikeHeartbeats(topic) ? super.topicSource(topic) : undefined;
  }

  override upstreamTopic(topic: string): string | undefined {
    return this.looksLikeHeartbeats(topic) ? super.upstreamTopic(topic) : topic;
  }

  /** MM2's test is a suffix match, so `myheartbeats` counts too; kept for compatibility. */
  private looksLikeHeartbeats(topic: string): boolean {
    return topic.endsWith(this.heartbeatsTopic());
  }
}

export function createReplicationPolicy(
  name: ReplicationPolicyName,
  options: ReplicationPolicyOptions = {},
): ReplicationPolicy {
  return name === 'identity' ? new IdentityReplicationPolicy(options) : new DefaultReplicationPolicy(options);
}
