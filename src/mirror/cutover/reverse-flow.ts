import type { MirrorConfig, RawMirrorConfig } from '../mirror-config.js';
import { CLUSTER_KEYS, FLOW_KEYS, type MirrorConfigKey } from '../mirror-config-keys.js';
import { createReplicationPolicy } from '../replication-policy.js';

/** What `cutover run --reverse-flow` writes next to switch.json: the B->A flow to run for a rollback path. */
export interface ReverseFlowPlan {
  /** `B->A`. */
  readonly flow: string;
  /** The file written (`reverse-flow.json` in the state dir); a config parseMirrorConfig accepts. */
  readonly configFile: string;
  /** The command that runs it. */
  readonly command: string;
  readonly config: RawMirrorConfig;
  /**
   * Topics on the forward source (the reverse flow's target) that the reverse flow writes into and the
   * cutover froze: the freeze stays, and starting the reverse flow exempts its `clientId` from it on these
   * (reverse-flow-runner.ts), so that every other producer still pointed at A stays refused. The identity
   * policy's migrated topics; none with the default policy.
   */
  readonly freezeExemptOnStart: readonly string[];
  /** The `client.id` of the reverse flow's connections to A (reverseFlowClientId), which the exemption names. */
  readonly clientId: string;
  /** Why the topics and the policy are what they are, and how the migrated topics roll back. */
  readonly notes: readonly string[];
}

/**
 * The client id the reverse flow B->A uses on A: specific to this flow so that no producer sends it by
 * accident, since on a Ferry broker it is what lets writes through A's frozen topics.
 */
export function reverseFlowClientId(flow: string): string {
  return `ferry-reverse-flow-${flow}`;
}

/** Flow keys the plan sets itself (the direction and what it selects); every other key is the forward flow's. */
const PLANNED_KEYS = new Set([
  'source',
  'target',
  'enabled',
  'topics',
  'topics.exclude',
  'groups',
  'groups.exclude',
]);

/** The raw keys of a typed config (a flow or cluster), for the keys of `keys` not in `skip`. */
function rawOf(
  keys: readonly MirrorConfigKey[],
  typed: object,
  skip: ReadonlySet<string>,
): Record<string, unknown> {
  const values = typed as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  for (const k of keys) {
    const value = values[k.prop];
    if (!skip.has(k.key) && value !== undefined) raw[k.key] = Array.isArray(value) ? [...value] : value;
  }
  return raw;
}

/** `^(?:a|b)$` over literal names: a topic or group list as one anchored regex. */
function exactly(names: readonly string[]): string {
  return `^(?:${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;
}

/**
 * The reverse flow B->A for a cutover of the flow A->B, as a mirror config (JSON) of both clusters and one flow.
 * The policy is the forward flow's, and what it can carry back differs:
 *
 *   identity  B's `orders` → A's `orders`: the migrated topics themselves. The forward flow registered its
 *             producer ids on B (loop-guard.ts), so the reverse flow skips the records A->B copied and carries
 *             back only what producers write on B after the switch: a real rollback path for every migrated
 *             topic; groups: the migrated groups, so their checkpoints follow. A's `orders` is frozen since the
 *             cutover and the freeze would refuse the reverse flow's writes as well (its writer is a client
 *             like any other), so starting the reverse flow exempts its client id (freezeExemptOnStart) —
 *             A's `client.id` in this config, reverseFlowClientId — and keeps the freeze for everyone else:
 *             a producer still pointed at A is refused instead of writing where nothing carries it to B.
 *   default   producers now write to B's `A.orders`, and a B->A flow with the default policy skips `A.*` as a
 *             cycle (the topic originated on A; MM2's rule, kept by topic-filter.ts) — were it not skipped it
 *             would land as `B.A.orders`, which no consumer on A reads. So the reverse flow is what MM2
 *             operators run: every topic of B except A's remote topics (`topics.exclude` += `^A\.`), i.e.
 *             topics created on B after the switch come back as `B.<topic>`. The migrated topics roll back
 *             with `ferry failback --flow A->B`, which copies what was written to B's `A.orders` after the
 *             forward copy ended into A's `orders`, and moves the groups back.
 *
 * The forward flow must stay stopped while the reverse flow runs (the cutover's drain stopped it).
 */
export function reverseFlowPlan(
  config: MirrorConfig,
  flowName: string,
  migratedTopics: readonly string[],
  groups: readonly string[],
  configFile: string,
): ReverseFlowPlan {
  const forward = config.flows.find((f) => f.name === flowName);
  if (forward === undefined) throw new Error(`no flow ${flowName} in the mirror config`);
  const a = forward.source;
  const b = forward.target;
  const policy = createReplicationPolicy(forward.replicationPolicy, {
    separator: forward.replicationPolicySeparator,
    internalTopicSeparatorEnabled: forward.replicationPolicyInternalTopicSeparatorEnabled,
  });
  const clusters: Record<string, Record<string, unknown>> = {};
  for (const alias of [a, b]) {
    const c = config.clusters.get(alias);
    if (c === undefined) throw new Error(`no cluster ${alias} in the mirror config`);
    clusters[alias] = rawOf(CLUSTER_KEYS, c, new Set());
  }
  const clientId = reverseFlowClientId(`${b}->${a}`);
  // Every connection the reverse flow makes to A (its writer, syncs, admin) sends this id; A's freeze exempts
  // it where the reverse flow writes into frozen topics.
  clusters[a] = { ...clusters[a], 'client.id': clientId };
  const identity = forward.replicationPolicy === 'identity';
  // The forward flow's settings (policy, intervals, replication factors, offset.lag.max, …) were tuned for
  // this pair of clusters: the reverse flow keeps them.
  const flow: Record<string, unknown> = { ...rawOf(FLOW_KEYS, forward, PLANNED_KEYS), source: b, target: a };
  const notes: string[] = [];
  const freezeExemptOnStart: string[] = [];
  if (identity) {
    // The migrated topics are B's names; under the identity policy B->A writes them to the same names on A.
    for (const t of migratedTopics) freezeExemptOnStart.push(policy.formatRemoteTopic(b, t));
    if (migratedTopics.length > 0) flow.topics = exactly(migratedTopics);
    if (groups.length > 0) flow.groups = exactly(groups);
    notes.push(
      `identity policy: ${b}'s migrated topics flow back to the same names on ${a}; the loop guard skips what ${flowName} copied, so only records produced on ${b} after the switch go back`,
      `starting ${b}->${a} keeps the write freeze on ${a}'s migrated topics and exempts only the reverse flow's client id ${clientId} from it: a producer still pointed at ${a} stays refused (retriable NOT_ENOUGH_REPLICAS)`,
    );
  } else {
    const prefix = policy.formatRemoteTopic(a, '');
    flow.topics = '.*';
    // The forward flow's exclusions (internal topics and the operator's own) hold in this direction too.
    flow['topics.exclude'] = [...forward.topicsExclude, `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`];
    notes.push(
      `default policy: ${b}'s remote topics (${prefix}*) are a cycle for ${b}->${a} and are excluded; topics created on ${b} after the switch come back as ${policy.formatRemoteTopic(b, '<topic>')}`,
      `the migrated topics roll back with: ferry failback --config <mirror config> --flow ${flowName} (copies what was written to ${b}'s ${prefix}<topic> after the cutover into ${a}'s <topic>)`,
    );
  }
  notes.push(`keep ${flowName} stopped while ${b}->${a} runs`);
  return {
    flow: `${b}->${a}`,
    configFile,
    command: `ferry mirror --config ${configFile}`,
    config: { clusters, flows: [flow] },
    freezeExemptOnStart,
    clientId,
    notes,
  };
}
