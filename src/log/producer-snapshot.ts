import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { KafkaError } from '../protocol/errors/index.js';
import { readInt64, writeInt64 } from '../protocol/records/batch-header.js';
import { crc32c } from '../protocol/records/crc32c.js';
import { fsyncDirectory, fsyncFileAndDirectory } from './checkpoint-file.js';
import { filenamePrefixFromOffset, PRODUCER_SNAPSHOT_FILE_SUFFIX } from './log-file-names.js';
import { type BatchMetadata, NUM_BATCHES_TO_RETAIN, ProducerStateEntry } from './producer-state-entry.js';

/**
 * Producer-state snapshot files: `<20-digit offset>.snapshot` in the partition directory. A snapshot at offset
 * N holds the state of every producer after applying all batches below N, so recovery replays from N.
 *
 * Ferry's own binary format (big-endian, like the wire):
 *
 *   version: int16                  1
 *   crc: uint32                     CRC-32C of every byte after this field
 *   producerCount: int32
 *   producers: [Producer]
 *
 *   Producer =>
 *     producerId: int64
 *     producerEpoch: int16
 *     coordinatorEpoch: int32
 *     lastTimestamp: int64
 *     currentTxnFirstOffset: int64  -1 when no transaction is open
 *     batchCount: int8              0..5, oldest first
 *     batches: [firstSeq int32, lastSeq int32, firstOffset int64, lastOffset int64, timestamp int64]
 *
 * Unlike Kafka's snapshot (last batch only) all retained batches are kept, so a producer retrying any of its
 * last five batches across a broker restart still gets the duplicate answer.
 *
 * A snapshot is written to `<name>.tmp`, fsynced, renamed and the directory fsynced; a crash leaves at worst a
 * `.tmp` (deleted on open). A file whose length or CRC does not check out is reported as CORRUPT_MESSAGE and the
 * caller skips it. Functions here hold no state; ProducerStateManager serialises their use per partition.
 */

const SNAPSHOT_VERSION = 1;
const HEADER_SIZE = 2 + 4 + 4;
const PRODUCER_SIZE = 8 + 2 + 4 + 8 + 8 + 1;
const BATCH_SIZE = 4 + 4 + 8 + 8 + 8;

export function snapshotFileName(offset: number): string {
  return `${filenamePrefixFromOffset(offset)}${PRODUCER_SNAPSHOT_FILE_SUFFIX}`;
}

/** Offsets of the snapshot files in `dir`, ascending. Leftover `.snapshot.tmp` files are deleted. */
export function listSnapshotOffsets(dir: string): number[] {
  const offsets: number[] = [];
  for (const name of readdirSync(dir)) {
    if (name.endsWith(`${PRODUCER_SNAPSHOT_FILE_SUFFIX}.tmp`)) {
      rmSync(join(dir, name), { force: true });
      continue;
    }
    const m = /^(\d{20})\.snapshot$/.exec(name);
    if (m) offsets.push(Number(m[1]));
  }
  return offsets.sort((a, b) => a - b);
}

export function deleteSnapshot(dir: string, offset: number): void {
  rmSync(join(dir, snapshotFileName(offset)), { force: true });
}

export function encodeSnapshot(entries: Iterable<ProducerStateEntry>): Buffer {
  const list = [...entries];
  let size = HEADER_SIZE;
  for (const e of list) size += PRODUCER_SIZE + e.batches.length * BATCH_SIZE;
  const buf = Buffer.alloc(size);
  buf.writeInt16BE(SNAPSHOT_VERSION, 0);
  buf.writeInt32BE(list.length, 6);
  let pos = HEADER_SIZE;
  for (const e of list) {
    writeInt64(buf, pos, e.producerId);
    buf.writeInt16BE(e.producerEpoch, pos + 8);
    buf.writeInt32BE(e.coordinatorEpoch, pos + 10);
    writeInt64(buf, pos + 14, e.lastTimestamp);
    writeInt64(buf, pos + 22, e.currentTxnFirstOffset);
    buf.writeInt8(e.batches.length, pos + 30);
    pos += PRODUCER_SIZE;
    for (const b of e.batches) {
      buf.writeInt32BE(b.firstSeq, pos);
      buf.writeInt32BE(b.lastSeq, pos + 4);
      writeInt64(buf, pos + 8, b.firstOffset);
      writeInt64(buf, pos + 16, b.lastOffset);
      writeInt64(buf, pos + 24, b.timestamp);
      pos += BATCH_SIZE;
    }
  }
  buf.writeUInt32BE(crc32c(buf.subarray(6)), 2);
  return buf;
}

export function decodeSnapshot(buf: Buffer, what = 'snapshot'): ProducerStateEntry[] {
  const bad = (why: string) => new KafkaError('CORRUPT_MESSAGE', `producer-state ${what}: ${why}`);
  if (buf.length < HEADER_SIZE) throw bad(`${buf.length} bytes is shorter than the header`);
  const version = buf.readInt16BE(0);
  if (version !== SNAPSHOT_VERSION) throw bad(`version ${version}`);
  if (crc32c(buf.subarray(6)) !== buf.readUInt32BE(2)) throw bad('CRC mismatch');
  const count = buf.readInt32BE(6);
  const entries: ProducerStateEntry[] = [];
  let pos = HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    if (pos + PRODUCER_SIZE > buf.length) throw bad('truncated producer');
    const batchCount = buf.readInt8(pos + 30);
    if (batchCount < 0 || batchCount > NUM_BATCHES_TO_RETAIN) throw bad(`batch count ${batchCount}`);
    const entry = new ProducerStateEntry(
      readInt64(buf, pos),
      buf.readInt16BE(pos + 8),
      buf.readInt32BE(pos + 10),
      readInt64(buf, pos + 14),
      readInt64(buf, pos + 22),
    );
    pos += PRODUCER_SIZE;
    if (pos + batchCount * BATCH_SIZE > buf.length) throw bad('truncated batches');
    for (let j = 0; j < batchCount; j++) {
      const batch: BatchMetadata = {
        firstSeq: buf.readInt32BE(pos),
        lastSeq: buf.readInt32BE(pos + 4),
        firstOffset: readInt64(buf, pos + 8),
        lastOffset: readInt64(buf, pos + 16),
        timestamp: readInt64(buf, pos + 24),
      };
      entry.batches.push(batch);
      pos += BATCH_SIZE;
    }
    entries.push(entry);
  }
  if (pos !== buf.length) throw bad(`${buf.length - pos} trailing bytes`);
  return entries;
}

/**
 * Writes `<offset>.snapshot` through a tmp file and a rename. `durable = false` skips both fsyncs (see
 * `syncSnapshot`): a crash may then leave a damaged file, which the loader skips for the one before it
 * (or, with none, rebuilds the state from the log).
 */
export function writeSnapshot(
  dir: string,
  offset: number,
  entries: Iterable<ProducerStateEntry>,
  durable = true,
): void {
  const path = join(dir, snapshotFileName(offset));
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, encodeSnapshot(entries));
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  if (durable) fsyncDirectory(dir);
}

/**
 * Makes a snapshot written with `durable = false` durable, from the thread pool. A snapshot deleted meanwhile
 * (truncation, a newer pair) needs nothing.
 */
export function syncSnapshot(dir: string, offset: number): Promise<void> {
  return fsyncFileAndDirectory(join(dir, snapshotFileName(offset)));
}

/** Reads and checks a snapshot; throws CORRUPT_MESSAGE for a damaged file. */
export function readSnapshot(dir: string, offset: number): ProducerStateEntry[] {
  const name = snapshotFileName(offset);
  return decodeSnapshot(readFileSync(join(dir, name)), name);
}
