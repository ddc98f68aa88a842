import { type ClusterClient, IsolationLevel } from '../client/index.js';
import { componentLogger, type Logger, silentLogger } from '../common/logger.js';
import { rewriteProducerNonTransactional } from '../protocol/records/batch-crc.js';
import { ReadCommittedFilter } from './batch-filter.js';
import { FlowOffsets, type GroupResume } from './flow-offsets.js';
import type { Checkpoint } from './formats/index.js';
import { GroupFilter } from './group-filter.js';
import { RawGroupOffsetCommitter } from './group-offset-committer.js';
import { GroupOffsetSync } from './group-offset-sync.js';
import type { MirrorConfig } from './mirror-config.js';
import { PartitionOffsetMapping } from './offset-mapping.js';

export interface FailbackOptions {
  readonly config: MirrorConfig;
  /** The forward flow `A->B` that failed over to B; failback returns to A. It must be stopped. */
  readonly flowName: string;
  /** Plan only: report what would be copied and where groups would resume, write nothing. */
  readonly dryRun?: boolean;
  readonly logger?: Logger;
}

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
  readonly batches: number;
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
 * The reverse copy: read_committed batches of B's remote partition (control batches and aborted data
 * dropped, as the mirror's filter does), written unchanged to the same partition of A's origin topic, as
 * plain non-idempotent batches (producer fields cleared), acks=all, one batch at a time, in order; each
 * acknowledged batch extends an exact PartitionOffsetMapping B→A. Then B's groups' committed offsets on the
 * remote topics are translated — below the failover point through the inverse of the forward mapping, at or
 * after it through the copy's mapping — and written into A's idle groups, never backwards.
 *
 * Not crash-safe: the copy's progress is not recorded durably, so a failback interrupted mid-copy and run
 * again copies the partition's tail again. Run it once, with the forward flow stopped. Before restarting
 * the forward flow A->B, note that it would mirror the copied records to B a second time unless the data
 * path's loop prevention drops them (it recognises Ferry's own writes by producer id; these are written
 * without one) — restart the forward flow only after moving its start past them, or run it active-active.
 */
export async function failback(options: FailbackOptions): Promise<FailbackReport> {
  const logger = componentLogger(options.logger ?? silentLogger, 'mirror-failback', {
    flow: options.flowName,
  });
  const forward = new FlowOffsets(options.config, options.flowName, logger);
  const dryRun = options.dryRun === true;
  const { source, target } = forward.config;
  try {
    await forward.connect();
    const topics = await forward.mirroredTopics();
    const copies: FailbackCopy[] = [];
    const reverse = new Map<string, { copy: FailbackCopy; mapping: PartitionOffsetMapping }>();
    for (const [topic, count] of topics) {
      const remoteTopic = forward.policy.formatRemoteTopic(source, topic);
      for (let partition = 0; partition < count; partition++) {
        const fwd = await forward.mapping(topic, partition);
        const from =
          fwd.targetNext >= 0
            ? fwd.targetNext
            : (await forward.targetClient.listOffsets(remoteTopic, partition, 'earliest')).offset;
        const to = (await forward.targetClient.listOffsets(remoteTopic, partition, 'latest')).offset;
        const originStart = (await forward.sourceClient.listOffsets(topic, partition, 'latest')).offset;
        const mapping = new PartitionOffsetMapping({ offsetLagMax: Number.POSITIVE_INFINITY });
        let batches = 0;
        let originEnd = originStart;
        if (!dryRun && to > from) {
          const copied = await copyPartition(forward.targetClient, forward.sourceClient, {
            remoteTopic,
            originTopic: topic,
            partition,
            from,
            to,
            mapping,
          });
          batches = copied.batches;
          originEnd = copied.originEnd;
        }
        // Nothing copied (or a dry run): B's end translates to A's end as it is now.
        mapping.markMirroredUpTo(to, originEnd);
        const copy = {
          remoteTopic,
          originTopic: topic,
          partition,
          from,
          to,
          batches,
          originStart,
          originEnd,
        };
        copies.push(copy);
        reverse.set(`${remoteTopic}:${partition}`, { copy, mapping });
      }
    }
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
      : await writeInto(forward.sourceClient, forward.sourceAdmin, planned, logger);
    return { flow: options.flowName, reverseFlow: `${target}->${source}`, dryRun, copies, resumes };
  } finally {
    await forward.close();
  }
}

interface CopyInput {
  readonly remoteTopic: string;
  readonly originTopic: string;
  readonly partition: number;
  readonly from: number;
  readonly to: number;
  readonly mapping: PartitionOffsetMapping;
}

async function copyPartition(
  from: ClusterClient,
  to: ClusterClient,
  input: CopyInput,
): Promise<{ batches: number; originEnd: number }> {
  const filter = new ReadCommittedFilter();
  let offset = input.from;
  let batches = 0;
  let originEnd = (await to.listOffsets(input.originTopic, input.partition, 'latest')).offset;
  while (offset < input.to) {
    const [result] = await from.fetch(
      [{ topic: input.remoteTopic, partition: input.partition, fetchOffset: offset, maxBytes: 1 << 20 }],
      { maxWaitMs: 0, minBytes: 0, isolationLevel: IsolationLevel.ReadCommitted },
    );
    if (result === undefined) throw new Error('fetch returned no result');
    if (result.error) throw result.error;
    const set = filter.filter(result.records, result.abortedTransactions, offset);
    for (const kept of set.kept) {
      if (kept.baseOffset >= input.to) break;
      // The fetched buffer is ours: patch in place, then send the slice.
      rewriteProducerNonTransactional(kept.batch, 0, { producerId: -1, producerEpoch: -1, baseSequence: -1 });
      const ack = await to.produce(input.originTopic, input.partition, kept.batch, {
        acks: -1,
        timeoutMs: 30_000,
      });
      input.mapping.onBatchMirrored(kept.baseOffset, kept.lastOffset, ack.baseOffset);
      originEnd = ack.baseOffset + kept.lastOffset - kept.baseOffset + 1;
      batches++;
    }
    if (set.nextOffset <= offset)
      throw new Error(`no progress reading ${input.remoteTopic}-${input.partition} at ${offset}`);
    offset = set.nextOffset;
  }
  return { batches, originEnd };
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

async function writeInto(
  client: ClusterClient,
  admin: FlowOffsets['sourceAdmin'],
  planned: readonly GroupResume[],
  logger: Logger,
): Promise<GroupResume[]> {
  const checkpoints = new Map<string, Map<string, Checkpoint>>();
  for (const r of planned) {
    if (r.targetOffset === undefined) continue;
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
  return planned.map((r) => {
    if (r.status !== 'planned') return r;
    const o = outcomes.get(r.group);
    if (o === undefined) return { ...r, status: 'failed' as const };
    if (o.result === 'active' || o.result === 'failed') return { ...r, status: o.result };
    return {
      ...r,
      status: o.committed.has(`${r.remoteTopic}:${r.partition}`)
        ? ('written' as const)
        : ('current' as const),
    };
  });
}
