import { IsolationLevel, type ProducerIdAndEpoch } from '../client/index.js';
import {
  baseOffset,
  baseSequence,
  lastOffset,
  lastSequence,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  producerEpoch,
  producerId,
} from '../protocol/records/batch-header.js';
import { RecordSetIterator } from '../protocol/records/record-set.js';
import { type KeptBatch, ReadCommittedFilter } from './batch-filter.js';
import { PartitionOffsetMapping } from './offset-mapping.js';
import type { TopicReadClient } from './offset-sync-reader.js';
import {
  nextSequenceAfter,
  type PartitionProducerState,
  PartitionWriter,
  type ProduceClient,
} from './target-writer.js';
import { isCopyOf, MirrorInvariantError } from './task-resume.js';

/**
 * The crash-safe copy of one partition for failback: B's remote partition [from, to) → the same partition of
 * A's origin topic, each kept B batch exactly once, in order, however often the copy is interrupted and run
 * again. Nothing is recorded outside the two clusters: A's log is its own progress record.
 *
 * INVARIANT: from the walk start W on, the batches of A's origin partition whose producer id is a failback
 * producer id of this flow (registered in A's producer registry, see FailbackProducer) are an
 * order-preserving copy of a prefix of B's kept batches from `from` on, each exactly once.
 *
 * "Kept" is what ReadCommittedFilter keeps; "copy" is task-resume.ts's isCopyOf (the same bytes but for
 * baseOffset, partitionLeaderEpoch, the producer fields, the transactional bit and the CRC).
 *
 * Why it holds across crashes:
 * 1. W is where the stopped forward flow A->B had read A to (its mapping's sourceNext from the offset-syncs,
 *    at least A's log start). Failback writes only at A's end, after the forward flow stopped, so every
 *    failback batch of this failback lies at or after W. The caller supplies W and `from`; both come from
 *    the forward flow's offset-syncs, which do not change while the forward flow is stopped, so every run of
 *    one failback computes the same ones. An earlier failback's batches (a previous failover) lie below W
 *    once the forward flow has read past them; if it has not, it has mirrored nothing since, so `from` has
 *    not moved either and they are matched as the copies of B's records they are.
 * 2. A producer id is registered (acks=all) before its first batch is sent (producer-registry.ts), so a
 *    walk that sees a batch of producer id P and then reads the registry to its high watermark knows
 *    whether P is failback's; no id is reused within a cluster. A's own producers' batches, interleaved or
 *    not, are stepped over, never matched.
 * 3. A run walks A from W to A's high watermark and, in lockstep, B's kept batches from `from`, matching each
 *    failback batch to the next kept B batch byte for byte (a mismatch means someone else wrote with a
 *    failback producer id, or B was rewritten: the walk refuses to guess). It then copies from the kept B
 *    batch after the last matched one: nothing matched is written again, nothing kept is skipped.
 * 4. A batch of the interrupted run still in flight when the walk read A (a zombie appended later) is
 *    harmless when the run continues the producer of the last matched batch: it gives every B batch the
 *    very (producer id, epoch, sequence) the interrupted run gave it, and the broker appends each at most
 *    once (a duplicate is acknowledged with its first offset, an overtaking batch is refused as
 *    OUT_OF_ORDER_SEQUENCE_NUMBER and the run fails rather than leaves a hole). The window left, as in
 *    task-resume.ts: an interrupted run whose first batch on this partition was still in flight — a new
 *    producer id sends nothing more before that one is acknowledged (PartitionWriter) — so no batch of it
 *    is on A to continue, and the rerun takes a new producer id: that one batch may land twice.
 * 5. A batch above A's high watermark (appended, not yet replicated) is not walked; if it becomes committed
 *    later, the continued producer makes the new copy a duplicate the broker drops.
 *
 * Preconditions: the forward flow stays stopped from the first run to the last; A's origin topic keeps
 * CreateTime timestamps and the producer's compression (else the bytes differ and the walk refuses); B still
 * holds [from, to).
 *
 * Cost: A is read once from W (batch headers only, no record decoded) and B's matched prefix once; the copy
 * moves fetched B batches to A as slices patched in place, up to MAX_IN_FLIGHT produces outstanding.
 */

/** Kafka's limit of unacknowledged idempotent batches per partition (what a broker de-duplicates). */
const MAX_IN_FLIGHT = 5;
const FETCH_MAX_BYTES = 1 << 20;

/** What the copy needs of A's client: reading, and producing as PartitionWriter does. A ClusterClient fits. */
export type OriginClient = TopicReadClient & ProduceClient;

export interface FailbackPartition {
  /** Reads B (a ClusterClient; tests bring a fake). */
  readonly standby: TopicReadClient;
  /** Reads and writes A. */
  readonly origin: OriginClient;
  readonly remoteTopic: string;
  readonly originTopic: string;
  readonly partition: number;
  /** B offsets [from, to) to copy. */
  readonly from: number;
  readonly to: number;
  /** Where the walk of A starts (see the header, 1). */
  readonly walkFrom: number;
  /** Whether a producer id found on A is one failback registered for this flow (see the header, 2). */
  readonly isFailbackProducer: (producerId: number) => Promise<boolean>;
  /** A producer id already registered as failback's, for a partition with no batch to continue. */
  readonly freshProducer: () => Promise<ProducerIdAndEpoch>;
  /** Walk and plan only: write nothing. */
  readonly dryRun: boolean;
  /** Called once per batch this run copied, after A acknowledged it; a throw aborts the copy there. */
  readonly onBatchCopied?: (batchesThisRun: number) => void;
}

export interface FailbackPartitionResult {
  /** B→A for every kept B batch now on A (found by the walk or copied by this run). */
  readonly mapping: PartitionOffsetMapping;
  /** Batches found on A, copied by an earlier, interrupted run. */
  readonly resumed: number;
  /** Batches this run copied. */
  readonly batches: number;
  /** Where the copy starts on A (its first batch), or A's end when nothing is copied. */
  readonly originStart: number;
  /** After the copy's last batch on A, or A's end when nothing is copied. */
  readonly originEnd: number;
}

/** B's kept batches from `from` below `to`, one at a time, read_committed (control and aborted data dropped). */
class KeptRange {
  private readonly filter = new ReadCommittedFilter();
  private queue: KeptBatch[] = [];
  private index = 0;
  private offset: number;

  constructor(
    private readonly client: TopicReadClient,
    private readonly topic: string,
    private readonly partition: number,
    from: number,
    private readonly to: number,
  ) {
    this.offset = from;
  }

  async next(): Promise<KeptBatch | undefined> {
    while (this.index >= this.queue.length) {
      if (this.offset >= this.to) return undefined;
      const [result] = await this.client.fetch(
        [
          {
            topic: this.topic,
            partition: this.partition,
            fetchOffset: this.offset,
            maxBytes: FETCH_MAX_BYTES,
          },
        ],
        { maxWaitMs: 0, minBytes: 0, isolationLevel: IsolationLevel.ReadCommitted },
      );
      if (result === undefined) throw new Error('fetch returned no result');
      if (result.error) throw result.error;
      const set = this.filter.filter(result.records, result.abortedTransactions, this.offset);
      if (set.nextOffset <= this.offset)
        throw new Error(`no progress reading ${this.topic}-${this.partition} at ${this.offset}`);
      this.offset = set.nextOffset;
      this.queue = set.kept;
      this.index = 0;
    }
    const kept = this.queue[this.index++]!;
    if (kept.baseOffset >= this.to) {
      this.offset = this.to;
      this.queue = [];
      return undefined;
    }
    return kept;
  }
}

/** Finds on A what earlier runs copied, then copies the rest; see the header. */
export async function failbackPartition(input: FailbackPartition): Promise<FailbackPartitionResult> {
  const range = new KeptRange(input.standby, input.remoteTopic, input.partition, input.from, input.to);
  const mapping = new PartitionOffsetMapping({ offsetLagMax: Number.POSITIVE_INFINITY });
  const walked = await walkOrigin(input, range, mapping);
  let originStart = walked.originStart;
  let originEnd = walked.originEnd;
  let batches = 0;
  let next = input.dryRun ? undefined : await range.next();
  if (next === undefined) return { mapping, resumed: walked.matched, batches, originStart, originEnd };

  let producer = walked.producer;
  const continued = producer !== null;
  if (producer === null) producer = { ...(await input.freshProducer()), nextSequence: 0 };
  const writer = new PartitionWriter(input.origin, {
    topic: input.originTopic,
    partition: input.partition,
    producer,
    newProducerId: !continued,
  });
  await writer.ready();
  /** At most MAX_IN_FLIGHT, oldest first. */
  const inFlight: Promise<void>[] = [];
  /** The last batch's bookkeeping: each waits for its predecessor's, so the mapping grows in B's order. */
  let chain: Promise<void> = Promise.resolve();
  for (; next !== undefined; next = await range.next()) {
    const { baseOffset: from, lastOffset: last } = next;
    const sent = writer.send(next.batch);
    // Requests go out and are answered in order, but a deferred send (PartitionWriter's first-batch gate)
    // settles a few microtasks later than a direct one: chain the bookkeeping, not the acknowledgements.
    const acked = chain
      .then(() => sent)
      .then((targetBase) => {
        mapping.onBatchMirrored(from, last, targetBase);
        if (walked.matched === 0 && batches === 0) originStart = targetBase;
        originEnd = targetBase + last - from + 1;
        batches++;
        input.onBatchCopied?.(batches);
      });
    // Awaited below in order; a failure also poisons the writer, so later sends never go out.
    sent.catch(() => {});
    acked.catch(() => {});
    chain = acked;
    inFlight.push(acked);
    if (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift();
  }
  for (const acked of inFlight) await acked;
  return { mapping, resumed: walked.matched, batches, originStart, originEnd };
}

interface Walked {
  readonly matched: number;
  readonly originStart: number;
  readonly originEnd: number;
  /** The producer of the last matched batch with the sequence after it; null when there is none to continue. */
  readonly producer: PartitionProducerState | null;
}

/** A from walkFrom to its high watermark against B's kept batches in lockstep (the header, 3). */
async function walkOrigin(
  input: FailbackPartition,
  range: KeptRange,
  mapping: PartitionOffsetMapping,
): Promise<Walked> {
  const { origin, originTopic: topic, partition } = input;
  const end = (await origin.listOffsets(topic, partition, 'latest')).offset;
  let matched = 0;
  let originStart = end;
  let originEnd = end;
  let last: Buffer | undefined;
  const it = new RecordSetIterator(Buffer.alloc(0));
  let offset = input.walkFrom;
  let maxBytes = FETCH_MAX_BYTES;
  while (offset < end) {
    const [result] = await origin.fetch([{ topic, partition, fetchOffset: offset, maxBytes }], {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes,
      isolationLevel: IsolationLevel.ReadUncommitted,
    });
    if (result === undefined) throw new Error('fetch returned no result');
    if (result.error) throw result.error;
    const records = result.records;
    it.reset(records);
    let advanced = false;
    while (it.next()) {
      const pos = it.position;
      const tLast = lastOffset(records, pos);
      if (tLast < offset) continue;
      if (baseOffset(records, pos) >= end) break;
      advanced = true;
      offset = tLast + 1;
      const pid = producerId(records, pos);
      if (pid === NO_PRODUCER_ID || !(await input.isFailbackProducer(pid))) continue;
      const t = records.subarray(pos, pos + it.size);
      const tBase = baseOffset(t, 0);
      const s = await range.next();
      if (s === undefined) {
        throw new MirrorInvariantError(
          `${topic}-${partition} batch at ${tBase} was written by failback but ${input.remoteTopic}-${partition} has no kept batch left below ${input.to}`,
        );
      }
      if (!isCopyOf(t, s.batch)) {
        throw new MirrorInvariantError(
          `${topic}-${partition} batch at ${tBase} was written by failback but is not the copy of ${input.remoteTopic}-${partition} batch at ${s.baseOffset}`,
        );
      }
      mapping.onBatchMirrored(s.baseOffset, s.lastOffset, tBase);
      if (matched === 0) originStart = tBase;
      originEnd = tLast + 1;
      last = t;
      matched++;
    }
    if (!advanced) {
      if (records.length === 0) break;
      maxBytes *= 2;
    }
  }
  return { matched, originStart, originEnd, producer: last ? continuedProducer(last) : null };
}

function continuedProducer(batch: Buffer): PartitionProducerState | null {
  if (baseSequence(batch, 0) === NO_SEQUENCE) return null;
  return {
    producerId: producerId(batch, 0),
    producerEpoch: producerEpoch(batch, 0),
    nextSequence: nextSequenceAfter(lastSequence(batch, 0), 0),
  };
}
