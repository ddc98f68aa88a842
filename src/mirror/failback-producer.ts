import type { Admin } from 'kafkajs';
import type { ClusterClient, ProducerIdAndEpoch } from '../client/index.js';
import { ProducerIdClassifier } from './loop-guard.js';
import {
  ensureProducerIdsTopic,
  ProducerRegistryReader,
  producerIdsTopic,
  registerProducer,
} from './producer-registry.js';

/** The `task` of failback's entries in the producer registry: what tells them from a mirror flow's. */
export const FAILBACK_TASK = 'failback';

export interface FailbackProducerOptions {
  /** A, the cluster failback writes into: its registry is `mm2-producer-ids.<A>.internal`. */
  readonly originAlias: string;
  /** B, the cluster the records come from. */
  readonly standbyAlias: string;
  readonly client: ClusterClient;
  readonly admin: Admin;
  readonly replicationFactor: number;
  readonly separator: string;
  /** @defaultValue Date.now */
  readonly nowMs?: () => number;
}

/**
 * Failback's producer identity on A, and how to recognise it in A's logs.
 *
 * Failback writes as an idempotent producer whose id A assigned (InitProducerId) and which is registered in
 * A's producer registry (producer-registry.ts) with acks=all before its first batch is sent, as
 * `{flow: "<B>-><A>", source: B, target: A, task: "failback"}`. That gives two things:
 *   - failback-copy.ts finds the batches an interrupted run wrote by their producer id alone (the registry's
 *     INVARIANT makes "registered" decidable for any id seen in a fetched batch);
 *   - a forward flow A->B restarted with loop prevention (the identity policy) drops them as the reverse
 *     direction's writes (loop-guard.ts keys on source and target), instead of mirroring them back to B.
 *
 * One id per run, taken on first need and shared by the run's partitions (sequences are per partition);
 * a rerun continues, per partition, the producer of the last batch it finds and takes a new id only for
 * partitions that have none. Single-threaded (the event loop); one instance per run.
 */
export class FailbackProducer {
  readonly registry: string;
  private fresh: Promise<ProducerIdAndEpoch> | undefined;
  private readonly failbackIds: ProducerIdClassifier;

  constructor(private readonly options: FailbackProducerOptions) {
    this.registry = producerIdsTopic(options.originAlias, options.separator);
    const { originAlias, standbyAlias } = options;
    this.failbackIds = new ProducerIdClassifier(
      new ProducerRegistryReader(options.client, this.registry),
      (e) => e.source === standbyAlias && e.target === originAlias && e.task === FAILBACK_TASK,
    );
  }

  /** Whether `producerId`, seen in a batch already fetched from A, is one failback registered. */
  isFailbackProducer(producerId: number): Promise<boolean> {
    return this.failbackIds.matches(producerId);
  }

  /** This run's producer id: taken from A and durably registered on the first call, the same one after. */
  take(): Promise<ProducerIdAndEpoch> {
    if (this.fresh === undefined) {
      const taking = this.register();
      // A failed registration is retried by the next caller rather than cached.
      taking.catch(() => {
        if (this.fresh === taking) this.fresh = undefined;
      });
      this.fresh = taking;
    }
    return this.fresh;
  }

  private async register(): Promise<ProducerIdAndEpoch> {
    const { client, admin, originAlias, standbyAlias } = this.options;
    await ensureProducerIdsTopic(admin, originAlias, this.options.replicationFactor, this.options.separator);
    const producer = await client.initProducerId();
    await registerProducer(client, this.registry, {
      flow: `${standbyAlias}->${originAlias}`,
      source: standbyAlias,
      target: originAlias,
      producerId: producer.producerId,
      producerEpoch: producer.producerEpoch,
      task: FAILBACK_TASK,
      registeredAtMs: (this.options.nowMs ?? Date.now)(),
    });
    return producer;
  }
}
