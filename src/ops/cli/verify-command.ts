import { type Command, InvalidArgumentError } from 'commander';
import type { Admin } from 'kafkajs';
import { ClusterClient } from '../../client/index.js';
import { loadMirrorConfig, type MirrorConfig, type MirrorFlowConfig } from '../../mirror/mirror-config.js';
import { createReplicationPolicy } from '../../mirror/replication-policy.js';
import { TopicFilter } from '../../mirror/topic-filter.js';
import {
  type CommittedPositions,
  type FlowVerification,
  readCommittedPositions,
  type VerifyTopic,
  verifyFlowPartitions,
} from '../../mirror/verify.js';
import { isKafkaError } from '../../protocol/errors/index.js';
import { CliError } from './cli-error.js';
import { withAdmin } from './kafka-admin.js';
import { formatTable, println } from './output.js';

/**
 * `ferry verify --config MIRROR_CONFIG --flow A->B [--topics REGEX] [--from-timestamp T] [--to-end] [--json]`:
 * compares every mirrored partition of a flow — a source topic the flow selects whose remote topic exists on
 * the target — for record counts, a checksum of keys, values, headers and timestamps, and the first divergent
 * offset on each side (src/mirror/verify.ts). By default it compares up to the flow's committed position
 * read from its offset-syncs topic, so it may run while the flow is live; `--to-end` compares to each side's
 * end instead (a stopped, drained flow). Exit code 0 when every partition matches, 1 otherwise.
 */

export interface VerifyRunOptions {
  readonly config: MirrorConfig;
  /** `A->B`. */
  readonly flow: string;
  /** Only source topics fully matching this regex (on top of the flow's own topic filter). */
  readonly topics?: string;
  readonly fromTimestamp?: number;
  /** Compare to each side's end, not to the flow's committed position. */
  readonly toEnd?: boolean;
}

export interface VerifyRunResult extends FlowVerification {
  readonly flow: string;
  /** Whether the comparison stopped at the flow's committed position (from its offset-syncs). */
  readonly upToCommittedPosition: boolean;
}

/** Resolves the flow's mirrored topics and verifies them; the command's work, callable from tests. */
export async function runVerify(options: VerifyRunOptions): Promise<VerifyRunResult> {
  const flow = options.config.flows.find((f) => f.name === options.flow);
  if (flow === undefined) {
    const known = options.config.flows.map((f) => f.name).join(', ');
    throw new CliError(`no flow '${options.flow}' in the mirror config (flows: ${known})`);
  }
  const servers = (alias: string) => {
    const cluster = options.config.clusters.get(alias);
    if (cluster === undefined) throw new CliError(`no cluster '${alias}' in the mirror config`);
    return cluster.bootstrapServers;
  };
  let only: RegExp | undefined;
  if (options.topics !== undefined) {
    try {
      only = new RegExp(`^(?:${options.topics})$`);
    } catch (err) {
      throw new CliError(`--topics: ${(err as Error).message}`);
    }
  }
  const topics = await mirroredTopics(flow, servers(flow.source), servers(flow.target), only);
  const source = new ClusterClient({ bootstrapServers: servers(flow.source) });
  const target = new ClusterClient({ bootstrapServers: servers(flow.target) });
  try {
    let upTo: CommittedPositions | undefined;
    if (!options.toEnd) {
      const policy = policyOf(flow);
      const syncsClient = flow.offsetSyncsTopicLocation === 'source' ? source : target;
      try {
        upTo = await readCommittedPositions(syncsClient, policy.offsetSyncsTopic(flow.target));
      } catch (err) {
        // No offset-syncs topic (offset syncs disabled, or nothing mirrored yet): compare to the ends.
        if (!isKafkaError(err) || err.errorName !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
      }
    }
    const report = await verifyFlowPartitions({
      source,
      target,
      topics,
      ...(options.fromTimestamp !== undefined ? { fromTimestamp: options.fromTimestamp } : {}),
      ...(upTo ? { upTo } : {}),
    });
    return { flow: flow.name, upToCommittedPosition: upTo !== undefined, ...report };
  } finally {
    source.close();
    target.close();
  }
}

/** The report as the table the command prints. */
export function formatVerification(result: VerifyRunResult): string[] {
  const rows = result.partitions.map((p) => [
    p.sourceTopic,
    String(p.partition),
    String(p.sourceRecords),
    String(p.targetRecords),
    p.match ? 'yes' : 'NO',
    p.firstDivergence === null
      ? '-'
      : `source@${p.firstDivergence.sourceOffset ?? 'end'} target@${p.firstDivergence.targetOffset ?? 'end'}`,
  ]);
  const lines = formatTable(
    ['TOPIC', 'PARTITION', 'SOURCE-COUNT', 'TARGET-COUNT', 'CHECKSUM-MATCH', 'FIRST-DIVERGENCE'],
    rows,
  );
  const bad = result.partitions.filter((p) => !p.match).length;
  const scope = result.upToCommittedPosition
    ? "up to the flow's committed position"
    : 'to the end of each side';
  lines.push(
    bad === 0
      ? `${result.flow}: ${result.partitions.length} partitions match (${scope})`
      : `${result.flow}: ${bad} of ${result.partitions.length} partitions differ (${scope})`,
  );
  return lines;
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description("compare a flow's source and remote partitions: counts, checksums, first divergent offsets")
    .requiredOption('--config <file>', 'the mirror config (JSON)')
    .requiredOption('--flow <A->B>', 'the flow to verify')
    .option('--topics <regex>', 'only source topics fully matching this regex')
    .option('--from-timestamp <ms|ISO-8601>', 'only records from this timestamp on', parseTimestamp)
    .option('--to-end', "compare to each side's end, not to the flow's committed position")
    .option('--json', 'print the report as JSON')
    .action(
      async (flags: {
        config: string;
        flow: string;
        topics?: string;
        fromTimestamp?: number;
        toEnd?: boolean;
        json?: boolean;
      }) => {
        const result = await runVerify({
          config: loadMirrorConfig(flags.config),
          flow: flags.flow,
          ...(flags.topics !== undefined ? { topics: flags.topics } : {}),
          ...(flags.fromTimestamp !== undefined ? { fromTimestamp: flags.fromTimestamp } : {}),
          ...(flags.toEnd ? { toEnd: true } : {}),
        });
        if (flags.json) println(JSON.stringify(result, null, 2));
        else for (const line of formatVerification(result)) println(line);
        if (!result.match) process.exitCode = 1;
      },
    );
}

/** Milliseconds since the epoch, or an ISO-8601 date. */
export function parseTimestamp(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(`'${value}' is not a timestamp (ms or ISO-8601).`);
  return ms;
}

function policyOf(flow: MirrorFlowConfig) {
  return createReplicationPolicy(flow.replicationPolicy, {
    separator: flow.replicationPolicySeparator,
    internalTopicSeparatorEnabled: flow.replicationPolicyInternalTopicSeparatorEnabled,
  });
}

/** Source topics the flow selects whose remote topic exists on the target, with their common partitions. */
async function mirroredTopics(
  flow: MirrorFlowConfig,
  sourceServers: readonly string[],
  targetServers: readonly string[],
  only: RegExp | undefined,
): Promise<VerifyTopic[]> {
  const policy = policyOf(flow);
  const filter = new TopicFilter({
    source: flow.source,
    target: flow.target,
    policy,
    topics: flow.topics,
    topicsExclude: flow.topicsExclude,
    heartbeatsReplicationEnabled: flow.heartbeatsReplicationEnabled,
  });
  const partitionCounts = (servers: readonly string[]) =>
    withAdmin({ bootstrapServer: servers.join(',') }, async (admin: Admin) => {
      const metadata = await admin.fetchTopicMetadata();
      return new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
    });
  const [sourceTopics, targetTopics] = await Promise.all([
    partitionCounts(sourceServers),
    partitionCounts(targetServers),
  ]);
  const out: VerifyTopic[] = [];
  for (const [topic, count] of [...sourceTopics].sort(([a], [b]) => a.localeCompare(b))) {
    if (!filter.shouldReplicateTopic(topic) || (only && !only.test(topic))) continue;
    const remoteTopic = policy.formatRemoteTopic(flow.source, topic);
    const remoteCount = targetTopics.get(remoteTopic);
    if (remoteCount === undefined) continue;
    const partitions = Array.from({ length: Math.min(count, remoteCount) }, (_, i) => i);
    out.push({ sourceTopic: topic, remoteTopic, partitions });
  }
  return out;
}
