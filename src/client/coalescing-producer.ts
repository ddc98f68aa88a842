import { KafkaError } from '../protocol/errors/index.js';
import type {
  ProduceOptions,
  ProducePartitionRequest,
  ProducePartitionResult,
  ProduceResult,
} from './client-requests.js';
import type { LeaderAndEpoch } from './metadata-cache.js';

/** What the coalescer needs of the cluster client. */
export interface CoalescedProduceClient {
  readonly metadata: { leader(topic: string, partition: number): LeaderAndEpoch | undefined };
  produce(topic: string, partition: number, records: Buffer, options: ProduceOptions): Promise<ProduceResult>;
  produceMany(
    entries: readonly ProducePartitionRequest[],
    options: ProduceOptions,
  ): Promise<ProducePartitionResult[]>;
  leaderFor(topic: string, partition: number): Promise<LeaderAndEpoch>;
  brokerConnection(brokerId: number): Promise<unknown>;
}

export interface CoalescingProducerOptions {
  /**
   * Produce requests in flight per leader broker; what is asked for while they are all out waits and goes in the
   * next request. @defaultValue 5
   */
  maxRequestsInFlight?: number;
}

interface Ask {
  readonly entry: ProducePartitionRequest;
  readonly resolve: (result: ProduceResult) => void;
  readonly reject: (err: unknown) => void;
}

interface BrokerQueue {
  readonly options: ProduceOptions;
  /** Asks in call order; a partition's asks keep their order here and leave it front first. */
  waiting: Ask[];
  inFlight: number;
  flushScheduled: boolean;
}

/**
 * Many partition writers, few Produce requests: each writer appends its own partition's batches, and this producer
 * packs what is waiting for one leader into a single multi-partition Produce — at most one batch per partition per
 * request, since a broker refuses a v2 record set of more than one batch per partition in a request — as
 * librdkafka's producer does. A request goes out as soon as one of the broker's `maxRequestsInFlight` slots is free
 * (no linger): at the end of the event-loop turn that queued the first waiting batch, or when an answer frees a
 * slot, whatever the writers queued meanwhile (their acknowledgement handlers typically send the next batches)
 * goes out together.
 *
 * Order: a partition's batches are sent in call order, one per request, and the requests of one broker leave in
 * order on one connection, which the broker answers in order. The idempotent producer's rules stay the callers'
 * (a PartitionWriter bounds its partition's batches in flight and numbers them): results are per partition, so a
 * refused batch rejects its own ask only and leaves every other partition's sequence alone; a request that fails
 * as a whole (the connection lost) rejects each of its asks, each with that error.
 *
 * Memory: batches waiting here are the callers' in-flight batches (bounded by them); nothing is copied.
 * `close()` rejects what waits and refuses what comes, so a stopped or crashed task sends nothing more.
 * Single-threaded (the event loop); owned by one task.
 */
export class CoalescingProducer {
  private readonly queues = new Map<string, BrokerQueue>();
  private readonly maxRequestsInFlight: number;
  private closed = false;

  constructor(
    private readonly client: CoalescedProduceClient,
    options: CoalescingProducerOptions = {},
  ) {
    this.maxRequestsInFlight = options.maxRequestsInFlight ?? 5;
    if (this.maxRequestsInFlight < 1) throw new Error('maxRequestsInFlight must be at least 1');
  }

  leaderFor(topic: string, partition: number): Promise<LeaderAndEpoch> {
    return this.client.leaderFor(topic, partition);
  }

  brokerConnection(brokerId: number): Promise<unknown> {
    return this.client.brokerConnection(brokerId);
  }

  /** Queues one partition's record batch for its leader's next Produce; resolves or rejects with its own result. */
  produce(
    topic: string,
    partition: number,
    records: Buffer,
    options: ProduceOptions,
  ): Promise<ProduceResult> {
    if (this.closed) return Promise.reject(closedError());
    const leader = this.client.metadata.leader(topic, partition);
    // Unknown leader: let the client route (and refresh metadata) on its own.
    if (leader === undefined) return this.client.produce(topic, partition, records, options);
    const key = `${leader.brokerId}|${options.acks}|${options.timeoutMs}|${options.transactionalId ?? ''}`;
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = { options, waiting: [], inFlight: 0, flushScheduled: false };
      this.queues.set(key, queue);
    }
    const q = queue;
    const promise = new Promise<ProduceResult>((resolve, reject) => {
      q.waiting.push({ entry: { topic, partition, records }, resolve, reject });
    });
    this.maybeScheduleFlush(q);
    return promise;
  }

  /** Rejects every batch still waiting (never sent) and every later one. Requests already out run their course. */
  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) {
      for (const ask of queue.waiting.splice(0)) ask.reject(closedError());
    }
  }

  private maybeScheduleFlush(queue: BrokerQueue): void {
    if (queue.flushScheduled || queue.waiting.length === 0 || queue.inFlight >= this.maxRequestsInFlight)
      return;
    queue.flushScheduled = true;
    // End of this turn: the batches other writers queue in the same turn (one fetch answer wakes them all, one
    // produce answer acknowledges several) join the same request.
    setImmediate(() => {
      queue.flushScheduled = false;
      while (!this.closed && queue.waiting.length > 0 && queue.inFlight < this.maxRequestsInFlight) {
        this.send(queue);
      }
    });
  }

  /** Takes the first waiting batch of every partition (the rest keep their order) and sends them as one request. */
  private send(queue: BrokerQueue): void {
    const asks: Ask[] = [];
    const rest: Ask[] = [];
    const taken = new Set<string>();
    for (const ask of queue.waiting) {
      const tp = `${ask.entry.topic}\u0000${ask.entry.partition}`;
      if (taken.has(tp)) {
        rest.push(ask);
      } else {
        taken.add(tp);
        asks.push(ask);
      }
    }
    queue.waiting = rest;
    queue.inFlight++;
    this.client
      .produceMany(
        asks.map((a) => a.entry),
        queue.options,
      )
      .then(
        (results) => {
          asks.forEach((ask, i) => {
            const result = results[i];
            if (result === undefined) ask.reject(new Error('produceMany returned no result'));
            else if (result.error) ask.reject(result.error);
            else ask.resolve(result);
          });
        },
        (err: unknown) => {
          for (const ask of asks) ask.reject(err);
        },
      )
      .finally(() => {
        queue.inFlight--;
        this.maybeScheduleFlush(queue);
      });
  }
}

function closedError(): KafkaError {
  return new KafkaError('NETWORK_EXCEPTION', 'producer closed');
}
