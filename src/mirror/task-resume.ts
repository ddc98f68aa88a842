import {
  IsolationLevel,
  type ListOffsetsResult,
  type OffsetSpec,
  type PartitionFetcher,
} from '../client/index.js';
import {
  ATTRIBUTES_OFFSET,
  baseOffset,
  baseSequence,
  batchSize,
  LAST_OFFSET_DELTA_OFFSET,
  lastOffset,
  lastSequence,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  PRODUCER_ID_OFFSET,
  producerEpoch,
  producerId,
  RECORDS_COUNT_OFFSET,
  TRANSACTIONAL_FLAG_MASK,
} from '../protocol/records/batch-header.js';
import { RecordSetIterator } from '../protocol/records/record-set.js';
import type { KeptBatch } from './batch-filter.js';
import { hasOffsetHoles, type OffsetStretch, reencodedCopyStretches } from './batch-reencode.js';
import type {
  OffsetSyncPoint,
  PartitionOffsetMapping,
  PartitionOffsetMappingOptions,
} from './offset-mapping.js';
import { mappingFromSyncs } from './offset-sync-log.js';
import { SourceReader } from './source-reader.js';
import { nextSequenceAfter, type PartitionProducerState } from './target-writer.js';

/**
 * Exactly-once resume of one mirrored partition, without transactions.
 *
 * INVARIANT: the remote partition is an order-preserving copy of the kept source batches, each exactly once,
 * and the durable mapping (the offset-syncs) describes a prefix of it.
 *
 * "Kept" is what ReadCommittedFilter keeps (no control batch, no aborted transactional data). A target batch
 * is the copy of a source batch when their bytes agree on every field the mirror does not rewrite:
 * batchLength, the attributes except the transactional bit, lastOffsetDelta, baseTimestamp, maxTimestamp,
 * recordsCount and the whole records section (baseOffset and partitionLeaderEpoch are the target broker's,
 * producerId/producerEpoch/baseSequence and the CRC the mirror's).
 *
 * The one exception: a source batch compaction left holes in (recordsCount < lastOffsetDelta + 1) is
 * re-encoded with contiguous offsets (batch-reencode.ts); its copy is recognised by its decoded records
 * (count, keys, values, headers, timestamps), tried only when the byte comparison fails for such a batch.
 *
 * Why it holds across crashes:
 * 1. A sync is written only after the target acknowledged the batch it names, so the last durable sync
 *    (U → D) points into the copied prefix: the target batch holding D is the copy of the source batch
 *    holding U.
 * 2. Resume walks the target from the batch holding D to the target's high watermark and, in lockstep, the
 *    kept source batches from the batch holding U, matching each pair byte for byte (a mismatch means the
 *    invariant is already broken — someone else wrote there, or the source was rewritten — and resume
 *    refuses to guess). Every matched pair extends the mapping; the syncs it yields are the ones the crashed
 *    incarnation had not made durable, and are emitted again.
 * 3. Mirroring restarts at the source batch after the last matched one, so nothing on the target is written
 *    again and nothing kept is skipped (dropped batches in between are dropped again by the same rule).
 * 4. Batches of the crashed incarnation still in flight (a zombie request the target appends after this
 *    resume read the target) are harmless when the new incarnation continues the producer of the last
 *    target batch: it takes the same producerId/epoch and the next sequence, so it gives every source batch
 *    the very (producer, sequence) the old one gave it, and the broker appends each at most once (a re-send
 *    is answered as a duplicate, a batch that overtakes a missing predecessor as OUT_OF_ORDER_SEQUENCE).
 *    The one window left: a crashed incarnation whose first batches were all still in flight (none on the
 *    target, so no producer to continue) — see `producer` below. Closing it needs a producer identity that
 *    outlives incarnations (a transactional id per task), which this design avoids on purpose.
 * 5. A target batch above the high watermark (appended by the leader, not yet replicated) is not read; if
 *    it becomes committed later, the continued producer makes the new copy a duplicate the broker drops.
 *
 * With loop prevention (loop-guard.ts, for active-active under the identity policy) the remote partition is
 * shared with the target's producers and the reverse flow: "the remote partition" above then means this
 * flow's own batches in it (told by their registered producer ids, `isOwnWrite`), and "kept" excludes the
 * reverse flow's writes (`copied`). Both classifications are fixed per producer id, so every incarnation
 * draws the same lines.
 *
 * Cost: the target is read from the last sync (at most `offset.lag.max` offsets behind the last acked batch
 * when syncs are periodic) and the source from the same point; the offset-syncs topic itself is read in full
 * by the caller (offset-sync-reader.ts).
 *
 * Preconditions: the remote topic's timestamps are CreateTime (LogAppendTime would rewrite maxTimestamp and
 * nothing would match — MM2 does not sync `message.timestamp.type`), and the source still holds the batches
 * from the last sync on (else OFFSET_OUT_OF_RANGE from the reader).
 */

/** What resume needs of a ClusterClient; a ClusterClient fits. */
export interface ResumeClient extends PartitionFetcher {
  listOffsets(
    topic: string,
    partition: number,
    spec: OffsetSpec,
    isolationLevel?: IsolationLevel,
  ): Promise<ListOffsetsResult>;
}

export interface ResumeInput {
  source: ResumeClient;
  target: ResumeClient;
  /** The source topic partition. */
  topic: string;
  partition: number;
  /** The remote topic on the target (same partition number). */
  remoteTopic: string;
  /** This partition's syncs as read from the offset-syncs topic, in the order they were written. */
  syncs: readonly OffsetSyncPoint[];
  mappingOptions?: PartitionOffsetMappingOptions;
  /**
   * Loop prevention (loop-guard.ts): the kept source batches the task copies — the same rule its data path
   * applies, so that the walk skips exactly what the crashed incarnation skipped. @defaultValue all of them
   */
  copied?: (kept: KeptBatch[]) => Promise<KeptBatch[]>;
  /**
   * Loop prevention: whether a target batch is this flow's write. Others (the target's own producers and
   * the reverse flow, sharing the partition under the identity policy) are stepped over, not matched.
   * @defaultValue every batch is
   */
  isOwnWrite?: (targetBatch: Buffer) => Promise<boolean>;
}

export interface PartitionResume {
  /** The source offset to read next: after the last source batch found copied on the target. */
  readonly sourceOffset: number;
  /** The target's high watermark as read: where the next copied batch should land. */
  readonly targetEnd: number;
  /** The mapping rebuilt from the syncs and extended by every matched pair. */
  readonly mapping: PartitionOffsetMapping;
  /** Syncs the matched pairs yielded that the offset-syncs topic lacks; to be written, in order. */
  readonly missingSyncs: OffsetSyncPoint[];
  /** Target batches matched to source batches. */
  readonly matchedBatches: number;
  /**
   * The producer to continue: that of the last target batch, with the sequence after it; null when the
   * target has no batch from the resume point on, or its last batch carries no producer (then take a new one).
   */
  readonly producer: PartitionProducerState | null;
}

/** Raised when the target is not a copy of the kept source batches from the last sync on. */
export class MirrorInvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MirrorInvariantError';
  }
}

/**
 * True when target batch `t` is the mirror's copy of source batch `s` (see the header for the fields).
 * Allocates a few views; resume is not the hot path.
 */
export function isCopyOf(t: Buffer, s: Buffer): boolean {
  const size = batchSize(s, 0);
  if (batchSize(t, 0) !== size) return false;
  const ta = t.readInt16BE(ATTRIBUTES_OFFSET) & ~TRANSACTIONAL_FLAG_MASK;
  const sa = s.readInt16BE(ATTRIBUTES_OFFSET) & ~TRANSACTIONAL_FLAG_MASK;
  if (ta !== sa) return false;
  if (
    !t
      .subarray(LAST_OFFSET_DELTA_OFFSET, PRODUCER_ID_OFFSET)
      .equals(s.subarray(LAST_OFFSET_DELTA_OFFSET, PRODUCER_ID_OFFSET))
  )
    return false;
  return t.subarray(RECORDS_COUNT_OFFSET, size).equals(s.subarray(RECORDS_COUNT_OFFSET, size));
}

/** Kept source batches one at a time, from a SourceReader, refusing to wait past the source's end. */
class KeptBatchCursor {
  private queue: KeptBatch[] = [];
  private index = 0;

  constructor(
    private readonly reader: SourceReader,
    private readonly sourceEnd: number,
    private readonly copied: ((kept: KeptBatch[]) => Promise<KeptBatch[]>) | undefined,
  ) {}

  async next(): Promise<KeptBatch | undefined> {
    while (this.index >= this.queue.length) {
      if (this.reader.nextOffset >= this.sourceEnd) return undefined;
      const chunk = await this.reader.next();
      this.queue = this.copied ? await this.copied(chunk.kept) : chunk.kept;
      this.index = 0;
    }
    return this.queue[this.index++];
  }
}

/** Recovers a partition's position and mapping after a crash or restart; see the header. */
export async function resumePartition(input: ResumeInput): Promise<PartitionResume> {
  const { source, target, topic, partition, remoteTopic, syncs } = input;
  const mapping = mappingFromSyncs(syncs, input.mappingOptions);
  const lastSync = syncs.at(-1);
  const targetEnd = (await target.listOffsets(remoteTopic, partition, 'latest')).offset;
  let upstream: number;
  let downstream: number;
  /** Where the crashed incarnation began reading, when no sync says so: the source's log start. */
  let startedFrom: number | undefined;
  if (lastSync) {
    upstream = lastSync.upstreamOffset;
    downstream = lastSync.downstreamOffset;
    if (downstream >= targetEnd) {
      throw new MirrorInvariantError(
        `${remoteTopic}-${partition} ends at ${targetEnd} but the last offset-sync names target offset ${downstream}`,
      );
    }
  } else {
    upstream = (await source.listOffsets(topic, partition, 'earliest')).offset;
    startedFrom = upstream;
    downstream = (await target.listOffsets(remoteTopic, partition, 'earliest')).offset;
  }
  if (downstream >= targetEnd) {
    // Nothing copied yet: start at the source's log start, as MirrorMaker 2 does by default.
    return {
      sourceOffset: upstream,
      targetEnd,
      mapping,
      missingSyncs: [],
      matchedBatches: 0,
      producer: null,
    };
  }

  const sourceEnd = (await source.listOffsets(topic, partition, 'latest', IsolationLevel.ReadCommitted))
    .offset;
  const reader = new SourceReader(source, { topic, partition, startOffset: upstream, maxWaitMs: 100 });
  const cursor = new KeptBatchCursor(reader, sourceEnd, input.copied);
  const missingSyncs: OffsetSyncPoint[] = [];
  let matched = 0;
  let sourceOffset = upstream;
  let lastTarget: Buffer | undefined;
  try {
    const it = new RecordSetIterator(Buffer.alloc(0));
    let offset = downstream;
    let maxBytes = 1024 * 1024;
    while (offset < targetEnd) {
      const leader = await target.leaderFor(remoteTopic, partition);
      const [result] = await target.fetch(
        [
          {
            topic: remoteTopic,
            partition,
            fetchOffset: offset,
            maxBytes,
            currentLeaderEpoch: leader.leaderEpoch,
          },
        ],
        { maxWaitMs: 0, minBytes: 0, maxBytes },
      );
      if (result === undefined) throw new Error('fetch returned no result');
      if (result.error) throw result.error;
      const records = result.records;
      it.reset(records);
      let advanced = false;
      while (it.next()) {
        const pos = it.position;
        const tLast = lastOffset(records, pos);
        if (tLast < offset) continue;
        if (baseOffset(records, pos) >= targetEnd) break;
        advanced = true;
        offset = tLast + 1;
        const t = records.subarray(pos, pos + it.size);
        if (input.isOwnWrite && !(await input.isOwnWrite(t))) continue;
        const s = await cursor.next();
        if (s === undefined) {
          throw new MirrorInvariantError(
            `${remoteTopic}-${partition} batch at ${baseOffset(t, 0)} has no kept source batch left in ${topic}-${partition} (source read to ${reader.nextOffset})`,
          );
        }
        const tBase = baseOffset(t, 0);
        let stretches: OffsetStretch[] | undefined;
        if (!isCopyOf(t, s.batch)) {
          // A source batch with holes went re-encoded (batch-reencode.ts): compare its records instead.
          stretches = hasOffsetHoles(s.batch) ? await reencodedCopyStretches(t, s.batch) : undefined;
          if (stretches === undefined) {
            throw new MirrorInvariantError(
              `${remoteTopic}-${partition} batch at ${tBase} is not the copy of ${topic}-${partition} batch at ${s.baseOffset}`,
            );
          }
        }
        if (startedFrom !== undefined) {
          const lead = mapping.onLeadingGap(startedFrom, stretches?.[0]?.sourceBase ?? s.baseOffset, tBase);
          if (lead) missingSyncs.push(lead);
        }
        if (stretches === undefined) {
          const sync = mapping.onBatchMirrored(s.baseOffset, s.lastOffset, tBase);
          if (sync) missingSyncs.push(sync);
        } else {
          for (const st of stretches) {
            // Stretches wholly below the last sync are in the restored runs already.
            if (st.sourceLast < upstream) continue;
            const sync = mapping.onBatchMirrored(st.sourceBase, st.sourceLast, tBase + st.targetDelta);
            if (sync) missingSyncs.push(sync);
          }
        }
        sourceOffset = s.lastOffset + 1;
        lastTarget = t;
        matched++;
      }
      if (!advanced) {
        if (records.length === 0) break;
        maxBytes *= 2;
      }
    }
  } finally {
    reader.close();
  }
  return {
    sourceOffset,
    targetEnd,
    mapping,
    missingSyncs,
    matchedBatches: matched,
    producer: lastTarget ? continuedProducer(lastTarget) : null,
  };
}

function continuedProducer(batch: Buffer): PartitionProducerState | null {
  const pid = producerId(batch, 0);
  if (pid === NO_PRODUCER_ID || baseSequence(batch, 0) === NO_SEQUENCE) return null;
  return {
    producerId: pid,
    producerEpoch: producerEpoch(batch, 0),
    nextSequence: nextSequenceAfter(lastSequence(batch, 0), 0),
  };
}
