import { lastOffsetDelta, recordsCount } from '../protocol/records/batch-header.js';
import type { RecordHeader } from '../protocol/records/record.js';
import {
  type DecodedRecord,
  decodeRecordBatch,
  encodeRecordBatch,
} from '../protocol/records/record-batch.js';

/**
 * Source batches with offset holes: a batch compaction emptied partly keeps its baseOffset and
 * lastOffsetDelta but holds fewer records (recordsCount < lastOffsetDelta + 1). A broker refuses such a
 * batch from a producer (INVALID_RECORD — Kafka's LogValidator, and Ferry's), so the mirror cannot copy it
 * as bytes: it re-encodes just that batch with contiguous offset deltas (same compression, timestamp type,
 * record timestamps, keys, values and headers; the producer fields are the writer's to set), and maps its
 * records stretch by stretch.
 *
 * A *stretch* is a maximal run of consecutive source offsets in the batch; its records sit consecutively in
 * the re-encoded batch at `targetDelta` from its base. Each stretch is its own run of the offset mapping
 * (offset-mapping.ts); the holes between them are gaps that translate to the next record, exactly as on the
 * source.
 *
 * Cost: detection reads two header fields; only batches with holes are decoded (rare: compacted topics
 * only). Stateless.
 */

/** True when the batch at `pos` spans more offsets than it holds records: compaction left holes in it. */
export function hasOffsetHoles(batch: Buffer, pos = 0): boolean {
  return recordsCount(batch, pos) < lastOffsetDelta(batch, pos) + 1;
}

/** Consecutive source offsets [sourceBase, sourceLast] whose copies start `targetDelta` after the target base. */
export interface OffsetStretch {
  readonly sourceBase: number;
  readonly sourceLast: number;
  readonly targetDelta: number;
}

export interface ReencodedBatch {
  /** The batch with contiguous offset deltas (producer fields unset, not transactional). */
  readonly batch: Buffer;
  /** The source offsets its records come from, in order; never empty for a batch with records. */
  readonly stretches: OffsetStretch[];
}

/** The maximal stretches of consecutive offsets of decoded records (in offset order). */
export function stretchesOf(records: readonly DecodedRecord[]): OffsetStretch[] {
  const out: OffsetStretch[] = [];
  let start = 0;
  for (let i = 1; i <= records.length; i++) {
    if (i < records.length && records[i]!.offset === records[i - 1]!.offset + 1) continue;
    if (i > start)
      out.push({
        sourceBase: records[start]!.offset,
        sourceLast: records[i - 1]!.offset,
        targetDelta: start,
      });
    start = i;
  }
  return out;
}

/** Re-encodes a batch with holes as a producer's batch (recordsCount = lastOffsetDelta + 1); see the header. */
export async function reencodeContiguous(source: Buffer): Promise<ReencodedBatch> {
  const decoded = await decodeRecordBatch(source, 0, { verifyCrc: false });
  const batch = await encodeRecordBatch({
    compression: decoded.compression,
    timestampType: decoded.timestampType,
    // LogAppendTime: every record reads the batch's maxTimestamp; keep it.
    logAppendTime: decoded.maxTimestamp,
    records: decoded.records.map((r, i) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: r.timestamp,
      offsetDelta: i,
    })),
  });
  return { batch, stretches: stretchesOf(decoded.records) };
}

/**
 * True when target batch `t` is the re-encoded copy of source batch `s` (a batch with holes): same records —
 * count, keys, values, headers, timestamps — with contiguous offsets on the target. Decodes both; resume only.
 * Returns the source batch's stretches when it is, undefined otherwise.
 */
export async function reencodedCopyStretches(t: Buffer, s: Buffer): Promise<OffsetStretch[] | undefined> {
  if (hasOffsetHoles(t) || recordsCount(t) !== recordsCount(s)) return undefined;
  const [td, sd] = await Promise.all([
    decodeRecordBatch(t, 0, { verifyCrc: false }),
    decodeRecordBatch(s, 0, { verifyCrc: false }),
  ]);
  if (td.records.length !== sd.records.length || td.timestampType !== sd.timestampType) return undefined;
  for (let i = 0; i < td.records.length; i++) {
    const a = td.records[i]!;
    const b = sd.records[i]!;
    if (a.timestamp !== b.timestamp || !sameBytes(a.key, b.key) || !sameBytes(a.value, b.value))
      return undefined;
    if (!sameHeaders(a.headers, b.headers)) return undefined;
  }
  return stretchesOf(sd.records);
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

function sameHeaders(a: readonly RecordHeader[], b: readonly RecordHeader[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.key !== b[i]!.key || !sameBytes(a[i]!.value, b[i]!.value)) return false;
  }
  return true;
}
