import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { storedBatches } from '../../log/log-batches.js';
import { logConfig } from '../../log/log-config.js';
import { PartitionLog } from '../../log/partition-log.js';
import { batchSize } from '../../protocol/records/batch-header.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../../protocol/records/record-batch.js';
import type { MetadataRecord } from './metadata-records.js';

export const METADATA_TOPIC = '__cluster_metadata';

/**
 * The metadata partition (`__cluster_metadata-0`) on the same log core as every other partition: each commit
 * of the controller is one record batch of JSON metadata records, fsynced before the commit counts, so that a
 * cluster restarted from its data directories replays to the state it had.
 *
 * Owned by the controller (writes) and the broker start-up (replay); calls are synchronous and serialised by
 * the event loop.
 */
export class MetadataLog {
  private constructor(readonly log: PartitionLog) {}

  static open(brokerDir: string, clock: Clock, logger: Logger): MetadataLog {
    const dir = join(brokerDir, `${METADATA_TOPIC}-0`);
    mkdirSync(dir, { recursive: true });
    const log = PartitionLog.open({
      dir,
      // Metadata is small and every record matters: flush on every batch, never delete by time or size.
      config: logConfig({
        flushMessages: 1,
        retentionMs: -1,
        retentionBytes: -1,
        segmentBytes: 64 * 1024 * 1024,
      }),
      clock,
      logger,
    });
    return new MetadataLog(log);
  }

  get endOffset(): number {
    return this.log.logEndOffset;
  }

  /**
   * The controller's append: one batch of records, durably, stamped with the controller epoch. Returns the
   * offset of the first record and the batch as written (offsets assigned) for the other brokers' copies.
   */
  append(
    records: readonly MetadataRecord[],
    controllerEpoch: number,
  ): { firstOffset: number; batch: Buffer } {
    const batch = encodeRecordBatchSync({
      records: records.map((r) => ({ key: Buffer.from(r.type), value: Buffer.from(JSON.stringify(r)) })),
    });
    const result = this.log.appendAsLeader(batch, controllerEpoch, 'coordinator');
    this.log.updateHighWatermark(this.log.logEndOffset);
    return { firstOffset: result.firstOffset, batch };
  }

  /** Another broker's copy of a batch the controller wrote: appended byte for byte, offsets kept. */
  appendReplicated(batches: Buffer): void {
    this.log.appendAsFollower(Buffer.from(batches));
    this.log.updateHighWatermark(this.log.logEndOffset);
  }

  /** The controller epoch of the newest batch, or -1 for an empty log. */
  get latestEpoch(): number {
    return this.log.leaderEpochCache.latestEpoch();
  }

  /** Raw batches from `fromOffset` to the end: what a broker that was away copies to catch up. */
  readBatches(fromOffset: number): Buffer[] {
    return [...storedBatches(this.log, fromOffset)].map(({ records, position }) =>
      records.subarray(position, position + batchSize(records, position)),
    );
  }

  /** Where `epoch` ended in this log (the OffsetForLeaderEpoch question, asked of the metadata log). */
  endOffsetForEpoch(epoch: number): number {
    return this.log.leaderEpochCache.endOffsetFor(epoch, this.log.logEndOffset).endOffset;
  }

  /** Drops everything from `offset` on (a suffix the active controller never had). */
  truncateTo(offset: number): void {
    this.log.truncateTo(offset);
  }

  /** Every record from `fromOffset` on, in order, with its offset. */
  *replay(fromOffset = 0): Generator<{ offset: number; record: MetadataRecord }> {
    const from = Math.max(fromOffset, this.log.logStartOffset);
    for (const { records, position } of storedBatches(this.log, from)) {
      for (const r of decodeRecordBatchSync(records, position).records) {
        if (r.offset >= from && r.value) {
          yield { offset: r.offset, record: JSON.parse(r.value.toString('utf8')) as MetadataRecord };
        }
      }
    }
  }

  close(): void {
    this.log.close();
  }

  crash(): void {
    this.log.simulateCrashLosingUnflushed();
  }
}
