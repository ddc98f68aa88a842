import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { componentLogger, type Logger, silentLogger } from '../../common/logger.js';
import { KafkaError } from '../../protocol/errors/index.js';
import { Flow } from '../flow.js';
import { clusterOf, FlowOffsets, type GroupResume } from '../flow-offsets.js';
import type { MirrorConfig } from '../mirror-config.js';
import { PatternList } from '../pattern-list.js';
import { verifyFlowPartitions } from '../verify.js';
import {
  CUTOVER_STEPS,
  type CutoverState,
  type CutoverStep,
  initialState,
  readState,
  stateFile,
  writeState,
} from './cutover-state.js';
import { type ReverseFlowPlan, reverseFlowPlan } from './reverse-flow.js';
import { inWaves, setWriteFreeze, topicOverrides, WRITE_FREEZE } from './write-freeze.js';

export interface CutoverOptions {
  readonly config: MirrorConfig;
  /** `A->B`: migrate from A to B. */
  readonly flowName: string;
  /** Where the state file and switch.json live. */
  readonly stateDir: string;
  /**
   * The flow running in this process, used to drain; without it the cutover runs the flow here for the
   * drain (the long-running mirror must be stopped first). Either way the flow is stopped after the drain.
   */
  readonly flow?: Flow;
  /** Pre-check: the summed lag must be at most this. @defaultValue 100000 */
  readonly maxLag?: number;
  /** The source is not a Ferry cluster: the operator confirms writes are stopped (or an ACL denies them). */
  readonly operatorConfirmedFreeze?: boolean;
  /** @defaultValue 60000 */
  readonly drainTimeoutMs?: number;
  readonly logger?: Logger;
  /**
   * At the switch, also write `reverse-flow.json` (the B->A flow for a rollback path, reverse-flow.ts) next to
   * switch.json and name it in the plan. Only written, never started here: the caller starts it
   * (reverse-flow-runner.ts), so that every step stays a bounded piece of work that can be redone.
   */
  readonly reverseFlow?: boolean;
  /** Test hook: called after a step's work, before it is recorded done (throw to simulate a crash). */
  readonly beforeRecord?: (step: CutoverStep) => void;
}

/** What switch.json says: where producers and consumers point now. */
export interface SwitchPlan {
  readonly flow: string;
  readonly producers: {
    readonly bootstrapServers: readonly string[];
    readonly topics: Record<string, string>;
  };
  readonly consumers: {
    readonly bootstrapServers: readonly string[];
    readonly groups: Record<string, Array<{ topic: string; partition: number; offset: number }>>;
  };
  /** With the reverseFlow option: the B->A flow written next to switch.json. */
  readonly reverseFlow?: ReverseFlowPlan;
}

/** A step could not complete; the state is unchanged and `run` retries it. */
export class CutoverStepError extends KafkaError {
  constructor(
    readonly step: CutoverStep,
    message: string,
  ) {
    super('INVALID_REQUEST', `cutover step ${step}: ${message}`);
  }
}

/**
 * `ferry cutover plan|run|status|abort --flow A->B`: the migration from A to B in six steps (issue 6), each
 * idempotent and recorded durably (cutover-state.ts) once done, so that `run` resumes after a crash at the
 * first step not recorded — a step that did its work and crashed before recording is simply redone:
 *
 *   prechecks  every mirrored topic exists on B with A's partition count and A's synced topic configs (the
 *              flow's config.properties.exclude aside); the lag is at most maxLag; the groups are listed.
 *   freeze     `ferry.write.freeze=true` on every mirrored source topic (AlterConfigs carrying the topic's
 *              other overrides too: kafkajs has no IncrementalAlterConfigs) — producers get the retriable
 *              NOT_ENOUGH_REPLICAS; or, for a non-Ferry source, the operator's confirmation.
 *   drain      the flow reaches A's log end on every partition, then stops (cleanly: its end syncs written).
 *   offsets    every selected group's committed offsets on A translated exactly and written into B's idle
 *              groups, never backwards; a committed offset that cannot be translated fails the step.
 *   verify     verifyFlowPartitions: per-partition counts and checksums of A and B to each side's end.
 *   switch     switch.json (SwitchPlan) in the state dir and the report: producers and consumers go to B;
 *              with reverseFlow also reverse-flow.json, the B->A mirror config for a rollback path.
 *
 * `abort` lifts the freeze this cutover set, and any exemption from it, and records it; an aborted cutover
 * does not run again (start a new one with a fresh state file). One process drives a state file at a time.
 */
export class Cutover {
  private readonly logger: Logger;
  private readonly file: string;

  constructor(private readonly options: CutoverOptions) {
    this.logger = componentLogger(options.logger ?? silentLogger, 'mirror-cutover', {
      flow: options.flowName,
    });
    this.file = stateFile(options.stateDir, options.flowName);
  }

  async status(): Promise<CutoverState> {
    return (await readState(this.file)) ?? initialState(this.options.flowName, new Date().toISOString());
  }

  /** The pre-checks alone, recorded nowhere: what `run` would find first. */
  async plan(): Promise<unknown> {
    return this.withOffsets((o) => this.prechecks(o));
  }

  /**
   * The reverse flow of a completed cutover, `reverse-flow.json` (re)written from the switch's plan: for a run
   * that completed without the reverseFlow option, or to start it again later. Idempotent.
   */
  async reverseFlow(): Promise<ReverseFlowPlan> {
    const state = await this.status();
    const plan = state.steps.switch.result as SwitchPlan | undefined;
    if (state.phase !== 'completed' || plan === undefined)
      throw new CutoverStepError(
        'switch',
        `the cutover is ${state.phase}: no reverse flow before the switch`,
      );
    return this.writeReverseFlow(plan);
  }

  /**
   * Records that the reverse flow started, the freeze kept, with its client id exempted from the freeze on
   * `exemptTopics` (reverse-flow-runner.ts); those stay listed as frozen, since they are, for everyone else.
   * Not a step: the cutover is completed by then.
   */
  async recordReverseFlowStarted(
    flow: string,
    exemptTopics: readonly string[],
    clientId: string,
  ): Promise<CutoverState> {
    const state = await this.status();
    const exempted =
      exemptTopics.length > 0
        ? `; write freeze kept; exempted for the reverse flow's client id ${clientId} on ${exemptTopics.length} topic(s)`
        : '';
    const next: CutoverState = {
      ...state,
      log: [...state.log, `${new Date().toISOString()} reverse flow ${flow} started${exempted}`],
    };
    await writeState(this.file, next);
    return next;
  }

  /** Runs every step not done yet, in order; returns the final state. */
  async run(): Promise<CutoverState> {
    let state = await this.status();
    if (state.phase === 'aborted') throw new CutoverStepError('prechecks', 'this cutover was aborted');
    if (state.phase === 'completed') return state;
    await writeState(this.file, state);
    return this.withOffsets(async (offsets) => {
      for (const step of CUTOVER_STEPS) {
        if (state.steps[step].status === 'done') continue;
        this.logger.info({ step }, 'cutover step');
        const result = await this.runStep(step, offsets, state);
        this.options.beforeRecord?.(step);
        const frozenTopics =
          step === 'freeze'
            ? ((result as { frozenTopics: string[] }).frozenTopics ?? [])
            : state.frozenTopics;
        state = {
          ...state,
          frozenTopics,
          phase: step === 'switch' ? 'completed' : 'running',
          steps: { ...state.steps, [step]: { status: 'done', doneAt: new Date().toISOString(), result } },
          log: [...state.log, `${new Date().toISOString()} ${step} done`],
        };
        await writeState(this.file, state);
      }
      return state;
    });
  }

  /** Lifts the freeze this cutover set (if any) and records the abort. Idempotent. */
  async abort(): Promise<CutoverState> {
    const state = await this.status();
    if (state.phase === 'completed')
      throw new CutoverStepError('switch', 'the cutover completed; nothing to abort');
    // A crash between setting the freeze and recording it leaves frozenTopics empty: unless the operator
    // froze the source, the freeze is lifted on every mirrored topic, which is a no-op where none was set.
    let topics: string[] = [];
    if (state.phase !== 'aborted') {
      const all = this.options.operatorConfirmedFreeze
        ? []
        : await this.withOffsets(async (o) => [...(await o.mirroredTopics()).keys()]);
      topics = await this.freezeTopics([...new Set([...state.frozenTopics, ...all])], false);
    }
    const now = new Date().toISOString();
    const next: CutoverState = {
      ...state,
      phase: 'aborted',
      abortedAt: state.abortedAt ?? now,
      log: [...state.log, `${now} aborted; freeze lifted on ${topics.length} topics`],
    };
    await writeState(this.file, next);
    return next;
  }

  private async writeReverseFlow(plan: SwitchPlan): Promise<ReverseFlowPlan> {
    const reverse = reverseFlowPlan(
      this.options.config,
      this.options.flowName,
      Object.values(plan.producers.topics),
      Object.keys(plan.consumers.groups),
      join(this.options.stateDir, 'reverse-flow.json'),
    );
    await writeFile(reverse.configFile, `${JSON.stringify(reverse.config, null, 2)}\n`);
    return reverse;
  }

  private async withOffsets<T>(work: (o: FlowOffsets) => Promise<T>): Promise<T> {
    const offsets = new FlowOffsets(
      this.options.config,
      this.options.flowName,
      this.logger,
      this.options.flow,
    );
    try {
      await offsets.connect();
      return await work(offsets);
    } finally {
      await offsets.close();
    }
  }

  private async runStep(step: CutoverStep, offsets: FlowOffsets, state: CutoverState): Promise<unknown> {
    switch (step) {
      case 'prechecks': {
        const result = await this.prechecks(offsets);
        if (result.problems.length > 0) throw new CutoverStepError(step, result.problems.join('; '));
        return result;
      }
      case 'freeze': {
        if (this.options.operatorConfirmedFreeze) return { mode: 'operator-confirmed', frozenTopics: [] };
        const topics = [...(await offsets.mirroredTopics()).keys()];
        return { mode: 'ferry.write.freeze', frozenTopics: await this.freezeTopics(topics, true) };
      }
      case 'drain':
        return this.drain(offsets);
      case 'offsets': {
        const topics = await offsets.mirroredTopics();
        const groups = await offsets.sourceGroups();
        const resumes = await offsets.writeGroups(await offsets.translateGroups(groups.keys(), topics));
        const bad = resumes.filter((r) => r.status !== 'written' && r.status !== 'current');
        if (bad.length > 0)
          throw new CutoverStepError(
            step,
            bad.map((r) => `${r.group} ${r.topic}-${r.partition}@${r.sourceOffset}: ${r.status}`).join(', '),
          );
        return {
          groups: [...groups.keys()],
          activeOnSource: [...groups].filter(([, a]) => a).map(([g]) => g),
          resumes,
        };
      }
      case 'verify': {
        const topics = await offsets.mirroredTopics();
        const verification = await verifyFlowPartitions({
          source: offsets.sourceClient,
          target: offsets.targetClient,
          topics: [...topics].map(([topic, count]) => ({
            sourceTopic: topic,
            remoteTopic: offsets.policy.formatRemoteTopic(offsets.config.source, topic),
            partitions: Array.from({ length: count }, (_, i) => i),
          })),
        });
        if (!verification.match) {
          const bad = verification.partitions.filter((p) => !p.match);
          throw new CutoverStepError(
            step,
            bad
              .map((p) => `${p.sourceTopic}-${p.partition} diverges at ${JSON.stringify(p.firstDivergence)}`)
              .join(', '),
          );
        }
        return {
          match: true,
          partitions: verification.partitions.map((p) => ({
            topic: p.sourceTopic,
            partition: p.partition,
            records: p.sourceRecords,
            checksum: p.sourceChecksum,
          })),
        };
      }
      case 'switch': {
        let plan = this.switchPlan(offsets, state);
        if (this.options.reverseFlow) plan = { ...plan, reverseFlow: await this.writeReverseFlow(plan) };
        await writeFile(join(this.options.stateDir, 'switch.json'), `${JSON.stringify(plan, null, 2)}\n`);
        return plan;
      }
    }
  }

  private async prechecks(offsets: FlowOffsets): Promise<{
    topics: Record<string, number>;
    groups: string[];
    lag: number;
    problems: string[];
  }> {
    const problems: string[] = [];
    const topics = await offsets.mirroredTopics();
    const remote = new Map(
      [...topics.keys()].map((t) => [offsets.policy.formatRemoteTopic(offsets.config.source, t), t]),
    );
    const existing = new Set(await offsets.targetAdmin.listTopics());
    const present = [...remote.keys()].filter((r) => existing.has(r));
    for (const r of remote.keys())
      if (!existing.has(r)) problems.push(`${r} missing on ${offsets.config.target}`);
    if (present.length > 0) {
      const { topics: metadata } = await offsets.targetAdmin.fetchTopicMetadata({ topics: present });
      for (const t of metadata) {
        const want = topics.get(remote.get(t.name)!)!;
        if (t.partitions.length !== want)
          problems.push(`${t.name} has ${t.partitions.length} partitions, ${remote.get(t.name)} has ${want}`);
      }
      const exclude = PatternList.compile(offsets.config.configPropertiesExclude);
      await inWaves(present, async (r) => {
        const [src, dst] = await Promise.all([
          topicOverrides(offsets.sourceAdmin, remote.get(r)!),
          topicOverrides(offsets.targetAdmin, r),
        ]);
        for (const [name, value] of src) {
          if (name === WRITE_FREEZE || exclude.matches(name)) continue;
          if (dst.get(name) !== value)
            problems.push(`${r}: ${name}=${dst.get(name) ?? '(default)'}, source has ${value}`);
        }
      });
    }
    const lag = (await offsets.lag(topics)).reduce((s, p) => s + p.lag, 0);
    const maxLag = this.options.maxLag ?? 100_000;
    if (lag > maxLag) problems.push(`lag ${lag} above ${maxLag}`);
    const groups = [...(await offsets.sourceGroups()).keys()];
    return { topics: Object.fromEntries(topics), groups, lag, problems };
  }

  /** Sets (or lifts) the freeze on each of the flow's source topics, keeping their other overrides. */
  private freezeTopics(topics: readonly string[], frozen: boolean): Promise<string[]> {
    const config = this.options.config;
    const flow = config.flows.find((f) => f.name === this.options.flowName)!;
    return setWriteFreeze(clusterOf(config, flow.source), topics, frozen, this.logger);
  }

  private async drain(offsets: FlowOffsets): Promise<unknown> {
    const topics = await offsets.mirroredTopics();
    let flow = this.options.flow;
    let started = false;
    if (flow === undefined) {
      const config = this.options.config;
      const flowConfig = offsets.config;
      flow = new Flow({
        config: flowConfig,
        source: clusterOf(config, flowConfig.source),
        target: clusterOf(config, flowConfig.target),
        logger: this.logger,
        taskSettings: { fetchMaxWaitMs: 50 },
      });
      await flow.start();
      started = true;
    }
    const live = new FlowOffsets(this.options.config, this.options.flowName, this.logger, flow);
    try {
      const deadline = Date.now() + (this.options.drainTimeoutMs ?? 60_000);
      for (;;) {
        const lag = await live.lag(topics);
        if (lag.every((p) => p.lag === 0)) {
          await flow.stop();
          offsets.detachFlow(false);
          return { ends: lag.map((p) => ({ topic: p.topic, partition: p.partition, end: p.sourceEnd })) };
        }
        if (Date.now() >= deadline) {
          const behind = lag.filter((p) => p.lag > 0).map((p) => `${p.topic}-${p.partition} lags ${p.lag}`);
          throw new CutoverStepError('drain', `not drained in time: ${behind.join(', ')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } catch (err) {
      if (started) await flow.stop();
      throw err;
    }
  }

  private switchPlan(offsets: FlowOffsets, state: CutoverState): SwitchPlan {
    const target = clusterOf(this.options.config, offsets.config.target);
    const topics = (state.steps.prechecks.result as { topics: Record<string, number> }).topics;
    const resumes = (state.steps.offsets.result as { resumes: GroupResume[] }).resumes;
    const groups: SwitchPlan['consumers']['groups'] = {};
    for (const r of resumes) {
      if (r.targetOffset === undefined) continue;
      const list = groups[r.group] ?? [];
      list.push({ topic: r.remoteTopic, partition: r.partition, offset: r.targetOffset });
      groups[r.group] = list;
    }
    return {
      flow: this.options.flowName,
      producers: {
        bootstrapServers: target.bootstrapServers,
        topics: Object.fromEntries(
          Object.keys(topics).map((t) => [t, offsets.policy.formatRemoteTopic(offsets.config.source, t)]),
        ),
      },
      consumers: { bootstrapServers: target.bootstrapServers, groups },
    };
  }
}

/** The human report of a state: one line per step, then the switch. */
export function formatCutoverState(state: CutoverState): string[] {
  const lines = [`cutover ${state.flow}: ${state.phase}`];
  for (const step of CUTOVER_STEPS) {
    const s = state.steps[step];
    lines.push(`  ${step.padEnd(10)} ${s.status}${s.doneAt ? ` at ${s.doneAt}` : ''}`);
  }
  if (state.frozenTopics.length > 0) lines.push(`  frozen topics: ${state.frozenTopics.join(', ')}`);
  for (const l of state.log) lines.push(`  | ${l}`);
  return lines;
}
