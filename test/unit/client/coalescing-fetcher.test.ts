import { describe, expect, it } from 'vitest';
import type {
  FetchOptions,
  FetchPartitionRequest,
  FetchPartitionResult,
} from '../../../src/client/client-requests.js';
import {
  type CoalescedFetchClient,
  CoalescingFetcher,
  PARTIAL_FETCH_MAX_WAIT_MS,
} from '../../../src/client/coalescing-fetcher.js';

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

const turn = () => new Promise((resolve) => setImmediate(resolve));
const names = (requests: readonly FetchPartitionRequest[]) =>
  requests.map((r) => `${r.topic}-${r.partition}`);

describe('CoalescingFetcher', () => {
  it('sends the asks of one broker made in one turn as one multi-partition fetch', async () => {
    const { client, calls } = fakeClient({ 't-0': 1, 't-1': 1, 't-2': 1 });
    const fetcher = new CoalescingFetcher(client);
    const pending = [0, 1, 2].map((p) => fetcher.fetch([ask('t', p, 5 + p)], OPTIONS));
    expect(calls).toHaveLength(0);
    await turn();
    expect(calls).toHaveLength(1);
    expect(names(calls[0]!.requests)).toEqual(['t-0', 't-1', 't-2']);
    expect(calls[0]!.options.maxWaitMs).toBe(500);
    calls[0]!.answer();
    const results = await Promise.all(pending);
    expect(results.map((r) => r[0]!.records.toString())).toEqual(['t-0@5', 't-1@6', 't-2@7']);
  });

  it('merges the asks made while a fetch is in flight into the next one', async () => {
    const { client, calls } = fakeClient({ 't-0': 1, 't-1': 1, 't-2': 1 });
    const fetcher = new CoalescingFetcher(client);
    const first = fetcher.fetch([ask('t', 0, 5)], OPTIONS);
    await turn();
    const second = fetcher.fetch([ask('t', 1, 7)], OPTIONS);
    const third = fetcher.fetch([ask('t', 2, 9)], OPTIONS);
    await turn();
    expect(calls).toHaveLength(1); // the others wait for the fetch in flight
    calls[0]!.answer();
    expect((await first)[0]!.records.toString()).toBe('t-0@5');
    await turn();
    expect(calls).toHaveLength(2);
    expect(names(calls[1]!.requests)).toEqual(['t-1', 't-2']);
    calls[1]!.answer();
    expect((await second)[0]!.records.toString()).toBe('t-1@7');
    expect((await third)[0]!.records.toString()).toBe('t-2@9');
  });

  it('waits at most PARTIAL_FETCH_MAX_WAIT_MS when a partition that asked lately is left out', async () => {
    let now = 0;
    const { client, calls } = fakeClient({ 't-0': 1, 't-1': 1 });
    const fetcher = new CoalescingFetcher(client, () => now);
    const both = [fetcher.fetch([ask('t', 0, 0)], OPTIONS), fetcher.fetch([ask('t', 1, 0)], OPTIONS)];
    await turn();
    calls[0]!.answer();
    await Promise.all(both);
    // Partition 1's reader is busy (read-ahead full): only partition 0 asks. Had the fetch long-polled, partition
    // 1's next ask would wait behind it for the whole max_wait while its data sat on the broker.
    now = 400;
    const onlyZero = fetcher.fetch([ask('t', 0, 1)], OPTIONS);
    await turn();
    expect(names(calls[1]!.requests)).toEqual(['t-0']);
    expect(calls[1]!.options.maxWaitMs).toBe(PARTIAL_FETCH_MAX_WAIT_MS);
    calls[1]!.answer();
    await onlyZero;
    // A reader silent for over a second no longer shortens the wait.
    now = 1500;
    const later = fetcher.fetch([ask('t', 0, 2)], OPTIONS);
    await turn();
    expect(calls[2]!.options.maxWaitMs).toBe(500);
    calls[2]!.answer();
    await later;
  });

  it('keeps brokers apart: a parked fetch on one broker does not hold another broker’s partitions', async () => {
    const { client, calls } = fakeClient({ 't-0': 1, 't-1': 2 });
    const fetcher = new CoalescingFetcher(client);
    const onBroker1 = fetcher.fetch([ask('t', 0, 0)], OPTIONS);
    const onBroker2 = fetcher.fetch([ask('t', 1, 0)], OPTIONS);
    await turn();
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
    await turn();
    const rest = [fetcher.fetch([ask('t', 1, 0)], perReader), fetcher.fetch([ask('t', 2, 0)], perReader)];
    expect(calls[0]!.options.maxBytes).toBe(1024);
    calls[0]!.answer();
    await first;
    await turn();
    expect(calls[1]!.options.maxBytes).toBe(2 * 1024);
    calls[1]!.answer();
    await Promise.all(rest);
  });
});
