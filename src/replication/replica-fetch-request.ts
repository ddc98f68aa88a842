import type { FetchPartition, FetchRequest } from '../protocol/messages/fetch.js';
import type { Partition } from './partition.js';

/** Kafka's `replica.fetch.max.bytes`: per partition, per follower fetch. */
export const REPLICA_FETCH_MAX_BYTES = 1024 * 1024;
/** Kafka's `replica.fetch.response.max.bytes`: per follower fetch response. */
export const REPLICA_FETCH_RESPONSE_MAX_BYTES = 10 * 1024 * 1024;
/** Kafka's `replica.fetch.min.bytes`: a follower fetch is answered as soon as any new data is there. */
export const REPLICA_FETCH_MIN_BYTES = 1;
/** Kafka's `replica.fetch.wait.max.ms`: how long a leader may hold a follower fetch with no new data. */
export const REPLICA_FETCH_WAIT_MAX_MS = 500;

export interface ReplicaFetchLimits {
  readonly maxWaitMs: number;
  readonly maxBytes: number;
  readonly partitionMaxBytes: number;
}

/**
 * The Fetch request one follower sends one leader, built once per set of partitions and refreshed in place
 * before each send: only the per-partition positions (fetch offset = the follower's LEO, last fetched epoch,
 * log start offset) change from one fetch to the next, and a follower fetches in a tight loop, so rebuilding
 * the request's arrays and objects every time would be garbage for nothing. Safe to reuse because
 * BrokerConnection.send encodes the body synchronously; the object is not referenced after that.
 *
 * Owned by one ReplicaFetcher, on the event loop; `invalidate` whenever its set of fetchable partitions changes.
 */
export class ReplicaFetchRequest {
  private request: FetchRequest | undefined;
  private readonly entries: Array<{ readonly partition: Partition; readonly entry: FetchPartition }> = [];

  constructor(
    private readonly brokerId: number,
    private readonly limits: ReplicaFetchLimits,
  ) {}

  /** Whether the next `refresh` must rebuild (the set of partitions changed since the last one). */
  get isStale(): boolean {
    return this.request === undefined;
  }

  invalidate(): void {
    this.request = undefined;
  }

  /** Rebuilds the request for `partitions` (each followed in its leader epoch). */
  rebuild(partitions: Iterable<{ readonly partition: Partition; readonly leaderEpoch: number }>): void {
    const byTopic = new Map<string, FetchPartition[]>();
    this.entries.length = 0;
    for (const { partition, leaderEpoch } of partitions) {
      const entry: FetchPartition = {
        partition: partition.partition,
        currentLeaderEpoch: leaderEpoch,
        fetchOffset: 0,
        lastFetchedEpoch: -1,
        logStartOffset: -1,
        partitionMaxBytes: this.limits.partitionMaxBytes,
      };
      let list = byTopic.get(partition.topic);
      if (list === undefined) {
        list = [];
        byTopic.set(partition.topic, list);
      }
      list.push(entry);
      this.entries.push({ partition, entry });
    }
    const topics = [];
    for (const [topic, list] of byTopic) topics.push({ topic, partitions: list });
    this.request = {
      replicaId: this.brokerId,
      maxWaitMs: this.limits.maxWaitMs,
      minBytes: REPLICA_FETCH_MIN_BYTES,
      maxBytes: this.limits.maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics,
      forgottenTopicsData: [],
      rackId: '',
    };
  }

  /** Number of partitions in the request (0 before the first rebuild). */
  get size(): number {
    return this.request === undefined ? 0 : this.entries.length;
  }

  /** The request with every partition's position as its log has it now. */
  refresh(): FetchRequest {
    const request = this.request;
    if (request === undefined) throw new Error('replica fetch request used before it was built');
    for (const { partition, entry } of this.entries) {
      const log = partition.log;
      entry.fetchOffset = log.logEndOffset;
      entry.lastFetchedEpoch = log.leaderEpochCache.latestEpoch();
      entry.logStartOffset = log.logStartOffset;
    }
    return request;
  }
}
