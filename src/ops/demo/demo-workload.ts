import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Logger } from '../../common/logger.js';

/**
 * What the mirroring demo runs on east: a keyed order producer at a steady modest rate and the `billing`
 * consumer group reading and committing behind it — the traffic and the group whose offsets the flow
 * translates to west. Both are plain kafkajs clients, as an application would be. Single-threaded.
 */

const TICK_MS = 50;

export interface OrdersProducerOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly recordsPerSecond: number;
  /** Keys are `customer-<n>` for n below this. */
  readonly customers: number;
  readonly logger: Logger;
}

/**
 * An idempotent producer (acks=all) sending what is due every 50 ms, so that the rate holds whatever each
 * send's latency; at most one send is in flight, so a slow cluster slows it down instead of queueing.
 */
export class OrdersProducer {
  /** Records the cluster acknowledged. */
  produced = 0;
  failedSends = 0;
  private readonly producer: Producer;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: OrdersProducerOptions) {
    this.producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.producer.disconnect();
  }

  private async run(): Promise<void> {
    const { topic, recordsPerSecond, customers } = this.options;
    const startedAt = Date.now();
    let sent = 0;
    while (this.running) {
      const due = Math.floor(((Date.now() - startedAt) * recordsPerSecond) / 1000) - sent;
      if (due > 0) {
        const messages = Array.from({ length: due }, (_, i) => {
          const order = sent + i;
          // A multiplicative walk over the customers: every key recurs, in no simple order.
          const customer = `customer-${(order * 7919) % customers}`;
          const amount = ((order * 37) % 10_000) / 100;
          return { key: customer, value: JSON.stringify({ order, customer, amount }) };
        });
        try {
          await this.producer.send({ topic, acks: -1, messages });
          this.produced += messages.length;
        } catch (err) {
          this.failedSends++;
          this.options.logger.warn({ err }, 'demo producer: send failed; the records are skipped');
        }
        sent += messages.length;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, TICK_MS);
      });
    }
  }
}

export interface BillingConsumerOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly groupId: string;
  /** How often kafkajs commits the consumed offsets. */
  readonly autoCommitIntervalMs: number;
}

/** A consumer group member reading the topic from the beginning and committing every autoCommitIntervalMs. */
export class BillingConsumer {
  consumed = 0;
  private readonly consumer: Consumer;

  constructor(private readonly options: BillingConsumerOptions) {
    this.consumer = options.kafka.consumer({ groupId: options.groupId, maxWaitTimeInMs: 200 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: this.options.autoCommitIntervalMs,
      eachMessage: async () => {
        this.consumed++;
      },
    });
  }

  /** Leaves the group; its last commit stays. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
