import type { CommittedOffset } from './group-metadata.js';

/** A TxnOffsetCommit's offset for one partition, waiting for its transaction's end marker. */
export interface PendingTxnOffset {
  readonly topic: string;
  readonly partition: number;
  readonly committed: CommittedOffset;
}

/**
 * One group's transactional offsets that no end marker has resolved yet, per producer id (Kafka's
 * pendingTransactionalOffsetCommits). They are in the log already, inside a transactional batch, but are
 * not the group's offsets: OffsetFetch does not see them, and a require_stable fetch of their partitions
 * answers UNSTABLE_OFFSET_COMMIT. A later TxnOffsetCommit of the same producer and partition replaces the
 * earlier one, as in Kafka. Owned by its GroupMetadata, touched only on the broker's event loop.
 */
export class PendingTxnOffsets {
  private readonly byProducer = new Map<number, Map<string, PendingTxnOffset>>();

  isEmpty(): boolean {
    return this.byProducer.size === 0;
  }

  hasProducer(producerId: number): boolean {
    return this.byProducer.has(producerId);
  }

  producerIds(): IterableIterator<number> {
    return this.byProducer.keys();
  }

  /** Returns the offset it replaces, for `withdraw`. */
  put(
    producerId: number,
    topic: string,
    partition: number,
    committed: CommittedOffset,
  ): CommittedOffset | undefined {
    let offsets = this.byProducer.get(producerId);
    if (!offsets) {
      offsets = new Map();
      this.byProducer.set(producerId, offsets);
    }
    const key = tpKey(topic, partition);
    const previous = offsets.get(key)?.committed;
    offsets.set(key, { topic, partition, committed });
    return previous;
  }

  /**
   * Undoes a `put` whose append failed: back to `previous` (the producer's earlier offset for the partition,
   * which is in the log), or nothing. Only while the entry still holds `committed`, so that a failed append
   * never undoes a later commit.
   */
  withdraw(
    producerId: number,
    topic: string,
    partition: number,
    committed: CommittedOffset,
    previous: CommittedOffset | undefined,
  ): void {
    const offsets = this.byProducer.get(producerId);
    const key = tpKey(topic, partition);
    if (offsets?.get(key)?.committed !== committed) return;
    if (previous !== undefined) {
      offsets.set(key, { topic, partition, committed: previous });
      return;
    }
    offsets.delete(key);
    if (offsets.size === 0) this.byProducer.delete(producerId);
  }

  /** OffsetDelete of a partition drops its pending offsets too, as Kafka's removeOffsets does. */
  removePartition(topic: string, partition: number): void {
    const key = tpKey(topic, partition);
    for (const [producerId, offsets] of this.byProducer) {
      if (offsets.delete(key) && offsets.size === 0) this.byProducer.delete(producerId);
    }
  }

  has(topic: string, partition: number): boolean {
    if (this.byProducer.size === 0) return false;
    const key = tpKey(topic, partition);
    for (const offsets of this.byProducer.values()) if (offsets.has(key)) return true;
    return false;
  }

  /** Removes and returns the producer's pending offsets (empty when there are none). */
  take(producerId: number): Iterable<PendingTxnOffset> {
    const offsets = this.byProducer.get(producerId);
    if (!offsets) return [];
    this.byProducer.delete(producerId);
    return offsets.values();
  }
}

// Topic names cannot hold NUL, so the key is unambiguous.
function tpKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}
