import { join } from 'node:path';
import type { Logger } from '../common/logger.js';
import { isKafkaError } from '../protocol/errors/index.js';
import { CheckpointFile, type CheckpointFormat, parseLongField } from './checkpoint-file.js';
import type { TopicPartition } from './log-file-names.js';

interface PartitionOffset {
  topic: string;
  partition: number;
  offset: number;
}

const FORMAT: CheckpointFormat<PartitionOffset> = {
  toLine: (e) => `${e.topic} ${e.partition} ${e.offset}`,
  fromLine: (fields) => {
    if (fields.length !== 3) return undefined;
    const partition = parseLongField(fields[1]);
    const offset = parseLongField(fields[2]);
    if (partition === undefined || offset === undefined || offset < 0) return undefined;
    return { topic: fields[0]!, partition, offset };
  },
};

/**
 * A single-partition offset checkpoint (`recovery-point-checkpoint`, `log-start-offset-checkpoint`): Kafka's
 * broker-wide `<topic> <partition> <offset>` file reduced to the one entry of the directory it sits in (see
 * log-file-names.ts for why). Written atomically through CheckpointFile; the partition log serialises calls.
 */
export class PartitionOffsetCheckpoint {
  private readonly file: CheckpointFile<PartitionOffset>;

  constructor(
    dir: string,
    fileName: string,
    private readonly tp: TopicPartition,
  ) {
    this.file = new CheckpointFile(join(dir, fileName), 0, FORMAT);
  }

  get path(): string {
    return this.file.path;
  }

  /** The stored offset; undefined when the file is absent, or malformed (logged: the caller falls back safely). */
  read(logger: Logger): number | undefined {
    try {
      const entries = this.file.read();
      return entries.find((e) => e.topic === this.tp.topic && e.partition === this.tp.partition)?.offset;
    } catch (err) {
      if (!isKafkaError(err, 'KAFKA_STORAGE_ERROR')) throw err;
      logger.warn({ file: this.file.path, err: err.message }, 'ignoring malformed checkpoint');
      return undefined;
    }
  }

  /** Durably, on the calling thread: tmp file, fsync, rename, directory fsync. */
  write(offset: number): void {
    this.file.write([{ topic: this.tp.topic, partition: this.tp.partition, offset }]);
  }

  /**
   * For callers on the event loop: the new file is renamed into place before this returns, and fsynced (file,
   * then directory) in the thread pool. Resolves once it is durable, or when the partition's directory was
   * removed meanwhile (nothing left to make durable); rejects on any other error. Until it resolves a crash may
   * leave the old file or a malformed one, which `read` gives as no checkpoint.
   */
  async writeInBackground(offset: number): Promise<void> {
    this.file.write([{ topic: this.tp.topic, partition: this.tp.partition, offset }], false);
    await this.file.syncToDisk();
  }
}
