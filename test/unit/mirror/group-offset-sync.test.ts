import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/common/logger.js';
import type { Checkpoint } from '../../../src/mirror/formats/index.js';
import type { GroupOffset, GroupOffsetCommitter } from '../../../src/mirror/group-offset-committer.js';
import { GroupOffsetSync } from '../../../src/mirror/group-offset-sync.js';

interface TargetGroup {
  state: string;
  members: number;
  /** `<topic>:<partition>` → committed offset */
  offsets: Map<string, number>;
}

function targetAdmin(groups: Map<string, TargetGroup>): Admin {
  const fake = {
    describeGroups: async (ids: string[]) => ({
      groups: ids.map((groupId) => {
        const g = groups.get(groupId);
        return {
          groupId,
          state: g?.state ?? 'Dead',
          members: Array.from({ length: g?.members ?? 0 }, (_, i) => ({ memberId: `m${i}` })),
          protocol: '',
          protocolType: 'consumer',
        };
      }),
    }),
    fetchOffsets: async ({ groupId, topics }: { groupId: string; topics: string[] }) =>
      topics.map((topic) => ({
        topic,
        partitions: [0, 1, 2].map((partition) => ({
          partition,
          offset: String(groups.get(groupId)?.offsets.get(`${topic}:${partition}`) ?? -1),
          metadata: null,
        })),
      })),
  };
  return fake as unknown as Admin;
}

class RecordingCommitter implements GroupOffsetCommitter {
  readonly commits: Array<{ group: string; offsets: GroupOffset[] }> = [];
  failWith: Error | undefined;

  async commit(group: string, offsets: readonly GroupOffset[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.commits.push({ group, offsets: [...offsets] });
  }
}

function checkpoint(group: string, partition: number, downstreamOffset: number): Checkpoint {
  return {
    group,
    topic: 'east.orders',
    partition,
    upstreamOffset: downstreamOffset + 4,
    downstreamOffset,
    metadata: '',
  };
}

function checkpoints(...list: Checkpoint[]): Map<string, Map<string, Checkpoint>> {
  const out = new Map<string, Map<string, Checkpoint>>();
  for (const c of list) {
    const g = out.get(c.group) ?? new Map<string, Checkpoint>();
    g.set(`${c.topic}:${c.partition}`, c);
    out.set(c.group, g);
  }
  return out;
}

describe('GroupOffsetSync', () => {
  it('commits translated offsets into idle or unknown groups, only where they are ahead', async () => {
    const groups = new Map<string, TargetGroup>([
      [
        'billing',
        {
          state: 'Empty',
          members: 0,
          offsets: new Map([
            ['east.orders:0', 9],
            ['east.orders:1', 2],
          ]),
        },
      ],
    ]);
    const committer = new RecordingCommitter();
    const sync = new GroupOffsetSync({
      target: targetAdmin(groups),
      committer,
      checkpoints: () =>
        checkpoints(
          checkpoint('billing', 0, 7),
          checkpoint('billing', 1, 5),
          checkpoint('billing', 2, 1),
          checkpoint('fresh', 0, 3),
        ),
      logger: silentLogger,
    });
    const outcomes = await sync.sync();
    expect(outcomes.map((o) => [o.group, o.result, Object.fromEntries(o.committed)])).toEqual([
      // Partition 0 is at 9 on the target, ahead of the checkpoint's 7: never moved backwards.
      ['billing', 'synced', { 'east.orders:1': 5, 'east.orders:2': 1 }],
      ['fresh', 'synced', { 'east.orders:0': 3 }],
    ]);
    expect(
      committer.commits.map((c) => [c.group, c.offsets.map((o) => `${o.topic}:${o.partition}@${o.offset}`)]),
    ).toEqual([
      ['billing', ['east.orders:1@5', 'east.orders:2@1']],
      ['fresh', ['east.orders:0@3']],
    ]);
  });

  it('leaves groups with members on the target alone', async () => {
    for (const state of ['Stable', 'PreparingRebalance', 'CompletingRebalance']) {
      const committer = new RecordingCommitter();
      const sync = new GroupOffsetSync({
        target: targetAdmin(new Map([['billing', { state, members: 1, offsets: new Map() }]])),
        committer,
        checkpoints: () => checkpoints(checkpoint('billing', 0, 7)),
        logger: silentLogger,
      });
      expect((await sync.sync()).map((o) => o.result)).toEqual(['active']);
      expect(committer.commits).toEqual([]);
    }
  });

  it("reports 'current' when nothing is ahead and 'failed' when the commit is refused", async () => {
    const groups = new Map([
      ['billing', { state: 'Empty', members: 0, offsets: new Map([['east.orders:0', 7]]) }],
    ]);
    const committer = new RecordingCommitter();
    const sync = new GroupOffsetSync({
      target: targetAdmin(groups),
      committer,
      checkpoints: () => checkpoints(checkpoint('billing', 0, 7)),
      logger: silentLogger,
    });
    expect((await sync.sync())[0]?.result).toBe('current');
    groups.get('billing')!.offsets.clear();
    committer.failWith = new Error('UNKNOWN_MEMBER_ID');
    expect((await sync.sync())[0]?.result).toBe('failed');
  });
});
