import { Gauge, Registry } from 'prom-client';

/** One mirrored partition's figures as a flow reports them (totals survive task restarts). */
export interface PartitionFigures {
  readonly topic: string;
  readonly partition: number;
  readonly records: number;
  readonly bytes: number;
  /** -1 until the first acknowledged batch. */
  readonly recordAgeMs: number;
  readonly replicationLatencyMs: number;
  /** -1 until known. */
  readonly offsetLag: number;
}

export interface CheckpointFigures {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly latencyMs: number;
}

/** What a flow hands the metrics on every scrape. */
export interface FlowFigures {
  readonly partitions: readonly PartitionFigures[];
  readonly checkpoints: readonly CheckpointFigures[];
  /** Per consumer group: 0 when every checkpoint of the group is exact. */
  readonly translationErrorBounds: ReadonlyMap<string, number>;
  readonly heartbeats: number;
}

interface RateSample {
  records: number;
  bytes: number;
  atMs: number;
  recordRate: number;
  byteRate: number;
}

const RATE_WINDOW_MS = 1000;

/**
 * The mirror's Prometheus metrics, one prom-client Registry for every flow of a MirrorMaker. Names follow
 * MirrorMaker 2's MirrorSourceConnector/MirrorCheckpointConnector metrics (`record-count`, `record-rate`,
 * `byte-count`, `byte-rate`, `record-age-ms`, `replication-latency-ms`, `checkpoint-latency-ms`) in
 * Prometheus spelling under `ferry_mirror_`, with the labels MM2 tags them with (flow = `source->target`,
 * topic = the *remote* topic as MM2 tags it, partition); Ferry adds `offset_lag` (source high watermark
 * minus the mirror's next offset), `translation_error_bound` per group (0 when exact) and `heartbeat_count`.
 *
 * Values are gathered from the flows at scrape time (gauges with collect callbacks), so the data path keeps
 * plain counters and pays nothing per record. Rates are the change of the totals over the last scrape
 * interval of at least a second. Single-threaded.
 */
export class MirrorMetrics {
  readonly registry: Registry;
  private readonly flows = new Map<string, () => FlowFigures>();
  private readonly rates = new Map<string, RateSample>();
  /** The figures of the scrape in progress: the gauges' collect callbacks run back to back. */
  private scrape: { atMs: number; figures: Map<string, FlowFigures> } | undefined;

  constructor(
    registry: Registry = new Registry(),
    private readonly nowMs: () => number = Date.now,
  ) {
    this.registry = registry;
    const partitionLabels = ['flow', 'topic', 'partition'] as const;
    const perPartition = (name: string, help: string, pick: (p: PartitionFigures, key: string) => number) =>
      new Gauge({
        name,
        help,
        labelNames: partitionLabels,
        registers: [registry],
        collect: () => {
          const gauge = this.registry.getSingleMetric(name) as Gauge<(typeof partitionLabels)[number]>;
          gauge.reset();
          for (const [flow, partitions] of this.partitionsByFlow()) {
            for (const p of partitions) {
              const key = `${flow}|${p.topic}|${p.partition}`;
              gauge.set({ flow, topic: p.topic, partition: String(p.partition) }, pick(p, key));
            }
          }
        },
      });
    perPartition('ferry_mirror_record_count', 'MM2 record-count: records mirrored', (p) => p.records);
    perPartition('ferry_mirror_byte_count', 'MM2 byte-count: bytes mirrored', (p) => p.bytes);
    perPartition(
      'ferry_mirror_record_rate',
      'MM2 record-rate: records mirrored per second',
      (p, key) => this.rate(key, p).recordRate,
    );
    perPartition(
      'ferry_mirror_byte_rate',
      'MM2 byte-rate: bytes mirrored per second',
      (p, key) => this.rate(key, p).byteRate,
    );
    perPartition(
      'ferry_mirror_record_age_ms',
      'MM2 record-age-ms: age of the last mirrored batch (ack time - its max timestamp)',
      (p) => p.recordAgeMs,
    );
    perPartition(
      'ferry_mirror_replication_latency_ms',
      'MM2 replication-latency-ms: fetch-to-acknowledgement time of the last mirrored batch',
      (p) => p.replicationLatencyMs,
    );
    perPartition(
      'ferry_mirror_offset_lag',
      'Source high watermark minus the next source offset to mirror',
      (p) => p.offsetLag,
    );
    const checkpointLabels = ['flow', 'group', 'topic', 'partition'] as const;
    new Gauge({
      name: 'ferry_mirror_checkpoint_latency_ms',
      help: 'MM2 checkpoint-latency-ms: time from reading a committed offset to its checkpoint being acknowledged',
      labelNames: checkpointLabels,
      registers: [registry],
      collect: () => {
        const gauge = this.registry.getSingleMetric('ferry_mirror_checkpoint_latency_ms') as Gauge<
          (typeof checkpointLabels)[number]
        >;
        gauge.reset();
        for (const [flow, figures] of this.figures()) {
          for (const c of figures.checkpoints) {
            gauge.set({ flow, group: c.group, topic: c.topic, partition: String(c.partition) }, c.latencyMs);
          }
        }
      },
    });
    new Gauge({
      name: 'ferry_mirror_translation_error_bound',
      help: "Most records a group's consumers on the target could be re-delivered or skip (0: exact)",
      labelNames: ['flow', 'group'] as const,
      registers: [registry],
      collect: () => {
        const gauge = this.registry.getSingleMetric('ferry_mirror_translation_error_bound') as Gauge<
          'flow' | 'group'
        >;
        gauge.reset();
        for (const [flow, figures] of this.figures()) {
          for (const [group, bound] of figures.translationErrorBounds) gauge.set({ flow, group }, bound);
        }
      },
    });
    new Gauge({
      name: 'ferry_mirror_heartbeat_count',
      help: 'Heartbeats the flow wrote to the target',
      labelNames: ['flow'] as const,
      registers: [registry],
      collect: () => {
        const gauge = this.registry.getSingleMetric('ferry_mirror_heartbeat_count') as Gauge<'flow'>;
        gauge.reset();
        for (const [flow, figures] of this.figures()) gauge.set({ flow }, figures.heartbeats);
      },
    });
  }

  /** Registers a flow's figures under its name (`source->target`); replaces a flow of the same name. */
  addFlow(flow: string, figures: () => FlowFigures): void {
    this.flows.set(flow, figures);
    this.scrape = undefined;
  }

  removeFlow(flow: string): void {
    this.flows.delete(flow);
    this.scrape = undefined;
    for (const key of [...this.rates.keys()]) if (key.startsWith(`${flow}|`)) this.rates.delete(key);
  }

  /** The Prometheus text exposition of every metric. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** Every flow's figures, gathered once per scrape (the gauges' collect callbacks run back to back). */
  private figures(): Map<string, FlowFigures> {
    const now = this.nowMs();
    if (this.scrape && now - this.scrape.atMs < 50) return this.scrape.figures;
    const figures = new Map<string, FlowFigures>();
    for (const [flow, gather] of this.flows) figures.set(flow, gather());
    this.scrape = { atMs: now, figures };
    return figures;
  }

  private *partitionsByFlow(): Iterable<[string, readonly PartitionFigures[]]> {
    for (const [flow, figures] of this.figures()) yield [flow, figures.partitions];
  }

  private rate(key: string, p: PartitionFigures): RateSample {
    const now = this.nowMs();
    const sample = this.rates.get(key);
    if (sample === undefined) {
      const first = { records: p.records, bytes: p.bytes, atMs: now, recordRate: 0, byteRate: 0 };
      this.rates.set(key, first);
      return first;
    }
    const elapsed = now - sample.atMs;
    if (elapsed >= RATE_WINDOW_MS) {
      sample.recordRate = Math.max(0, ((p.records - sample.records) * 1000) / elapsed);
      sample.byteRate = Math.max(0, ((p.bytes - sample.bytes) * 1000) / elapsed);
      sample.records = p.records;
      sample.bytes = p.bytes;
      sample.atMs = now;
    }
    return sample;
  }
}
