// The record batch v2 codec: header view, CRC, records, batches, record sets, control batches, compression.
export * from './batch-crc.js';
export * from './batch-header.js';
export * from './compression/index.js';
export * from './control-record.js';
export * from './crc32c.js';
export * from './record.js';
export * from './record-batch.js';
export * from './record-set.js';
export * from './varint.js';
