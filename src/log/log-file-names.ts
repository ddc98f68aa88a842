import { join } from 'node:path';

/**
 * Every file name the partition log writes, built and parsed in one place, spelled as Kafka spells them:
 *
 *   <topic>-<partition>/                 the partition directory
 *     00000000000000000000.log           segment data: record batches v2, byte for byte as on the wire
 *     00000000000000000000.index         offset index (relative offset -> file position)
 *     00000000000000000000.timeindex     time index (timestamp -> relative offset)
 *     00000000000000000000.txnindex      aborted transactions of the segment
 *     00000000000000000000.snapshot      producer state at that offset
 *     <any of the above>.deleted         removed from the log, awaiting file.delete.delay.ms
 *     <any of the above>.cleaned         a compaction output not yet swapped in
 *     <any of the above>.swap            a compaction output being swapped in
 *     recovery-point-checkpoint          offset below which everything is fsynced
 *     log-start-offset-checkpoint        the log start offset
 *     cleaner-offset-checkpoint          the log cleaner's first dirty offset (compacted topics)
 *     leader-epoch-checkpoint            the leader epoch cache
 *
 * The 20-digit, zero-padded base offset makes a directory listing sort by offset.
 */

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';
export const TXN_INDEX_FILE_SUFFIX = '.txnindex';
export const PRODUCER_SNAPSHOT_FILE_SUFFIX = '.snapshot';
export const DELETED_FILE_SUFFIX = '.deleted';
export const CLEANED_FILE_SUFFIX = '.cleaned';
export const SWAP_FILE_SUFFIX = '.swap';
export const TEMP_FILE_SUFFIX = '.tmp';

/**
 * Ferry keeps these per partition directory rather than broker-wide as Kafka does
 * (`recovery-point-offset-checkpoint` lists every partition of a log dir): one partition's flush then never
 * rewrites a file shared with every other partition, and a partition directory is self-describing.
 * Each holds a single `<topic> <partition> <offset>` entry in Kafka's checkpoint text format.
 */
export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
/**
 * The log cleaner's first dirty offset (everything below was compacted), one `<offset>` line in Kafka's
 * checkpoint text format. Recovery leaves it alone: a stale value only costs a longer pass.
 */
export const CLEANER_OFFSET_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';

const OFFSET_DIGITS = 20;

export function filenamePrefixFromOffset(offset: number): string {
  return String(offset).padStart(OFFSET_DIGITS, '0');
}

export function logFilePath(dir: string, baseOffset: number, suffix = ''): string {
  return join(dir, `${filenamePrefixFromOffset(baseOffset)}${LOG_FILE_SUFFIX}${suffix}`);
}

export function offsetIndexFilePath(dir: string, baseOffset: number, suffix = ''): string {
  return join(dir, `${filenamePrefixFromOffset(baseOffset)}${INDEX_FILE_SUFFIX}${suffix}`);
}

export function timeIndexFilePath(dir: string, baseOffset: number, suffix = ''): string {
  return join(dir, `${filenamePrefixFromOffset(baseOffset)}${TIME_INDEX_FILE_SUFFIX}${suffix}`);
}

export function transactionIndexFilePath(dir: string, baseOffset: number, suffix = ''): string {
  return join(dir, `${filenamePrefixFromOffset(baseOffset)}${TXN_INDEX_FILE_SUFFIX}${suffix}`);
}

/** The base offset a segment file name starts with, or undefined when the name is not `<20 digits>.<ext>`. */
export function offsetFromFileName(name: string): number | undefined {
  const match = /^(\d{20})\./.exec(name);
  if (match === null) return undefined;
  const n = Number(match[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export function partitionDirName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** `<topic>-<partition>`; the topic may itself contain dashes, so the partition is after the last one. */
export function parseTopicPartition(dirName: string): TopicPartition | undefined {
  const dash = dirName.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const partitionText = dirName.slice(dash + 1);
  if (!/^\d+$/.test(partitionText)) return undefined;
  return { topic: dirName.slice(0, dash), partition: Number(partitionText) };
}
