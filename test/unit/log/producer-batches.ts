import { CompressionType } from '../../../src/protocol/records/batch-header.js';
import { encodeRecordBatchSync, type RecordSpec } from '../../../src/protocol/records/record-batch.js';

/** Test builders for the batches producer state and compaction care about. */

export interface DataBatchSpec {
  baseOffset?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** Number of records; ignored when `records` is given. @defaultValue 1 */
  count?: number;
  records?: RecordSpec[];
  transactional?: boolean;
  timestamp?: number;
  compression?: CompressionType;
}

export function dataBatch(spec: DataBatchSpec = {}): Buffer {
  const timestamp = spec.timestamp ?? 1_700_000_000_000;
  const records =
    spec.records ??
    Array.from({ length: spec.count ?? 1 }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`v${i}`),
      timestamp,
    }));
  return encodeRecordBatchSync({
    baseOffset: spec.baseOffset ?? 0,
    producerId: spec.producerId ?? -1,
    producerEpoch: spec.producerEpoch ?? -1,
    baseSequence: spec.baseSequence ?? -1,
    transactional: spec.transactional ?? false,
    compression: spec.compression ?? CompressionType.None,
    records: records.map((r) => ({ timestamp, ...r })),
  });
}

export interface MarkerSpec {
  baseOffset?: number;
  producerId: number;
  producerEpoch: number;
  abort: boolean;
  coordinatorEpoch?: number;
  timestamp?: number;
}

/** An end-transaction marker: control type 0 = ABORT, 1 = COMMIT. */
export function markerBatch(spec: MarkerSpec): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(spec.abort ? 0 : 1, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(spec.coordinatorEpoch ?? 0, 2);
  return encodeRecordBatchSync({
    baseOffset: spec.baseOffset ?? 0,
    producerId: spec.producerId,
    producerEpoch: spec.producerEpoch,
    baseSequence: -1,
    transactional: true,
    control: true,
    records: [{ key, value, timestamp: spec.timestamp ?? 1_700_000_000_000 }],
  });
}
