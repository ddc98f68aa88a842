import { componentLogger, type Logger, silentLogger } from '../common/logger.js';
import { failbackPartition } from './failback-copy.js';
import { FailbackProducer } from './failback-producer.js';
import { FlowOffsets, type GroupResume, writeGroupResumes } from './flow-offsets.js';
import { GroupFilter } from './group-filter.js';
import type { MirrorConfig } from './mirror-config.js';
import type { PartitionOffsetMapping } from './offset-mapping.js';

export interface FailbackOptions {
  readonly config: MirrorConfig;
  /** The forward flow `A->B` that failed over to B; failback returns to A. It must be stopped. */
  readonly flowName: string;
  /** Plan only: report what would be copied and where groups would resume, write nothing. */
  readonly dryRun?: boolean;
  readonly logger?: Logger;
  /**
   * Fault injection for tests (a crash at a chosen point, not a mock): called at each step of FailbackStep;
   * a throw aborts the failback right there, as a crash would.
   */
  readonly onStep?: (step: FailbackStep) => void;
}

/** The points of a failback run a fault can be injected at (FailbackOptions.onStep). */
export type FailbackStep =
  /** A producer id was taken from A and registered; nothing written with it yet. */
  | { readonly step: 'producer-registered'; readonly producerId: number }
  /** A acknowledged a copied batch; `batchesThisRun` counts this run's acknowledged batches so far. */
  | {
      readonly step: 'batch-copied';
      readonly remoteTopic: string;
      readonly partition: number;
      readonly batchesThisRun: number;
    }
  /** Every partition is copied; the groups are not written yet. */
  | { readonly step: 'copied'; readonly copies: readonly FailbackCopy[] };

/** What the reverse flow copied of one partition: B's remote partition → A's origin partition. */
export interface FailbackCopy {
  /** On B: the remote topic the failed-over producers wrote to (`A.orders`; `orders` with identity). */
  readonly remoteTopic: string;
  /** On A: the topic the records belong back in (`orders`). */
  readonly originTopic: string;
  readonly partition: number;
  /** B offsets [from, to): written on B after the failover (from = where the forward mirror's copy ended). */
  readonly from: number;
  readonly to: number;
  /** Batches this run copied (in a dry run: none). */
  readonly batches: number;
  /** Batches found already on A, copied by an earlier run that was interrupted. */
  readonly resumed: number;
  /** Where the copied records start and end on A. */
  readonly originStart: number;
  readonly originEnd: number;
}

export interface FailbackReport {
  readonly flow: string;
  readonly reverseFlow: string;
  readonly dryRun: boolean;
  readonly copies: readonly FailbackCopy[];
  /** B's groups' committed offsets on the remote topics → A's origin topics (GroupResume in reverse). */
  readonly resumes: readonly GroupResume[];
}

/**
 * `ferry failback --flow A->B`: after a failover A->B and producers writing on B, back to A.
 *
 * The choice of topics (what MM2 operators do, and why Ferry does otherwise). With MM2's default policy, the
 * failed-over consumers read `A.orders` on B and producers usually keep writing to that same topic there, so
 * that one topic carries the whole history. MM2's reverse flow B->A would never mirror `A.orders` back (its
 * cycle check: the topic came from A) — operators either run consumers on A over `orders` *and*
 * `B.orders`, or hand-copy. Ferry's failback instead maps the remote topic back to its origin:
 * B's `A.orders` → A's `orders` (policy.originalTopic), so after failback A's `orders` is again the one topic
 * with the whole history and consumers keep one subscription. With the identity policy the names are the
 * same on both sides. Only what was written on B *after* the forward mirror's copy ended is copied back (B
 * offsets from the forward mapping's target end): records that came from A are not returned to A.
 *
 * The reverse copy (failback-copy.ts): read_committed batches of B's remote partition (control batches and
 * aborted data dropped, as the mirror's filter does), written unchanged but for the producer fields and the
 * transactional bit to the same partition of A's origin topic as failback's own idempotent producer (failback-producer.ts: taken
 * from A, registered in A's producer registry before use), acks=all, in order; each acknowledged batch
 * extends an exact PartitionOffsetMapping B→A. Then B's groups' committed offsets on the remote topics are
 * translated — below the failover point through the inverse of the forward mapping, at or after it through
 * the copy's mapping — and written into A's idle groups, never backwards.
 *
 * Crash-safe without a state file: run again after an interruption at any point, it finds on A, by producer
 * id, what earlier runs copied (failback-copy.ts states the invariant that makes this exact), copies the
 * rest, and computes the same mapping, so A ends with every record once, in order, and the groups where an
 * uninterrupted run puts them. The one window left is a process killed while a partition's very first batch
 * was on the wire and appended only after the rerun looked (failback-copy.ts, point 4): that batch twice. Keep the forward flow stopped until failback has completed. Restarting the
 * forward flow A->B afterwards: with the identity policy its loop prevention drops the copied records
 * (registered as the reverse direction's writes); with any other policy it would mirror them to B a second
 * time — move its start past them first, or leave it stopped.
 */
export async function failback(options: FailbackOptions): Promise<FailbackReport> {
  const logger = componentLogger(options.logger ?? silentLogger, 'mirror-failback', {
    flow: options.flowName,
  });
  const forward = new FlowOffsets(options.config, options.flowName, logger);
  const dryRun = options.dryRun === true;
  const onStep = options.onStep;
  const { source, target } = forward.config;
  try {
    await forward.connect();
    const producer = new FailbackProducer({
      originAlias: source,
      standbyAlias: target,
      client: forward.sourceClient,
      admin: forward.sourceAdmin,
      replicationFactor: forward.config.offsetSyncsTopicReplicationFactor,
      separator: forward.config.replicationPolicySeparator,
    });
    const freshProducer = async () => {
      const taken = await producer.take();
      onStep?.({ step: 'producer-registered', producerId: taken.producerId });
      return taken;
    };
    const isFailbackProducer = (pid: number) => producer.isFailbackProducer(pid);
    const topics = await forward.mirroredTopics();
    const copies: FailbackCopy[] = [];
    const reverse = new Map<string, { copy: FailbackCopy; mapping: PartitionOffsetMapping }>();
    let batchesThisRun = 0;
    for (const [topic, count] of topics) {
      const remoteTopic = forward.policy.formatRemoteTopic(source, topic);
      for (let partition = 0; partition < count; partition++) {
        const fwd = await forward.mapping(topic, partition);
        const from =
          fwd.targetNext >= 0
            ? fwd.targetNext
            : (await forward.targetClient.listOffsets(remoteTopic, partition, 'earliest')).offset;
        const to = (await forward.targetClient.listOffsets(remoteTopic, partition, 'latest')).offset;
        // Retention may have removed what the forward flow had read: start at A's log start then.
        const originLogStart = (await forward.sourceClient.listOffsets(topic, partition, 'earliest')).offset;
        const walkFrom = Math.max(fwd.sourceNext, originLogStart);
        const copied = await failbackPartition({
          standby: forward.targetClient,
          origin: forward.sourceClient,
          remoteTopic,
          originTopic: topic,
          partition,
          from,
          to,
          walkFrom,
          isFailbackProducer,
          freshProducer,
          dryRun,
          onBatchCopied: () => {
            batchesThisRun++;
            onStep?.({ step: 'batch-copied', remoteTopic, partition, batchesThisRun });
          },
        });
        const { mapping, originStart, originEnd } = copied;
        // B's end (past any dropped tail) translates to the copy's end on A; nothing copied: A's end now.
        mapping.markMirroredUpTo(to, originEnd);
        const copy = {
          remoteTopic,
          originTopic: topic,
          partition,
          from,
          to,
          batches: copied.batches,
          resumed: copied.resumed,
          originStart,
          originEnd,
        };
        copies.push(copy);
        reverse.set(`${remoteTopic}:${partition}`, { copy, mapping });
      }
    }
    onStep?.({ step: 'copied', copies });
    // B's groups (the failed-over consumers) → A.
    const filter = new GroupFilter({
      groups: forward.config.groups,
      groupsExclude: forward.config.groupsExclude,
    });
    const { groups } = await forward.targetAdmin.listGroups();
    const ids = groups
      .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
      .map((g) => g.groupId)
      .filter((g) => filter.shouldReplicateGroup(g))
      .sort();
    const planned: GroupResume[] = [];
    const remoteTopics = [...topics.keys()].map((t) => forward.policy.formatRemoteTopic(source, t));
    for (const group of ids) {
      if (remoteTopics.length === 0) break;
      const committed = await forward.targetAdmin.fetchOffsets({ groupId: group, topics: remoteTopics });
      for (const { topic: remoteTopic, partitions } of committed) {
        for (const { partition, offset } of [...partitions].sort((a, b) => a.partition - b.partition)) {
          const o = Number(offset);
          const entry = reverse.get(`${remoteTopic}:${partition}`);
          if (!(o >= 0) || entry === undefined) continue;
          const { copy, mapping } = entry;
          let targetOffset: number | undefined;
          if (o >= copy.to) {
            targetOffset = copy.originEnd;
          } else if (o >= copy.from) {
            const t = mapping.translate(o);
            if (t.kind === 'exact') targetOffset = t.targetOffset;
            else if (t.kind === 'before-start') targetOffset = copy.originStart;
          } else {
            targetOffset = inverse(await forward.mapping(copy.originTopic, partition), o);
          }
          planned.push({
            group,
            topic: remoteTopic,
            remoteTopic: copy.originTopic,
            partition,
            sourceOffset: o,
            targetOffset,
            status: targetOffset === undefined ? 'not-yet' : 'planned',
          });
        }
      }
    }
    const resumes = dryRun
      ? planned
      : await writeGroupResumes(forward.sourceClient, forward.sourceAdmin, planned, logger);
    return { flow: options.flowName, reverseFlow: `${target}->${source}`, dryRun, copies, resumes };
  } finally {
    await forward.close();
  }
}

/** A target offset of the forward mapping back to its source offset (the first source record at or after it). */
function inverse(forward: PartitionOffsetMapping, targetOffset: number): number | undefined {
  const runs = forward.runs();
  for (let i = runs.length - 1; i >= 0; i--) {
    const run = runs[i]!;
    if (run.targetStart > targetOffset) continue;
    const end = i + 1 < runs.length ? runs[i + 1]!.targetStart : forward.targetNext;
    if (targetOffset < end || i + 1 === runs.length) return targetOffset - run.targetStart + run.sourceStart;
    return runs[i + 1]!.sourceStart;
  }
  return runs.length > 0 ? runs[0]!.sourceStart : undefined;
}
