import { componentLogger, type Logger, silentLogger } from '../common/logger.js';
import { KafkaError } from '../protocol/errors/index.js';
import type { Flow } from './flow.js';
import { FlowOffsets, type GroupResume, type PartitionLag } from './flow-offsets.js';
import type { MirrorConfig } from './mirror-config.js';

export interface FailoverOptions {
  readonly config: MirrorConfig;
  /** `A->B`: A is the primary that fails over to the standby B. */
  readonly flowName: string;
  /**
   * The flow running in this process, if it does: it is drained (up to drainTimeoutMs) and stopped, and its
   * live mappings are used. Without it the flow must not be running anywhere (the caller stopped it) and
   * the mappings are rebuilt from the offset-syncs topic.
   */
  readonly flow?: Flow;
  /** Refuse when the summed lag (source end - mirrored) exceeds this. @defaultValue Infinity */
  readonly maxLag?: number;
  /** Go on despite the lag. */
  readonly force?: boolean;
  /** Check and plan only: nothing stopped, nothing written. */
  readonly dryRun?: boolean;
  /** @defaultValue 30000 */
  readonly drainTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface FailoverReport {
  readonly flow: string;
  readonly source: string;
  readonly target: string;
  readonly dryRun: boolean;
  /** Lag as checked before anything was done. */
  readonly lagBefore: readonly PartitionLag[];
  /** Lag when the flow stopped: records still on the source that the standby does not have. */
  readonly lagAfter: readonly PartitionLag[];
  readonly flowStopped: boolean;
  /** Groups that still had members on the source when the offsets were read (their commits may move on). */
  readonly activeOnSource: readonly string[];
  readonly resumes: readonly GroupResume[];
}

/** The failover was refused (lag above the limit); retriable once the flow caught up, or with --force. */
export class FailoverRefusedError extends KafkaError {
  constructor(
    message: string,
    readonly lag: readonly PartitionLag[],
  ) {
    super('NOT_ENOUGH_REPLICAS', message);
  }
}

/**
 * `ferry failover --flow A->B`: the active-passive switch from A to B, checked before it acts.
 *
 *   1. lag: per mirrored partition, A's log end against the flow's mirrored position; above maxLag → refuse
 *      (FailoverRefusedError) unless force;
 *   2. drain and stop: a flow running here is given drainTimeoutMs to reach A's log end on every partition
 *      (what A still takes meanwhile may stay behind: reported as lagAfter), then stopped gracefully;
 *   3. final exact checkpoint: every selected group's committed offsets on A, translated through the exact
 *      mappings (live, or rebuilt from the offset-syncs topic);
 *   4. write: the translated offsets into B's groups — only groups with no members on B, never backwards
 *      (GroupOffsetSync's rules);
 *   5. report: per group and partition, source offset → target offset and the outcome.
 *
 * A dry run does 1 and 3 and reports the plan ('planned') without stopping or writing. Running it twice is
 * harmless: the second write finds the groups 'current'.
 */
export async function failover(options: FailoverOptions): Promise<FailoverReport> {
  const logger = componentLogger(options.logger ?? silentLogger, 'mirror-failover', {
    flow: options.flowName,
  });
  const offsets = new FlowOffsets(options.config, options.flowName, logger, options.flow);
  const dryRun = options.dryRun === true;
  try {
    await offsets.connect();
    const topics = await offsets.mirroredTopics();
    const lagBefore = await offsets.lag(topics);
    const total = lagBefore.reduce((s, p) => s + p.lag, 0);
    const maxLag = options.maxLag ?? Number.POSITIVE_INFINITY;
    if (total > maxLag && options.force !== true && !dryRun) {
      throw new FailoverRefusedError(
        `flow ${options.flowName} lags ${total} records (max ${maxLag}); wait for it or use --force`,
        lagBefore,
      );
    }
    let flowStopped = false;
    if (!dryRun && options.flow !== undefined) {
      await drain(offsets, topics, options.drainTimeoutMs ?? 30_000);
      await options.flow.stop();
      flowStopped = true;
      // The live mapping objects keep their final state after the stop: still the exact source of truth.
    }
    const lagAfter = dryRun ? lagBefore : await offsets.lag(topics);
    const groups = await offsets.sourceGroups();
    const planned = await offsets.translateGroups(groups.keys(), topics);
    const resumes = dryRun ? planned : await offsets.writeGroups(planned);
    const report: FailoverReport = {
      flow: options.flowName,
      source: offsets.config.source,
      target: offsets.config.target,
      dryRun,
      lagBefore,
      lagAfter,
      flowStopped,
      activeOnSource: [...groups].filter(([, active]) => active).map(([g]) => g),
      resumes,
    };
    logger.info(
      { dryRun, groups: groups.size, written: resumes.filter((r) => r.status === 'written').length },
      'failover done',
    );
    return report;
  } finally {
    await offsets.close();
  }
}

/** Waits until the flow mirrored every partition to the source end as of each check, or the timeout. */
async function drain(
  offsets: FlowOffsets,
  topics: ReadonlyMap<string, number>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lag = await offsets.lag(topics);
    if (lag.every((p) => p.lag === 0) || Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The human form of a report: the lag, then one line per group partition. */
export function formatFailoverReport(report: FailoverReport): string[] {
  const lines: string[] = [];
  const total = (l: readonly PartitionLag[]) => l.reduce((s, p) => s + p.lag, 0);
  lines.push(
    `${report.dryRun ? 'DRY RUN: ' : ''}failover ${report.flow}: lag ${total(report.lagBefore)} before, ${total(report.lagAfter)} at the switch; flow ${report.flowStopped ? 'stopped' : 'not stopped here'}`,
  );
  for (const p of report.lagAfter)
    if (p.lag > 0)
      lines.push(
        `  not mirrored: ${p.topic}-${p.partition} ${p.mirrored}..${p.sourceEnd} (${p.lag} records)`,
      );
  if (report.activeOnSource.length > 0)
    lines.push(`  warning: groups still active on ${report.source}: ${report.activeOnSource.join(', ')}`);
  lines.push('GROUP  SOURCE-TOPIC  PARTITION  SOURCE-OFFSET  ->  TARGET-TOPIC  TARGET-OFFSET  STATUS');
  for (const r of report.resumes)
    lines.push(
      `${r.group}  ${r.topic}  ${r.partition}  ${r.sourceOffset}  ->  ${r.remoteTopic}  ${r.targetOffset ?? '-'}  ${r.status}`,
    );
  return lines;
}
