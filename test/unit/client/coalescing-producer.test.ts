import { describe, expect, it } from 'vitest';
import type {
  ProduceOptions,
  ProducePartitionRequest,
  ProducePartitionResult,
} from '../../../src/client/client-requests.js';
import { type CoalescedProduceClient, CoalescingProducer } from '../../../src/client/coalescing-producer.js';
import { KafkaError } from '../../../src/protocol/errors/index.js';

const ACKS_ALL: ProduceOptions = { acks: -1, timeoutMs: 30_000 };

interface Call {
  entries: readonly ProducePartitionRequest[];
  options: ProduceOptions;
  /** Answers every entry with a base offset, except those named in `errors` (`topic-partition` → error). */
  answer(errors?: Record<string, KafkaError>): void;
  crash(err: Error): void;
}

/** A fake client whose produceMany calls stay pending until the test answers them, recording every call. */
function fakeClient(leaders: Record<string, number>) {
  const calls: Call[] = [];
  const single: string[] = [];
  let nextOffset = 0;
  const client: CoalescedProduceClient = {
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
    brokerConnection: async () => ({}),
    produce: async (topic, partition, records) => {
      single.push(`${topic}-${partition}:${records.toString()}`);
      return { baseOffset: 100, logAppendTimeMs: -1, logStartOffset: 0 };
    },
    produceMany: (entries, options) =>
      new Promise<ProducePartitionResult[]>((resolve, reject) => {
        calls.push({
          entries,
          options,
          answer: (errors = {}) =>
            resolve(
              entries.map((e) => {
                const error = errors[`${e.topic}-${e.partition}`] ?? null;
                return {
                  topic: e.topic,
                  partition: e.partition,
                  error,
                  baseOffset: error ? -1 : nextOffset++,
                  logAppendTimeMs: -1,
                  logStartOffset: 0,
                };
              }),
            ),
          crash: reject,
        });
      }),
  };
  return { client, calls, single };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const shape = (call: Call) => call.entries.map((e) => `${e.topic}-${e.partition}:${e.records.toString()}`);

describe('CoalescingProducer', () => {
  it('sends what the partitions queued in one turn as one request, one batch per partition, in call order', async () => {
    const { client, calls } = fakeClient({ 't-0': 1, 't-1': 1, 't-2': 1 });
    const producer = new CoalescingProducer(client, { maxRequestsInFlight: 5 });
    const acks = [
      producer.produce('t', 0, Buffer.from('a0'), ACKS_ALL),
      producer.produce('t', 0, Buffer.from('a1'), ACKS_ALL),
      producer.produce('t', 1, Buffer.from('b0'), ACKS_ALL),
      producer.produce('t', 2, Buffer.from('c0'), ACKS_ALL),
      producer.produce('t', 0, Buffer.from('a2'), ACKS_ALL),
      producer.produce('t', 1, Buffer.from('b1'), ACKS_ALL),
    ];
    expect(calls).toHaveLength(0); // nothing before the end of the turn
    await turn();
    // Three requests at once (slots were free): the k-th batch of each partition goes in the k-th request.
    expect(calls.map(shape)).toEqual([['t-0:a0', 't-1:b0', 't-2:c0'], ['t-0:a1', 't-1:b1'], ['t-0:a2']]);
    for (const call of calls) call.answer();
    const offsets = await Promise.all(acks.map(async (a) => (await a).baseOffset));
    // Each batch resolves with its own result: a0 b0 c0 were answered 0 1 2, a1 b1 3 4, a2 5.
    expect(offsets).toEqual([0, 3, 1, 2, 5, 4]);
  });

  it('holds batches while every slot is taken and sends them together when an answer frees one', async () => {
    const { client, calls } = fakeClient({ 't-0': 1, 't-1': 1 });
    const producer = new CoalescingProducer(client, { maxRequestsInFlight: 1 });
    const first = producer.produce('t', 0, Buffer.from('a0'), ACKS_ALL);
    await turn();
    expect(calls).toHaveLength(1);
    const later = [
      producer.produce('t', 0, Buffer.from('a1'), ACKS_ALL),
      producer.produce('t', 1, Buffer.from('b0'), ACKS_ALL),
    ];
    await turn();
    expect(calls).toHaveLength(1); // the one slot is in use
    calls[0]!.answer();
    await first;
    await turn(); // the freed slot is seen after the answer's handlers ran, and used at the end of that turn
    await turn();
    expect(calls.map(shape)).toEqual([['t-0:a0'], ['t-0:a1', 't-1:b0']]);
    calls[1]!.answer();
    await Promise.all(later);
  });

  it('keeps brokers apart and counts slots per broker', async () => {
    const { client, calls } = fakeClient({ 't-0': 1, 't-1': 2 });
    const producer = new CoalescingProducer(client, { maxRequestsInFlight: 1 });
    const a = producer.produce('t', 0, Buffer.from('a0'), ACKS_ALL);
    const b = producer.produce('t', 1, Buffer.from('b0'), ACKS_ALL);
    await turn();
    expect(calls.map(shape)).toEqual([['t-0:a0'], ['t-1:b0']]);
    calls[1]!.answer();
    calls[0]!.answer();
    await Promise.all([a, b]);
  });

  it('rejects only the refused partition’s batch; the others in the same request are acknowledged', async () => {
    const { client, calls } = fakeClient({ 't-0': 1, 't-1': 1 });
    const producer = new CoalescingProducer(client);
    const a = producer.produce('t', 0, Buffer.from('a0'), ACKS_ALL);
    const b = producer.produce('t', 1, Buffer.from('b0'), ACKS_ALL);
    await turn();
    calls[0]!.answer({ 't-0': new KafkaError('OUT_OF_ORDER_SEQUENCE_NUMBER') });
    await expect(a).rejects.toSatisfy((e: unknown) => e instanceof KafkaError && e.code === 45);
    expect((await b).baseOffset).toBe(0);
  });

  it('rejects every batch of a request that failed as a whole', async () => {
    const { client, calls } = fakeClient({ 't-0': 1, 't-1': 1 });
    const producer = new CoalescingProducer(client);
    const a = producer.produce('t', 0, Buffer.from('a0'), ACKS_ALL);
    const b = producer.produce('t', 1, Buffer.from('b0'), ACKS_ALL);
    await turn();
    calls[0]!.crash(new Error('connection lost'));
    await expect(a).rejects.toThrow('connection lost');
    await expect(b).rejects.toThrow('connection lost');
  });

  it('does not merge asks with different produce options', async () => {
    const { client, calls } = fakeClient({ 't-0': 1, 't-1': 1 });
    const producer = new CoalescingProducer(client);
    const a = producer.produce('t', 0, Buffer.from('a0'), ACKS_ALL);
    const b = producer.produce('t', 1, Buffer.from('b0'), { acks: 1, timeoutMs: 30_000 });
    await turn();
    expect(calls.map((c) => c.options.acks)).toEqual([-1, 1]);
    for (const call of calls) call.answer();
    await Promise.all([a, b]);
  });

  it('leaves a partition with no known leader to the client’s own routing', async () => {
    const { client, calls, single } = fakeClient({});
    const producer = new CoalescingProducer(client);
    expect((await producer.produce('t', 0, Buffer.from('a0'), ACKS_ALL)).baseOffset).toBe(100);
    expect(single).toEqual(['t-0:a0']);
    expect(calls).toHaveLength(0);
  });

  it('after close sends nothing that waited and refuses what comes', async () => {
    const { client, calls } = fakeClient({ 't-0': 1 });
    const producer = new CoalescingProducer(client, { maxRequestsInFlight: 1 });
    const sent = producer.produce('t', 0, Buffer.from('a0'), ACKS_ALL);
    await turn();
    const waiting = producer.produce('t', 0, Buffer.from('a1'), ACKS_ALL);
    producer.close();
    await expect(waiting).rejects.toThrow('producer closed');
    await expect(producer.produce('t', 0, Buffer.from('a2'), ACKS_ALL)).rejects.toThrow('producer closed');
    calls[0]!.answer();
    await sent; // a request already out runs its course
    await turn();
    expect(calls).toHaveLength(1);
  });
});
