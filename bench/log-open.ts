/**
 * The cost of bringing a NEW partition into service, as a broker does when a topic is created: per partition,
 *   open    mkdir of `<topic>-<n>/` and PartitionLog.open on it (empty: nothing to recover)
 *   epoch   leaderEpochCache.assign(epoch, LEO), what Partition.makeLeader does on becoming leader
 *   append  one appendAsLeader of a small batch (flush left to flush.ms/flush.messages, Kafka's defaults)
 *
 *   npx tsx bench/log-open.ts                    1,000 partitions
 *   npx tsx bench/log-open.ts --partitions 200   fewer
 *
 * fsync, rename and file-open calls are counted by wrapping node:fs (syncBuiltinESMExports makes the log's
 * named imports see the wrappers). Everything happens under one temp dir removed at the end; the logs are
 * closed (a clean shutdown fsyncs) outside the timings. Prints a human line and a JSON line.
 */
import './ferry-heap.js';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PartitionLog as PartitionLogType } from '../src/log/partition-log.js';

const counts = { fsync: 0, rename: 0, open: 0 };
const realFsync = fs.fsyncSync;
const realRename = fs.renameSync;
const realOpen = fs.openSync;
fs.fsyncSync = (fd) => {
  counts.fsync++;
  realFsync(fd);
};
fs.renameSync = (from, to) => {
  counts.rename++;
  realRename(from, to);
};
fs.openSync = ((...args: Parameters<typeof realOpen>) => {
  counts.open++;
  return realOpen(...args);
}) as typeof realOpen;
syncBuiltinESMExports();

// Loaded after the wrappers are in place.
const { logConfig } = await import('../src/log/log-config.js');
const { PartitionLog } = await import('../src/log/partition-log.js');
const { encodeRecordBatchSync } = await import('../src/protocol/records/index.js');

function partitionCount(): number {
  const i = process.argv.indexOf('--partitions');
  const n = i >= 0 ? Number(process.argv[i + 1]) : 1000;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`bad --partitions ${process.argv[i + 1]}`);
  return n;
}

type Phase = 'open' | 'epoch' | 'append';
const PHASES: Phase[] = ['open', 'epoch', 'append'];

const n = partitionCount();
const root = fs.mkdtempSync(join(tmpdir(), 'ferry-bench-log-open-'));
const config = logConfig({});
const batch = encodeRecordBatchSync({
  records: [{ key: Buffer.from('k'), value: Buffer.alloc(100, 1), timestamp: Date.now() }],
});
const ms: Record<Phase, number> = { open: 0, epoch: 0, append: 0 };
const calls: Record<Phase, typeof counts> = {
  open: { fsync: 0, rename: 0, open: 0 },
  epoch: { fsync: 0, rename: 0, open: 0 },
  append: { fsync: 0, rename: 0, open: 0 },
};
const logs: PartitionLogType[] = [];

function timed(phase: Phase, fn: () => void): void {
  const before = { ...counts };
  const start = process.hrtime.bigint();
  fn();
  ms[phase] += Number(process.hrtime.bigint() - start) / 1e6;
  for (const k of Object.keys(counts) as (keyof typeof counts)[]) calls[phase][k] += counts[k] - before[k];
}

try {
  const start = process.hrtime.bigint();
  for (let p = 0; p < n; p++) {
    const dir = join(root, `bench-topic-${p}`);
    let log: PartitionLogType | undefined;
    timed('open', () => {
      fs.mkdirSync(dir, { recursive: true });
      log = PartitionLog.open({ dir, config });
    });
    const opened = log!;
    logs.push(opened);
    timed('epoch', () => opened.leaderEpochCache.assign(1, opened.logEndOffset));
    timed('append', () => opened.appendAsLeader(Buffer.from(batch), 1));
  }
  const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
  const per = (x: number) => x / n;
  const line = PHASES.map(
    (ph) =>
      `${ph} ${per(ms[ph]).toFixed(3)} ms (${per(calls[ph].fsync).toFixed(1)} fsync, ${per(calls[ph].rename).toFixed(1)} rename)`,
  ).join('; ');
  console.log(
    `${n} new partitions: ${per(totalMs).toFixed(3)} ms per partition, ${totalMs.toFixed(0)} ms in all; ${line}`,
  );
  console.log(
    JSON.stringify({
      bench: 'log-open',
      partitions: n,
      cpus: cpus().length,
      node: process.version,
      totalMs: Math.round(totalMs),
      msPerPartition: Number(per(totalMs).toFixed(4)),
      phases: Object.fromEntries(
        PHASES.map((ph) => [
          ph,
          {
            msPerPartition: Number(per(ms[ph]).toFixed(4)),
            fsyncPerPartition: per(calls[ph].fsync),
            renamePerPartition: per(calls[ph].rename),
            openPerPartition: per(calls[ph].open),
          },
        ]),
      ),
    }),
  );
} finally {
  for (const log of logs) log.close();
  fs.rmSync(root, { recursive: true, force: true });
}
