import type { LeaderAndEpoch, ProduceOptions, ProduceResult } from '../client/index.js';
import { rewriteProducerNonTransactional } from '../protocol/records/batch-crc.js';
import { lastOffsetDelta } from '../protocol/records/batch-header.js';

/** What the writer needs of a ClusterClient or a CoalescingProducer; tests bring a fake. */
export interface ProduceClient {
  produce(topic: string, partition: number, records: Buffer, options: ProduceOptions): Promise<ProduceResult>;
  leaderFor(topic: string, partition: number): Promise<LeaderAndEpoch>;
  brokerConnection(brokerId: number): Promise<unknown>;
}

/** The idempotent identity a partition writer appends with, and the sequence its next batch takes. */
export interface PartitionProducerState {
  producerId: number;
  producerEpoch: number;
  /** baseSequence of the next batch: the previous batch's last sequence + 1, wrapping at int32. */
  nextSequence: number;
}

export interface PartitionWriterOptions {
  /** The remote topic. */
  topic: string;
  /** The same partition number as the source partition. */
  partition: number;
  producer: PartitionProducerState;
  /** Produce timeout sent to the broker. @defaultValue 30000 */
  timeoutMs?: number;
  /**
   * The producer id has appended nothing to this partition yet (the broker has no state for it): the first
   * batch is sent alone and the others wait for its acknowledgement (see the class header).
   * @defaultValue producer.nextSequence === 0
   */
  newProducerId?: boolean;
}

const SEQUENCE_WRAP = 0x8000_0000;

/** The sequence after a batch of `lastOffsetDelta + 1` offsets starting at `baseSequence`, as brokers count. */
export function nextSequenceAfter(baseSequence: number, delta: number): number {
  const next = baseSequence + delta + 1;
  return next >= SEQUENCE_WRAP ? next - SEQUENCE_WRAP : next;
}

/**
 * Appends kept source batches to one partition of the remote topic as the flow's idempotent producer.
 *
 * Each batch is patched in place (it is a slice of a fetch response the mirror owns): producerId,
 * producerEpoch and baseSequence become the writer's, the transactional bit is cleared, the CRC recomputed.
 * Everything else — lastOffsetDelta, timestamps, recordsCount, the (possibly compressed) records — is left
 * as it was, so a target batch spans exactly the offsets of its source batch; the broker stamps baseOffset
 * and partitionLeaderEpoch. One batch of this partition per Produce request (Kafka accepts only one v2 batch
 * per partition in a request; the task's CoalescingProducer puts other partitions' batches beside it), acks=all.
 *
 * Ordering: `send` hands its batch to the client at once, and the client sends one partition's batches in call
 * order on one connection (ClusterClient writes before its first await when the leader's connection is open;
 * CoalescingProducer keeps each partition's queue in call order), which the broker answers in order; the
 * caller bounds how many are in flight (Kafka's idempotent limit is 5, the number of batches a broker
 * remembers for de-duplication). Sequences make reordering harmless: a batch that overtakes its predecessor
 * is refused with OUT_OF_ORDER_SEQUENCE_NUMBER, never appended out of place.
 *
 * Rule for a new producer id: the broker keeps no state for a producer id until it appends a batch of it,
 * and, as Kafka does, accepts any sequence as that first batch. Had the first batch been refused (e.g. an
 * INVALID_RECORD), a pipelined second batch with a higher sequence would then be appended as the first,
 * leaving the refused batch's records missing on the target. So while the producer id has no
 * acknowledged batch on the partition, only its first batch is on the wire: later sends take their
 * sequences at call time, but their requests go out (in call order) only once the first is acknowledged;
 * if it fails, they are never sent. From then on the broker knows the producer and its sequence checks make
 * pipelining safe.
 *
 * After any failed send the writer is poisoned: later sends reject without sending, and the caller
 * restarts the partition from the resume procedure (task-resume.ts), which finds on the target what was
 * appended. Single-threaded (the event loop): one caller per partition.
 */
export class PartitionWriter {
  private readonly produceOptions: ProduceOptions;
  private readonly producer: PartitionProducerState;
  private failure: Error | undefined;
  /** Set while a new producer id's first batch is unacknowledged; later requests wait for it. */
  private firstAck: Promise<unknown> | undefined;
  private newProducerId: boolean;
  /** Sends waiting on firstAck. */
  private deferred = 0;

  constructor(
    private readonly client: ProduceClient,
    private readonly options: PartitionWriterOptions,
  ) {
    this.producer = { ...options.producer };
    this.produceOptions = { acks: -1, timeoutMs: options.timeoutMs ?? 30_000 };
    this.newProducerId = options.newProducerId ?? options.producer.nextSequence === 0;
  }

  get topic(): string {
    return this.options.topic;
  }

  get partition(): number {
    return this.options.partition;
  }

  /** The identity and next sequence as of the last send. */
  get producerState(): PartitionProducerState {
    return { ...this.producer };
  }

  /** The error that poisoned the writer, if one did. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Learns the leader and connects before the first send, so the first requests go out in call order. */
  async ready(): Promise<void> {
    const leader = await this.client.leaderFor(this.options.topic, this.options.partition);
    await this.client.brokerConnection(leader.brokerId);
  }

  /**
   * Rewrites `batch` in place and sends it; resolves with the offset the target gave its first record once
   * acknowledged by all in-sync replicas. Call in source order; do not await between calls to pipeline.
   */
  send(batch: Buffer): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const producer = this.producer;
    rewriteProducerNonTransactional(batch, 0, {
      producerId: producer.producerId,
      producerEpoch: producer.producerEpoch,
      baseSequence: producer.nextSequence,
    });
    producer.nextSequence = nextSequenceAfter(producer.nextSequence, lastOffsetDelta(batch, 0));
    const gate = this.firstAck;
    if (gate !== undefined) {
      // Callbacks on one promise run in registration order (also once it has resolved), so the waiting
      // requests go out in call order; the gate stays until the last of them is out.
      this.deferred++;
      return gate.then(() => {
        if (--this.deferred === 0) this.firstAck = undefined;
        if (this.failure) throw this.failure;
        return this.produce(batch);
      });
    }
    const ack = this.produce(batch);
    if (this.newProducerId) {
      this.newProducerId = false;
      const first = ack.then(() => {
        if (this.deferred === 0) this.firstAck = undefined;
      });
      first.catch(() => {});
      this.firstAck = first;
    }
    return ack;
  }

  private produce(batch: Buffer): Promise<number> {
    return this.client.produce(this.options.topic, this.options.partition, batch, this.produceOptions).then(
      (result) => result.baseOffset,
      (err: unknown) => {
        this.failure ??= err instanceof Error ? err : new Error(String(err));
        throw err;
      },
    );
  }
}
