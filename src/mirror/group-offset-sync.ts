import type { Admin } from 'kafkajs';
import type { Logger } from '../common/logger.js';
import type { Checkpoint } from './formats/index.js';
import type { GroupOffsetCommitter } from './group-offset-committer.js';

export interface GroupOffsetSyncOptions {
  /** kafkajs admin of the target cluster: DescribeGroups and OffsetFetch. */
  readonly target: Admin;
  /** Commits into the target's groups (RawGroupOffsetCommitter on the target's ClusterClient). */
  readonly committer: GroupOffsetCommitter;
  /** The latest checkpoints per group (CheckpointEmitter.checkpoints()). */
  readonly checkpoints: () => ReadonlyMap<string, ReadonlyMap<string, Checkpoint>>;
  readonly logger: Logger;
}

/** What one pass did to one group. */
export interface GroupSyncOutcome {
  readonly group: string;
  /**
   * 'synced' (something committed), 'current' (nothing ahead), 'active' (members on the target: left alone),
   * 'failed' (a commit failed, e.g. the group became active meanwhile; retried next pass).
   */
  readonly result: 'synced' | 'current' | 'active' | 'failed';
  /** `<remote topic>:<partition>` → the offset committed in this pass. */
  readonly committed: ReadonlyMap<string, number>;
}

/** Group states in which nobody consumes for the group on the target (or it does not exist there). */
const IDLE_STATES = new Set(['Empty', 'Dead', 'Unknown']);

/**
 * MirrorMaker 2's `sync.group.offsets.enabled` (MirrorCheckpointTask.syncGroupOffset): the translated offsets
 * of each checkpointed group are committed into the target group of the same name, for the remote topics,
 * so that consumers failing over to the target resume where they left off on the source — exactly, since
 * checkpoints are exact.
 *
 * Two rules protect the target's own consumers:
 * - a group with active members on the target (DescribeGroups state other than Empty/Dead/Unknown) is left
 *   alone: its members own their offsets there;
 * - an offset never moves backwards: a partition is committed only when its checkpoint's downstream offset
 *   is ahead of the target group's committed offset (or nothing is committed there).
 *
 * Commits are administrative OffsetCommits (generation -1, no member: group-offset-committer.ts), one per
 * group, which the coordinator refuses for a group that became active between the check and the commit —
 * rather than kafkajs' admin `setOffsets`, which joins the group with a consumer and waits out a fetch for
 * every (group, topic). Passes must not overlap (the Flow serialises them).
 */
export class GroupOffsetSync {
  constructor(private readonly options: GroupOffsetSyncOptions) {}

  async sync(): Promise<GroupSyncOutcome[]> {
    const { target, committer, logger } = this.options;
    const outcomes: GroupSyncOutcome[] = [];
    const all = this.options.checkpoints();
    const groupIds = [...all.keys()].filter((g) => (all.get(g)?.size ?? 0) > 0).sort();
    if (groupIds.length === 0) return outcomes;
    const { groups: descriptions } = await target.describeGroups(groupIds);
    const stateOf = new Map(descriptions.map((d) => [d.groupId, d]));
    for (const group of groupIds) {
      const description = stateOf.get(group);
      if (description && (!IDLE_STATES.has(description.state) || description.members.length > 0)) {
        outcomes.push({ group, result: 'active', committed: new Map() });
        continue;
      }
      const checkpoints = [...all.get(group)!.values()];
      const topics = [...new Set(checkpoints.map((c) => c.topic))];
      const current = await target.fetchOffsets({ groupId: group, topics });
      const currentOf = new Map<string, number>();
      for (const { topic, partitions } of current) {
        for (const p of partitions) currentOf.set(`${topic}:${p.partition}`, Number(p.offset));
      }
      const committed = new Map<string, number>();
      try {
        const ahead = checkpoints.filter(
          (c) => c.downstreamOffset > (currentOf.get(`${c.topic}:${c.partition}`) ?? -1),
        );
        await committer.commit(
          group,
          ahead.map((c) => ({
            topic: c.topic,
            partition: c.partition,
            offset: c.downstreamOffset,
            metadata: c.metadata,
          })),
        );
        for (const c of ahead) committed.set(`${c.topic}:${c.partition}`, c.downstreamOffset);
      } catch (err) {
        logger.warn({ err, group }, 'group offset sync failed; retrying next pass');
        outcomes.push({ group, result: 'failed', committed });
        continue;
      }
      if (committed.size > 0)
        logger.info({ group, offsets: Object.fromEntries(committed) }, 'synced group offsets');
      outcomes.push({ group, result: committed.size > 0 ? 'synced' : 'current', committed });
    }
    return outcomes;
  }
}
