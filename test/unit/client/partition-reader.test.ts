import { describe, expect, it } from 'vitest';
import type { FetchPartitionRequest, FetchPartitionResult } from '../../../src/client/client-requests.js';
import { type PartitionFetcher, PartitionReader } from '../../../src/client/partition-reader.js';
import { isKafkaError, KafkaError } from '../../../src/protocol/errors/index.js';
import { setBaseOffset } from '../../../src/protocol/records/batch-header.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';

/** A log of batches with real offsets, served by a fake fetcher that cuts at partition max bytes. */
function logOf(sizes: number[]): Buffer[] {
  let next = 0;
  return sizes.map((count) => {
    const b = encodeRecordBatchSync({
      records: Array.from({ length: count }, (_, i) => ({
        value: Buffer.from(`v${next + i}`),
        timestamp: 1,
      })),
    });
    setBaseOffset(b, next);
    next += count;
    return b;
  });
}

class FakeFetcher implements PartitionFetcher {
  readonly requests: FetchPartitionRequest[] = [];
  /** Errors to answer with, one per fetch, before serving data. */
  readonly errors: KafkaError[] = [];
  pendingFetches = 0;

  constructor(readonly log: Buffer[]) {}

  async leaderFor() {
    return { brokerId: 1, leaderEpoch: 7 };
  }

  async fetch(requests: readonly FetchPartitionRequest[]): Promise<FetchPartitionResult[]> {
    const r = requests[0]!;
    this.requests.push(r);
    this.pendingFetches++;
    await Promise.resolve();
    this.pendingFetches--;
    const base = {
      topic: r.topic,
      partition: r.partition,
      fetchOffset: r.fetchOffset,
      preferredReadReplica: -1,
    };
    const end = this.log.reduce((n, b) => n + b.readInt32BE(23) + 1, 0);
    const error = this.errors.shift();
    if (error) {
      return [
        {
          ...base,
          error,
          highWatermark: -1,
          lastStableOffset: -1,
          logStartOffset: -1,
          abortedTransactions: null,
          records: Buffer.alloc(0),
        },
      ];
    }
    // Whole batches from the one holding fetchOffset, cut at maxBytes (possibly mid-batch).
    const from = this.log.findIndex((b) => b.readInt32BE(4) + b.readInt32BE(23) >= r.fetchOffset);
    const all = Buffer.concat(from < 0 ? [] : this.log.slice(from));
    return [
      {
        ...base,
        error: null,
        highWatermark: end,
        lastStableOffset: end,
        logStartOffset: 0,
        abortedTransactions: null,
        records: all.subarray(0, Math.min(all.length, r.maxBytes)),
      },
    ];
  }
}

const noDelay = async () => {};

describe('PartitionReader', () => {
  it('yields whole batches, drops a trailing partial one and fetches it again from its start', async () => {
    const log = logOf([3, 2, 4]);
    const fetcher = new FakeFetcher(log);
    const reader = new PartitionReader(fetcher, {
      topic: 't',
      partition: 0,
      startOffset: 0,
      partitionMaxBytes: log[0]!.length + log[1]!.length + 10,
      delay: noDelay,
    });
    const first = await reader.next();
    expect([first.firstOffset, first.lastOffset, first.nextOffset]).toEqual([0, 4, 5]);
    expect(first.records.equals(Buffer.concat([log[0]!, log[1]!]))).toBe(true);
    const second = await reader.next();
    expect([second.firstOffset, second.lastOffset, second.nextOffset]).toEqual([5, 8, 9]);
    expect(second.records.equals(log[2]!)).toBe(true);
    expect(fetcher.requests.slice(0, 2).map((r) => [r.fetchOffset, r.currentLeaderEpoch])).toEqual([
      [0, 7],
      [5, 7],
    ]);
    reader.close();
  });

  it('raises the byte limit to a batch larger than it, then returns to the configured limit', async () => {
    const log = logOf([20, 1]);
    const fetcher = new FakeFetcher(log);
    const reader = new PartitionReader(fetcher, {
      topic: 't',
      partition: 0,
      startOffset: 0,
      partitionMaxBytes: 64,
      delay: noDelay,
    });
    const chunk = await reader.next();
    expect(chunk.records.equals(log[0]!)).toBe(true);
    expect((await reader.next()).nextOffset).toBe(21);
    expect(fetcher.requests.slice(0, 3).map((r) => r.maxBytes)).toEqual([64, log[0]!.length, 64]);
    reader.close();
  });

  it('holds at most maxBufferedFetches chunks ahead of a consumer that does not read', async () => {
    const fetcher = new FakeFetcher(logOf([1, 1, 1, 1, 1, 1]));
    const reader = new PartitionReader(fetcher, {
      topic: 't',
      partition: 0,
      startOffset: 0,
      partitionMaxBytes: 80,
      maxBufferedFetches: 2,
      delay: noDelay,
    });
    await reader.next();
    for (let i = 0; i < 20; i++) await Promise.resolve();
    // One taken, two buffered: three fetches and no more until the consumer reads again.
    expect(fetcher.requests.map((r) => r.fetchOffset)).toEqual([0, 1, 2]);
    await reader.next();
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(fetcher.requests.map((r) => r.fetchOffset)).toEqual([0, 1, 2, 3]);
    reader.close();
  });

  it('retries retriable errors and ends with OFFSET_OUT_OF_RANGE', async () => {
    const fetcher = new FakeFetcher(logOf([2]));
    fetcher.errors.push(new KafkaError('NOT_LEADER_OR_FOLLOWER'), new KafkaError('FENCED_LEADER_EPOCH'));
    const delays: number[] = [];
    const reader = new PartitionReader(fetcher, {
      topic: 't',
      partition: 0,
      startOffset: 0,
      retryBackoffMs: 25,
      delay: async (ms) => {
        delays.push(ms);
      },
    });
    expect((await reader.next()).nextOffset).toBe(2);
    expect(delays).toEqual([25, 25]);
    reader.close();

    const outOfRange = new FakeFetcher(logOf([2]));
    outOfRange.errors.push(new KafkaError('OFFSET_OUT_OF_RANGE'));
    const ended = new PartitionReader(outOfRange, {
      topic: 't',
      partition: 0,
      startOffset: 99,
      delay: noDelay,
    });
    const err = await ended.next().catch((e: unknown) => e);
    expect(isKafkaError(err, 'OFFSET_OUT_OF_RANGE')).toBe(true);
    expect(ended.nextOffset).toBe(99);
    await expect(ended.next()).rejects.toThrow(/OFFSET_OUT_OF_RANGE/);
  });

  it('ends a for-await loop quietly on close', async () => {
    const reader = new PartitionReader(new FakeFetcher(logOf([1, 1])), {
      topic: 't',
      partition: 0,
      startOffset: 0,
      partitionMaxBytes: 80,
      delay: noDelay,
    });
    const seen: number[] = [];
    for await (const chunk of reader) {
      seen.push(chunk.firstOffset);
      if (seen.length === 2) reader.close();
    }
    expect(seen).toEqual([0, 1]);
  });
});
