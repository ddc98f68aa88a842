import { ConfigError } from '../common/config/index.js';
import type { MirrorFlowConfig } from './mirror-config.js';
import { PatternList } from './pattern-list.js';

/**
 * Validation of a mirror topology (hub-and-spoke, fan-in, active-active, chains): rejects a set of flows that
 * would loop records forever or mix two clusters' records into one topic.
 *
 * The rules, over enabled flows:
 * - A cycle of flows (A->B->…->A) whose flows all use the default policy with one separator is safe: MM2's
 *   rule never mirrors a topic back to a cluster it came from (`east.orders` is not copied to east, so no
 *   `west.east.orders`).
 * - A cycle mixing policies or separators is rejected: the name rule only works when every hop names topics
 *   the same way (an identity hop copies `east.orders` on as `east.orders`, which a default hop then reads as
 *   a topic of another cluster).
 * - An identity cycle of two flows (A->B, B->A) is safe with loop prevention by producer id (loop-guard.ts):
 *   B->A drops exactly the batches A->B wrote into B.
 * - An identity cycle of three or more flows is rejected: a record copied A->B->C gets a new producer id at
 *   every hop, and C's registry only says "written by B->C", which is also what B's own producers' records
 *   look like after that hop — C->A cannot tell A's records coming home from B's, and copies them around.
 * - Identity fan-in — two flows writing into one cluster, both under the identity policy — is rejected: the
 *   two sources' `orders` land in one `orders`, their offsets and group offsets cannot be told apart, and a
 *   third flow out of that cluster could not tell which source a record came from. The default policy keeps
 *   them apart (`A.orders`, `B.orders`).
 * Each rule applies only when the flows involved may select a common topic. Topic filters are regexes, so
 * "may" is decided conservatively: only when every include pattern of a flow is a plain name (letters,
 * digits, `_`, `-`, and `\.`) are its topics known; otherwise the flows are assumed to overlap.
 *
 * Pure; the config loader calls it after parsing (parseMirrorConfig checks each flow alone).
 */

/** What the validation reads of a flow; a MirrorFlowConfig fits. */
export type TopologyFlow = Pick<
  MirrorFlowConfig,
  | 'name'
  | 'source'
  | 'target'
  | 'enabled'
  | 'topics'
  | 'topicsExclude'
  | 'replicationPolicy'
  | 'replicationPolicySeparator'
>;

/** Throws a ConfigError naming every problem of the topology; returns when there is none. */
export function validateTopology(flows: readonly TopologyFlow[]): void {
  const problems = topologyProblems(flows);
  if (problems.length > 0) throw new ConfigError(`invalid mirror topology: ${problems.join('; ')}`);
}

/** Every problem of the topology, one message each (empty when it is valid). */
export function topologyProblems(flows: readonly TopologyFlow[]): string[] {
  const enabled = flows.filter((f) => f.enabled);
  return [...fanInProblems(enabled), ...cycleProblems(enabled)];
}

function fanInProblems(flows: readonly TopologyFlow[]): string[] {
  const problems: string[] = [];
  const identity = flows.filter((f) => f.replicationPolicy === 'identity');
  for (let i = 0; i < identity.length; i++) {
    for (let j = i + 1; j < identity.length; j++) {
      const a = identity[i]!;
      const b = identity[j]!;
      if (a.target !== b.target || a.source === b.source) continue;
      const common = commonTopic([a, b]);
      if (common === null) continue;
      problems.push(
        `fan-in conflict: flows ${a.name} and ${b.name} both write into ${a.target} under the identity policy ` +
          `and may select the same topic (${describe(common)}), which would mix two clusters' records in one ` +
          `topic; use the default replication policy for fan-in (${a.source}.<topic>, ${b.source}.<topic>) ` +
          'or give the flows disjoint topics',
      );
    }
  }
  return problems;
}

function cycleProblems(flows: readonly TopologyFlow[]): string[] {
  const problems: string[] = [];
  for (const cycle of simpleCycles(flows)) {
    const common = commonTopic(cycle);
    if (common === null) continue;
    const path = [...cycle.map((f) => f.source), cycle[0]!.source].join('->');
    const first = cycle[0]!;
    const uniform = cycle.every(
      (f) =>
        f.replicationPolicy === first.replicationPolicy &&
        f.replicationPolicySeparator === first.replicationPolicySeparator,
    );
    if (!uniform) {
      const policies = cycle
        .map((f) => `${f.name}: ${f.replicationPolicy} '${f.replicationPolicySeparator}'`)
        .join(', ');
      problems.push(
        `cycle ${path} mixes replication policies or separators (${policies}) and may mirror the same topic ` +
          `(${describe(common)}) around it: loop prevention needs one naming rule on every flow of a cycle`,
      );
      continue;
    }
    if (first.replicationPolicy === 'identity' && cycle.length > 2) {
      problems.push(
        `identity cycle ${path} would loop records of ${describe(common)}: a record gets a new producer id at ` +
          'every hop, so no flow can tell it came back (loop prevention by producer id covers two-cluster ' +
          'cycles only); use the default replication policy on these flows or give one of them disjoint topics',
      );
    }
  }
  return problems;
}

/** Every simple cycle of the flow graph, each once, as its flows in order (starting at its least alias). */
export function simpleCycles(flows: readonly TopologyFlow[]): TopologyFlow[][] {
  const out: TopologyFlow[][] = [];
  const outgoing = new Map<string, TopologyFlow[]>();
  for (const f of flows) {
    const list = outgoing.get(f.source) ?? [];
    list.push(f);
    outgoing.set(f.source, list);
  }
  const aliases = [...new Set(flows.flatMap((f) => [f.source, f.target]))].sort();
  for (const start of aliases) {
    // Only cycles whose least alias is `start`: each cycle is found exactly once.
    const path: TopologyFlow[] = [];
    const onPath = new Set<string>([start]);
    const walk = (at: string) => {
      for (const f of outgoing.get(at) ?? []) {
        if (f.target === start) {
          out.push([...path, f]);
        } else if (f.target > start && !onPath.has(f.target)) {
          path.push(f);
          onPath.add(f.target);
          walk(f.target);
          onPath.delete(f.target);
          path.pop();
        }
      }
    };
    walk(start);
  }
  return out;
}

/** A topic every flow may select: a name when one is known, '' when overlap is assumed, null when none. */
function commonTopic(flows: readonly TopologyFlow[]): string | null {
  const literal = flows.map((f) => plainNames(f.topics)).find((names) => names !== undefined);
  if (literal === undefined) return '';
  const selects = flows.map((f) => {
    const include = PatternList.compile(f.topics);
    const exclude = PatternList.compile(f.topicsExclude);
    return (t: string) => include.matches(t) && !exclude.matches(t);
  });
  return literal.find((t) => selects.every((s) => s(t))) ?? null;
}

/** The names a list of include patterns selects, when each is a plain name; undefined when any is a regex. */
function plainNames(patterns: readonly string[]): string[] | undefined {
  const names: string[] = [];
  for (const p of patterns) {
    if (!/^(?:[A-Za-z0-9_-]|\\\.)+$/.test(p)) return undefined;
    names.push(p.replaceAll('\\.', '.'));
  }
  return names;
}

function describe(common: string): string {
  return common === '' ? 'their topic patterns may overlap' : `e.g. '${common}'`;
}
