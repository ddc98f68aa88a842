import { createHash, type Hash } from 'node:crypto';
import {
  ClusterClient,
  IsolationLevel,
  type ListOffsetsResult,
  type OffsetSpec,
  type PartitionFetcher,
} from '../client/index.js';
import { isKafkaError, KafkaError } from '../protocol/errors/index.js';
import { attributes, CONTROL_FLAG_MASK, lastOffset } from '../protocol/records/batch-header.js';
import { type DecodedRecord, decodeRecordBatch } from '../protocol/records/record-batch.js';
import { RecordSetIterator } from '../protocol/records/record-set.js';
import { ReadCommittedFilter } from './batch-filter.js';
import { mappingFromSyncs, syncsOfPartition } from './offset-sync-log.js';
import { readOffsetSyncs } from './offset-sync-reader.js';

/**
 * Verification of a mirror flow (issue 6, "Verification as a tool" and cutover step 5): per mirrored
 * partition, the source's records as the mirror copies them — read_committed, control batches and aborted
 * data dropped — against every data record of the remote partition, compared one to one in order, with
 * counts and a checksum per side.
 *
 * Checksum: SHA-256 over, for each record in log order, its canonical encoding
 *
 *   timestamp: int64 | keyLength: int32 (-1 null) | key | valueLength: int32 (-1 null) | value |
 *   headerCount: int32 | per header: keyLength: int32 | key (UTF-8) | valueLength: int32 (-1 null) | value
 *
 * (all big-endian). Offsets are left out on purpose: they differ between the clusters. Two sides with equal
 * checksums and counts hold the same records in the same order.
 *
 * Ranges compared:
 * - from the log start (or, with `fromTimestamp` T, from ListOffsets(T) on each side, then skipping leading
 *   records older than T, so that both sides start at the copy of the same record even when timestamps are not
 *   monotonic and the source's answer lands on a marker or on aborted data);
 * - to the source's last stable offset and the target's high watermark, or, for a live flow, to the flow's
 *   committed position (`upTo`, see readCommittedPositions): the mirrored end of the mapping rebuilt from the
 *   offset-syncs topic, on both sides, so that records mirrored or produced since do not count as missing.
 *
 * A divergence is reported at the first pair of records that differ, or where one side runs out first
 * (that side's offset is then null). Reads are raw fetches of `fetchMaxBytes` per partition, several
 * partitions at a time; records are decoded (this is a tool, not the hot path). Not safe for concurrent use
 * of one result object; the function itself may run concurrently.
 */

/** What verification needs of a ClusterClient; a ClusterClient fits. */
export interface VerifyClient extends PartitionFetcher {
  listOffsets(
    topic: string,
    partition: number,
    spec: OffsetSpec,
    isolationLevel?: IsolationLevel,
  ): Promise<ListOffsetsResult>;
}

export interface VerifyTopic {
  readonly sourceTopic: string;
  readonly remoteTopic: string;
  /** Partition numbers; the remote partition has the same number. */
  readonly partitions: readonly number[];
}

/** Where the comparison of one partition stops: exclusive offsets on each side. */
export interface PartitionBound {
  readonly sourceOffset: number;
  readonly targetOffset: number;
}

/** A flow's committed position per source partition; undefined where the flow has committed nothing. */
export interface CommittedPositions {
  bound(sourceTopic: string, partition: number): PartitionBound | undefined;
}

export interface VerifyFlowOptions {
  /** A client (left open) or bootstrap servers (a client is made and closed). */
  readonly source: VerifyClient | string | readonly string[];
  readonly target: VerifyClient | string | readonly string[];
  readonly topics: readonly VerifyTopic[];
  /** Compare only records from this timestamp (ms) on. */
  readonly fromTimestamp?: number;
  /** Compare up to the flow's committed position (a live flow); without it, up to each side's end. */
  readonly upTo?: CommittedPositions;
  /** partition_max_bytes of each fetch. @defaultValue 8 MiB */
  readonly fetchMaxBytes?: number;
  /** Partitions read at the same time. @defaultValue 16 */
  readonly concurrency?: number;
}

export interface PartitionDivergence {
  /** Offset of the first source record that differs; null when the source ran out first. */
  readonly sourceOffset: number | null;
  /** Offset of the first target record that differs; null when the target ran out first. */
  readonly targetOffset: number | null;
}

export interface PartitionVerification {
  readonly sourceTopic: string;
  readonly remoteTopic: string;
  readonly partition: number;
  /** The source offsets compared: [sourceStartOffset, sourceEndOffset). */
  readonly sourceStartOffset: number;
  readonly sourceEndOffset: number;
  readonly targetStartOffset: number;
  readonly targetEndOffset: number;
  readonly sourceRecords: number;
  readonly targetRecords: number;
  /** Hex SHA-256; see the header for the encoding. */
  readonly sourceChecksum: string;
  readonly targetChecksum: string;
  readonly match: boolean;
  /** The first divergent record on each side; null when the partitions match. */
  readonly firstDivergence: PartitionDivergence | null;
}

export interface FlowVerification {
  readonly match: boolean;
  /** In the order of `topics` and their partitions. */
  readonly partitions: PartitionVerification[];
}

const DEFAULT_FETCH_MAX_BYTES = 8 * 1024 * 1024;
const FETCH_RETRIES = 5;
const RETRY_BACKOFF_MS = 100;

/** Compares the source and remote partitions of a flow; see the header. */
export async function verifyFlowPartitions(options: VerifyFlowOptions): Promise<FlowVerification> {
  const source = clientOf(options.source);
  const target = clientOf(options.target);
  try {
    const jobs: Array<{ topic: VerifyTopic; partition: number }> = [];
    for (const topic of options.topics)
      for (const partition of topic.partitions) jobs.push({ topic, partition });
    const results = new Array<PartitionVerification>(jobs.length);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const i = next++;
        const job = jobs[i]!;
        results[i] = await verifyPartition(source.client, target.client, job.topic, job.partition, options);
      }
    };
    const workers = Math.max(1, Math.min(options.concurrency ?? 16, jobs.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return { match: results.every((r) => r.match), partitions: results };
  } finally {
    source.close();
    target.close();
  }
}

/**
 * A flow's committed position from its offset-syncs topic (read in full, once): per source partition, the
 * mirrored end of the mapping the syncs describe, on both sides. Everything below it was acknowledged by
 * the target before its sync was written, so it is on the target whatever the flow does meanwhile.
 */
export async function readCommittedPositions(
  syncsClient: VerifyClient,
  offsetSyncsTopic: string,
): Promise<CommittedPositions> {
  const syncs = await readOffsetSyncs(syncsClient, offsetSyncsTopic);
  const bounds = new Map<string, PartitionBound>();
  const seen = new Set<string>();
  for (const sync of syncs) {
    const key = `${sync.partition}:${sync.topic}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const mapping = mappingFromSyncs(syncsOfPartition(syncs, sync.topic, sync.partition));
    if (mapping.sourceNext >= 0)
      bounds.set(key, { sourceOffset: mapping.sourceNext, targetOffset: mapping.targetNext });
  }
  return {
    bound: (topic, partition) => bounds.get(`${partition}:${topic}`),
  };
}

async function verifyPartition(
  source: VerifyClient,
  target: VerifyClient,
  topic: VerifyTopic,
  partition: number,
  options: VerifyFlowOptions,
): Promise<PartitionVerification> {
  const { sourceTopic, remoteTopic } = topic;
  const bound = options.upTo?.bound(sourceTopic, partition);
  const [sourceStart, sourceEnd, targetStart, targetEnd] = await Promise.all([
    startOffset(source, sourceTopic, partition, options.fromTimestamp),
    bound?.sourceOffset ??
      source
        .listOffsets(sourceTopic, partition, 'latest', IsolationLevel.ReadCommitted)
        .then((r) => r.offset),
    startOffset(target, remoteTopic, partition, options.fromTimestamp),
    bound?.targetOffset ?? target.listOffsets(remoteTopic, partition, 'latest').then((r) => r.offset),
  ]);
  const maxBytes = options.fetchMaxBytes ?? DEFAULT_FETCH_MAX_BYTES;
  const fromTimestamp = options.fromTimestamp ?? -Infinity;
  const s = new RecordCursor(
    source,
    sourceTopic,
    partition,
    sourceStart,
    sourceEnd,
    true,
    maxBytes,
    fromTimestamp,
  );
  const t = new RecordCursor(
    target,
    remoteTopic,
    partition,
    targetStart,
    targetEnd,
    false,
    maxBytes,
    fromTimestamp,
  );
  const sourceHash = new RecordHasher();
  const targetHash = new RecordHasher();
  let divergence: PartitionDivergence | null = null;
  for (;;) {
    const a = s.take() ?? (await s.next());
    const b = t.take() ?? (await t.next());
    if (a === undefined && b === undefined) break;
    if (a !== undefined) sourceHash.add(a);
    if (b !== undefined) targetHash.add(b);
    if (divergence === null && (a === undefined || b === undefined || !sameRecord(a, b))) {
      divergence = { sourceOffset: a?.offset ?? null, targetOffset: b?.offset ?? null };
    }
  }
  const sourceChecksum = sourceHash.digest();
  const targetChecksum = targetHash.digest();
  return {
    sourceTopic,
    remoteTopic,
    partition,
    sourceStartOffset: sourceStart,
    sourceEndOffset: Math.max(sourceStart, sourceEnd),
    targetStartOffset: targetStart,
    targetEndOffset: Math.max(targetStart, targetEnd),
    sourceRecords: sourceHash.count,
    targetRecords: targetHash.count,
    sourceChecksum,
    targetChecksum,
    match: divergence === null && sourceChecksum === targetChecksum,
    firstDivergence: divergence,
  };
}

/** The log start, or the first offset whose timestamp is >= fromTimestamp (the end when there is none). */
async function startOffset(
  client: VerifyClient,
  topic: string,
  partition: number,
  fromTimestamp: number | undefined,
): Promise<number> {
  if (fromTimestamp === undefined) return (await client.listOffsets(topic, partition, 'earliest')).offset;
  const found = (await client.listOffsets(topic, partition, fromTimestamp)).offset;
  if (found >= 0) return found;
  return (await client.listOffsets(topic, partition, 'latest')).offset;
}

function sameRecord(a: DecodedRecord, b: DecodedRecord): boolean {
  if (a.timestamp !== b.timestamp || !sameBytes(a.key, b.key) || !sameBytes(a.value, b.value)) return false;
  if (a.headers.length !== b.headers.length) return false;
  for (let i = 0; i < a.headers.length; i++) {
    const x = a.headers[i]!;
    const y = b.headers[i]!;
    if (x.key !== y.key || !sameBytes(x.value, y.value)) return false;
  }
  return true;
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/** Feeds records' canonical encodings (see the header) into one SHA-256. */
class RecordHasher {
  private readonly hash: Hash = createHash('sha256');
  private readonly scratch = Buffer.alloc(8);
  count = 0;

  add(record: DecodedRecord): void {
    this.count++;
    this.scratch.writeBigInt64BE(BigInt(record.timestamp), 0);
    this.hash.update(this.scratch);
    this.bytes(record.key);
    this.bytes(record.value);
    this.int32(record.headers.length);
    for (const h of record.headers) {
      this.bytes(Buffer.from(h.key, 'utf8'));
      this.bytes(h.value);
    }
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  private bytes(b: Buffer | null): void {
    this.int32(b === null ? -1 : b.length);
    if (b !== null && b.length > 0) this.hash.update(b);
  }

  private int32(n: number): void {
    this.scratch.writeInt32BE(n, 0);
    this.hash.update(this.scratch.subarray(0, 4));
  }
}

/**
 * The records of one partition in [start, end), in order, fetched in big raw chunks. The source side keeps
 * what the mirror keeps (ReadCommittedFilter); the target side keeps every data batch (a control batch is no
 * record a consumer sees). Leading records older than `fromTimestamp` are skipped.
 */
class RecordCursor {
  private records: DecodedRecord[] = [];
  private index = 0;
  private offset: number;
  private maxBytes: number;
  private started: boolean;
  private readonly filter = new ReadCommittedFilter();
  private readonly iterator = new RecordSetIterator(Buffer.alloc(0));

  constructor(
    private readonly client: VerifyClient,
    private readonly topic: string,
    private readonly partition: number,
    start: number,
    private readonly end: number,
    private readonly readCommitted: boolean,
    private readonly partitionMaxBytes: number,
    private readonly fromTimestamp: number,
  ) {
    this.offset = start;
    this.maxBytes = partitionMaxBytes;
    this.started = fromTimestamp === -Infinity;
  }

  /** The next buffered record, without waiting; undefined when a fetch is needed (or at the end). */
  take(): DecodedRecord | undefined {
    return this.index < this.records.length ? this.records[this.index++] : undefined;
  }

  /** The next record, fetching as needed; undefined at the end. */
  async next(): Promise<DecodedRecord | undefined> {
    while (this.index >= this.records.length) {
      if (this.offset >= this.end) return undefined;
      await this.fetchMore();
    }
    return this.records[this.index++];
  }

  private async fetchMore(): Promise<void> {
    const records = await this.fetchRecords();
    const batches: Buffer[] = [];
    let nextOffset = this.offset;
    if (this.readCommitted) {
      const filtered = this.filter.filter(records.records, records.abortedTransactions, this.offset);
      for (const kept of filtered.kept) batches.push(kept.batch);
      nextOffset = filtered.nextOffset;
    } else {
      const it = this.iterator;
      const buf = records.records;
      it.reset(buf);
      while (it.next()) {
        const pos = it.position;
        const last = lastOffset(buf, pos);
        nextOffset = Math.max(nextOffset, last + 1);
        if (last < this.offset || (attributes(buf, pos) & CONTROL_FLAG_MASK) !== 0) continue;
        batches.push(buf.subarray(pos, pos + it.size));
      }
    }
    if (nextOffset <= this.offset) {
      if (records.records.length === 0) {
        throw new KafkaError(
          'OFFSET_OUT_OF_RANGE',
          `${this.topic}-${this.partition} returned nothing at ${this.offset}, expected records up to ${this.end}`,
        );
      }
      // Not one whole batch: the first batch is bigger than the limit.
      this.maxBytes *= 2;
      return;
    }
    this.maxBytes = this.partitionMaxBytes;
    const out: DecodedRecord[] = [];
    for (const batch of batches) {
      const decoded = await decodeRecordBatch(batch);
      for (const r of decoded.records) {
        if (r.offset < this.offset || r.offset >= this.end) continue;
        if (!this.started) {
          if (r.timestamp < this.fromTimestamp) continue;
          this.started = true;
        }
        out.push(r);
      }
    }
    this.records = out;
    this.index = 0;
    this.offset = nextOffset;
  }

  private async fetchRecords(): Promise<{
    records: Buffer;
    abortedTransactions: ReadonlyArray<{ producerId: number; firstOffset: number }> | null;
  }> {
    for (let attempt = 0; ; attempt++) {
      let error: KafkaError | null;
      try {
        const leader = await this.client.leaderFor(this.topic, this.partition);
        const [result] = await this.client.fetch(
          [
            {
              topic: this.topic,
              partition: this.partition,
              fetchOffset: this.offset,
              maxBytes: this.maxBytes,
              currentLeaderEpoch: leader.leaderEpoch,
            },
          ],
          {
            maxWaitMs: 0,
            minBytes: 0,
            maxBytes: this.maxBytes,
            isolationLevel: this.readCommitted
              ? IsolationLevel.ReadCommitted
              : IsolationLevel.ReadUncommitted,
          },
        );
        if (result === undefined) throw new Error('fetch returned no result');
        if (result.error === null) return result;
        error = result.error;
      } catch (err) {
        if (!isKafkaError(err)) throw err;
        error = err;
      }
      if (!error.retriable || attempt >= FETCH_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_BACKOFF_MS));
    }
  }
}

function clientOf(spec: VerifyClient | string | readonly string[]): { client: VerifyClient; close(): void } {
  if (typeof spec === 'string' || Array.isArray(spec)) {
    const client = new ClusterClient({ bootstrapServers: spec as string | readonly string[] });
    return { client, close: () => client.close() };
  }
  return { client: spec as VerifyClient, close: () => {} };
}
