import type { FlowFigures } from '../../mirror/index.js';

/** One flow's figures summed over its partitions, for a status line. */
export interface FlowTotals {
  readonly partitions: number;
  readonly records: number;
  readonly bytes: number;
  /** Sum of the partitions' known offset lags (partitions not yet known count 0). */
  readonly offsetLag: number;
  /** Largest record age of the partitions' last acknowledged batches; -1 before any. */
  readonly maxRecordAgeMs: number;
}

export function flowTotals(figures: FlowFigures): FlowTotals {
  let records = 0;
  let bytes = 0;
  let offsetLag = 0;
  let maxRecordAgeMs = -1;
  for (const p of figures.partitions) {
    records += p.records;
    bytes += p.bytes;
    if (p.offsetLag > 0) offsetLag += p.offsetLag;
    if (p.recordAgeMs > maxRecordAgeMs) maxRecordAgeMs = p.recordAgeMs;
  }
  return { partitions: figures.partitions.length, records, bytes, offsetLag, maxRecordAgeMs };
}

/**
 * The compact status line `ferry mirror` prints every few seconds:
 * `status east->west: 6 partitions, 12345 records mirrored (+200/s), lag 3 records, record age max 12 ms`.
 * The rate is the change since `previous` over `elapsedMs`.
 */
export function formatFlowStatus(
  flow: string,
  now: FlowTotals,
  previous: FlowTotals | undefined,
  elapsedMs: number,
): string {
  const rate =
    previous === undefined || elapsedMs <= 0
      ? ''
      : ` (+${Math.max(0, Math.round(((now.records - previous.records) * 1000) / elapsedMs))}/s)`;
  const age = now.maxRecordAgeMs < 0 ? 'no batch yet' : `record age max ${now.maxRecordAgeMs} ms`;
  return (
    `status ${flow}: ${now.partitions} partitions, ${now.records} records mirrored${rate}, ` +
    `lag ${now.offsetLag} records, ${age}`
  );
}
