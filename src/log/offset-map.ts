import { hash } from 'node:crypto';

/** Bytes per slot: a 16-byte MD5 digest of the key and the key's latest offset as a float64. */
export const OFFSET_MAP_BYTES_PER_ENTRY = 24;
const DIGEST_BYTES = 16;
/** Kafka's `log.cleaner.io.buffer.load.factor`: fill the table only this far, so probes stay short. */
export const OFFSET_MAP_LOAD_FACTOR = 0.9;

/**
 * The cleaner's key → latest offset map, in a fixed memory budget (`log.cleaner.dedupe.buffer.size`): an
 * open-addressing hash table of `budget / 24` slots holding the key's MD5 digest (not the key, so the map's
 * size does not depend on key sizes) and the offset. Two keys with the same digest would be merged; at 128 bits
 * that is not a practical concern, as in Kafka's SkimpyOffsetMap.
 *
 * Invariant: `size <= maxEntries`; the cleaner checks `wouldFit` before adding a batch's records and ends the
 * dirty section it covers where the map fills. Offsets are stored +1 so that a zeroed slot means empty. One
 * cleaner pass owns a map at a time.
 */
export class OffsetMap {
  readonly slots: number;
  readonly maxEntries: number;
  private readonly digests: Buffer;
  private readonly offsets: Float64Array;
  private entries = 0;
  private latest = -1;

  constructor(memoryBytes: number) {
    this.slots = Math.floor(memoryBytes / OFFSET_MAP_BYTES_PER_ENTRY);
    if (this.slots < 2) throw new RangeError(`offset map of ${memoryBytes} bytes holds no entry`);
    this.maxEntries = Math.max(1, Math.floor(this.slots * OFFSET_MAP_LOAD_FACTOR));
    this.digests = Buffer.alloc(this.slots * DIGEST_BYTES);
    this.offsets = new Float64Array(this.slots);
  }

  get size(): number {
    return this.entries;
  }

  /** The largest offset put since the last clear, or -1. */
  get latestOffset(): number {
    return this.latest;
  }

  /** Whether `count` more distinct keys are sure to fit. */
  wouldFit(count: number): boolean {
    return this.entries + count <= this.maxEntries;
  }

  put(key: Buffer, offset: number): void {
    const digest = hash('md5', key, 'buffer');
    const slot = this.find(digest);
    if (this.offsets[slot] === 0) {
      if (this.entries >= this.maxEntries) throw new RangeError('offset map is full');
      digest.copy(this.digests, slot * DIGEST_BYTES);
      this.entries++;
    }
    this.offsets[slot] = offset + 1;
    if (offset > this.latest) this.latest = offset;
  }

  /** The latest offset put for the key, or -1. */
  get(key: Buffer): number {
    const slot = this.find(hash('md5', key, 'buffer'));
    return this.offsets[slot]! - 1;
  }

  clear(): void {
    this.digests.fill(0);
    this.offsets.fill(0);
    this.entries = 0;
    this.latest = -1;
  }

  /** The slot holding the digest, or the empty slot where it would go (linear probing). */
  private find(digest: Buffer): number {
    let slot = digest.readUInt32BE(0) % this.slots;
    for (;;) {
      if (this.offsets[slot] === 0) return slot;
      if (digest.compare(this.digests, slot * DIGEST_BYTES, slot * DIGEST_BYTES + DIGEST_BYTES) === 0)
        return slot;
      slot = slot + 1 === this.slots ? 0 : slot + 1;
    }
  }
}
