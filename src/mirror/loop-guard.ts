import type { ProducerIdAndEpoch } from '../client/index.js';
import { NO_PRODUCER_ID, producerId } from '../protocol/records/batch-header.js';
import type { KeptBatch } from './batch-filter.js';
import type { TopicReadClient } from './offset-sync-reader.js';
import type { SyncProduceClient } from './offset-sync-writer.js';
import {
  type ProducerRegistration,
  ProducerRegistryReader,
  producerIdsTopic,
  registerProducer,
} from './producer-registry.js';

/**
 * Active-active without loops, for any replication policy (the identity policy included), by producer id.
 *
 * THE PROBLEM. With flows A->B and B->A and the identity policy, `orders` on B holds B's producers' records
 * and the copies A->B wrote; B->A must copy the former and never the latter (they came from A: copying them
 * back loops forever). Topic names cannot tell them apart; MM2 cannot do it at all.
 *
 * THE DESIGN. Every batch of an idempotent (or transactional) producer carries its producer id in the fixed
 * batch header, and the mirror's target writer always writes as an idempotent producer with ids it got from
 * the target cluster (InitProducerId). So:
 *   1. Before a flow A->B sends its first batch with producer id P, it registers P in B's registry
 *      `mm2-producer-ids.B.internal` (producer-registry.ts) and waits for acks=all.
 *   2. The flow B->A classifies every source batch by its header producer id alone (no record decoded):
 *      a batch whose producer id is registered in B's registry by a flow with source A (the reverse flow's
 *      writes) is dropped — counted like a control batch, its offsets a gap in the offset mapping — and
 *      everything else is copied.
 *   3. An id the flow has not classified yet makes it read the registry on to the high watermark before it
 *      decides. An id still absent then is a producer of B's own: by (1) a mirror id is registered before any
 *      batch of it exists, so before this batch was fetched, so below the high watermark just read. Ids are
 *      never reused within a cluster, so each id is classified once and cached (non-idempotent batches carry
 *      producer id -1 and are never mirror writes).
 *   4. Resume (task-resume.ts) applies the same classification to the source batches it walks, and on the
 *      target skips batches that are not this flow's own writes (registered under its flow name) — with the
 *      identity policy the remote partition is shared with the target's producers and the reverse flow.
 *
 * WHY IT HOLDS ON APACHE KAFKA TOO. Nothing here needs a Ferry broker: producer ids are assigned by the
 * cluster and unique in it; every idempotent batch carries one in its v2 header; an acks=all produce is
 * answered only once the high watermark has passed the record, and ListOffsets(latest) returns the high
 * watermark; the registry is an ordinary compacted topic. No broker change, no record header, no record
 * rewrite: the copied bytes stay identical to the source's (which the resume byte-matching relies on).
 *
 * SCOPE. The rule drops only the writes of the reverse flow (source = this flow's target). That is exact for
 * a pair of clusters and keeps chains A->B->C copying A's records onward as MM2 does. A longer identity
 * cycle (A->B->C->A) would still loop — a batch gets a new producer id at every hop and C's registry only
 * says "written by B->C" — and an identity fan-in (two flows writing one topic name into one cluster) is
 * ambiguous: topology.ts rejects both.
 *
 * Single-threaded (the event loop); one instance per task runner, shared by its partitions.
 */

/** What the classifier needs of a registry: ProducerRegistryReader; tests bring a fake. */
export interface RegistryReader {
  readToEnd(onEntry: (entry: ProducerRegistration) => void): Promise<void>;
}

/** Which producer ids of one cluster's registry satisfy a predicate, learnt lazily and cached. */
export class ProducerIdClassifier {
  private readonly matching = new Set<number>();
  private readonly known = new Set<number>();
  /** A read queued behind the running one and not started yet: later callers may share it. */
  private queued: Promise<void> | undefined;
  private running: Promise<void> = Promise.resolve();
  private reads = 0;

  constructor(
    private readonly reader: RegistryReader,
    private readonly predicate: (entry: ProducerRegistration) => boolean,
  ) {}

  /** Registry reads so far (for tests and metrics). */
  get registryReads(): number {
    return this.reads;
  }

  /** True/false once `producerId` is classified, undefined before. Never true for -1. */
  lookup(pid: number): boolean | undefined {
    if (pid === NO_PRODUCER_ID) return false;
    if (this.matching.has(pid)) return true;
    return this.known.has(pid) ? false : undefined;
  }

  /**
   * Classifies `pid`, seen in a batch already fetched: when unknown, reads the registry to a high watermark
   * taken after this call (never sharing a read that had already started), and an id still absent is not a
   * registered one — for good.
   */
  async matches(pid: number): Promise<boolean> {
    const cached = this.lookup(pid);
    if (cached !== undefined) return cached;
    await this.refresh();
    const after = this.lookup(pid);
    if (after !== undefined) return after;
    this.known.add(pid);
    return false;
  }

  /** Reads the registry on to its end; the read starts after every read already started has finished. */
  refresh(): Promise<void> {
    if (this.queued) return this.queued;
    const read = this.running
      .catch(() => {})
      .then(() => {
        if (this.queued === read) this.queued = undefined;
        this.reads++;
        return this.reader.readToEnd((entry) => {
          this.known.add(entry.producerId);
          if (this.predicate(entry)) this.matching.add(entry.producerId);
        });
      });
    this.queued = read;
    this.running = read;
    return read;
  }
}

export interface MirrorLoopGuardOptions {
  sourceAlias: string;
  targetAlias: string;
  /** The task, recorded in registrations for operators. */
  taskId: string;
  /** Reads the source cluster (its registry). */
  source: TopicReadClient;
  /** Reads and writes the target cluster (its registry). */
  target: TopicReadClient & SyncProduceClient;
  /** Separator of the registry topics' names. @defaultValue '.' */
  separator?: string;
  /** @defaultValue Date.now */
  nowMs?: () => number;
}

/**
 * One task's use of the registries: registering its producer ids on the target, dropping the reverse flow's
 * writes read from the source, and telling its own writes on the target from others' (for resume).
 */
export class MirrorLoopGuard {
  readonly flow: string;
  readonly targetRegistry: string;
  readonly sourceRegistry: string;
  /** Producer ids the reverse flow (target->source) wrote into the source with. */
  readonly reverseWrites: ProducerIdClassifier;
  /** Producer ids this flow wrote into the target with. */
  readonly ownWrites: ProducerIdClassifier;
  private readonly nowMs: () => number;

  constructor(private readonly options: MirrorLoopGuardOptions) {
    const { sourceAlias, targetAlias } = options;
    const separator = options.separator ?? '.';
    this.flow = `${sourceAlias}->${targetAlias}`;
    this.targetRegistry = producerIdsTopic(targetAlias, separator);
    this.sourceRegistry = producerIdsTopic(sourceAlias, separator);
    this.nowMs = options.nowMs ?? Date.now;
    this.reverseWrites = new ProducerIdClassifier(
      new ProducerRegistryReader(options.source, this.sourceRegistry),
      (e) => e.source === targetAlias && e.target === sourceAlias,
    );
    const flow = this.flow;
    this.ownWrites = new ProducerIdClassifier(
      new ProducerRegistryReader(options.target, this.targetRegistry),
      (e) => e.flow === flow,
    );
  }

  /** Registers a producer id obtained from the target; resolves once durable (acks=all). Call before use. */
  register(producer: ProducerIdAndEpoch): Promise<void> {
    const { sourceAlias, targetAlias, taskId } = this.options;
    return registerProducer(this.options.target, this.targetRegistry, {
      flow: this.flow,
      source: sourceAlias,
      target: targetAlias,
      producerId: producer.producerId,
      producerEpoch: producer.producerEpoch,
      task: taskId,
      registeredAtMs: this.nowMs(),
    });
  }

  /**
   * The batches to copy: `kept` without the reverse flow's writes, in order. Returns `kept` itself (no
   * allocation) when nothing is dropped; awaits a registry read only for a producer id never seen before.
   */
  async withoutReverseWrites(kept: KeptBatch[]): Promise<KeptBatch[]> {
    let out: KeptBatch[] | undefined;
    for (let i = 0; i < kept.length; i++) {
      const b = kept[i]!;
      const pid = producerId(b.batch, 0);
      const drop = this.reverseWrites.lookup(pid) ?? (await this.reverseWrites.matches(pid));
      if (drop) out ??= kept.slice(0, i);
      else out?.push(b);
    }
    return out ?? kept;
  }

  /** Whether a target batch is this flow's own write (see ownWrites). */
  isOwnWrite(targetBatch: Buffer): Promise<boolean> {
    return this.ownWrites.matches(producerId(targetBatch, 0));
  }
}
