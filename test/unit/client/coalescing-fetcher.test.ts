import { describe, expect, it } from 'vitest';
import type {
  FetchOptions,
  FetchPartitionRequest,
  FetchPartitionResult,
} from '../../../src/client/client-requests.js';
import { type CoalescedFetchClient, CoalescingFetcher } from '../../../src/client/coalescing-fetcher.js';

const OPTIONS: FetchOptions = { maxWaitMs: 500, minBytes: 1 };

/** A fake client whose fetches stay pending until the test answers them, recording every call. */
function fakeClient(leaders: Record<string, number>) {
  const calls: {
    requests: readonly FetchPartitionRequest[];
    options: FetchOptions;
    answer: () => void;
  }[] = [];
  const client: CoalescedFetchClient = {
    metadata: {
      leader: (topic, partition) => {
        const brokerId = leaders[`${topic}-${partition}`];
        return brokerId === undefined ? undefined : { brokerId, leaderEpoch: 0 };
      },
    },
    leaderFor: async (topic, partition) => ({
      brokerId: leaders[`${topic}-${partition}`] ?? -1,
      leaderEpoch: 0,
    }),
    fetch: (requests, options) =>
      new Promise<FetchPartitionResult[]>((resolve) => {
        calls.push({
          requests,
          options,
          answer: () =>
            resolve(
              requests.map((r) => ({
                topic: r.topic,
                partition: r.partition,
                fetchOffset: r.fetchOffset,
                error: null,
                highWatermark: r.fetchOffset + 1,
                lastStableOffset: r.fetchOffset + 1,
                logStartOffset: 0,
                abortedTransactions: null,
                preferredReadReplica: -1,
                records: Buffer.from(`${r.topic}-${r.partition}@${r.fetchOffset}`),
              })),
            ),
        });
      }),
  };
  return { client, calls };
}

const ask = (topic: string, partition: number, fetchOffset: number): FetchPartitionRequest => ({
  topic,
  partition,
  fetchOffset,
  maxBytes: 1024,
});

describe('CoalescingFetcher', () => {
  it('merges the asks of one broker made while a fetch is in flight into one multi-partition fetch', async () => {
    const { client, calls } = fakeClient({ 't-0': 1, 't-1': 1, 't-2': 1 });
    const fetcher = new CoalescingFetcher(client);
    const first = fetcher.fetch([ask('t', 0, 5)], OPTIONS);
    const second = fetcher.fetch([ask('t', 1, 7)], OPTIONS);
    const third = fetcher.fetch([ask('t', 2, 9)], OPTIONS);
    expect(calls).toHaveLength(1); // the first went out at once; the others wait for it
    calls[0]!.answer();
    expect((await first)[0]!.records.toString()).toBe('t-0@5');
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(2);
    expect(calls[1]!.requests.map((r) => `${r.topic}-${r.partition}`)).toEqual(['t-1', 't-2']);
    calls[1]!.answer();
    expect((await second)[0]!.records.toString()).toBe('t-1@7');
    expect((await third)[0]!.records.toString()).toBe('t-2@9');
  });

  it('keeps brokers apart: a parked fetch on one broker does not hold another broker’s partitions', async () => {
    const { client, calls } = fakeClient({ 't-0': 1, 't-1': 2 });
    const fetcher = new CoalescingFetcher(client);
    const onBroker1 = fetcher.fetch([ask('t', 0, 0)], OPTIONS);
    const onBroker2 = fetcher.fetch([ask('t', 1, 0)], OPTIONS);
    expect(calls).toHaveLength(2);
    calls[1]!.answer();
    expect((await onBroker2)[0]!.partition).toBe(1);
    calls[0]!.answer();
    expect((await onBroker1)[0]!.partition).toBe(0);
  });

  it('passes asks for a partition with an unknown leader straight to the client', async () => {
    const { client, calls } = fakeClient({});
    const fetcher = new CoalescingFetcher(client);
    const pending = fetcher.fetch([ask('u', 0, 0)], OPTIONS);
    const again = fetcher.fetch([ask('u', 1, 0)], OPTIONS);
    expect(calls).toHaveLength(2);
    for (const call of calls) call.answer();
    await Promise.all([pending, again]);
  });

  it('sizes a merged fetch for all its partitions, not for the first reader alone', async () => {
    const { client, calls } = fakeClient({ 't-0': 1, 't-1': 1, 't-2': 1 });
    const fetcher = new CoalescingFetcher(client);
    const perReader: FetchOptions = { maxWaitMs: 500, minBytes: 1, maxBytes: 1024 };
    const first = fetcher.fetch([ask('t', 0, 0)], perReader);
    const rest = [fetcher.fetch([ask('t', 1, 0)], perReader), fetcher.fetch([ask('t', 2, 0)], perReader)];
    expect(calls[0]!.options.maxBytes).toBe(1024);
    calls[0]!.answer();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls[1]!.options.maxBytes).toBe(2 * 1024);
    calls[1]!.answer();
    await Promise.all(rest);
  });
});
