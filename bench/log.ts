/**
 * The partition log's append and read bandwidth against raw `fs` on the same filesystem, in the same run.
 *
 *   npm run bench:log                  about 1 GiB
 *   npx tsx bench/log.ts --gib 0.25    a quicker run (or FERRY_BENCH_GIB=0.25)
 *
 * 1 KiB records in 16-record batches (~16.5 KiB, uncompressed, valid CRC-32C, pre-built: the log still
 * verifies every CRC on append). Phases, each on fresh files under one temp dir that is removed at the end:
 *   raw write   writeSync of the same batch buffers, sequentially, into a fresh file (no fsync)
 *   raw read    readSync of that file in 1 MiB reads into one reused buffer
 *   log append  PartitionLog.appendAsLeader of every batch, flush left to the OS (no fsync)
 *   log read    PartitionLog.read from the log start to the end in 1 MiB fetches, each into a buffer
 *               acquired from a ReadBufferPool and released after the fetch, as the broker does
 *   log read    the same with a fresh buffer per fetch (no buffer lent), reported for comparison
 *   log append  again into a fresh log with flush.ms=1000 (an fsync about every second, inline)
 * segment.bytes is Kafka's default 1 GiB. Closing (the fsync a clean shutdown does) is outside the timings,
 * as it is for the raw file. Prints a human line and a JSON line.
 */
import './ferry-heap.js';
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { arch, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { logConfig } from '../src/log/log-config.js';
import { PartitionLog } from '../src/log/partition-log.js';
import { ReadBufferPool } from '../src/log/read-buffer-pool.js';
import { encodeRecordBatchSync } from '../src/protocol/records/index.js';

const RECORD_BYTES = 1024;
const RECORDS_PER_BATCH = 16;
const FETCH_BYTES = 1024 * 1024;
const POOL = 64;

function sizeGiB(): number {
  const i = process.argv.indexOf('--gib');
  const raw = i >= 0 ? process.argv[i + 1] : process.env.FERRY_BENCH_GIB;
  const n = raw === undefined ? 1 : Number(raw);
  if (!(n > 0)) throw new Error(`bad size ${raw}; expected a positive number of GiB`);
  return n;
}

function buildBatches(): Buffer[] {
  const pool: Buffer[] = [];
  for (let b = 0; b < POOL; b++) {
    const records = [];
    for (let r = 0; r < RECORDS_PER_BATCH; r++) {
      const value = Buffer.allocUnsafe(RECORD_BYTES);
      for (let i = 0; i < RECORD_BYTES; i += 4) value.writeUInt32BE((b * 7919 + r * 104729 + i) >>> 0, i);
      records.push({ key: Buffer.from(`key-${b}-${r}`), value, timestamp: Date.now() });
    }
    pool.push(encodeRecordBatchSync({ records }));
  }
  return pool;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const mb = (bytes: number, s: number) => bytes / 1e6 / s;

/**
 * Reads the whole log in FETCH_BYTES fetches, each starting after the last batch the previous one returned, as
 * a consumer's would; with a pool, each fetch reads into a buffer acquired before and released after it.
 */
function readLog(log: PartitionLog, pool: ReadBufferPool | undefined): number {
  let offset = log.logStartOffset;
  let bytes = 0;
  const end = log.logEndOffset;
  while (offset < end) {
    const into = pool?.acquire();
    const { records } = log.read(offset, FETCH_BYTES, end, true, into);
    bytes += records.length;
    let pos = 0;
    let last = offset;
    while (pos < records.length) {
      last = records.readInt32BE(pos + 4) + records.readInt32BE(pos + 23);
      pos += 12 + records.readInt32BE(pos + 8);
    }
    if (into !== undefined) pool?.release(into);
    offset = last + 1;
  }
  return bytes;
}

function main(): void {
  const pool = buildBatches();
  const batchBytes = pool[0]!.length;
  const batches = Math.floor((sizeGiB() * 1024 ** 3) / batchBytes);
  let totalBytes = 0;
  for (let i = 0; i < batches; i++) totalBytes += pool[i % POOL]!.length;
  const root = mkdtempSync(join(tmpdir(), 'ferry-bench-log-'));
  try {
    // raw write
    const rawPath = join(root, 'raw.bin');
    let fd = openSync(rawPath, 'w');
    let t = process.hrtime.bigint();
    let position = 0;
    for (let i = 0; i < batches; i++) {
      const b = pool[i % POOL]!;
      position += writeSync(fd, b, 0, b.length, position);
    }
    const rawWriteS = seconds(t);
    closeSync(fd);

    // raw read
    fd = openSync(rawPath, 'r');
    const readBuf = Buffer.allocUnsafe(FETCH_BYTES);
    t = process.hrtime.bigint();
    let readBytes = 0;
    for (;;) {
      const n = readSync(fd, readBuf, 0, FETCH_BYTES, readBytes);
      if (n === 0) break;
      readBytes += n;
    }
    const rawReadS = seconds(t);
    closeSync(fd);
    rmSync(rawPath);

    // log append, no fsync
    const dir = join(root, 'bench-0');
    mkdirSync(dir);
    let log = PartitionLog.open({ dir, config: logConfig() });
    t = process.hrtime.bigint();
    for (let i = 0; i < batches; i++) log.appendAsLeader(pool[i % POOL]!, 0);
    const appendS = seconds(t);
    log.close();

    // log read: pooled (the broker's path), then fresh buffers per fetch
    log = PartitionLog.open({ dir, config: logConfig() });
    const readBuffers = new ReadBufferPool(FETCH_BYTES + 64 * 1024);
    t = process.hrtime.bigint();
    const pooledBytes = readLog(log, readBuffers);
    const logReadS = seconds(t);
    t = process.hrtime.bigint();
    const freshBytes = readLog(log, undefined);
    const logReadFreshS = seconds(t);
    log.close();
    for (const n of [pooledBytes, freshBytes]) {
      if (n !== totalBytes) throw new Error(`read ${n} bytes of ${totalBytes}`);
    }
    rmSync(dir, { recursive: true });

    // log append with flush.ms=1000
    const dir2 = join(root, 'bench-1');
    mkdirSync(dir2);
    log = PartitionLog.open({ dir: dir2, config: logConfig({ flushMs: 1000 }) });
    t = process.hrtime.bigint();
    for (let i = 0; i < batches; i++) log.appendAsLeader(pool[i % POOL]!, 0);
    const appendFlushS = seconds(t);
    log.close();

    const result = {
      bench: 'log',
      bytes: totalBytes,
      batchBytes,
      batches,
      rawWriteMBps: mb(totalBytes, rawWriteS),
      rawReadMBps: mb(totalBytes, rawReadS),
      appendMBps: mb(totalBytes, appendS),
      appendFlushMs1000MBps: mb(totalBytes, appendFlushS),
      readMBps: mb(totalBytes, logReadS),
      readFreshBufferMBps: mb(totalBytes, logReadFreshS),
      appendRatio: rawWriteS / appendS,
      appendFlushRatio: rawWriteS / appendFlushS,
      readRatio: rawReadS / logReadS,
      readFreshBufferRatio: rawReadS / logReadFreshS,
      goal: 0.7,
      machine: { cpus: cpus().length, arch: arch(), node: process.version },
    };
    const f = (n: number) => n.toFixed(0);
    const r = (n: number) => n.toFixed(2);
    console.log(
      `log: ${(totalBytes / 1024 ** 3).toFixed(2)} GiB in ${batchBytes}-byte batches | raw write ${f(result.rawWriteMBps)} MB/s, ` +
        `append ${f(result.appendMBps)} MB/s (${r(result.appendRatio)}x), append flush.ms=1000 ${f(result.appendFlushMs1000MBps)} MB/s ` +
        `(${r(result.appendFlushRatio)}x) | raw read ${f(result.rawReadMBps)} MB/s, read ${f(result.readMBps)} MB/s (${r(result.readRatio)}x), ` +
        `read with a fresh buffer per fetch ${f(result.readFreshBufferMBps)} MB/s (${r(result.readFreshBufferRatio)}x)`,
    );
    console.log(JSON.stringify(result));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main();
