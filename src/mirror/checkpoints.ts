import type { Admin } from 'kafkajs';
import type { ProduceOptions, ProduceResult } from '../client/index.js';
import { type Clock, systemClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { encodeRecordBatchSync, type RecordSpec } from '../protocol/records/record-batch.js';
import { type Checkpoint, encodeCheckpointKey, encodeCheckpointValue } from './formats/index.js';
import type { GroupFilter } from './group-filter.js';
import type { PartitionOffsetMapping } from './offset-mapping.js';
import { mappingFromSyncs, type PartitionOffsetSync, syncsOfPartition } from './offset-sync-log.js';
import type { ReplicationPolicy } from './replication-policy.js';

/** What the emitter needs of the target's ClusterClient. */
export interface CheckpointProduceClient {
  produce(topic: string, partition: number, records: Buffer, options: ProduceOptions): Promise<ProduceResult>;
}

export interface CheckpointEmitterOptions {
  readonly sourceAlias: string;
  readonly targetAlias: string;
  readonly policy: ReplicationPolicy;
  readonly groupFilter: GroupFilter;
  /** kafkajs admin of the source cluster: ListGroups and OffsetFetch. */
  readonly source: Admin;
  /** `<source>.checkpoints.internal` on the target (policy.checkpointsTopic(sourceAlias)). */
  readonly topic: string;
  readonly client: CheckpointProduceClient;
  /** The source topics the flow mirrors right now; committed offsets of other topics are not checkpointed. */
  readonly mirroredTopics: () => ReadonlySet<string>;
  /** The exact mapping of a partition mirrored in this process, if it is (undefined before its resume). */
  readonly mapping: (topic: string, partition: number) => PartitionOffsetMapping | undefined;
  /** Every offset-sync of the flow, for partitions whose mapping is not in this process. */
  readonly readOffsetSyncs: () => Promise<PartitionOffsetSync[]>;
  readonly logger: Logger;
  /** @defaultValue systemClock */
  readonly clock?: Clock;
}

/** One group's outcome of a round. */
export interface GroupCheckpoints {
  readonly group: string;
  /** Every checkpoint of the group known after the round, keyed `<remote topic>:<partition>`. */
  readonly checkpoints: ReadonlyMap<string, Checkpoint>;
  /** Committed partitions that could not be translated yet (the mirror has not passed them); retried. */
  readonly pending: number;
  /**
   * The most records a consumer of the group on the target could be re-delivered or skip, over its
   * checkpointed partitions: 0 when every translation is exact, which is the only kind this emitter writes.
   */
  readonly translationErrorBound: number;
}

export interface CheckpointRound {
  readonly groups: ReadonlyMap<string, GroupCheckpoints>;
  /** Checkpoint records written in this round (new or changed ones only). */
  readonly written: number;
  /** Per written checkpoint, `<group>/<remote topic>:<partition>` → ack time - the time offsets were read. */
  readonly latencyMs: ReadonlyMap<string, number>;
}

/**
 * MirrorMaker 2's checkpoint emission (MirrorCheckpointTask), with exact translation: every round
 * 1. lists the source's consumer groups that the flow's group filter selects;
 * 2. reads each group's committed offsets (OffsetFetch on the source) for the topics the flow mirrors;
 * 3. translates each committed offset O through the partition's exact mapping — the live one of the task
 *    mirroring it in this process, or one rebuilt from the offset-syncs topic (read once per round, only if
 *    needed) — to the target offset a consumer of the remote topic must resume at;
 * 4. writes a Checkpoint (group, *remote* topic, partition, upstreamOffset O, downstreamOffset, metadata) to
 *    `<source>.checkpoints.internal` on the target, one batch per round, acks=all — MM2 names the remote topic
 *    in the record (its renameTopicPartition), which is what RemoteClusterUtils.translateOffsets hands back.
 *
 * Only exact translations become checkpoints. An offset the mirror has not passed yet ("not-yet"), or one
 * below what the mapping knows ("before-start"), is skipped and retried next round — never guessed. A
 * checkpoint equal to the last one written is not written again. The latest checkpoints per group are kept
 * for group offset sync. Rounds must not overlap (the Flow serialises them).
 */
export class CheckpointEmitter {
  private readonly clock: Clock;
  private readonly latest = new Map<string, Map<string, Checkpoint>>();

  constructor(private readonly options: CheckpointEmitterOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** The latest checkpoints of every group, keyed by group then `<remote topic>:<partition>`. */
  checkpoints(): ReadonlyMap<string, ReadonlyMap<string, Checkpoint>> {
    return this.latest;
  }

  async emit(): Promise<CheckpointRound> {
    const { source, groupFilter, policy, sourceAlias, logger } = this.options;
    const readAtMs = this.clock.nowMs();
    const { groups: listed } = await source.listGroups();
    const groupIds = listed
      .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
      .map((g) => g.groupId)
      .filter((g) => groupFilter.shouldReplicateGroup(g))
      .sort();
    const mirrored = this.options.mirroredTopics();
    let rebuilt: Map<string, PartitionOffsetMapping> | undefined;
    let allSyncs: PartitionOffsetSync[] | undefined;
    const mappingOf = async (topic: string, partition: number) => {
      const live = this.options.mapping(topic, partition);
      if (live !== undefined) return live;
      allSyncs ??= await this.options.readOffsetSyncs();
      rebuilt ??= new Map();
      const key = `${topic}:${partition}`;
      let mapping = rebuilt.get(key);
      if (mapping === undefined) {
        mapping = mappingFromSyncs(syncsOfPartition(allSyncs, topic, partition));
        rebuilt.set(key, mapping);
      }
      return mapping;
    };

    const records: RecordSpec[] = [];
    const written: string[] = [];
    const groups = new Map<string, GroupCheckpoints>();
    for (const group of groupIds) {
      const committed =
        mirrored.size === 0 ? [] : await source.fetchOffsets({ groupId: group, topics: [...mirrored] });
      const known = new Map(this.latest.get(group));
      let pending = 0;
      for (const { topic, partitions } of committed) {
        if (!mirrored.has(topic)) continue;
        const remoteTopic = policy.formatRemoteTopic(sourceAlias, topic);
        for (const { partition, offset, metadata } of partitions) {
          const upstreamOffset = Number(offset);
          if (!(upstreamOffset >= 0)) continue; // -1: nothing committed for this partition
          const translation = (await mappingOf(topic, partition)).translate(upstreamOffset);
          if (translation.kind !== 'exact') {
            pending++;
            continue;
          }
          const key = `${remoteTopic}:${partition}`;
          const previous = known.get(key);
          const checkpoint: Checkpoint = {
            group,
            topic: remoteTopic,
            partition,
            upstreamOffset,
            downstreamOffset: translation.targetOffset,
            metadata: metadata ?? '',
          };
          if (
            previous?.upstreamOffset === checkpoint.upstreamOffset &&
            previous.downstreamOffset === checkpoint.downstreamOffset &&
            previous.metadata === checkpoint.metadata
          )
            continue;
          records.push({
            key: encodeCheckpointKey(checkpoint),
            value: encodeCheckpointValue(checkpoint),
            timestamp: readAtMs,
          });
          written.push(`${group}/${key}`);
          known.set(key, checkpoint);
        }
      }
      if (known.size > 0 || pending > 0) {
        groups.set(group, { group, checkpoints: known, pending, translationErrorBound: 0 });
      }
      if (pending > 0) logger.debug({ group, pending }, 'committed offsets not mirrored yet; retrying');
    }
    const latencyMs = new Map<string, number>();
    if (records.length > 0) {
      await this.options.client.produce(this.options.topic, 0, encodeRecordBatchSync({ records }), {
        acks: -1,
        timeoutMs: 30_000,
      });
      const ackedAtMs = this.clock.nowMs();
      for (const key of written) latencyMs.set(key, ackedAtMs - readAtMs);
    }
    // Only now: a failed write leaves `latest` as it was for the checkpoints not acknowledged.
    for (const [group, result] of groups) this.latest.set(group, new Map(result.checkpoints));
    return { groups, written: records.length, latencyMs };
  }
}
