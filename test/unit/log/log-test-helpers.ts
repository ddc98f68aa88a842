import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/common/clock.js';
import { type LogConfig, logConfig } from '../../../src/log/log-config.js';
import { PartitionLog } from '../../../src/log/partition-log.js';
import { baseOffset, batchSize, lastOffset } from '../../../src/protocol/records/batch-header.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';

/** An uncompressed batch of `count` records of `valueSize` bytes, all stamped `timestamp`. */
export function makeBatch(count: number, timestamp: number, valueSize = 16, seed = 0): Buffer {
  const records = [];
  for (let i = 0; i < count; i++) {
    records.push({ key: null, value: Buffer.alloc(valueSize, (seed + i) & 0xff), timestamp: timestamp + i });
  }
  return encodeRecordBatchSync({ records });
}

/** Several batches in one buffer. */
export function concatBatches(batches: Buffer[]): Buffer {
  return Buffer.concat(batches);
}

export interface BatchView {
  baseOffset: number;
  lastOffset: number;
  bytes: Buffer;
}

/** Splits a read result into its batches. */
export function splitBatches(buf: Buffer): BatchView[] {
  const out: BatchView[] = [];
  for (let pos = 0; pos < buf.length; ) {
    const size = batchSize(buf, pos);
    out.push({
      baseOffset: baseOffset(buf, pos),
      lastOffset: lastOffset(buf, pos),
      bytes: buf.subarray(pos, pos + size),
    });
    pos += size;
  }
  return out;
}

export class TempLogDir {
  readonly root: string;
  readonly dir: string;

  constructor(name = 'topic-0') {
    this.root = mkdtempSync(join(tmpdir(), 'ferry-log-'));
    this.dir = join(this.root, name);
    mkdirSync(this.dir);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function openLog(
  dir: string,
  overrides: Partial<LogConfig> = {},
  clock = new ManualClock(),
): PartitionLog {
  return PartitionLog.open({ dir, config: logConfig({ fileDeleteDelayMs: 0, ...overrides }), clock });
}

/** Reads every batch from `from` to the log end, one fetch at a time, as a consumer would. */
export function readAll(log: PartitionLog, from = log.logStartOffset, maxBytes = 1 << 20): BatchView[] {
  const out: BatchView[] = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, maxBytes, log.logEndOffset, true);
    const batches = splitBatches(records);
    if (batches.length === 0) break;
    out.push(...batches);
    offset = batches.at(-1)!.lastOffset + 1;
  }
  return out;
}
