import type { Admin } from 'kafkajs';
import type { ProduceOptions } from '../client/index.js';
import { isKafkaError, KafkaError } from '../protocol/errors/index.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../protocol/records/record-batch.js';
import { RecordSetIterator } from '../protocol/records/record-set.js';
import { ensureCompactedTopic } from './cluster-admin.js';
import type { TopicReadClient } from './offset-sync-reader.js';
import type { SyncProduceClient } from './offset-sync-writer.js';

/**
 * The mirror producer registry: which producer ids Ferry's mirror flows write with into a cluster.
 *
 * Topic `mm2-producer-ids.<alias>.internal` on cluster `<alias>` (named like MM2's internal topics; the
 * `.internal` suffix keeps every MM2-compatible topic filter from mirroring it), one partition, compacted.
 * One record per producer id a flow obtained from that cluster (InitProducerId) and writes with:
 *
 *   key   = UTF-8 `<source>-><target>:<producerId>` — unique per producer id, so compaction never removes
 *           an entry whose batches may still be in the cluster's logs (nothing is ever deleted here)
 *   value = UTF-8 JSON {"version":0,"flow","source","target","producerId","producerEpoch","task","registeredAtMs"}
 *
 * JSON rather than MM2's Struct encoding: no MM2 tool reads this topic, and an operator can read it with
 * kafka-console-consumer.
 *
 * INVARIANT (written by the flow that produces, see MirrorTaskRunner): an entry is acknowledged with acks=all
 * — so it is below the registry's high watermark — before the first batch with its producer id is sent. Hence
 * any reader that sees a batch of producer id P in some partition of the cluster, and then reads the registry
 * to its high watermark, finds P there if and only if P is a mirror's producer id. Producer ids are assigned
 * by the cluster (unique within it, never reused), so the answer for P never changes: readers cache it.
 *
 * A registry topic that does not exist is an empty registry: no flow ever registered into the cluster, and no
 * flow produces before registering, so the cluster holds no mirror batch (an operator deleting the topic
 * breaks this, as deleting offset-syncs breaks resume).
 */

export interface ProducerRegistration {
  /** `<source>-><target>`, MM2's flow name. */
  readonly flow: string;
  readonly source: string;
  readonly target: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  /** The task that took the id, for operators. */
  readonly task: string;
  readonly registeredAtMs: number;
}

const REGISTRY_PREFIX = 'mm2-producer-ids';

/** `mm2-producer-ids.<alias>.internal`: the registry on cluster `alias` of the mirrors writing into it. */
export function producerIdsTopic(clusterAlias: string, separator = '.'): string {
  return `${REGISTRY_PREFIX}${separator}${clusterAlias}${separator}internal`;
}

/** Creates the registry topic on a cluster unless it exists (compacted, one partition). */
export function ensureProducerIdsTopic(
  admin: Admin,
  clusterAlias: string,
  replicationFactor: number,
  separator = '.',
): Promise<void> {
  return ensureCompactedTopic(admin, producerIdsTopic(clusterAlias, separator), replicationFactor);
}

export function encodeProducerRegistration(r: ProducerRegistration): { key: Buffer; value: Buffer } {
  return {
    key: Buffer.from(`${r.flow}:${r.producerId}`, 'utf8'),
    value: Buffer.from(
      JSON.stringify({
        version: 0,
        flow: r.flow,
        source: r.source,
        target: r.target,
        producerId: r.producerId,
        producerEpoch: r.producerEpoch,
        task: r.task,
        registeredAtMs: r.registeredAtMs,
      }),
      'utf8',
    ),
  };
}

/** The entry a registry record holds, or undefined for a tombstone or a record of an unknown version. */
export function decodeProducerRegistration(value: Buffer | null): ProducerRegistration | undefined {
  if (value === null || value.length === 0) return undefined;
  const v = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
  if (v.version !== 0) return undefined;
  const str = (k: string) => {
    if (typeof v[k] !== 'string') throw new Error(`producer registration without ${k}`);
    return v[k] as string;
  };
  const int = (k: string) => {
    if (!Number.isSafeInteger(v[k])) throw new Error(`producer registration without ${k}`);
    return v[k] as number;
  };
  return {
    flow: str('flow'),
    source: str('source'),
    target: str('target'),
    producerId: int('producerId'),
    producerEpoch: int('producerEpoch'),
    task: str('task'),
    registeredAtMs: int('registeredAtMs'),
  };
}

const REGISTER_OPTIONS: ProduceOptions = { acks: -1, timeoutMs: 30_000 };

/**
 * Appends a registration with acks=all and resolves once every in-sync replica has it: only then may the
 * flow send a batch with that producer id. A failure rejects (the caller's partition restarts and takes a
 * new producer id — an entry registered twice or never used is harmless).
 */
export async function registerProducer(
  client: SyncProduceClient,
  topic: string,
  registration: ProducerRegistration,
): Promise<void> {
  const { key, value } = encodeProducerRegistration(registration);
  const records = encodeRecordBatchSync({
    records: [{ key, value, timestamp: registration.registeredAtMs }],
  });
  await client.produce(topic, 0, records, REGISTER_OPTIONS);
}

/**
 * An incremental reader of a registry: `readToEnd` appends every entry from where it stopped to the high
 * watermark as of the call. Not safe for concurrent calls; ProducerIdClassifier serialises them.
 */
export class ProducerRegistryReader {
  private nextOffset = -1;
  private readonly iterator = new RecordSetIterator(Buffer.alloc(0));

  constructor(
    private readonly client: TopicReadClient,
    readonly topic: string,
  ) {}

  async readToEnd(onEntry: (entry: ProducerRegistration) => void): Promise<void> {
    const { client, topic } = this;
    let end: number;
    try {
      end = (await client.listOffsets(topic, 0, 'latest')).offset;
      if (this.nextOffset < 0) this.nextOffset = (await client.listOffsets(topic, 0, 'earliest')).offset;
    } catch (err) {
      if (isKafkaError(err, 'UNKNOWN_TOPIC_OR_PARTITION')) return; // an empty registry: see the header
      throw err;
    }
    let maxBytes = 256 * 1024;
    while (this.nextOffset < end) {
      const [result] = await client.fetch([{ topic, partition: 0, fetchOffset: this.nextOffset, maxBytes }], {
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes,
      });
      if (result === undefined) throw new Error('fetch returned no result');
      if (result.error) throw result.error;
      const records = result.records;
      const it = this.iterator;
      it.reset(records);
      let advanced = false;
      while (it.next()) {
        const batch = decodeRecordBatchSync(records, it.position);
        const next = batch.baseOffset + batch.lastOffsetDelta + 1;
        if (next <= this.nextOffset) continue;
        advanced = true;
        this.nextOffset = next;
        if (batch.isControl) continue;
        for (const r of batch.records) {
          const entry = decodeProducerRegistration(r.value);
          if (entry) onEntry(entry);
        }
      }
      if (!advanced) {
        if (records.length === 0)
          throw new KafkaError(
            'OFFSET_OUT_OF_RANGE',
            `${topic}-0 ends at ${this.nextOffset}, expected ${end}`,
          );
        maxBytes *= 2;
      }
    }
  }
}
