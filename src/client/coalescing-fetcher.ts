import type { FetchOptions, FetchPartitionRequest, FetchPartitionResult } from './client-requests.js';
import type { LeaderAndEpoch } from './metadata-cache.js';
import type { PartitionFetcher } from './partition-reader.js';

/** What the coalescer needs of the cluster client. */
export interface CoalescedFetchClient extends PartitionFetcher {
  readonly metadata: { leader(topic: string, partition: number): LeaderAndEpoch | undefined };
}

/** The largest response a merged Fetch asks for (Kafka's fetch.max.bytes default is 50 MiB). */
const MAX_MERGED_RESPONSE_BYTES = 64 * 1024 * 1024;
/** The longest a merged Fetch waits when partitions that asked lately are missing from it (see the class doc). */
export const PARTIAL_FETCH_MAX_WAIT_MS = 5;
/** A partition that asked within this long is expected to ask again soon. */
const RECENT_ASK_MS = 1000;

interface Waiter {
  readonly requests: readonly FetchPartitionRequest[];
  readonly resolve: (results: FetchPartitionResult[]) => void;
  readonly reject: (err: unknown) => void;
}

interface BrokerQueue {
  waiting: Waiter[];
  inFlight: boolean;
  /** A send is scheduled for the end of this turn. */
  scheduled: boolean;
  /** When each partition last asked, by `topic\u0000partition`. */
  readonly lastAsk: Map<string, number>;
}

/**
 * Many partition readers, one Fetch per broker: the readers of a task each ask for their own partition, and this
 * fetcher merges the asks that reach one leader into a single multi-partition Fetch, as librdkafka's consumer
 * does. It matters because a broker answers the requests of one connection strictly in order (the protocol says
 * so): with one long-polling Fetch per partition, a caught-up partition's fetch would hold the answers of busy
 * partitions behind it for up to max_wait_ms. Merged, the one Fetch returns as soon as any of its partitions has
 * data, and the partitions that had none get an empty result and simply ask again.
 *
 * At most one Fetch per broker is in flight; asks arriving meanwhile wait for it and go out together next, and
 * asks made in one turn of the event loop go out together. All asks merged into one Fetch must share its options
 * (one task's readers do); asks with other options go to a queue of their own.
 *
 * The one-Fetch rule has a cost the Java consumer and librdkafka also pay: a partition whose reader was busy
 * (its read-ahead full) when the Fetch went out waits for that Fetch, and if the partitions in it are idle that
 * is the whole max_wait_ms, while its own data sits on the broker. A mirror whose other partitions fall quiet
 * then delivers the last records of a burst half a second late. So a Fetch that leaves out partitions that asked
 * within the last second waits at most PARTIAL_FETCH_MAX_WAIT_MS: the left-out readers join the next one almost
 * at once, and a reader that stopped asking stops shortening the waits a second later.
 */
export class CoalescingFetcher implements PartitionFetcher {
  private readonly queues = new Map<string, BrokerQueue>();

  constructor(
    private readonly client: CoalescedFetchClient,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

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
      queue = { waiting: [], inFlight: false, scheduled: false, lastAsk: new Map() };
      this.queues.set(key, queue);
    }
    const now = this.nowMs();
    for (const r of requests) queue.lastAsk.set(partitionKey(r), now);
    const promise = new Promise<FetchPartitionResult[]>((resolve, reject) => {
      queue.waiting.push({ requests, resolve, reject });
    });
    this.schedule(queue, options);
    return promise;
  }

  /** Sends at the end of this turn, so that the readers asking in it share one Fetch. */
  private schedule(queue: BrokerQueue, options: FetchOptions): void {
    if (queue.inFlight || queue.scheduled) return;
    queue.scheduled = true;
    setImmediate(() => {
      queue.scheduled = false;
      if (!queue.inFlight) this.send(queue, options);
    });
  }

  private send(queue: BrokerQueue, options: FetchOptions): void {
    const waiters = queue.waiting.splice(0);
    if (waiters.length === 0) return;
    queue.inFlight = true;
    const requests = waiters.flatMap((w) => w.requests);
    // Each reader sizes the response for its own partition; merged, the response must leave room for all of them,
    // or the first partition with data would fill the whole response and the others would come back empty.
    let merged: FetchOptions =
      options.maxBytes === undefined
        ? options
        : { ...options, maxBytes: Math.min(options.maxBytes * waiters.length, MAX_MERGED_RESPONSE_BYTES) };
    if (merged.maxWaitMs > PARTIAL_FETCH_MAX_WAIT_MS && this.leavesOutRecentAskers(queue, requests))
      merged = { ...merged, maxWaitMs: PARTIAL_FETCH_MAX_WAIT_MS };
    this.client.fetch(requests, merged).then(
      (results) => {
        const byPartition = new Map(results.map((r) => [partitionKey(r), r]));
        for (const waiter of waiters) {
          waiter.resolve(waiter.requests.map((r) => byPartition.get(partitionKey(r)) ?? emptyResult(r)));
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
    this.schedule(queue, options);
  }

  /** Whether a partition that asked within RECENT_ASK_MS is missing from `requests`; forgets older askers. */
  private leavesOutRecentAskers(queue: BrokerQueue, requests: readonly FetchPartitionRequest[]): boolean {
    if (queue.lastAsk.size <= requests.length) return false;
    const now = this.nowMs();
    const included = new Set(requests.map(partitionKey));
    let leftOut = false;
    for (const [key, at] of queue.lastAsk) {
      if (now - at > RECENT_ASK_MS) queue.lastAsk.delete(key);
      else if (!included.has(key)) leftOut = true;
    }
    return leftOut;
  }
}

const partitionKey = (r: { topic: string; partition: number }) => `${r.topic}\u0000${r.partition}`;

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
