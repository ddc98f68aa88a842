import { PatternList } from './pattern-list.js';
import type { ReplicationPolicy } from './replication-policy.js';

/** MM2's `topics` default. */
export const DEFAULT_TOPICS = '.*';
/** MM2's `topics.exclude` default. */
export const DEFAULT_TOPICS_EXCLUDE = '.*[\\-\\.]internal, .*\\.replica, __.*';

export interface TopicFilterOptions {
  /** The flow's source and target aliases. */
  readonly source: string;
  readonly target: string;
  readonly policy: ReplicationPolicy;
  /** @defaultValue DEFAULT_TOPICS */
  readonly topics?: string | readonly string[];
  /** @defaultValue DEFAULT_TOPICS_EXCLUDE */
  readonly topicsExclude?: string | readonly string[];
  /** Mirror heartbeats topics even when `topics` does not name them (MM2's default). @defaultValue true */
  readonly heartbeatsReplicationEnabled?: boolean;
}

/**
 * Which source topics a flow mirrors — MirrorSourceConnector's rule: a topic is mirrored when it matches
 * `topics` and not `topics.exclude` (or is a heartbeats topic), and it is not internal, and it is not a cycle.
 *
 * A cycle is a topic that already came from the flow's target, directly or through any number of hops
 * (`B.t` or `C.B.t` on A, for the flow A->B): mirroring it back would loop forever. Only a policy that names
 * remote topics can see this; with `identity` nothing is a cycle and the topology must be acyclic.
 *
 * Immutable after construction; regex errors surface here (PatternListError).
 */
export class TopicFilter {
  private readonly include: PatternList;
  private readonly exclude: PatternList;
  private readonly heartbeats: boolean;

  constructor(private readonly options: TopicFilterOptions) {
    this.include = PatternList.compile(options.topics ?? DEFAULT_TOPICS);
    this.exclude = PatternList.compile(options.topicsExclude ?? DEFAULT_TOPICS_EXCLUDE);
    this.heartbeats = options.heartbeatsReplicationEnabled ?? true;
  }

  shouldReplicateTopic(topic: string): boolean {
    const { policy } = this.options;
    const selected =
      (this.include.matches(topic) && !this.exclude.matches(topic)) ||
      (this.heartbeats && policy.isHeartbeatsTopic(topic));
    return selected && !policy.isInternalTopic(topic) && !this.isCycle(topic);
  }

  /** Whether `topic` originated on the flow's target cluster, following remote names upstream. */
  isCycle(topic: string): boolean {
    const { policy, target } = this.options;
    let current = topic;
    for (;;) {
      const source = policy.topicSource(current);
      if (source === undefined) return false;
      if (source === target) return true;
      const upstream = policy.upstreamTopic(current);
      if (upstream === undefined || upstream === current) return false;
      current = upstream;
    }
  }
}
