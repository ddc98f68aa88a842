import { KafkaError } from '../../protocol/errors/index.js';

/** A range of producer ids handed to one broker: [firstProducerId, firstProducerId + size). */
export interface ProducerIdBlock {
  readonly firstProducerId: number;
  readonly size: number;
}

/**
 * What the coordinator needs from the controller: a fresh block of producer ids, durably reserved for this
 * broker so that no two brokers (nor this broker after a restart) ever hand out the same id. The broker
 * implements it through its controller (Kafka's AllocateProducerIds). A failure should be a KafkaError
 * (COORDINATOR_LOAD_IN_PROGRESS while the controller is unreachable, as Kafka answers); InitProducerId
 * answers with its code.
 */
export interface ProducerIdBlockAllocator {
  allocateProducerIdBlock(): Promise<ProducerIdBlock>;
}

/** Hands out producer ids; what the transaction coordinator calls for every new id. */
export interface ProducerIdManager {
  generateProducerId(): Promise<number>;
}

export interface BlockProducerIdManagerOptions {
  /**
   * Fraction of a block used up at which the next one is requested in the background, so that a burst of
   * idempotent producers does not wait for the controller. @defaultValue 0.9
   */
  prefetchRatio?: number;
}

/**
 * A ProducerIdManager over blocks from a ProducerIdBlockAllocator: ids come from the current block in
 * order; the next block is fetched ahead once most of the current one is used, and at most one fetch is in
 * flight, however many callers wait on it. Blocks must not overlap or go backwards; one that does is a
 * controller bug and fails the call rather than risk a duplicate id.
 *
 * Runs on the event loop; callers interleave only at the awaits, which all share the one pending fetch.
 */
export class BlockProducerIdManager implements ProducerIdManager {
  private next = 0;
  private end = 0;
  /** End of the highest block received, so that a stale or overlapping block is refused. */
  private highWater = 0;
  private prefetchAt = 0;
  private queued: ProducerIdBlock | null = null;
  private fetching: Promise<void> | null = null;
  private readonly prefetchRatio: number;

  constructor(
    private readonly allocator: ProducerIdBlockAllocator,
    options: BlockProducerIdManagerOptions = {},
  ) {
    this.prefetchRatio = options.prefetchRatio ?? 0.9;
    if (!(this.prefetchRatio > 0 && this.prefetchRatio <= 1)) {
      throw new RangeError(`prefetchRatio must be in (0, 1], got ${this.prefetchRatio}`);
    }
  }

  async generateProducerId(): Promise<number> {
    for (;;) {
      if (this.next < this.end) {
        const id = this.next++;
        if (this.next >= this.prefetchAt && this.queued === null) this.startFetch().catch(() => {});
        return id;
      }
      if (this.queued) {
        this.use(this.queued);
        this.queued = null;
        continue;
      }
      await this.startFetch();
    }
  }

  private use(block: ProducerIdBlock): void {
    this.next = block.firstProducerId;
    this.end = block.firstProducerId + block.size;
    this.prefetchAt = block.firstProducerId + Math.floor(block.size * this.prefetchRatio);
  }

  private startFetch(): Promise<void> {
    if (!this.fetching) {
      this.fetching = this.allocator
        .allocateProducerIdBlock()
        .then((block) => {
          this.check(block);
          this.highWater = block.firstProducerId + block.size;
          this.queued = block;
        })
        .finally(() => {
          this.fetching = null;
        });
    }
    return this.fetching;
  }

  private check(block: ProducerIdBlock): void {
    const { firstProducerId, size } = block;
    const ok =
      Number.isSafeInteger(firstProducerId) &&
      Number.isSafeInteger(size) &&
      firstProducerId >= 0 &&
      size > 0 &&
      firstProducerId >= this.highWater &&
      Number.isSafeInteger(firstProducerId + size);
    if (!ok) {
      throw new KafkaError(
        'UNKNOWN_SERVER_ERROR',
        `producer id block [${firstProducerId}, +${size}) is invalid or overlaps ids already handed out (below ${this.highWater})`,
      );
    }
  }
}
