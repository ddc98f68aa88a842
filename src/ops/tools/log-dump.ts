import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  CompressionType,
  ControlRecordType,
  CURRENT_MAGIC,
  type DecodedRecord,
  decodeControlRecordKey,
  decodeRecordBatch,
  LOG_OVERHEAD,
  lastSequence,
  magic,
  RECORD_BATCH_OVERHEAD,
  type RecordBatchHeader,
  type RecordHeader,
  readRecordBatchHeader,
  TimestampType,
  verifyBatchCrc,
} from '../../protocol/records/index.js';

/**
 * What `ferry log dump` does (Kafka's kafka-dump-log.sh): walks the `.log` segment files of a partition
 * directory, read-only, batch by batch, and describes each batch header — and with `printRecords` each
 * record. It never opens a PartitionLog: recovery would truncate the very corruption an operator wants to see.
 *
 * A segment is record batches laid end to end (`[baseOffset int64, batchLength int32, …]*`, see
 * protocol/records/batch-header.ts). The walk reads one batch at a time through a reused buffer, so a 1 GiB
 * segment costs one batch of memory. It stops at the first place the framing cannot be trusted (a partial
 * header, a batch length too small for a v2 header, a batch running past the end of the file, a magic other
 * than 2) and says where and why. A batch whose CRC does not match is framed correctly, so it is shown with
 * `isValid: false` and the walk goes on; Ferry's recovery would truncate the log there.
 */

export interface LogDumpOptions {
  printRecords: boolean;
}

export interface SegmentDumpSummary {
  file: string;
  batches: number;
  records: number;
  invalidBatches: number;
  /** Bytes of the file that hold complete, well-framed batches. */
  validBytes: number;
  fileBytes: number;
  /** Why the walk stopped before the end of the file; undefined when it read to the end. */
  stoppedBecause?: string;
}

export type LineSink = (line: string) => void;

/** The segment files a dump covers: every `<offset>.log` in a directory, or the one file given. */
export function segmentFiles(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path)
    .filter((name) => /^\d{20}\.log$/.test(name))
    .sort()
    .map((name) => join(path, name));
}

export async function dumpLogDir(
  path: string,
  options: LogDumpOptions,
  out: LineSink,
): Promise<SegmentDumpSummary[]> {
  const summaries: SegmentDumpSummary[] = [];
  for (const file of segmentFiles(path)) summaries.push(await dumpSegment(file, options, out));
  return summaries;
}

export async function dumpSegment(
  file: string,
  options: LogDumpOptions,
  out: LineSink,
): Promise<SegmentDumpSummary> {
  out(`Dumping ${file}`);
  out(`Log starting offset: ${Number(basename(file).slice(0, 20))}`);
  const fd = openSync(file, 'r');
  try {
    const fileBytes = fstatSync(fd).size;
    const summary: SegmentDumpSummary = {
      file,
      batches: 0,
      records: 0,
      invalidBatches: 0,
      validBytes: 0,
      fileBytes,
    };
    let buf = Buffer.allocUnsafe(64 * 1024);
    let position = 0;
    while (position < fileBytes) {
      const remaining = fileBytes - position;
      if (remaining < LOG_OVERHEAD) {
        summary.stoppedBecause = `a partial batch header: ${remaining} bytes at position ${position}`;
        break;
      }
      readFully(fd, buf, LOG_OVERHEAD, position);
      const size = LOG_OVERHEAD + buf.readInt32BE(8);
      if (size < RECORD_BATCH_OVERHEAD) {
        summary.stoppedBecause = `a batch length of ${size - LOG_OVERHEAD} at position ${position}, too small for a record batch v2 header`;
        break;
      }
      if (size > remaining) {
        summary.stoppedBecause = `a torn batch at position ${position}: its length says ${size} bytes, only ${remaining} remain in the file`;
        break;
      }
      if (size > buf.length) buf = Buffer.allocUnsafe(size);
      readFully(fd, buf, size, position);
      const batchMagic = magic(buf, 0);
      if (batchMagic !== CURRENT_MAGIC) {
        summary.stoppedBecause = `magic ${batchMagic} at position ${position}; only record batch v2 (magic 2) is read`;
        break;
      }
      const batch = buf.subarray(0, size);
      const header = readRecordBatchHeader(batch, 0);
      const valid = verifyBatchCrc(batch, 0);
      out(describeBatch(header, position, valid, lastSequence(batch, 0)));
      summary.batches++;
      summary.records += header.recordsCount;
      if (!valid) summary.invalidBatches++;
      if (options.printRecords) await printRecords(batch, header, out);
      position += size;
      summary.validBytes = position;
    }
    if (summary.stoppedBecause !== undefined) out(`Stopped: ${summary.stoppedBecause}`);
    out(
      `Summary: ${summary.batches} batches, ${summary.records} records, ${summary.invalidBatches} with a bad CRC, ` +
        `${summary.validBytes} of ${fileBytes} bytes well framed`,
    );
    return summary;
  } finally {
    closeSync(fd);
  }
}

function readFully(fd: number, buf: Buffer, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new Error(`unexpected end of file at ${position + done}`);
    done += n;
  }
}

function describeBatch(h: RecordBatchHeader, position: number, valid: boolean, lastSeq: number): string {
  const timeType = h.timestampType === TimestampType.LogAppendTime ? 'LogAppendTime' : 'CreateTime';
  return [
    `baseOffset: ${h.baseOffset}`,
    `lastOffset: ${h.baseOffset + h.lastOffsetDelta}`,
    `count: ${h.recordsCount}`,
    `baseSequence: ${h.baseSequence}`,
    `lastSequence: ${lastSeq}`,
    `producerId: ${h.producerId}`,
    `producerEpoch: ${h.producerEpoch}`,
    `partitionLeaderEpoch: ${h.partitionLeaderEpoch}`,
    `isTransactional: ${h.isTransactional}`,
    `isControl: ${h.isControl}`,
    `position: ${position}`,
    `${timeType}: ${h.maxTimestamp}`,
    `size: ${h.sizeInBytes}`,
    `magic: ${h.magic}`,
    `compresscodec: ${codecName(h.compression)}`,
    `crc: ${h.crc}`,
    `isValid: ${valid}`,
  ].join(' ');
}

function codecName(type: CompressionType): string {
  const name = CompressionType[type];
  return name === undefined ? `unknown(${type})` : name.toLowerCase();
}

async function printRecords(batch: Buffer, header: RecordBatchHeader, out: LineSink): Promise<void> {
  let records: DecodedRecord[];
  try {
    records = (await decodeRecordBatch(batch, 0, { verifyCrc: false })).records;
  } catch (err) {
    out(`| records cannot be read: ${(err as Error).message}`);
    return;
  }
  const timeType = header.timestampType === TimestampType.LogAppendTime ? 'LogAppendTime' : 'CreateTime';
  for (const r of records) {
    const what = header.isControl
      ? describeControlRecord(r)
      : `key: ${show(r.key)} payload: ${show(r.value)}`;
    out(`| offset: ${r.offset} ${timeType}: ${r.timestamp} ${what} headers: ${showHeaders(r.headers)}`);
  }
}

function describeControlRecord(r: DecodedRecord): string {
  if (r.key === null) return 'controlType: unknown (no key)';
  try {
    const { type } = decodeControlRecordKey(r.key);
    const name =
      type === ControlRecordType.Commit
        ? 'COMMIT'
        : type === ControlRecordType.Abort
          ? 'ABORT'
          : `type ${type}`;
    return `endTxnMarker: ${name} payload: ${show(r.value)}`;
  } catch {
    return `controlType: unreadable key ${show(r.key)}`;
  }
}

function showHeaders(headers: readonly RecordHeader[]): string {
  return `[${headers.map((h) => `${h.key}=${show(h.value)}`).join(', ')}]`;
}

/** UTF-8 when the bytes are valid UTF-8 without control characters, hex (`0x…`) otherwise. */
export function show(bytes: Buffer | null): string {
  if (bytes === null) return 'null';
  const text = bytes.toString('utf8');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is tested
  const printable = !/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/.test(text);
  return printable ? text : `0x${bytes.toString('hex')}`;
}
