import type { Admin } from 'kafkajs';
import type { Flow } from '../../mirror/index.js';
import { formatTable } from '../cli/output.js';

/**
 * The mirroring demo's live view: what is on each cluster (partition end offsets from ListOffsets, so that the
 * figures are the clusters' truth rather than the mirror's belief), the flow's record age and replication
 * latency, and the consumer group's committed offsets on east beside their translation on west (the flow's
 * checkpoints) and the west group's synced offsets.
 *
 * Record age and replication latency are MM2's per-batch figures (ack time - the batch's max timestamp, and
 * ack time - fetch time); the flow keeps only each partition's last batch, so `sample()` (called every
 * 100 ms) records a partition's figures whenever its record count moved, and the p99 is over the samples of
 * the last 10 seconds. Single-threaded.
 */

const WINDOW_MS = 10_000;

export interface PartitionProgress {
  readonly partition: number;
  /** End offset of the source partition on east (records produced; no transactions in the demo). */
  readonly eastEnd: number;
  /** End offset of the remote partition on west. */
  readonly westEnd: number;
  readonly recordAgeMs: number;
  /** The group's committed offset on east; -1 if none. */
  readonly groupEast: number;
  /** Its translation on west (the latest checkpoint's downstream offset); -1 if none yet. */
  readonly groupTranslated: number;
  /** The west group's committed offset (synced by the flow); -1 if none yet. */
  readonly groupWest: number;
}

export interface ProgressSnapshot {
  readonly atMs: number;
  readonly partitions: readonly PartitionProgress[];
  readonly produced: number;
  readonly mirrored: number;
  readonly lag: number;
  readonly recordAgeP99Ms: number;
  readonly replicationLatencyP99Ms: number;
  readonly samples: number;
  /** Sums over the partitions that have a value; -1 when none has. */
  readonly groupEast: number;
  readonly groupTranslated: number;
  readonly groupWest: number;
  /** The flow's translation error bound for the group (0: exact); undefined before its first checkpoint. */
  readonly errorBound: number | undefined;
}

export interface DemoProgressOptions {
  readonly flow: Flow;
  readonly eastAdmin: Admin;
  readonly westAdmin: Admin;
  readonly topic: string;
  readonly group: string;
}

interface LatencySample {
  readonly atMs: number;
  readonly recordAgeMs: number;
  readonly replicationLatencyMs: number;
}

export class DemoProgress {
  readonly remoteTopic: string;
  private readonly lastRecords = new Map<number, number>();
  private samples: LatencySample[] = [];

  constructor(private readonly options: DemoProgressOptions) {
    this.remoteTopic = options.flow.policy.formatRemoteTopic(options.flow.config.source, options.topic);
  }

  /** Records the per-batch figures of every partition that mirrored something since the last call. */
  sample(): void {
    const now = Date.now();
    for (const p of this.options.flow.figures().partitions) {
      if (p.topic !== this.remoteTopic || p.recordAgeMs < 0) continue;
      if (this.lastRecords.get(p.partition) === p.records) continue;
      this.lastRecords.set(p.partition, p.records);
      this.samples.push({
        atMs: now,
        recordAgeMs: p.recordAgeMs,
        replicationLatencyMs: p.replicationLatencyMs,
      });
    }
    const from = this.samples.findIndex((s) => s.atMs > now - WINDOW_MS);
    if (from > 0) this.samples = this.samples.slice(from);
    else if (from < 0) this.samples = [];
  }

  async snapshot(): Promise<ProgressSnapshot> {
    const { flow, eastAdmin, westAdmin, topic, group } = this.options;
    const [eastEnds, westEnds, groupEast, groupWest] = await Promise.all([
      endOffsets(eastAdmin, topic),
      endOffsets(westAdmin, this.remoteTopic),
      committedOffsets(eastAdmin, group, topic),
      committedOffsets(westAdmin, group, this.remoteTopic),
    ]);
    const figures = flow.figures();
    const ages = new Map(
      figures.partitions.filter((p) => p.topic === this.remoteTopic).map((p) => [p.partition, p.recordAgeMs]),
    );
    const checkpoints = flow.checkpoints().get(group);
    const partitions: PartitionProgress[] = [...eastEnds.keys()]
      .sort((a, b) => a - b)
      .map((partition) => ({
        partition,
        eastEnd: eastEnds.get(partition) ?? 0,
        westEnd: westEnds.get(partition) ?? 0,
        recordAgeMs: ages.get(partition) ?? -1,
        groupEast: groupEast.get(partition) ?? -1,
        groupTranslated: checkpoints?.get(`${this.remoteTopic}:${partition}`)?.downstreamOffset ?? -1,
        groupWest: groupWest.get(partition) ?? -1,
      }));
    const produced = sum(partitions.map((p) => p.eastEnd));
    const mirrored = sum(partitions.map((p) => p.westEnd));
    return {
      atMs: Date.now(),
      partitions,
      produced,
      mirrored,
      lag: sum(partitions.map((p) => Math.max(0, p.eastEnd - p.westEnd))),
      recordAgeP99Ms: p99(this.samples.map((s) => s.recordAgeMs)),
      replicationLatencyP99Ms: p99(this.samples.map((s) => s.replicationLatencyMs)),
      samples: this.samples.length,
      groupEast: sumKnown(partitions.map((p) => p.groupEast)),
      groupTranslated: sumKnown(partitions.map((p) => p.groupTranslated)),
      groupWest: sumKnown(partitions.map((p) => p.groupWest)),
      errorBound: figures.translationErrorBounds.get(group),
    };
  }

  /** The block of lines the demo prints every second; rates against `previous`. */
  render(s: ProgressSnapshot, previous: ProgressSnapshot | undefined, elapsedMs: number): string[] {
    const { topic, group } = this.options;
    const rate = (now: number, before: number | undefined) => {
      if (previous === undefined || before === undefined || s.atMs <= previous.atMs) return '';
      return ` (${Math.round(((now - before) * 1000) / (s.atMs - previous.atMs))}/s)`;
    };
    const ms = (v: number) => (v < 0 ? '-' : `${v} ms`);
    const known = (v: number) => (v < 0 ? '-' : String(v));
    const exact =
      s.errorBound === undefined ? '' : s.errorBound === 0 ? ', exact' : `, error bound ${s.errorBound}`;
    const table = formatTable(
      [
        'PARTITION',
        'EAST-END',
        'WEST-END',
        'LAG',
        'RECORD-AGE',
        `${group}@EAST`,
        'TRANSLATED',
        `${group}@WEST`,
      ],
      s.partitions.map((p) => [
        String(p.partition),
        String(p.eastEnd),
        String(p.westEnd),
        String(Math.max(0, p.eastEnd - p.westEnd)),
        ms(p.recordAgeMs),
        known(p.groupEast),
        known(p.groupTranslated),
        known(p.groupWest),
      ]),
    );
    return [
      `[${Math.round(elapsedMs / 1000)} s] east:${topic} -> west:${this.remoteTopic}`,
      `  produced on east: ${s.produced} records${rate(s.produced, previous?.produced)}`,
      `  mirrored to west: ${s.mirrored} records${rate(s.mirrored, previous?.mirrored)}, lag ${s.lag} records`,
      `  record age p99: ${ms(s.recordAgeP99Ms)}, replication latency p99: ${ms(s.replicationLatencyP99Ms)} ` +
        `(${s.samples} batches in the last ${WINDOW_MS / 1000} s)`,
      `  group ${group}: committed on east ${known(s.groupEast)}, translated on west ${known(s.groupTranslated)}` +
        `${exact}, synced to west's ${group} ${known(s.groupWest)}`,
      ...table.map((line) => `  ${line}`),
    ];
  }
}

/** Partition → end offset; empty when the topic does not exist (yet). */
async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } catch {
    return new Map();
  }
}

/** Partition → the group's committed offset (absent when none). */
async function committedOffsets(admin: Admin, group: string, topic: string): Promise<Map<number, number>> {
  try {
    const [result] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return new Map(
      (result?.partitions ?? [])
        .filter((p) => Number(p.offset) >= 0)
        .map((p) => [p.partition, Number(p.offset)]),
    );
  } catch {
    return new Map();
  }
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function sumKnown(values: readonly number[]): number {
  const known = values.filter((v) => v >= 0);
  return known.length === 0 ? -1 : sum(known);
}

/** The 99th percentile (nearest rank); -1 without samples. */
function p99(values: number[]): number {
  if (values.length === 0) return -1;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}
