import { describe, expect, it } from 'vitest';
import {
  BlockProducerIdManager,
  type ProducerIdBlock,
  type ProducerIdBlockAllocator,
} from '../../../../src/cluster/transaction/producer-id-manager.js';

class FakeAllocator implements ProducerIdBlockAllocator {
  calls = 0;
  constructor(private readonly blocks: ProducerIdBlock[]) {}
  async allocateProducerIdBlock(): Promise<ProducerIdBlock> {
    const b = this.blocks[this.calls++];
    if (!b) throw new Error('no more blocks');
    return b;
  }
}

describe('BlockProducerIdManager', () => {
  it('hands out ids in order across blocks', async () => {
    const alloc = new FakeAllocator([
      { firstProducerId: 0, size: 3 },
      { firstProducerId: 3000, size: 2 },
    ]);
    const m = new BlockProducerIdManager(alloc, { prefetchRatio: 1 });
    const got: number[] = [];
    for (let i = 0; i < 5; i++) got.push(await m.generateProducerId());
    expect(got).toEqual([0, 1, 2, 3000, 3001]);
  });

  it('shares one block fetch among concurrent callers and never repeats an id', async () => {
    const alloc = new FakeAllocator([
      { firstProducerId: 10, size: 4 },
      { firstProducerId: 14, size: 4 },
    ]);
    const m = new BlockProducerIdManager(alloc);
    const got = await Promise.all(Array.from({ length: 8 }, () => m.generateProducerId()));
    expect(new Set(got).size).toBe(8);
    // Unshared fetches would have asked for more blocks than the allocator has, and rejected.
    expect([...got].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17]);
  });

  it('prefetches the next block before the current one runs out', async () => {
    const alloc = new FakeAllocator([
      { firstProducerId: 0, size: 10 },
      { firstProducerId: 10, size: 10 },
    ]);
    const m = new BlockProducerIdManager(alloc, { prefetchRatio: 0.5 });
    for (let i = 0; i < 5; i++) await m.generateProducerId();
    expect(alloc.calls).toBe(2);
  });

  it('refuses a block that overlaps ids already handed out', async () => {
    const alloc = new FakeAllocator([
      { firstProducerId: 100, size: 2 },
      { firstProducerId: 101, size: 2 },
    ]);
    const m = new BlockProducerIdManager(alloc, { prefetchRatio: 1 });
    await m.generateProducerId();
    await m.generateProducerId();
    await expect(m.generateProducerId()).rejects.toThrow(/overlaps/);
  });

  it('passes an allocation failure on and recovers on the next call', async () => {
    let fail = true;
    const m = new BlockProducerIdManager({
      allocateProducerIdBlock: async () => {
        if (fail) throw new Error('controller unreachable');
        return { firstProducerId: 7, size: 1 };
      },
    });
    await expect(m.generateProducerId()).rejects.toThrow(/unreachable/);
    fail = false;
    expect(await m.generateProducerId()).toBe(7);
  });
});
