import { compress, compressSync, uncompress, uncompressSync } from 'snappy';
import { KafkaError } from '../../errors/index.js';

/**
 * Snappy as Kafka clients write it. The Java client (snappy-java's SnappyOutputStream) writes xerial framing:
 *
 *   header  =>  magic: 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00, version: int32 (1), compatibleVersion: int32 (1)
 *   blocks  =>  [length: int32 big-endian, raw snappy block of `length` bytes]*, each of at most 32 KiB input
 *
 * librdkafka writes the same; kafkajs-snappy writes one raw snappy block with no framing and reads both. So
 * Ferry writes xerial framing (what the broker and every client read) and reads both.
 */

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
const XERIAL_HEADER_SIZE = 16;
/** snappy-java's default block size; the unit of independent compression. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && XERIAL_MAGIC.equals(data.subarray(0, XERIAL_MAGIC.length));
}

function xerialFrame(blocks: Buffer[]): Buffer {
  let size = XERIAL_HEADER_SIZE;
  for (const block of blocks) size += 4 + block.length;
  const out = Buffer.allocUnsafe(size);
  XERIAL_MAGIC.copy(out, 0);
  out.writeInt32BE(XERIAL_VERSION, 8);
  out.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  let pos = XERIAL_HEADER_SIZE;
  for (const block of blocks) {
    out.writeInt32BE(block.length, pos);
    pos += 4 + block.copy(out, pos + 4);
  }
  return out;
}

/** The raw snappy blocks of a xerial stream, as slices of `data`. */
function xerialBlocks(data: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (pos + 4 > data.length)
      throw new KafkaError('CORRUPT_MESSAGE', 'xerial snappy block length truncated');
    const length = data.readInt32BE(pos);
    pos += 4;
    if (length < 0 || pos + length > data.length) {
      throw new KafkaError('CORRUPT_MESSAGE', `xerial snappy block of ${length} bytes runs past the data`);
    }
    blocks.push(data.subarray(pos, pos + length));
    pos += length;
  }
  return blocks;
}

function inputBlocks(data: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    blocks.push(data.subarray(pos, pos + XERIAL_BLOCK_SIZE));
  }
  return blocks;
}

function asBuffer(out: string | Buffer): Buffer {
  return typeof out === 'string' ? Buffer.from(out) : out;
}

export async function compressSnappy(data: Buffer): Promise<Buffer> {
  return xerialFrame(await Promise.all(inputBlocks(data).map((block) => compress(block))));
}

export function compressSnappySync(data: Buffer): Buffer {
  return xerialFrame(inputBlocks(data).map((block) => compressSync(block)));
}

export async function decompressSnappy(data: Buffer): Promise<Buffer> {
  if (!isXerialFramed(data)) return asBuffer(await uncompress(data, { asBuffer: true }));
  const blocks = await Promise.all(
    xerialBlocks(data).map(async (block) => asBuffer(await uncompress(block, { asBuffer: true }))),
  );
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
}

export function decompressSnappySync(data: Buffer): Buffer {
  if (!isXerialFramed(data)) return asBuffer(uncompressSync(data, { asBuffer: true }));
  const blocks = xerialBlocks(data).map((block) => asBuffer(uncompressSync(block, { asBuffer: true })));
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
}
