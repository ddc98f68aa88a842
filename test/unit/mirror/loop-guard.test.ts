import { describe, expect, it } from 'vitest';
import type { KeptBatch } from '../../../src/mirror/batch-filter.js';
import {
  MirrorLoopGuard,
  ProducerIdClassifier,
  type RegistryReader,
} from '../../../src/mirror/loop-guard.js';
import type { ProducerRegistration } from '../../../src/mirror/producer-registry.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';

function entry(flow: string, producerId: number): ProducerRegistration {
  const [source, target] = flow.split('->') as [string, string];
  return { flow, source, target, producerId, producerEpoch: 0, task: `${flow}-0`, registeredAtMs: 1 };
}

/** A registry whose reads are released by hand, so the test decides what each read sees and when. */
class FakeRegistry implements RegistryReader {
  readonly entries: ProducerRegistration[] = [];
  private delivered = 0;
  readsStarted = 0;
  private gates: Array<() => void> = [];
  gated = false;

  async readToEnd(onEntry: (e: ProducerRegistration) => void): Promise<void> {
    this.readsStarted++;
    const end = this.entries.length; // the high watermark as of the read's start
    if (this.gated) await new Promise<void>((resolve) => this.gates.push(resolve));
    for (; this.delivered < end; this.delivered++) onEntry(this.entries[this.delivered]!);
  }

  release(): void {
    for (const g of this.gates.splice(0)) g();
  }
}

function kept(producerId: number, offset: number): KeptBatch {
  const batch = encodeRecordBatchSync({
    baseOffset: offset,
    producerId,
    producerEpoch: producerId < 0 ? -1 : 0,
    baseSequence: producerId < 0 ? -1 : 0,
    records: [{ value: Buffer.from(`v${offset}`) }],
  });
  return { batch, baseOffset: offset, lastOffset: offset };
}

describe('ProducerIdClassifier', () => {
  it('reads the registry for an unknown id only, caches both answers, and never matches -1', async () => {
    const registry = new FakeRegistry();
    registry.entries.push(entry('west->east', 7), entry('south->east', 8));
    const c = new ProducerIdClassifier(registry, (e) => e.source === 'west');
    expect(c.lookup(7)).toBeUndefined();
    expect(await c.matches(7)).toBe(true);
    expect(await c.matches(8)).toBe(false);
    expect(await c.matches(100)).toBe(false); // a producer of the cluster's own: absent after a fresh read
    expect(registry.readsStarted).toBe(2);
    expect(await c.matches(7)).toBe(true);
    expect(await c.matches(100)).toBe(false);
    expect(await c.matches(-1)).toBe(false);
    expect(registry.readsStarted).toBe(2);
  });

  it('never decides on a read that started before the batch was seen', async () => {
    const registry = new FakeRegistry();
    const c = new ProducerIdClassifier(registry, () => true);
    registry.gated = true;
    const early = c.refresh();
    while (registry.readsStarted < 1) await Promise.resolve();
    // That read took its end before id 9 was registered; now 9 is registered and seen in a batch.
    registry.entries.push(entry('west->east', 9));
    const decision = c.matches(9);
    registry.release();
    await early;
    expect(c.lookup(9)).toBeUndefined();
    while (registry.readsStarted < 2) await Promise.resolve();
    registry.release();
    expect(await decision).toBe(true);
    expect(registry.readsStarted).toBe(2);
  });

  it('shares a read that has not started yet between callers', async () => {
    const registry = new FakeRegistry();
    registry.entries.push(entry('west->east', 3));
    const c = new ProducerIdClassifier(registry, () => true);
    const [a, b] = await Promise.all([c.matches(3), c.matches(4)]);
    expect([a, b]).toEqual([true, false]);
    expect(registry.readsStarted).toBe(1);
  });
});

describe('MirrorLoopGuard', () => {
  it("drops the reverse flow's writes from the source batches and keeps the rest in order", async () => {
    const unusedClient = {
      fetch: () => Promise.reject(new Error('not used')),
      listOffsets: () => Promise.reject(new Error('not used')),
      produce: () => Promise.reject(new Error('not used')),
    };
    const guard = new MirrorLoopGuard({
      sourceAlias: 'west',
      targetAlias: 'east',
      taskId: 'west->east-0',
      source: unusedClient,
      target: unusedClient,
    });
    const registry = new FakeRegistry();
    // west's registry: east->west wrote with 5 and 6; a chain flow north->west with 11.
    registry.entries.push(entry('east->west', 5), entry('north->west', 11), entry('east->west', 6));
    const reverse = new ProducerIdClassifier(registry, (e) => e.source === 'east' && e.target === 'west');
    Object.defineProperty(guard, 'reverseWrites', { value: reverse });

    const batches = [kept(20, 0), kept(5, 1), kept(-1, 2), kept(11, 3), kept(6, 4), kept(21, 5)];
    const copied = await guard.withoutReverseWrites(batches);
    expect(copied.map((b) => b.baseOffset)).toEqual([0, 2, 3, 5]);

    const mine = [kept(20, 6), kept(-1, 7)];
    expect(await guard.withoutReverseWrites(mine)).toBe(mine); // nothing dropped: no copy
  });
});
