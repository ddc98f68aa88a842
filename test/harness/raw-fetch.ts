import { ApiKey } from '../../src/protocol/api-keys.js';
import { decodeResponse } from '../../src/protocol/frame.js';
import { FETCH_API, type FetchPartitionData, type FetchResponse } from '../../src/protocol/messages/fetch.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  readInt64,
  TRANSACTIONAL_FLAG_MASK,
} from '../../src/protocol/records/batch-header.js';
import { RawConnection, requestFrame } from './raw-connection.js';

/** What a test wants to know of one stored batch without decoding its records. */
export interface BatchSummary {
  baseOffset: number;
  lastOffset: number;
  compression: number;
  transactional: boolean;
  control: boolean;
}

const FETCH_VERSION = 11;

/**
 * One Fetch v11 of a single partition on a raw connection, answered at once (max wait 0): lets a test look at
 * what the broker stores and reports (batch attributes, last stable offset, aborted transactions) where a client
 * library would hide it.
 */
export async function fetchPartition(
  port: number,
  topic: string,
  partition: number,
  fetchOffset: number,
  isolationLevel: 0 | 1,
): Promise<FetchPartitionData> {
  const conn = await RawConnection.open(port);
  try {
    conn.write(
      requestFrame(ApiKey.Fetch, FETCH_VERSION, 1, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 16 * 1024 * 1024,
        isolationLevel,
        topics: [{ topic, partitions: [{ partition, fetchOffset, partitionMaxBytes: 16 * 1024 * 1024 }] }],
      }),
    );
    const frame = await conn.nextFrame(5000);
    if (frame === null) throw new Error('the broker closed the connection instead of answering Fetch');
    const { body } = decodeResponse<FetchResponse>(frame, FETCH_API.response, FETCH_VERSION);
    const data = body.responses[0]?.partitions[0];
    if (data === undefined) throw new Error('Fetch response without the partition');
    return data;
  } finally {
    conn.destroy();
  }
}

/** The batches of a fetched record set, by their headers only. */
export function batchesOf(records: Buffer | null): BatchSummary[] {
  const out: BatchSummary[] = [];
  if (records === null) return out;
  let pos = 0;
  while (records.length - pos >= LOG_OVERHEAD) {
    const size = LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    if (records.length - pos < size) break; // a partial batch at the end of a fetch
    const baseOffset = readInt64(records, pos);
    const attributes = records.readInt16BE(pos + ATTRIBUTES_OFFSET);
    out.push({
      baseOffset,
      lastOffset: baseOffset + records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
      compression: attributes & COMPRESSION_CODEC_MASK,
      transactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
      control: (attributes & CONTROL_FLAG_MASK) !== 0,
    });
    pos += size;
  }
  return out;
}
