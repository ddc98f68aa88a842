import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logConfig, PartitionLog } from '../../log/index.js';
import {
  CompressionType,
  decodeRecordBatch,
  encodeRecordBatch,
  RecordSetIterator,
} from '../../protocol/records/index.js';

/**
 * The log demo (`ferry demo` until the two-cluster mirroring demo replaces it): a partition log on disk is
 * written in keyed batches (a quarter of them compressed with each codec), rolled into many small segments,
 * flushed, written some more, and then loses power: unflushed bytes vanish and half a batch is left torn at
 * the tail. Reopening recovers (the report is printed), and everything is read back and checked against what
 * was written: offsets contiguous from 0, every key and value as appended, nothing before the flush point lost.
 *
 * Runs in about a second; throws (and the CLI exits 1) if any check fails.
 */

export interface LogDemoOptions {
  /** Where to put the partition directory; a fresh temp dir otherwise. */
  dir?: string;
  /** Leave the data on disk for `ferry log dump`. */
  keep: boolean;
  out: (line: string) => void;
}

export interface LogDemoResult {
  readonly partitionDir: string;
  readonly appended: number;
  readonly flushedUpTo: number;
  readonly recovered: number;
  readonly segments: number;
}

const PARTITION = 'demo-0';
const RECORDS_PER_BATCH = 50;
const BATCHES_BEFORE_FLUSH = 40;
const BATCHES_AFTER_FLUSH = 20;
const DISTINCT_KEYS = 100;
const CODECS = [
  CompressionType.None,
  CompressionType.Gzip,
  CompressionType.None,
  CompressionType.Snappy,
  CompressionType.None,
  CompressionType.Lz4,
  CompressionType.None,
  CompressionType.Zstd,
] as const;

const recordKey = (offset: number) => `user-${offset % DISTINCT_KEYS}`;
const recordValue = (offset: number) => `event ${offset}: ${'x'.repeat(offset % 40)}`;

export async function runLogDemo(options: LogDemoOptions): Promise<LogDemoResult> {
  const { out } = options;
  const root = options.dir ?? mkdtempSync(join(tmpdir(), 'ferry-demo-'));
  const partitionDir = join(root, PARTITION);
  mkdirSync(partitionDir, { recursive: true });
  const config = logConfig({ segmentBytes: 16 * 1024, indexIntervalBytes: 1024 });
  try {
    out(`Ferry log demo: partition ${PARTITION} in ${partitionDir} (segment.bytes=${config.segmentBytes})`);
    let log = PartitionLog.open({ dir: partitionDir, config });
    if (log.logEndOffset !== 0) {
      log.close();
      throw new Error(
        `${partitionDir} already holds a log (log end offset ${log.logEndOffset}); give an empty --dir`,
      );
    }

    const codecCounts = new Map<string, number>();
    const appendBatches = async (count: number) => {
      for (let b = 0; b < count; b++) {
        const first = log.logEndOffset;
        const compression = CODECS[(first / RECORDS_PER_BATCH) % CODECS.length] ?? CompressionType.None;
        const name = CompressionType[compression].toLowerCase();
        codecCounts.set(name, (codecCounts.get(name) ?? 0) + 1);
        const batch = await encodeRecordBatch({
          compression,
          records: Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
            key: Buffer.from(recordKey(first + i)),
            value: Buffer.from(recordValue(first + i)),
            headers: [{ key: 'source', value: Buffer.from('ferry-demo') }],
          })),
        });
        log.appendAsLeader(batch, 0);
      }
    };

    await appendBatches(BATCHES_BEFORE_FLUSH);
    log.flush();
    const flushedUpTo = log.logEndOffset;
    await appendBatches(BATCHES_AFTER_FLUSH);
    const appended = log.logEndOffset;
    const codecs = [...codecCounts].map(([name, n]) => `${n} ${name}`).join(', ');
    out(
      `appended ${appended} records with ${DISTINCT_KEYS} keys in ${appended / RECORDS_PER_BATCH} batches (${codecs})`,
    );
    out(
      `  ${log.numberOfSegments} segments; flushed (fsync) at offset ${flushedUpTo}, then ${appended - flushedUpTo} more records not flushed`,
    );

    log.simulateCrashLosingUnflushed();
    const tornSegment = await tearTail(partitionDir);
    out(`power loss: unflushed bytes are gone, and half a batch is left torn at the end of ${tornSegment}`);

    log = PartitionLog.open({ dir: partitionDir, config });
    if (log.recoveryReports.length === 0) throw new Error('recovery reported nothing, but the tail was torn');
    for (const r of log.recoveryReports) {
      const deleted = r.deletedSegments?.length
        ? `, deleted later segments ${r.deletedSegments.join(',')}`
        : '';
      out(`recovery: segment ${r.segment}: truncated ${r.truncatedBytes} bytes (${r.reason})${deleted}`);
    }
    const recovered = log.logEndOffset;
    if (recovered < flushedUpTo) {
      throw new Error(`recovery lost flushed data: log end offset ${recovered} < flush point ${flushedUpTo}`);
    }

    const checked = await readBackAndVerify(log);
    if (checked !== recovered)
      throw new Error(`read back ${checked} records, the log end offset is ${recovered}`);
    const segments = log.numberOfSegments;
    log.close();
    out(
      `reopened: ${recovered} records in ${segments} segments; read all back, offsets 0..${recovered - 1} contiguous, every key and value as written`,
    );
    out(
      `lost in the power cut: ${appended - recovered} records, all after the flush point ${flushedUpTo}, as fsync promises`,
    );
    return { partitionDir, appended, flushedUpTo, recovered, segments };
  } finally {
    if (options.keep) {
      out(`kept ${root}; look inside with: ferry log dump --dir ${partitionDir} --print-records`);
    } else {
      rmSync(options.dir === undefined ? root : partitionDir, { recursive: true, force: true });
    }
  }
}

/** Appends the first half of a batch to the last segment: a write the power cut interrupted. */
async function tearTail(partitionDir: string): Promise<string> {
  const last = readdirSync(partitionDir)
    .filter((n) => /^\d{20}\.log$/.test(n))
    .sort()
    .at(-1);
  if (last === undefined) throw new Error(`no segment in ${partitionDir}`);
  const batch = await encodeRecordBatch({
    baseOffset: Number(last.slice(0, 20)),
    records: [{ key: Buffer.from('torn'), value: Buffer.alloc(400, 0x61) }],
  });
  appendFileSync(join(partitionDir, last), batch.subarray(0, batch.length >> 1));
  return last;
}

async function readBackAndVerify(log: PartitionLog): Promise<number> {
  let next = log.logStartOffset;
  const it = new RecordSetIterator(Buffer.alloc(0));
  while (next < log.logEndOffset) {
    const { records } = log.read(next, 1024 * 1024);
    it.reset(records);
    let progressed = false;
    while (it.next()) {
      const batch = await decodeRecordBatch(records, it.position);
      for (const r of batch.records) {
        if (r.offset < next) continue;
        if (r.offset !== next) throw new Error(`offset ${next} is missing (found ${r.offset})`);
        if (r.key?.toString() !== recordKey(r.offset) || r.value?.toString() !== recordValue(r.offset)) {
          throw new Error(`record ${r.offset} does not hold what was written`);
        }
        next++;
        progressed = true;
      }
    }
    if (!progressed) throw new Error(`no progress reading at offset ${next}`);
  }
  return next;
}
