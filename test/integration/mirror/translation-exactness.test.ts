import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../../src/client/index.js';
import { systemClock } from '../../../src/common/clock.js';
import { createRootLogger } from '../../../src/common/logger.js';
import { LogCleaner } from '../../../src/log/log-cleaner.js';
import { RawGroupOffsetCommitter } from '../../../src/mirror/group-offset-committer.js';
import { type MirrorConfig, parseMirrorConfig } from '../../../src/mirror/mirror-config.js';
import { MirrorMaker } from '../../../src/mirror/mirror-maker.js';
import {
  Mm2OffsetSyncEmitterModel,
  Mm2OffsetSyncStoreModel,
} from '../../../src/mirror/mm2-offset-sync-store.js';
import type { OffsetSyncPoint } from '../../../src/mirror/offset-mapping.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { type ClusterHarness, seededRandom, waitUntil } from '../../harness/cluster.js';
import { type EastWest, eastToWest, startEastWest } from '../../harness/east-west.js';
import { lowerBound, type RawLog, readRawLog } from '../../harness/raw-log.js';

/**
 * Issue 5's "translation exactness": source consumer groups committed at 1,000 random positions of a source
 * whose offsets have every kind of discontinuity, and after the flow's checkpoint round and group offset sync
 * a consumer of the same group on the target reads next exactly the record the source consumer would have —
 * zero duplicates, zero skipped. Beside it, MirrorMaker 2's published algorithm (Mm2OffsetSyncEmitterModel +
 * Mm2OffsetSyncStoreModel: offset.lag.max 100, 64 slots, in its best case of a store that was running all
 * along) translates the same positions from the same mirrored data, and its re-deliveries are reported.
 *
 * The source, east (one broker):
 *   events (4 partitions, delete): rounds of plain multi-record batches interleaved with two transactional
 *     producers' batches, committed or aborted (markers occupy offsets; aborted data is dropped by the mirror);
 *   ledger (2 partitions, compact, 1 KiB segments): multi-record batches of updates of six keys (a key may
 *     repeat within a batch) between batches of fresh keys, then a tail of fresh keys that rolls them into
 *     inactive segments; one compaction pass (a LogCleaner run on east's log before mirroring starts)
 *     removes the first update batches whole (a gap before the first surviving batch, with the log start
 *     still 0), removes others whole (gaps between batches) and empties others partly — batches with holes
 *     (recordsCount < lastOffsetDelta + 1), which the mirror re-encodes with contiguous offsets.
 * The flow east->west runs twice: a first MirrorMaker mirrors, stops; more transactional rounds are written;
 * a second MirrorMaker resumes (a new run of the tasks).
 * West's cleaner is off: its remote ledger copy (cleanup.policy compact, synced) must stay as mirrored, or
 * west would compact records the source still holds in its active segment — Kafka's behaviour too, and no
 * concern of translation.
 *
 * "Reads next" is checked with raw fetches of both logs (first kept record at offset >= O on east; first
 * record at offset >= T on west), and for a handful of groups with real kafkajs consumers on west. After the
 * sync a sentinel record is appended to every source partition and mirrored, so positions at the log end
 * read something next too.
 *
 * Positions are drawn over the whole log from its start offset: before the first surviving batch (where
 * the task started reading), in holes inside batches, between batches, at markers, in aborted data and at
 * the log end.
 */

const SEED = Number(process.env.FERRY_TEST_SEED ?? 0x5eed_0005);
const POSITIONS = 1000;
const EVENTS_PARTITIONS = 4;
const LEDGER_PARTITIONS = 2;
const LEDGER_KEYS = 6;

interface Partition {
  readonly topic: string;
  readonly partition: number;
}

const PARTITIONS: Partition[] = [
  ...Array.from({ length: EVENTS_PARTITIONS }, (_, partition) => ({ topic: 'events', partition })),
  ...Array.from({ length: LEDGER_PARTITIONS }, (_, partition) => ({ topic: 'ledger', partition })),
];

const pkey = (p: Partition) => `${p.topic}-${p.partition}`;

let clusters: EastWest | undefined;
let east: ClusterHarness;
let west: ClusterHarness;
let eastKafka: Kafka;
let westKafka: Kafka;
let eastAdmin: Admin;
let westAdmin: Admin;
let eastClient: ClusterClient;
let westClient: ClusterClient;
let mirror: MirrorMaker | undefined;
let mirrorConfig: MirrorConfig;
const producers: Producer[] = [];
const random = seededRandom(SEED);
let sequence = 0;

const int = (n: number) => Math.floor(random() * n);
const nextValue = (p: Partition) => `${p.topic}/${p.partition}/${sequence++}`;

async function produceBatch(p: Partition, keys: string[]): Promise<void> {
  const now = Date.now();
  const batch = encodeRecordBatchSync({
    records: keys.map((key, i) => ({
      key: Buffer.from(key),
      value: Buffer.from(nextValue(p)),
      timestamp: now + i,
    })),
  });
  await eastClient.produce(p.topic, p.partition, batch, { acks: -1, timeoutMs: 10_000 });
}

function txMessages(partition: number, count: number) {
  return Array.from({ length: count }, () => ({
    partition,
    key: `tx-${int(50)}`,
    value: nextValue({ topic: 'events', partition }),
  }));
}

/**
 * One round on every events partition: a plain batch, transaction A's batch, a plain batch, transaction B's
 * batch, a plain batch, then A and B each commit or abort — so aborted data and markers interleave with kept
 * data.
 */
async function eventsRound(txA: Producer, txB: Producer): Promise<void> {
  const plain = () =>
    Promise.all(
      Array.from({ length: EVENTS_PARTITIONS }, (_, partition) =>
        produceBatch(
          { topic: 'events', partition },
          Array.from({ length: 1 + int(12) }, () => `k-${int(100)}`),
        ),
      ),
    );
  await plain();
  const a = await txA.transaction();
  await a.send({
    topic: 'events',
    messages: Array.from({ length: EVENTS_PARTITIONS }, (_, p) => txMessages(p, 1 + int(8))).flat(),
  });
  await plain();
  const b = await txB.transaction();
  await b.send({
    topic: 'events',
    messages: Array.from({ length: EVENTS_PARTITIONS }, (_, p) => txMessages(p, 1 + int(8))).flat(),
  });
  await plain();
  if (random() < 0.5) await a.commit();
  else await a.abort();
  if (random() < 0.5) await b.abort();
  else await b.commit();
}

/** Everything east holds now, per partition. */
async function sourceLogs(): Promise<Map<string, RawLog>> {
  const out = new Map<string, RawLog>();
  for (const p of PARTITIONS) out.set(pkey(p), await readRawLog(eastClient, p.topic, p.partition));
  return out;
}

async function waitMirrored(source: Map<string, RawLog>): Promise<void> {
  for (const p of PARTITIONS) {
    const want = source.get(pkey(p))!.kept.length;
    let got = -1;
    await waitUntil(
      `${want} records in east.${pkey(p)} on west`,
      async () => {
        got = (await readRawLog(westClient, `east.${p.topic}`, p.partition)).kept.length;
        return got >= want;
      },
      20_000,
      () => `(have ${got})`,
    );
  }
}

async function startMirror(): Promise<MirrorMaker> {
  const m = new MirrorMaker({
    config: mirrorConfig,
    taskSettings: { fetchMaxWaitMs: 50 },
    ...(process.env.FERRY_DEBUG
      ? { logger: createRootLogger({ level: process.env.FERRY_DEBUG ?? 'warn' }) }
      : {}),
  });
  await m.start();
  return m;
}

async function inBatches<T>(items: readonly T[], width: number, each: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(each));
}

/** Source offsets at which the mirror restarted, per partition: the MM2 model's task restarts there too. */
const restartAtKept = new Map<string, number>();

beforeAll(async () => {
  clusters = await startEastWest({ overrides: { 'log.cleaner.enable': false } });
  ({ east, west, eastAdmin, westAdmin } = clusters);
  eastKafka = east.kafka('exactness-east');
  westKafka = west.kafka('exactness-west');
  eastClient = new ClusterClient({ bootstrapServers: east.cluster.bootstrap });
  westClient = new ClusterClient({ bootstrapServers: west.cluster.bootstrap });
  await eastAdmin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: 'events', numPartitions: EVENTS_PARTITIONS },
      {
        topic: 'ledger',
        numPartitions: LEDGER_PARTITIONS,
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'segment.bytes', value: '1024' },
        ],
      },
    ],
  });

  // The ledger: 60 batches of 2..7 updates of six keys, with a batch of 2..9 fresh keys after every fifth;
  // then 12 batches of fresh keys that roll the updates into inactive segments. Compaction leaves the update
  // batches whole, partly emptied (holes) or gone.
  for (let partition = 0; partition < LEDGER_PARTITIONS; partition++) {
    const p = { topic: 'ledger', partition };
    for (let u = 0; u < 60; u++) {
      await produceBatch(
        p,
        Array.from({ length: 2 + int(6) }, () => `key-${int(LEDGER_KEYS)}`),
      );
      if (u % 5 === 4)
        await produceBatch(
          p,
          Array.from({ length: 2 + int(8) }, (_, i) => `fresh-${u}-${i}`),
        );
    }
    for (let b = 0; b < 12; b++)
      await produceBatch(
        p,
        Array.from({ length: 4 }, (_, i) => `tail-${b}-${i}`),
      );
  }

  // One compaction pass over each ledger partition, run here with a LogCleaner of our own (east's periodic
  // cleaner is off, so that the log mirrored is exactly the one checked below).
  const cleaner = new LogCleaner({ clock: systemClock });
  for (let partition = 0; partition < LEDGER_PARTITIONS; partition++) {
    const log = east.cluster.broker(1).replicaManager.partition('ledger', partition)!.log;
    expect(await log.maybeClean(cleaner, 0)).toBeDefined();
    expect(log.dirtyRatio()).toBe(0);
    const raw = await readRawLog(eastClient, 'ledger', partition);
    // Compaction left every shape the mirror must handle: a gap before the first surviving batch, gaps
    // between batches, holes inside batches.
    expect(raw.logStartOffset).toBe(0);
    expect(raw.batches[0]!.baseOffset).toBeGreaterThan(0);
    expect(raw.batches.length).toBeLessThan(60 + 12 + 12);
    expect(raw.batchHoles.length).toBeGreaterThan(0);
    expect(raw.kept.length).toBeLessThan(raw.highWatermark);
  }

  for (const id of ['exactness-tx-a', 'exactness-tx-b']) {
    const producer = eastKafka.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    producers.push(producer);
  }
  for (let round = 0; round < 12; round++) await eventsRound(producers[0]!, producers[1]!);

  mirrorConfig = parseMirrorConfig(
    eastToWest(
      { east, west },
      {
        topics: 'events, ledger',
        'refresh.topics.interval.seconds': 1,
        'emit.heartbeats.interval.seconds': 1,
        'emit.checkpoints.interval.seconds': 1,
        'sync.group.offsets.enabled': true,
        'sync.group.offsets.interval.seconds': 1,
        'tasks.max': 2,
      },
    ),
  );

  // First run of the flow, then a stop, more data, and a second run that resumes.
  mirror = await startMirror();
  const firstPhase = await sourceLogs();
  await waitMirrored(firstPhase);
  await mirror.stop();
  mirror = undefined;
  for (const p of PARTITIONS) restartAtKept.set(pkey(p), firstPhase.get(pkey(p))!.kept.length);
  for (let round = 0; round < 8; round++) await eventsRound(producers[0]!, producers[1]!);
  mirror = await startMirror();
  await waitMirrored(await sourceLogs());
}, 60_000);

afterAll(async () => {
  for (const p of producers) await p.disconnect().catch(() => {});
  await mirror?.stop().catch(() => {});
  eastClient?.close();
  westClient?.close();
  await clusters?.close();
}, 30_000);

type Kind =
  | 'mid-batch'
  | 'batch-start'
  | 'compaction-gap'
  | 'leading-gap'
  | 'batch-hole'
  | 'marker'
  | 'aborted'
  | 'log-end'
  | 'uniform';

interface Position extends Partition {
  readonly group: string;
  readonly kind: Kind;
  readonly offset: number;
}

/** Offsets of each kind in one partition's log (every offset in [log start, HW] falls in one or more). */
function offsetsByKind(log: RawLog): Map<Kind, number[]> {
  const kept = new Set(log.kept.map((r) => r.offset));
  const midBatch: number[] = [];
  const batchStart: number[] = [];
  const gaps: number[] = [...log.batchHoles];
  const firstBatch = log.batches[0]?.baseOffset ?? log.highWatermark;
  const leading = Array.from({ length: firstBatch - log.logStartOffset }, (_, i) => log.logStartOffset + i);
  let expected = log.logStartOffset;
  for (const b of log.batches) {
    for (; expected < b.baseOffset; expected++) gaps.push(expected);
    expected = b.lastOffset + 1;
    if (b.control) continue;
    for (let o = b.baseOffset; o <= b.lastOffset; o++) {
      if (!kept.has(o)) continue;
      if (o === b.baseOffset) batchStart.push(o);
      else midBatch.push(o);
    }
  }
  for (; expected < log.highWatermark; expected++) gaps.push(expected);
  const first = log.logStartOffset;
  const uniform = Array.from({ length: log.highWatermark - first + 1 }, (_, i) => first + i);
  return new Map<Kind, number[]>([
    ['mid-batch', midBatch],
    ['batch-start', batchStart],
    ['compaction-gap', gaps],
    ['leading-gap', leading],
    ['batch-hole', [...log.batchHoles]],
    ['marker', log.markers],
    ['aborted', log.aborted],
    ['log-end', [log.highWatermark]],
    ['uniform', uniform],
  ]);
}

/** 1,000 positions: the log end of every partition, then kinds drawn by weight over the partitions that have them. */
function choosePositions(logs: Map<string, RawLog>): Position[] {
  const kinds = new Map(PARTITIONS.map((p) => [pkey(p), offsetsByKind(logs.get(pkey(p))!)]));
  const weights: Array<[Kind, number]> = [
    ['mid-batch', 0.25],
    ['compaction-gap', 0.15],
    ['leading-gap', 0.05],
    ['batch-hole', 0.1],
    ['marker', 0.15],
    ['aborted', 0.15],
    ['batch-start', 0.1],
    ['uniform', 0.05],
  ];
  const out: Position[] = [];
  const add = (p: Partition, kind: Kind, offset: number) =>
    out.push({ ...p, kind, offset, group: `exact-${String(out.length).padStart(4, '0')}` });
  for (const p of PARTITIONS) add(p, 'log-end', logs.get(pkey(p))!.highWatermark);
  while (out.length < POSITIONS) {
    let r = random();
    let kind: Kind = 'uniform';
    for (const [k, w] of weights) {
      if (r < w) {
        kind = k;
        break;
      }
      r -= w;
    }
    const having = PARTITIONS.filter((p) => kinds.get(pkey(p))!.get(kind)!.length > 0);
    const p = having[int(having.length)]!;
    const offsets = kinds.get(pkey(p))!.get(kind)!;
    add(p, kind, offsets[int(offsets.length)]!);
  }
  return out;
}

/**
 * MirrorMaker 2's translation of every position, from the (source, target) offsets of every mirrored record
 * in order as its task would have acknowledged them, with its task restarting where Ferry's flow restarted
 * and committing (sending its delayed sync) at the restart and at the end.
 */
function mm2Translations(
  source: Map<string, RawLog>,
  target: Map<string, RawLog>,
  positions: readonly Position[],
  upToKept: Map<string, number>,
): Map<string, number | undefined> {
  const stores = new Map<string, Mm2OffsetSyncStoreModel>();
  for (const p of PARTITIONS) {
    const k = pkey(p);
    const emitter = new Mm2OffsetSyncEmitterModel({ offsetLagMax: 100 });
    const store = new Mm2OffsetSyncStoreModel({ readToEnd: true });
    const send = (sync: OffsetSyncPoint | undefined) => {
      if (sync) store.handleSync(sync);
    };
    const src = source.get(k)!.kept;
    const tgt = target.get(k)!.kept;
    const restartAt = restartAtKept.get(k)!;
    for (let i = 0; i < upToKept.get(k)!; i++) {
      if (i === restartAt) {
        send(emitter.commit());
        emitter.restart();
      }
      send(emitter.onRecordCommitted(src[i]!.offset, tgt[i]!.offset));
    }
    send(emitter.commit());
    stores.set(k, store);
  }
  const out = new Map<string, number | undefined>();
  for (const pos of positions) {
    const t = stores.get(pkey(pos))!.translate(pos.offset);
    out.set(pos.group, t.kind === 'translated' ? t.downstreamOffset : undefined);
  }
  return out;
}

describe('exact offset translation east->west', () => {
  it('1,000 committed positions: the synced target group reads next exactly what the source group would', async () => {
    const flow = mirror!.flow('east->west')!;
    const before = await sourceLogs();
    const keptBefore = new Map(PARTITIONS.map((p) => [pkey(p), before.get(pkey(p))!.kept.length]));
    const positions = choosePositions(before);
    const kindCount = new Map<Kind, number>();
    for (const pos of positions) kindCount.set(pos.kind, (kindCount.get(pos.kind) ?? 0) + 1);
    // Every kind of discontinuity is represented.
    for (const kind of [
      'mid-batch',
      'compaction-gap',
      'leading-gap',
      'batch-hole',
      'marker',
      'aborted',
      'log-end',
    ] as const)
      expect(kindCount.get(kind) ?? 0, kind).toBeGreaterThan(0);

    const committer = new RawGroupOffsetCommitter(eastClient);
    await inBatches(positions, 25, (pos) =>
      committer.commit(pos.group, [{ topic: pos.topic, partition: pos.partition, offset: pos.offset }]),
    );
    const round = await flow.emitCheckpoints();
    const pending = [...round.groups.values()].reduce((n, g) => n + g.pending, 0);
    expect(pending).toBe(0);
    const checkpoints = flow.checkpoints();
    for (const pos of positions) expect(checkpoints.get(pos.group)?.size, pos.group).toBe(1);
    const outcomes = await flow.syncGroupOffsets();
    expect(outcomes.filter((o) => o.result === 'failed' || o.result === 'active')).toEqual([]);

    // A sentinel on every source partition, mirrored: positions at the log end read it next.
    for (const p of PARTITIONS) await produceBatch(p, [`sentinel-${p.partition}`]);
    const source = await sourceLogs();
    await waitMirrored(source);
    const target = new Map<string, RawLog>();
    for (const p of PARTITIONS)
      target.set(pkey(p), await readRawLog(westClient, `east.${p.topic}`, p.partition));
    // The remote partitions are the kept source records, in order (the premise of the comparison).
    for (const p of PARTITIONS) {
      const values = (log: RawLog) => log.kept.map((r) => r.value?.toString());
      expect(values(target.get(pkey(p))!), pkey(p)).toEqual(values(source.get(pkey(p))!));
    }

    const committed = new Map<string, number>();
    await inBatches(positions, 25, async (pos) => {
      const [topic] = await westAdmin.fetchOffsets({ groupId: pos.group, topics: [`east.${pos.topic}`] });
      const offset = Number(topic?.partitions.find((q) => q.partition === pos.partition)?.offset ?? -1);
      committed.set(pos.group, offset);
    });

    const mm2 = mm2Translations(source, target, positions, keptBefore);
    const ferry = { duplicates: 0, skipped: 0, wrongPositions: [] as string[] };
    const reference = { redelivered: 0, positionsRedelivered: 0, skipped: 0, untranslatable: 0 };
    const mm2ByKind = new Map<Kind, number>();
    for (const pos of positions) {
      const src = source.get(pkey(pos))!;
      const tgt = target.get(pkey(pos))!;
      const srcOffsets = src.kept.map((r) => r.offset);
      const tgtOffsets = tgt.kept.map((r) => r.offset);
      const want = lowerBound(srcOffsets, pos.offset);
      expect(want, `${pos.group} reads something next`).toBeLessThan(srcOffsets.length);
      const t = committed.get(pos.group)!;
      const got = t < 0 ? -1 : lowerBound(tgtOffsets, t);
      if (got !== want) {
        ferry.wrongPositions.push(`${pos.group} ${pkey(pos)}@${pos.offset} (${pos.kind}) -> ${t}`);
        if (got >= 0 && got < want) ferry.duplicates += want - got;
        if (got > want) ferry.skipped += got - want;
      } else {
        expect(tgt.kept[got]!.value).toEqual(src.kept[want]!.value);
      }
      const d = mm2.get(pos.group);
      if (d === undefined) {
        reference.untranslatable++;
        continue;
      }
      const mm2Next = lowerBound(tgtOffsets, d);
      if (mm2Next < want) {
        reference.redelivered += want - mm2Next;
        reference.positionsRedelivered++;
        mm2ByKind.set(pos.kind, (mm2ByKind.get(pos.kind) ?? 0) + want - mm2Next);
      } else if (mm2Next > want) reference.skipped += mm2Next - want;
    }
    console.log(
      `translation exactness (seed ${SEED}), ${positions.length} positions ${JSON.stringify(Object.fromEntries(kindCount))}:\n` +
        `  Ferry: ${ferry.duplicates} records re-delivered, ${ferry.skipped} skipped, ${ferry.wrongPositions.length} positions off\n` +
        `  MirrorMaker 2 model (offset.lag.max 100, 64 slots): ${reference.redelivered} records re-delivered over ` +
        `${reference.positionsRedelivered} positions, ${reference.skipped} skipped, ${reference.untranslatable} untranslatable; ` +
        `re-deliveries by kind ${JSON.stringify(Object.fromEntries(mm2ByKind))}`,
    );
    expect(ferry.wrongPositions).toEqual([]);
    expect(ferry.duplicates).toBe(0);
    expect(ferry.skipped).toBe(0);
    expect(reference.redelivered).toBeGreaterThanOrEqual(0);

    // A handful of real consumers on west: each group's first record is the one east would hand it next.
    const samples = (
      ['mid-batch', 'compaction-gap', 'leading-gap', 'batch-hole', 'marker', 'aborted', 'log-end'] as const
    ).map((kind) => positions.find((pos) => pos.kind === kind)!);
    await Promise.all(
      samples.map(async (pos) => {
        const src = source.get(pkey(pos))!;
        const expected =
          src.kept[
            lowerBound(
              src.kept.map((r) => r.offset),
              pos.offset,
            )
          ]!.value?.toString();
        const consumer = westKafka.consumer({
          groupId: pos.group,
          maxWaitTimeInMs: 100,
          retry: { retries: 10, initialRetryTime: 50 },
        });
        let first: string | undefined;
        try {
          await consumer.connect();
          await consumer.subscribe({ topic: `east.${pos.topic}`, fromBeginning: false });
          await consumer.run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              if (partition === pos.partition && first === undefined) first = message.value?.toString();
            },
          });
          await waitUntil(`${pos.group} (${pos.kind}) to read on west`, () => first !== undefined, 20_000);
        } finally {
          await consumer.disconnect();
        }
        expect(first, `${pos.group} ${pkey(pos)}@${pos.offset} (${pos.kind})`).toBe(expected);
      }),
    );
  }, 60_000);
});
