import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KafkaError } from '../protocol/errors/index.js';

/**
 * Kafka's small text checkpoint files (`leader-epoch-checkpoint`, `recovery-point-offset-checkpoint`, …):
 *
 *   <version>
 *   <entry count>
 *   <entry>            one line per entry, fields separated by single spaces
 *   ...
 *
 * A durable write goes to `<file>.tmp`, is fsynced, renamed over the file, and the directory is fsynced, so
 * that a crash leaves either the old or the new checkpoint, never a torn one, and the new one once `write`
 * returns. A write with `durable = false` (the leader-epoch cache's assign; see leader-epoch-cache.ts) does the
 * same tmp-and-rename without either fsync: this process and any later reader see the new file at once, but a
 * crash may leave the old file, the new one, or, on a filesystem that does not order a rename after the
 * renamed file's data, an empty or zero-filled file. The reader rejects the last as malformed (its first line
 * is not the version), never as a different valid checkpoint; callers that write without fsync must treat
 * malformed as "rebuild". `syncToDisk` then makes such a write durable from libuv's thread pool, for callers
 * that must not block the event loop on two fsyncs. Callers serialise writes to one file.
 */
export class CheckpointFile<T> {
  constructor(
    readonly path: string,
    private readonly version: number,
    private readonly format: CheckpointFormat<T>,
  ) {}

  write(entries: readonly T[], durable = true): void {
    const lines = [
      String(this.version),
      String(entries.length),
      ...entries.map((e) => this.format.toLine(e)),
    ];
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, `${lines.join('\n')}\n`);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    if (durable) fsyncDirectory(dirname(this.path));
  }

  /**
   * fsyncs the file and then its directory in the thread pool, so that the last `durable = false` write
   * survives a crash once this resolves. Resolves at once when the file or directory is gone.
   */
  syncToDisk(): Promise<void> {
    return fsyncFileAndDirectory(this.path);
  }

  /** The entries, or [] when the file does not exist. A malformed file is an error naming the file and line. */
  read(): T[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const version = Number(lines[0]);
    if (version !== this.version) this.malformed(1, `version ${lines[0]}, expected ${this.version}`);
    const count = Number(lines[1]);
    if (!Number.isInteger(count) || count < 0) this.malformed(2, `entry count '${lines[1]}'`);
    if (lines.length !== count + 2)
      this.malformed(lines.length, `${lines.length - 2} entries, header says ${count}`);
    const entries: T[] = [];
    for (let i = 2; i < lines.length; i++) {
      const entry = this.format.fromLine(lines[i]!.split(' '));
      if (entry === undefined) this.malformed(i + 1, `'${lines[i]}'`);
      entries.push(entry);
    }
    return entries;
  }

  private malformed(line: number, what: string): never {
    throw new KafkaError(
      'KAFKA_STORAGE_ERROR',
      `malformed checkpoint file ${this.path} at line ${line}: ${what}`,
    );
  }
}

export interface CheckpointFormat<T> {
  toLine(entry: T): string;
  /** undefined when the fields do not make an entry. */
  fromLine(fields: string[]): T | undefined;
}

/**
 * fsyncs a file and then its directory in libuv's thread pool: what a write renamed into place without fsync
 * needs to survive a crash, done without blocking the event loop. A file removed meanwhile (or its directory:
 * a deleted partition, a snapshot superseded) has nothing left to make durable: that resolves too.
 */
export async function fsyncFileAndDirectory(path: string): Promise<void> {
  try {
    for (const p of [path, dirname(path)]) {
      const handle = await open(p, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Makes a rename or a file creation durable: the directory entry itself must reach the disk. */
export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Parses a non-negative decimal integer field, or undefined. */
export function parseLongField(field: string | undefined): number | undefined {
  if (field === undefined || !/^-?\d+$/.test(field)) return undefined;
  const n = Number(field);
  return Number.isSafeInteger(n) ? n : undefined;
}
