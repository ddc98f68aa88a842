import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ClockScheduler,
  decodeConsumerOffsetsKey,
  decodeGroupMetadataValue,
  GroupCoordinator,
  type GroupCoordinatorConfig,
  type JoinGroupRequest,
  type JoinGroupResult,
} from '../../../../src/cluster/group/index.js';
import type {
  TxnOffsetCommitParams,
  TxnOffsetCommitTopicResult,
} from '../../../../src/cluster/transaction/index.js';
import { ManualClock } from '../../../../src/common/clock.js';
import { ERROR_CODES, KafkaError } from '../../../../src/protocol/errors/index.js';
import { InMemoryConsumerOffsetsStore } from './in-memory-offsets-store.js';

const C = Object.fromEntries(Object.entries(ERROR_CODES).map(([k, v]) => [k, v.code])) as Record<
  keyof typeof ERROR_CODES,
  number
>;

const PARTITIONS = 4;
const SESSION_MS = 10_000;
const REBALANCE_MS = 30_000;

/** ConsumerProtocolSubscription v0: version, topics, user data. */
function subscription(...topics: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 0])];
  const n = Buffer.alloc(4);
  n.writeInt32BE(topics.length);
  parts.push(n);
  for (const t of topics) {
    const len = Buffer.alloc(2);
    len.writeInt16BE(Buffer.byteLength(t));
    parts.push(len, Buffer.from(t));
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  return Buffer.concat(parts);
}

class Harness {
  readonly clock = new ManualClock();
  readonly scheduler = new ClockScheduler(this.clock);
  private uuid = 0;
  coordinator: GroupCoordinator;

  constructor(
    readonly store = new InMemoryConsumerOffsetsStore(),
    readonly config: Partial<GroupCoordinatorConfig> = {},
  ) {
    this.coordinator = this.newCoordinator();
  }

  newCoordinator(): GroupCoordinator {
    return new GroupCoordinator({
      store: this.store,
      clock: this.clock,
      scheduler: this.scheduler,
      config: { offsetsTopicNumPartitions: PARTITIONS, groupInitialRebalanceDelayMs: 0, ...this.config },
      newUuid: () => `uuid${++this.uuid}`,
    });
  }

  async loadAll(): Promise<void> {
    for (let p = 0; p < PARTITIONS; p++) await this.coordinator.onBecomeLeader(p);
  }

  /** Moves time and fires due timers, then lets the promises they resolved settle. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    this.scheduler.poll();
    await settle();
  }

  join(groupId: string, clientId: string, memberId = '', extra: Partial<JoinGroupRequest> = {}) {
    return this.coordinator.joinGroup({
      groupId,
      memberId,
      groupInstanceId: null,
      clientId,
      clientHost: '/127.0.0.1',
      sessionTimeoutMs: SESSION_MS,
      rebalanceTimeoutMs: REBALANCE_MS,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription('orders') }],
      requireKnownMemberId: true,
      ...extra,
    });
  }

  /** Three members through the MEMBER_ID_REQUIRED round, the join, and the leader's SyncGroup. */
  async formGroup(groupId: string, clients = ['a', 'b', 'c']) {
    const ids: string[] = [];
    for (const c of clients) {
      const r = await this.join(groupId, c);
      expect(r.errorCode).toBe(C.MEMBER_ID_REQUIRED);
      ids.push(r.memberId);
    }
    const joins = await Promise.all(clients.map((c, i) => this.join(groupId, c, ids[i]!)));
    const synced = await this.syncAll(groupId, joins);
    return { ids, joins, synced };
  }

  async syncAll(groupId: string, joins: JoinGroupResult[]) {
    const leader = joins.find((j) => j.members.length > 0)!;
    const assignments = leader.members.map((m) => ({
      memberId: m.memberId,
      assignment: Buffer.from(`to:${m.memberId}`),
    }));
    return Promise.all(
      joins.map((j) =>
        this.coordinator.syncGroup({
          groupId,
          generationId: j.generationId,
          memberId: j.memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocolName: 'range',
          assignments: j === leader ? assignments : [],
        }),
      ),
    );
  }

  heartbeat(groupId: string, memberId: string, generationId: number, groupInstanceId: string | null = null) {
    return this.coordinator.heartbeat({ groupId, memberId, generationId, groupInstanceId });
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether a promise has settled, without waiting on time. */
async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await settle();
  return done;
}

let h: Harness;

beforeEach(async () => {
  h = new Harness();
  await h.loadAll();
});

afterEach(() => {
  h.coordinator.shutdown();
});

describe('GroupCoordinator: membership', () => {
  it('forms a three-member group: MEMBER_ID_REQUIRED round, leader assigns, each member gets its own', async () => {
    const { ids, joins, synced } = await h.formGroup('g1');
    expect(ids).toEqual(['a-uuid1', 'b-uuid2', 'c-uuid3']);
    for (const j of joins) {
      expect(j.errorCode).toBe(C.NONE);
      expect(j.generationId).toBe(1);
      expect(j.protocolName).toBe('range');
      expect(j.leader).toBe(joins[0]!.leader);
    }
    const leaders = joins.filter((j) => j.members.length > 0);
    expect(leaders).toHaveLength(1);
    expect(leaders[0]!.memberId).toBe(leaders[0]!.leader);
    expect(leaders[0]!.members.map((m) => m.memberId).sort()).toEqual([...ids].sort());
    expect(leaders[0]!.members[0]!.metadata).toEqual(subscription('orders'));
    expect(synced.map((s) => s.errorCode)).toEqual([C.NONE, C.NONE, C.NONE]);
    expect(synced.map((s) => s.assignment.toString())).toEqual(ids.map((id) => `to:${id}`));
    expect(h.coordinator.describeGroups(['g1'])[0]!.groupState).toBe('Stable');
    for (const id of ids) expect(h.heartbeat('g1', id, 1)).toBe(C.NONE);
  });

  it('rejects an unknown member, a bad session timeout and an inconsistent protocol', async () => {
    expect((await h.join('g2', 'x', 'nobody')).errorCode).toBe(C.UNKNOWN_MEMBER_ID);
    expect((await h.join('g2', 'x', '', { sessionTimeoutMs: 10 })).errorCode).toBe(C.INVALID_SESSION_TIMEOUT);
    expect((await h.join('g2', 'x', '', { protocols: [] })).errorCode).toBe(C.INCONSISTENT_GROUP_PROTOCOL);
    expect(h.coordinator.listGroups().groups).toEqual([]);
    await h.formGroup('g2', ['a']);
    const other = await h.join('g2', 'z', '', {
      requireKnownMemberId: false,
      protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }],
    });
    expect(other.errorCode).toBe(C.INCONSISTENT_GROUP_PROTOCOL);
    expect((await h.join('g2', 'z', '', { protocolType: 'connect' })).errorCode).toBe(
      C.INCONSISTENT_GROUP_PROTOCOL,
    );
  });

  it('selects the protocol every member supports, by vote', async () => {
    h.coordinator.shutdown();
    h = new Harness(undefined, { groupInitialRebalanceDelayMs: 3000 });
    await h.loadAll();
    const rr = { name: 'roundrobin', metadata: Buffer.from('rr') };
    const range = { name: 'range', metadata: Buffer.from('r') };
    const sticky = { name: 'sticky', metadata: Buffer.from('s') };
    const opts = { requireKnownMemberId: false };
    const joins = Promise.all([
      h.join('g3', 'a', '', { ...opts, protocols: [sticky, rr, range] }),
      h.join('g3', 'b', '', { ...opts, protocols: [rr, range] }),
      h.join('g3', 'c', '', { ...opts, protocols: [range, rr] }),
    ]);
    // b and c arrived during the first delay, so the join waits one more delay.
    await h.advance(3000);
    expect(await isSettled(joins)).toBe(false);
    await h.advance(3000);
    // sticky is not supported by b and c; roundrobin has the votes of a and b, range only c's.
    const results = await joins;
    for (const r of results) expect(r.protocolName).toBe('roundrobin');
    const leader = results.find((r) => r.members.length > 0)!;
    expect(leader.members.find((m) => m.memberId === results[2]!.memberId)!.metadata.toString()).toBe('rr');
  });

  it('a member leaving triggers a rebalance; the others rejoin at the next generation', async () => {
    const { ids } = await h.formGroup('g4');
    const left = h.coordinator.leaveGroup({
      groupId: 'g4',
      members: [{ memberId: ids[2]!, groupInstanceId: null }],
    });
    expect(left).toEqual({
      errorCode: C.NONE,
      members: [{ memberId: ids[2], groupInstanceId: null, errorCode: C.NONE }],
    });
    expect(h.heartbeat('g4', ids[0]!, 1)).toBe(C.REBALANCE_IN_PROGRESS);
    const ja = h.join('g4', 'a', ids[0]!);
    expect(await isSettled(ja)).toBe(false);
    const jb = h.join('g4', 'b', ids[1]!);
    const [ra, rb] = await Promise.all([ja, jb]);
    expect(ra.generationId).toBe(2);
    expect(rb.generationId).toBe(2);
    const leader = [ra, rb].find((r) => r.members.length > 0)!;
    expect(leader.members.map((m) => m.memberId).sort()).toEqual([ids[0], ids[1]].sort());
    const synced = await h.syncAll('g4', [ra, rb]);
    expect(synced.map((s) => s.errorCode)).toEqual([C.NONE, C.NONE]);
    expect(h.heartbeat('g4', ids[2]!, 2)).toBe(C.UNKNOWN_MEMBER_ID);
    expect(h.heartbeat('g4', ids[0]!, 1)).toBe(C.ILLEGAL_GENERATION);
  });

  it('removes members that do not rejoin within the rebalance timeout', async () => {
    const { ids } = await h.formGroup('g5');
    h.coordinator.leaveGroup({ groupId: 'g5', members: [{ memberId: ids[2]!, groupInstanceId: null }] });
    const ja = h.join('g5', 'a', ids[0]!);
    // b keeps its session alive by heartbeating, but never rejoins.
    for (let t = 0; t < REBALANCE_MS - 5000; t += 5000) {
      await h.advance(5000);
      expect(h.heartbeat('g5', ids[1]!, 1)).toBe(C.REBALANCE_IN_PROGRESS);
    }
    await h.advance(4999);
    expect(await isSettled(ja)).toBe(false);
    await h.advance(1);
    const ra = await ja;
    expect(ra.generationId).toBe(2);
    expect(ra.leader).toBe(ids[0]);
    expect(ra.members.map((m) => m.memberId)).toEqual([ids[0]]);
    expect(h.heartbeat('g5', ids[1]!, 2)).toBe(C.UNKNOWN_MEMBER_ID);
  });

  it('expires a member whose session times out and rebalances the rest', async () => {
    const { ids } = await h.formGroup('g6');
    await h.advance(SESSION_MS - 1);
    expect(h.heartbeat('g6', ids[0]!, 1)).toBe(C.NONE);
    expect(h.heartbeat('g6', ids[1]!, 1)).toBe(C.NONE);
    await h.advance(1); // c never heartbeated: its session ends now
    expect(h.coordinator.describeGroups(['g6'])[0]!.members.map((m) => m.memberId)).toEqual([ids[0], ids[1]]);
    expect(h.heartbeat('g6', ids[0]!, 1)).toBe(C.REBALANCE_IN_PROGRESS);
    expect(h.heartbeat('g6', ids[2]!, 1)).toBe(C.UNKNOWN_MEMBER_ID);
    const [ra, rb] = await Promise.all([h.join('g6', 'a', ids[0]!), h.join('g6', 'b', ids[1]!)]);
    expect([ra.generationId, rb.generationId]).toEqual([2, 2]);
  });

  it('waits group.initial.rebalance.delay.ms for a new group, extended while members arrive', async () => {
    h.coordinator.shutdown();
    h = new Harness(undefined, { groupInitialRebalanceDelayMs: 3000 });
    await h.loadAll();
    const opts = { requireKnownMemberId: false };
    const a = h.join('g7', 'a', '', opts);
    await h.advance(1000);
    const b = h.join('g7', 'b', '', opts);
    await h.advance(2000); // first delay over, but b arrived meanwhile: wait another delay
    expect(await isSettled(a)).toBe(false);
    await h.advance(2999);
    expect(await isSettled(a)).toBe(false);
    await h.advance(1);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
  });

  it('gives a stale SyncGroup REBALANCE_IN_PROGRESS when a member joins before the leader syncs', async () => {
    const ids: string[] = [];
    for (const c of ['a', 'b']) ids.push((await h.join('g8', c)).memberId);
    const joins = await Promise.all([h.join('g8', 'a', ids[0]!), h.join('g8', 'b', ids[1]!)]);
    const follower = joins.find((j) => j.members.length === 0)!;
    const sync = h.coordinator.syncGroup({
      groupId: 'g8',
      generationId: 1,
      memberId: follower.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [],
    });
    expect(await isSettled(sync)).toBe(false);
    void h.join('g8', 'c', '', { requireKnownMemberId: false });
    expect((await sync).errorCode).toBe(C.REBALANCE_IN_PROGRESS);
  });

  it('lets a static member rejoin with a new member id without a rebalance, and fences the old id', async () => {
    const join = (memberId: string) => h.join('s1', 'app', memberId, { groupInstanceId: 'instance-1' });
    const first = await join('');
    expect(first.errorCode).toBe(C.NONE); // static members skip MEMBER_ID_REQUIRED
    expect(first.memberId).toBe('instance-1-uuid1');
    await h.syncAll('s1', [first]);
    const before = h.store.appendCount;

    const again = await join('');
    expect(again.errorCode).toBe(C.NONE);
    expect(again.memberId).toBe('instance-1-uuid2');
    expect(again.generationId).toBe(1);
    expect(again.leader).toBe(again.memberId);
    expect(again.skipAssignment).toBe(true);
    expect(h.coordinator.describeGroups(['s1'])[0]!.groupState).toBe('Stable');
    // The replacement was written, under the new id, before it was answered.
    expect(h.store.appendCount).toBe(before + 1);
    const last = h.store.records(h.coordinator.partitionFor('s1')).at(-1)!;
    expect(decodeGroupMetadataValue(last.value!).members[0]!.memberId).toBe(again.memberId);

    expect(h.heartbeat('s1', first.memberId, 1, 'instance-1')).toBe(C.FENCED_INSTANCE_ID);
    expect(h.heartbeat('s1', again.memberId, 1, 'instance-1')).toBe(C.NONE);
    const sync = await h.coordinator.syncGroup({
      groupId: 's1',
      generationId: 1,
      memberId: again.memberId,
      groupInstanceId: 'instance-1',
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [],
    });
    expect(sync.assignment.toString()).toBe(`to:${first.memberId}`);
  });

  it('removes a static member by instance id alone in a batch leave, with per-member errors', async () => {
    const first = await h.join('s2', 'app', '', { groupInstanceId: 'i1' });
    await h.syncAll('s2', [first]);
    const res = h.coordinator.leaveGroup({
      groupId: 's2',
      members: [
        { memberId: '', groupInstanceId: 'i1' },
        { memberId: 'ghost', groupInstanceId: null },
      ],
    });
    expect(res.members.map((m) => m.errorCode)).toEqual([C.NONE, C.UNKNOWN_MEMBER_ID]);
    await settle();
    expect(h.coordinator.describeGroups(['s2'])[0]!.groupState).toBe('Empty');
  });
});

describe('GroupCoordinator: offsets', () => {
  it('commits and fetches offsets of a group member; -1 for partitions without one', async () => {
    const { ids } = await h.formGroup('o1', ['a']);
    const res = await h.coordinator.commitOffsets({
      groupId: 'o1',
      generationId: 1,
      memberId: ids[0]!,
      groupInstanceId: null,
      offsets: [
        { topic: 'orders', partition: 0, offset: 42, leaderEpoch: 3, metadata: 'm' },
        { topic: 'orders', partition: 1, offset: 7, leaderEpoch: -1, metadata: null },
        { topic: 'orders', partition: 2, offset: 9, leaderEpoch: -1, metadata: 'x'.repeat(4097) },
      ],
    });
    expect(res.map((r) => r.errorCode)).toEqual([C.NONE, C.NONE, C.OFFSET_METADATA_TOO_LARGE]);
    const fetched = h.coordinator.fetchOffsets({
      groupId: 'o1',
      partitions: [
        { topic: 'orders', partition: 0 },
        { topic: 'orders', partition: 1 },
        { topic: 'orders', partition: 2 },
      ],
    });
    expect(fetched.partitions).toEqual([
      { topic: 'orders', partition: 0, offset: 42, leaderEpoch: 3, metadata: 'm', errorCode: C.NONE },
      { topic: 'orders', partition: 1, offset: 7, leaderEpoch: -1, metadata: '', errorCode: C.NONE },
      { topic: 'orders', partition: 2, offset: -1, leaderEpoch: -1, metadata: '', errorCode: C.NONE },
    ]);
    expect(h.coordinator.fetchOffsets({ groupId: 'o1' }).partitions).toHaveLength(2);
    expect(h.coordinator.fetchOffsets({ groupId: 'nobody' }).partitions).toEqual([]);
  });

  it('validates the committer: generation, member, simple commits, CompletingRebalance', async () => {
    const commit = (generationId: number, memberId: string, groupId = 'o2') =>
      h.coordinator.commitOffsets({
        groupId,
        generationId,
        memberId,
        groupInstanceId: null,
        offsets: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: '' }],
      });
    expect((await commit(3, 'm', 'unknown-group'))[0]!.errorCode).toBe(C.ILLEGAL_GENERATION);
    expect((await commit(-1, '', 'simple'))[0]!.errorCode).toBe(C.NONE);
    expect(h.coordinator.listGroups().groups).toEqual([
      { groupId: 'simple', protocolType: '', groupState: 'Empty' },
    ]);

    const ids: string[] = [];
    for (const c of ['a', 'b']) ids.push((await h.join('o2', c)).memberId);
    const joins = await Promise.all([h.join('o2', 'a', ids[0]!), h.join('o2', 'b', ids[1]!)]);
    expect((await commit(1, ids[0]!))[0]!.errorCode).toBe(C.REBALANCE_IN_PROGRESS);
    await h.syncAll('o2', joins);
    expect((await commit(1, ids[0]!))[0]!.errorCode).toBe(C.NONE);
    expect((await commit(0, ids[0]!))[0]!.errorCode).toBe(C.ILLEGAL_GENERATION);
    expect((await commit(1, 'stranger'))[0]!.errorCode).toBe(C.UNKNOWN_MEMBER_ID);
    expect((await commit(-1, ''))[0]!.errorCode).toBe(C.UNKNOWN_MEMBER_ID);
  });

  it('maps a failed append to the code Kafka answers and keeps the old offset', async () => {
    const commit = (offset: number) =>
      h.coordinator.commitOffsets({
        groupId: 'o3',
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        offsets: [{ topic: 't', partition: 0, offset, leaderEpoch: -1, metadata: '' }],
      });
    await commit(5);
    h.store.failNextAppend(new KafkaError('NOT_ENOUGH_REPLICAS'));
    expect((await commit(6))[0]!.errorCode).toBe(C.COORDINATOR_NOT_AVAILABLE);
    h.store.failNextAppend(new KafkaError('NOT_LEADER_OR_FOLLOWER'));
    expect((await commit(6))[0]!.errorCode).toBe(C.NOT_COORDINATOR);
    expect(
      h.coordinator.fetchOffsets({ groupId: 'o3', partitions: [{ topic: 't', partition: 0 }] }).partitions[0]!
        .offset,
    ).toBe(5);
  });

  it('deletes offsets, refusing topics a member is subscribed to', async () => {
    const { ids } = await h.formGroup('o4', ['a']);
    await h.coordinator.commitOffsets({
      groupId: 'o4',
      generationId: 1,
      memberId: ids[0]!,
      groupInstanceId: null,
      offsets: [
        { topic: 'orders', partition: 0, offset: 1, leaderEpoch: -1, metadata: '' },
        { topic: 'old', partition: 0, offset: 2, leaderEpoch: -1, metadata: '' },
      ],
    });
    const res = await h.coordinator.deleteOffsets({
      groupId: 'o4',
      partitions: [
        { topic: 'orders', partition: 0 },
        { topic: 'old', partition: 0 },
      ],
    });
    expect(res).toEqual({
      errorCode: C.NONE,
      partitions: [
        { topic: 'orders', partition: 0, errorCode: C.GROUP_SUBSCRIBED_TO_TOPIC },
        { topic: 'old', partition: 0, errorCode: C.NONE },
      ],
    });
    expect(h.coordinator.fetchOffsets({ groupId: 'o4' }).partitions.map((p) => p.topic)).toEqual(['orders']);
    const last = h.store.records(h.coordinator.partitionFor('o4')).at(-1)!;
    expect(last.value).toBeNull();
    expect(decodeConsumerOffsetsKey(last.key)).toEqual({
      type: 'offset',
      group: 'o4',
      topic: 'old',
      partition: 0,
    });
    expect((await h.coordinator.deleteOffsets({ groupId: 'none', partitions: [] })).errorCode).toBe(
      C.GROUP_ID_NOT_FOUND,
    );
  });
});

describe('GroupCoordinator: persistence and partitions', () => {
  it('restores offsets and group metadata after a restart over the same store', async () => {
    const { ids, synced } = await h.formGroup('r1');
    await h.coordinator.commitOffsets({
      groupId: 'r1',
      generationId: 1,
      memberId: ids[0]!,
      groupInstanceId: null,
      offsets: [{ topic: 'orders', partition: 3, offset: 100, leaderEpoch: 2, metadata: 'meta' }],
    });
    await h.coordinator.commitOffsets({
      groupId: 'r1',
      generationId: 1,
      memberId: ids[0]!,
      groupInstanceId: null,
      offsets: [{ topic: 'orders', partition: 3, offset: 120, leaderEpoch: 2, metadata: 'meta2' }],
    });
    const before = h.coordinator.describeGroups(['r1'])[0]!;
    h.coordinator.shutdown();

    h.coordinator = h.newCoordinator();
    expect(h.heartbeat('r1', ids[0]!, 1)).toBe(C.NOT_COORDINATOR);
    await h.loadAll();
    const after = h.coordinator.describeGroups(['r1'])[0]!;
    expect(after).toEqual(before);
    expect(after.groupState).toBe('Stable');
    expect(after.members.map((m) => m.assignment.toString())).toEqual(
      synced.map((s) => s.assignment.toString()),
    );
    expect(h.coordinator.fetchOffsets({ groupId: 'r1' }).partitions).toEqual([
      { topic: 'orders', partition: 3, offset: 120, leaderEpoch: 2, metadata: 'meta2', errorCode: C.NONE },
    ]);
    expect(h.heartbeat('r1', ids[1]!, 1)).toBe(C.NONE);
    // Loaded members have sessions: those that never heartbeat again expire, and the group rebalances.
    await h.advance(SESSION_MS - 1);
    expect(h.heartbeat('r1', ids[1]!, 1)).toBe(C.NONE);
    await h.advance(1);
    expect(h.heartbeat('r1', ids[1]!, 1)).toBe(C.REBALANCE_IN_PROGRESS);
    expect(h.heartbeat('r1', ids[0]!, 1)).toBe(C.UNKNOWN_MEMBER_ID);
  });

  it('restores an emptied group at its last generation and forgets a deleted one', async () => {
    const { ids } = await h.formGroup('r2', ['a']);
    await h.coordinator.commitOffsets({
      groupId: 'r2',
      generationId: 1,
      memberId: ids[0]!,
      groupInstanceId: null,
      offsets: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: '' }],
    });
    h.coordinator.leaveGroup({ groupId: 'r2', members: [{ memberId: ids[0]!, groupInstanceId: null }] });
    await settle();
    await h.coordinator.commitOffsets({
      groupId: 'gone',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      offsets: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: '' }],
    });
    expect(await h.coordinator.deleteGroups(['gone', 'r2x'])).toEqual([
      { groupId: 'gone', errorCode: C.NONE },
      { groupId: 'r2x', errorCode: C.GROUP_ID_NOT_FOUND },
    ]);
    h.coordinator.shutdown();
    h.coordinator = h.newCoordinator();
    await h.loadAll();
    expect(h.coordinator.listGroups().groups).toEqual([
      { groupId: 'r2', protocolType: 'consumer', groupState: 'Empty' },
    ]);
    const [g] = await Promise.all([h.join('r2', 'a', '', { requireKnownMemberId: false })]);
    expect(g.generationId).toBe(3); // 1 formed, 2 emptied, 3 now
  });

  it('answers NOT_COORDINATOR for unowned partitions and COORDINATOR_LOAD_IN_PROGRESS while loading', async () => {
    const p = h.coordinator.partitionFor('l1');
    h.coordinator.onResign(p);
    expect((await h.join('l1', 'a')).errorCode).toBe(C.NOT_COORDINATOR);
    h.store.blockReads();
    const loading = h.coordinator.onBecomeLeader(p);
    expect((await h.join('l1', 'a')).errorCode).toBe(C.COORDINATOR_LOAD_IN_PROGRESS);
    expect(h.coordinator.fetchOffsets({ groupId: 'l1' }).errorCode).toBe(C.COORDINATOR_LOAD_IN_PROGRESS);
    expect(h.coordinator.listGroups().errorCode).toBe(C.COORDINATOR_LOAD_IN_PROGRESS);
    h.store.releaseReads();
    await loading;
    expect((await h.join('l1', 'a')).errorCode).toBe(C.MEMBER_ID_REQUIRED);
  });

  it('answers a parked JoinGroup with NOT_COORDINATOR when the partition moves away', async () => {
    const { ids } = await h.formGroup('l2', ['a', 'b']);
    const ja = h.join('l2', 'a', ids[0]!);
    await settle();
    h.coordinator.onResign(h.coordinator.partitionFor('l2'));
    expect((await ja).errorCode).toBe(C.NOT_COORDINATOR);
    expect(h.heartbeat('l2', ids[1]!, 1)).toBe(C.NOT_COORDINATOR);
  });
});

describe('GroupCoordinator: describe, list, delete', () => {
  it('describes, lists with a state filter, and deletes only empty groups', async () => {
    const { ids } = await h.formGroup('d1', ['a']);
    await h.coordinator.commitOffsets({
      groupId: 'd2',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      offsets: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: '' }],
    });
    const [d1, missing] = h.coordinator.describeGroups(['d1', 'nope']);
    expect(d1).toMatchObject({
      groupId: 'd1',
      errorCode: C.NONE,
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
    });
    expect(d1!.members).toEqual([
      {
        memberId: ids[0],
        groupInstanceId: null,
        clientId: 'a',
        clientHost: '/127.0.0.1',
        metadata: subscription('orders'),
        assignment: Buffer.from(`to:${ids[0]}`),
      },
    ]);
    expect(missing).toMatchObject({ errorCode: C.NONE, groupState: 'Dead', members: [] });
    expect(h.coordinator.listGroups(['stable']).groups.map((g) => g.groupId)).toEqual(['d1']);
    expect(h.coordinator.listGroups(['Empty']).groups.map((g) => g.groupId)).toEqual(['d2']);
    expect(h.coordinator.listGroups().groups).toHaveLength(2);

    expect(await h.coordinator.deleteGroups(['d1', 'd2', 'nope'])).toEqual([
      { groupId: 'd1', errorCode: C.NON_EMPTY_GROUP },
      { groupId: 'd2', errorCode: C.NONE },
      { groupId: 'nope', errorCode: C.GROUP_ID_NOT_FOUND },
    ]);
    expect(h.coordinator.listGroups().groups.map((g) => g.groupId)).toEqual(['d1']);
    const tail = h.store.records(h.coordinator.partitionFor('d2')).slice(-2);
    expect(tail.map((r) => [decodeConsumerOffsetsKey(r.key), r.value])).toEqual([
      [{ type: 'offset', group: 'd2', topic: 't', partition: 0 }, null],
      [{ type: 'group', group: 'd2' }, null],
    ]);
  });
});

describe('GroupCoordinator: transactional offsets', () => {
  const PID = 4000;

  function txnCommit(
    groupId: string,
    offsets: Record<string, number>,
    extra: Partial<TxnOffsetCommitParams> = {},
  ) {
    const byTopic = new Map<
      string,
      { partition: number; offset: number; leaderEpoch: number; metadata: string }[]
    >();
    for (const [tp, offset] of Object.entries(offsets)) {
      const [topic, p] = tp.split(':') as [string, string];
      const list = byTopic.get(topic) ?? [];
      list.push({ partition: Number(p), offset, leaderEpoch: 3, metadata: 'txn' });
      byTopic.set(topic, list);
    }
    return h.coordinator.commitTxnOffsets({
      transactionalId: 'tx-1',
      groupId,
      producerId: PID,
      producerEpoch: 0,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      offsets: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      ...extra,
    });
  }

  function commit(groupId: string, topic: string, partition: number, offset: number) {
    return h.coordinator.commitOffsets({
      groupId,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      offsets: [{ topic, partition, offset, leaderEpoch: -1, metadata: null }],
    });
  }

  function fetched(groupId: string, requireStable = false) {
    const r = h.coordinator.fetchOffsets({
      groupId,
      partitions: [
        { topic: 'orders', partition: 0 },
        { topic: 'orders', partition: 1 },
      ],
      requireStable,
    });
    expect(r.errorCode).toBe(C.NONE);
    return r.partitions.map((p) => [p.offset, p.errorCode]);
  }

  /** The broker's marker path: the end marker lands in the log, then the coordinator is told. */
  function endTxn(groupId: string, committed: boolean, producerId = PID) {
    const partition = h.coordinator.partitionFor(groupId);
    h.store.appendMarker(partition, producerId, committed);
    h.coordinator.completeTxn(producerId, committed, partition);
  }

  async function restart(): Promise<void> {
    h.coordinator.shutdown();
    h.coordinator = h.newCoordinator();
    await h.loadAll();
  }

  it('writes a transactional batch, invisible to OffsetFetch (unstable with requireStable) until committed', async () => {
    const res = await txnCommit('t1', { 'orders:0': 42 });
    expect(res).toEqual([{ topic: 'orders', partitions: [{ partition: 0, errorCode: C.NONE }] }]);
    const last = h.store.records(h.coordinator.partitionFor('t1')).at(-1)!;
    expect(last).toMatchObject({ producerId: PID, transactional: true });
    expect(decodeConsumerOffsetsKey(last.key)).toMatchObject({
      type: 'offset',
      group: 't1',
      topic: 'orders',
    });

    expect(fetched('t1')).toEqual([
      [-1, C.NONE],
      [-1, C.NONE],
    ]);
    expect(fetched('t1', true)).toEqual([
      [-1, C.UNSTABLE_OFFSET_COMMIT],
      [-1, C.NONE],
    ]);
    expect(h.coordinator.describeGroups(['t1'])[0]!.groupState).toBe('Empty');

    endTxn('t1', true);
    expect(fetched('t1', true)).toEqual([
      [42, C.NONE],
      [-1, C.NONE],
    ]);
    expect(h.coordinator.fetchOffsets({ groupId: 't1' }).partitions[0]).toMatchObject({
      leaderEpoch: 3,
      metadata: 'txn',
    });
  });

  it('keeps the committed offset while a transaction is pending and drops aborted offsets', async () => {
    await commit('t2', 'orders', 0, 10);
    await txnCommit('t2', { 'orders:0': 20, 'orders:1': 21 });
    expect(fetched('t2')).toEqual([
      [10, C.NONE],
      [-1, C.NONE],
    ]);
    expect(h.coordinator.fetchOffsets({ groupId: 't2', requireStable: true }).partitions).toEqual([
      {
        topic: 'orders',
        partition: 0,
        offset: -1,
        leaderEpoch: -1,
        metadata: '',
        errorCode: C.UNSTABLE_OFFSET_COMMIT,
      },
    ]);
    endTxn('t2', false);
    expect(fetched('t2', true)).toEqual([
      [10, C.NONE],
      [-1, C.NONE],
    ]);
  });

  it('a non-transactional commit written after the transaction wins over its commit', async () => {
    await txnCommit('t3', { 'orders:0': 20, 'orders:1': 21 });
    await commit('t3', 'orders', 0, 30);
    endTxn('t3', true);
    expect(fetched('t3')).toEqual([
      [30, C.NONE],
      [21, C.NONE],
    ]);
    await restart();
    expect(fetched('t3')).toEqual([
      [30, C.NONE],
      [21, C.NONE],
    ]);
  });

  it('completeTxn is idempotent and touches only that producer on that partition', async () => {
    await txnCommit('t4', { 'orders:0': 5 });
    await txnCommit('t4', { 'orders:1': 6 }, { producerId: PID + 1 });
    const partition = h.coordinator.partitionFor('t4');
    h.coordinator.completeTxn(PID, true, (partition + 1) % PARTITIONS);
    expect(fetched('t4')).toEqual([
      [-1, C.NONE],
      [-1, C.NONE],
    ]);
    endTxn('t4', true);
    endTxn('t4', true);
    // A stray abort rewritten after a failover finds nothing pending and undoes nothing.
    h.coordinator.completeTxn(PID, false, partition);
    expect(fetched('t4', true)).toEqual([
      [5, C.NONE],
      [-1, C.UNSTABLE_OFFSET_COMMIT],
    ]);
    endTxn('t4', false, PID + 1);
    expect(fetched('t4', true)).toEqual([
      [5, C.NONE],
      [-1, C.NONE],
    ]);
  });

  it('rebuilds pending, committed and aborted transactional offsets from the log on load', async () => {
    await commit('t5', 'orders', 0, 1);
    await txnCommit('t5', { 'orders:0': 2 });
    endTxn('t5', true);
    await txnCommit('t5', { 'orders:0': 3 });
    endTxn('t5', false);
    await txnCommit('t5', { 'orders:1': 4 }, { producerId: PID + 1 });
    await txnCommit('only-pending', { 'orders:1': 7 });

    await restart();
    expect(fetched('t5', true)).toEqual([
      [2, C.NONE],
      [-1, C.UNSTABLE_OFFSET_COMMIT],
    ]);
    expect(fetched('only-pending', true)).toEqual([
      [-1, C.NONE],
      [-1, C.UNSTABLE_OFFSET_COMMIT],
    ]);
    // The index of pending producers was rebuilt too: the markers resolve what the replay left open.
    endTxn('t5', true, PID + 1);
    endTxn('only-pending', false);
    expect(fetched('t5', true)).toEqual([
      [2, C.NONE],
      [4, C.NONE],
    ]);
    expect(fetched('only-pending', true)).toEqual([
      [-1, C.NONE],
      [-1, C.NONE],
    ]);
    expect(h.coordinator.listGroups().groups.map((g) => g.groupId)).not.toContain('only-pending');
  });

  it('applies a marker reported while the partition loads once the load is done', async () => {
    await txnCommit('t6', { 'orders:0': 9 });
    h.coordinator.shutdown();
    h.coordinator = h.newCoordinator();
    h.store.blockReads();
    const partition = h.coordinator.partitionFor('t6');
    const loading = h.coordinator.onBecomeLeader(partition);
    await settle();
    expect(h.coordinator.fetchOffsets({ groupId: 't6' }).errorCode).toBe(C.COORDINATOR_LOAD_IN_PROGRESS);
    h.store.appendMarker(partition, PID, true);
    h.coordinator.completeTxn(PID, true, partition);
    h.store.releaseReads();
    await loading;
    expect(fetched('t6', true)).toEqual([
      [9, C.NONE],
      [-1, C.NONE],
    ]);
  });

  it('validates like Kafka: member and generation when given, none for v0-2, group status', async () => {
    const { joins } = await h.formGroup('t7');
    const member = joins[0]!;
    const codes = (r: TxnOffsetCommitTopicResult[]) => r.flatMap((t) => t.partitions.map((p) => p.errorCode));
    expect(codes(await txnCommit('t7', { 'orders:0': 1 }, { generationId: 1, memberId: 'ghost' }))).toEqual([
      C.UNKNOWN_MEMBER_ID,
    ]);
    expect(
      codes(await txnCommit('t7', { 'orders:0': 1 }, { generationId: 7, memberId: member.memberId })),
    ).toEqual([C.ILLEGAL_GENERATION]);
    expect(
      codes(await txnCommit('t7', { 'orders:0': 1 }, { generationId: 1, memberId: member.memberId })),
    ).toEqual([C.NONE]);
    // TxnOffsetCommit v0–2: no member, accepted even though the group has members.
    expect(codes(await txnCommit('t7', { 'orders:1': 1 }))).toEqual([C.NONE]);
    // A generation for a group that does not exist: created, then the member check answers.
    expect(codes(await txnCommit('t8', { 'orders:0': 1 }, { generationId: 3, memberId: 'm' }))).toEqual([
      C.UNKNOWN_MEMBER_ID,
    ]);
    expect(h.coordinator.listGroups().groups.map((g) => g.groupId)).not.toContain('t8');
    expect(codes(await txnCommit('', { 'orders:0': 1 }))).toEqual([C.INVALID_GROUP_ID]);
    expect(
      codes(
        await txnCommit(
          't7',
          { 'orders:0': 1 },
          {
            offsets: [
              {
                topic: 'orders',
                partitions: [{ partition: 0, offset: 1, leaderEpoch: -1, metadata: 'x'.repeat(5000) }],
              },
            ],
          },
        ),
      ),
    ).toEqual([C.OFFSET_METADATA_TOO_LARGE]);
    h.coordinator.onResign(h.coordinator.partitionFor('t7'));
    expect(codes(await txnCommit('t7', { 'orders:0': 1 }))).toEqual([C.NOT_COORDINATOR]);
  });

  it('answers a fenced epoch from the store and leaves nothing pending', async () => {
    h.store.failNextAppend(new KafkaError('INVALID_PRODUCER_EPOCH', 'stale epoch'));
    const res = await txnCommit('t9', { 'orders:0': 1 });
    expect(res[0]!.partitions[0]!.errorCode).toBe(C.INVALID_PRODUCER_EPOCH);
    expect(fetched('t9', true)).toEqual([
      [-1, C.NONE],
      [-1, C.NONE],
    ]);
    expect(h.coordinator.listGroups().groups.map((g) => g.groupId)).not.toContain('t9');
  });
});
