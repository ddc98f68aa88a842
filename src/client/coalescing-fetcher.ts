import type { FetchOptions, FetchPartitionRequest, FetchPartitionResult } from './client-requests.js';
import type { LeaderAndEpoch } from './metadata-cache.js';
import type { PartitionFetcher } from './partition-reader.js';

/** What the coalescer needs of the cluster client. */
export interface CoalescedFetchClient extends PartitionFetcher {
  readonly metadata: { leader(topic: string, partition: number): LeaderAndEpoch | undefined };
}

/** The largest response a merged Fetch asks for (Kafka's fetch.max.bytes default is 50 MiB). */
const MAX_MERGED_RESPONSE_BYTES = 64 * 1024 * 1024;

interface Waiter {
  readonly requests: readonly FetchPartitionRequest[];
  readonly resolve: (results: FetchPartitionResult[]) => void;
  readonly reject: (err: unknown) => void;
}

interface BrokerQueue {
  waiting: Waiter[];
  inFlight: boolean;
}

/**
 * Many partition readers, one Fetch per broker: the readers of a task each ask for their own partition, and this
 * fetcher merges the asks that reach one leader into a single multi-partition Fetch, as librdkafka's consumer
 * does. It matters because a broker answers the requests of one connection strictly in order (the protocol says
 * so): with one long-polling Fetch per partition, a caught-up partition's fetch would hold the answers of busy
 * partitions behind it for up to max_wait_ms. Merged, the one Fetch returns as soon as any of its partitions has
 * data, and the partitions that had none get an empty result and simply ask again.
 *
 * At most one Fetch per broker is in flight; asks arriving meanwhile wait for it and go out together next. All
 * asks merged into one Fetch must share its options (one task's readers do); asks with other options go to a
 * queue of their own.
 */
export class CoalescingFetcher implements PartitionFetcher {
  private readonly queues = new Map<string, BrokerQueue>();

  constructor(private readonly client: CoalescedFetchClient) {}

  leaderFor(topic: string, partition: number): Promise<LeaderAndEpoch> {
    return this.client.leaderFor(topic, partition);
  }

  fetch(requests: readonly FetchPartitionRequest[], options: FetchOptions): Promise<FetchPartitionResult[]> {
    const first = requests[0];
    // Unknown leader: let the client route (and refresh metadata) on its own.
    const leader = first ? this.client.metadata.leader(first.topic, first.partition) : undefined;
    if (!first || !leader) return this.client.fetch(requests, options);
    const key = `${leader.brokerId}|${options.maxWaitMs}|${options.minBytes}|${options.maxBytes ?? ''}|${options.isolationLevel ?? ''}|${options.replicaId ?? ''}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { waiting: [], inFlight: false };
      this.queues.set(key, queue);
    }
    const promise = new Promise<FetchPartitionResult[]>((resolve, reject) => {
      queue.waiting.push({ requests, resolve, reject });
    });
    if (!queue.inFlight) this.send(queue, options);
    return promise;
  }

  private send(queue: BrokerQueue, options: FetchOptions): void {
    const waiters = queue.waiting.splice(0);
    if (waiters.length === 0) return;
    queue.inFlight = true;
    // Each reader sizes the response for its own partition; merged, the response must leave room for all of them,
    // or the first partition with data would fill the whole response and the others would come back empty.
    const merged: FetchOptions =
      options.maxBytes === undefined
        ? options
        : { ...options, maxBytes: Math.min(options.maxBytes * waiters.length, MAX_MERGED_RESPONSE_BYTES) };
    this.client
      .fetch(
        waiters.flatMap((w) => w.requests),
        merged,
      )
      .then(
        (results) => {
          const byPartition = new Map(results.map((r) => [`${r.topic}\u0000${r.partition}`, r]));
          for (const waiter of waiters) {
            waiter.resolve(
              waiter.requests.map((r) => byPartition.get(`${r.topic}\u0000${r.partition}`) ?? emptyResult(r)),
            );
          }
          this.next(queue, options);
        },
        (err: unknown) => {
          for (const waiter of waiters) waiter.reject(err);
          this.next(queue, options);
        },
      );
  }

  private next(queue: BrokerQueue, options: FetchOptions): void {
    queue.inFlight = false;
    // The readers that got answers ask again in their own continuations; let them join the next Fetch.
    setImmediate(() => {
      if (!queue.inFlight) this.send(queue, options);
    });
  }
}

function emptyResult(request: FetchPartitionRequest): FetchPartitionResult {
  return {
    topic: request.topic,
    partition: request.partition,
    fetchOffset: request.fetchOffset,
    error: null,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: Buffer.alloc(0),
  };
}
