import type { Admin } from 'kafkajs';
import { ClusterClient } from '../client/index.js';
import type { Logger } from '../common/logger.js';
import { createClusterAdmin } from './cluster-admin.js';
import type { Flow } from './flow.js';
import type { Checkpoint } from './formats/index.js';
import { GroupFilter } from './group-filter.js';
import { RawGroupOffsetCommitter } from './group-offset-committer.js';
import { GroupOffsetSync } from './group-offset-sync.js';
import type { MirrorClusterConfig, MirrorConfig, MirrorFlowConfig } from './mirror-config.js';
import type { PartitionOffsetMapping } from './offset-mapping.js';
import { mappingFromSyncs, type PartitionOffsetSync, syncsOfPartition } from './offset-sync-log.js';
import { readOffsetSyncs } from './offset-sync-reader.js';
import { createReplicationPolicy, type ReplicationPolicy } from './replication-policy.js';
import { TopicFilter } from './topic-filter.js';

/** One mirrored source partition and how far the flow has mirrored it. */
export interface PartitionLag {
  readonly topic: string;
  readonly remoteTopic: string;
  readonly partition: number;
  /** The source's log end (high watermark) as of the check. */
  readonly sourceEnd: number;
  /** Every source offset below this has been mirrored or dropped (the mapping's sourceNext, or the log start). */
  readonly mirrored: number;
  readonly lag: number;
}

/**
 * Where one group's consumers resume on the target for one partition, and what became of the commit:
 * 'planned' (dry run), 'written', 'current' (the target group is already there or ahead: never moved back),
 * 'active' (members on the target: left alone), 'failed' (the commit was refused), 'not-yet' (the mirror has
 * not passed the committed offset), 'before-start' (below what the mapping knows: not translatable exactly).
 */
export interface GroupResume {
  readonly group: string;
  readonly topic: string;
  readonly remoteTopic: string;
  readonly partition: number;
  readonly sourceOffset: number;
  /** The exact target offset; undefined for 'not-yet' and 'before-start'. */
  readonly targetOffset: number | undefined;
  readonly status: 'planned' | 'written' | 'current' | 'active' | 'failed' | 'not-yet' | 'before-start';
}

/**
 * The offsets side of one flow A->B, for the one-shot operations (failover, cutover): the mirrored partitions,
 * their exact mappings — the live ones of a Flow running in this process, else rebuilt from the offset-syncs
 * topic (which holds every run start, so the rebuild is exact up to the last sync; a tail the task dropped
 * after its last mirrored batch is known in memory only and reads as 'not-yet') — the lag, and the
 * translation of the source groups' committed offsets with the write into the target's idle groups.
 *
 * Owns its admins and clients (close() releases them). Single-threaded; not for concurrent operations.
 */
export class FlowOffsets {
  readonly config: MirrorFlowConfig;
  readonly policy: ReplicationPolicy;
  readonly sourceAdmin: Admin;
  readonly targetAdmin: Admin;
  readonly sourceClient: ClusterClient;
  readonly targetClient: ClusterClient;
  private readonly rebuilt = new Map<string, PartitionOffsetMapping>();
  private syncs: PartitionOffsetSync[] | undefined;
  private connected = false;

  constructor(
    readonly mirror: MirrorConfig,
    flowName: string,
    private readonly logger: Logger,
    /** A flow of this process whose live mappings are preferred while it runs. */
    private flow?: Flow,
  ) {
    const config = mirror.flows.find((f) => f.name === flowName);
    if (config === undefined) throw new Error(`no flow ${flowName} in the mirror config`);
    this.config = config;
    this.policy = createReplicationPolicy(config.replicationPolicy, {
      separator: config.replicationPolicySeparator,
      internalTopicSeparatorEnabled: config.replicationPolicyInternalTopicSeparatorEnabled,
    });
    const source = clusterOf(mirror, config.source);
    const target = clusterOf(mirror, config.target);
    this.sourceAdmin = createClusterAdmin(source, logger);
    this.targetAdmin = createClusterAdmin(target, logger);
    this.sourceClient = new ClusterClient({
      bootstrapServers: source.bootstrapServers,
      clientId: source.clientId,
    });
    this.targetClient = new ClusterClient({
      bootstrapServers: target.bootstrapServers,
      clientId: target.clientId,
    });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await Promise.all([this.sourceAdmin.connect(), this.targetAdmin.connect()]);
    this.connected = true;
  }

  async close(): Promise<void> {
    this.sourceClient.close();
    this.targetClient.close();
    await Promise.allSettled([this.sourceAdmin.disconnect(), this.targetAdmin.disconnect()]);
  }

  /** Forgets the live flow (it stopped) and any rebuilt mapping, so the next reads are fresh. */
  detachFlow(keepLive: boolean): void {
    if (!keepLive) this.flow = undefined;
    this.rebuilt.clear();
    this.syncs = undefined;
  }

  /** The source topics the flow mirrors, with their partition counts, sorted. */
  async mirroredTopics(): Promise<Map<string, number>> {
    const filter = new TopicFilter({
      source: this.config.source,
      target: this.config.target,
      policy: this.policy,
      topics: this.config.topics,
      topicsExclude: this.config.topicsExclude,
      heartbeatsReplicationEnabled: false,
    });
    const topics = (await this.sourceAdmin.listTopics())
      .filter((t) => filter.shouldReplicateTopic(t) && !this.policy.isHeartbeatsTopic(t))
      .sort();
    const out = new Map<string, number>();
    if (topics.length === 0) return out;
    const { topics: metadata } = await this.sourceAdmin.fetchTopicMetadata({ topics });
    for (const t of metadata) out.set(t.name, t.partitions.length);
    return new Map([...out].sort((a, b) => a[0].localeCompare(b[0])));
  }

  /** The exact mapping of a mirrored source partition: the live one, else rebuilt from the offset-syncs. */
  async mapping(topic: string, partition: number): Promise<PartitionOffsetMapping> {
    const live = this.flow?.mapping(topic, partition);
    if (live !== undefined) return live;
    const key = `${topic}:${partition}`;
    let mapping = this.rebuilt.get(key);
    if (mapping === undefined) {
      if (this.syncs === undefined) {
        const location = this.config.offsetSyncsTopicLocation;
        const client = location === 'source' ? this.sourceClient : this.targetClient;
        try {
          this.syncs = await readOffsetSyncs(client, this.policy.offsetSyncsTopic(this.config.target));
        } catch (err) {
          this.logger.warn({ err }, 'no offset-syncs readable; every partition reads as unmirrored');
          this.syncs = [];
        }
      }
      mapping = mappingFromSyncs(syncsOfPartition(this.syncs, topic, partition));
      this.rebuilt.set(key, mapping);
    }
    return mapping;
  }

  /** Per mirrored partition: the source end against the mirrored position. */
  async lag(topics?: ReadonlyMap<string, number>): Promise<PartitionLag[]> {
    const out: PartitionLag[] = [];
    for (const [topic, count] of topics ?? (await this.mirroredTopics())) {
      for (let partition = 0; partition < count; partition++) {
        const [end, start] = await Promise.all([
          this.sourceClient.listOffsets(topic, partition, 'latest'),
          this.sourceClient.listOffsets(topic, partition, 'earliest'),
        ]);
        const next = (await this.mapping(topic, partition)).sourceNext;
        // Nothing mapped and nothing readable: an empty partition is mirrored by definition.
        const mirrored = next >= 0 ? next : start.offset;
        out.push({
          topic,
          remoteTopic: this.policy.formatRemoteTopic(this.config.source, topic),
          partition,
          sourceEnd: end.offset,
          mirrored,
          lag: Math.max(0, end.offset - mirrored),
        });
      }
    }
    return out;
  }

  /** The source groups the flow's group filter selects, and whether each has members on the source now. */
  async sourceGroups(): Promise<Map<string, boolean>> {
    const filter = new GroupFilter({ groups: this.config.groups, groupsExclude: this.config.groupsExclude });
    const { groups } = await this.sourceAdmin.listGroups();
    const ids = groups
      .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
      .map((g) => g.groupId)
      .filter((g) => filter.shouldReplicateGroup(g))
      .sort();
    const out = new Map<string, boolean>();
    if (ids.length === 0) return out;
    const { groups: described } = await this.sourceAdmin.describeGroups(ids);
    for (const id of ids) out.set(id, (described.find((d) => d.groupId === id)?.members.length ?? 0) > 0);
    return out;
  }

  /** Every selected group's committed offsets on the mirrored topics, translated exactly ('planned'). */
  async translateGroups(
    groups: Iterable<string>,
    topics: ReadonlyMap<string, number>,
  ): Promise<GroupResume[]> {
    const out: GroupResume[] = [];
    if (topics.size === 0) return out;
    for (const group of groups) {
      const committed = await this.sourceAdmin.fetchOffsets({ groupId: group, topics: [...topics.keys()] });
      for (const { topic, partitions } of committed) {
        const remoteTopic = this.policy.formatRemoteTopic(this.config.source, topic);
        for (const { partition, offset } of [...partitions].sort((a, b) => a.partition - b.partition)) {
          const sourceOffset = Number(offset);
          if (!(sourceOffset >= 0)) continue;
          const t = (await this.mapping(topic, partition)).translate(sourceOffset);
          out.push({
            group,
            topic,
            remoteTopic,
            partition,
            sourceOffset,
            targetOffset: t.kind === 'exact' ? t.targetOffset : undefined,
            status: t.kind === 'exact' ? 'planned' : t.kind,
          });
        }
      }
    }
    return out;
  }

  /**
   * Commits the 'planned' resumes into the target's groups through GroupOffsetSync's rules: only groups with
   * no members on the target, never backwards, administrative commits the coordinator refuses for a group
   * that became active meanwhile. Returns every resume with its outcome.
   */
  writeGroups(resumes: readonly GroupResume[]): Promise<GroupResume[]> {
    return writeGroupResumes(this.targetClient, this.targetAdmin, resumes, this.logger);
  }
}

/**
 * Commits the 'planned' resumes into the groups of the cluster `client` and `admin` reach (the target for a
 * failover, the source for a failback) through GroupOffsetSync's rules; every resume comes back with its outcome.
 */
export async function writeGroupResumes(
  client: ClusterClient,
  admin: Admin,
  resumes: readonly GroupResume[],
  logger: Logger,
): Promise<GroupResume[]> {
  const checkpoints = new Map<string, Map<string, Checkpoint>>();
  for (const r of resumes) {
    if (r.status !== 'planned' || r.targetOffset === undefined) continue;
    let map = checkpoints.get(r.group);
    if (map === undefined) {
      map = new Map();
      checkpoints.set(r.group, map);
    }
    map.set(`${r.remoteTopic}:${r.partition}`, {
      group: r.group,
      topic: r.remoteTopic,
      partition: r.partition,
      upstreamOffset: r.sourceOffset,
      downstreamOffset: r.targetOffset,
      metadata: '',
    });
  }
  const sync = new GroupOffsetSync({
    target: admin,
    committer: new RawGroupOffsetCommitter(client),
    checkpoints: () => checkpoints,
    logger,
  });
  const outcomes = new Map((await sync.sync()).map((o) => [o.group, o]));
  return resumes.map((r) => {
    if (r.status !== 'planned') return r;
    const outcome = outcomes.get(r.group);
    if (outcome === undefined) return { ...r, status: 'failed' as const };
    if (outcome.result === 'active' || outcome.result === 'failed') return { ...r, status: outcome.result };
    const written = outcome.committed.has(`${r.remoteTopic}:${r.partition}`);
    return { ...r, status: written ? ('written' as const) : ('current' as const) };
  });
}

export function clusterOf(config: MirrorConfig, alias: string): MirrorClusterConfig {
  const found = config.clusters.get(alias);
  if (found === undefined) throw new Error(`unknown cluster alias ${alias}`);
  return found;
}
