import type {
  FetchOptions,
  FetchPartitionRequest,
  FetchPartitionResult,
  ListOffsetsResult,
  OffsetSpec,
} from '../client/index.js';
import { KafkaError } from '../protocol/errors/index.js';
import { decodeRecordBatchSync } from '../protocol/records/record-batch.js';
import { RecordSetIterator } from '../protocol/records/record-set.js';
import { decodeOffsetSync } from './formats/index.js';
import type { PartitionOffsetSync } from './offset-sync-log.js';

/** What reading a topic partition to its end needs of a ClusterClient. */
export interface TopicReadClient {
  fetch(requests: readonly FetchPartitionRequest[], options: FetchOptions): Promise<FetchPartitionResult[]>;
  listOffsets(topic: string, partition: number, spec: OffsetSpec): Promise<ListOffsetsResult>;
}

/**
 * Every offset-sync in the offset-syncs topic, in log order (the order they were emitted in), read from the
 * log start to the high watermark as of the call.
 *
 * Cost: this reads the whole topic — every partition's syncs of every flow writing there — and decodes each
 * record, once per partition resume. That is small in tests and for short histories; a long-lived deployment
 * wants the task to read it once for all its partitions (as the task runner does at start) or the topic to be
 * compacted per partition (MirrorMaker 2's setting, which keeps only the last sync per partition: enough to
 * resume, not to translate old offsets exactly).
 */
export async function readOffsetSyncs(
  client: TopicReadClient,
  topic: string,
  partition = 0,
): Promise<PartitionOffsetSync[]> {
  const start = (await client.listOffsets(topic, partition, 'earliest')).offset;
  const end = (await client.listOffsets(topic, partition, 'latest')).offset;
  const out: PartitionOffsetSync[] = [];
  const it = new RecordSetIterator(Buffer.alloc(0));
  let offset = start;
  let maxBytes = 1024 * 1024;
  while (offset < end) {
    const [result] = await client.fetch([{ topic, partition, fetchOffset: offset, maxBytes }], {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes,
    });
    if (result === undefined) throw new Error('fetch returned no result');
    if (result.error) throw result.error;
    const records = result.records;
    it.reset(records);
    let advanced = false;
    while (it.next()) {
      const batch = decodeRecordBatchSync(records, it.position);
      const next = batch.baseOffset + batch.lastOffsetDelta + 1;
      if (next <= offset) continue;
      advanced = true;
      offset = next;
      if (batch.isControl) continue;
      for (const r of batch.records) {
        const sync = decodeOffsetSync(r.key, r.value);
        out.push(sync);
      }
    }
    if (!advanced) {
      if (records.length === 0) {
        throw new KafkaError(
          'OFFSET_OUT_OF_RANGE',
          `${topic}-${partition} ends at ${offset}, expected ${end}`,
        );
      }
      maxBytes *= 2;
    }
  }
  return out;
}
