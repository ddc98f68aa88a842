import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpLogDir, dumpSegment, show } from '../../../../src/ops/tools/log-dump.js';
import {
  CompressionType,
  encodeEndTxnMarkerBatch,
  encodeRecordBatch,
  encodeRecordBatchSync,
  TimestampType,
} from '../../../../src/protocol/records/index.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-log-dump-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function dump(
  file: string,
  printRecords = false,
): Promise<{ lines: string[]; summary: Awaited<ReturnType<typeof dumpSegment>> }> {
  const lines: string[] = [];
  const summary = await dumpSegment(file, { printRecords }, (l) => lines.push(l));
  return { lines, summary };
}

const T0 = 1_700_000_000_000;

/** Three batches laid end to end as a segment holds them: offsets 10-12, 13-14 (gzip), 15 (LogAppendTime). */
async function threeBatches(): Promise<Buffer[]> {
  return [
    encodeRecordBatchSync({
      baseOffset: 10,
      partitionLeaderEpoch: 3,
      records: [
        { key: Buffer.from('k0'), value: Buffer.from('hello'), timestamp: T0 },
        { key: null, value: Buffer.from([0x00, 0xff, 0x10]), timestamp: T0 + 1 },
        {
          key: Buffer.from('k2'),
          value: null,
          timestamp: T0 + 2,
          headers: [{ key: 'h', value: Buffer.from('v') }],
        },
      ],
    }),
    await encodeRecordBatch({
      baseOffset: 13,
      compression: CompressionType.Gzip,
      producerId: 42,
      producerEpoch: 1,
      baseSequence: 7,
      records: [
        { key: Buffer.from('a'), value: Buffer.from('x'.repeat(100)), timestamp: T0 + 3 },
        { key: Buffer.from('b'), value: Buffer.from('y'), timestamp: T0 + 4 },
      ],
    }),
    encodeRecordBatchSync({
      baseOffset: 15,
      timestampType: TimestampType.LogAppendTime,
      logAppendTime: T0 + 99,
      records: [{ key: Buffer.from('c'), value: Buffer.from('z'), timestamp: T0 + 5 }],
    }),
  ];
}

describe('log dump', () => {
  it('describes every batch header with its position, and every record with --print-records', async () => {
    const batches = await threeBatches();
    const file = join(dir, '00000000000000000010.log');
    writeFileSync(file, Buffer.concat(batches));
    const { lines, summary } = await dump(file, true);

    const headers = lines.filter((l) => l.startsWith('baseOffset:'));
    expect(headers).toHaveLength(3);
    expect(headers[0]).toContain('baseOffset: 10 lastOffset: 12 count: 3');
    expect(headers[0]).toContain('partitionLeaderEpoch: 3');
    expect(headers[0]).toContain(`position: 0 CreateTime: ${T0 + 2} size: ${batches[0]!.length}`);
    expect(headers[0]).toContain('compresscodec: none');
    expect(headers[0]).toContain('isValid: true');
    expect(headers[1]).toContain('baseOffset: 13 lastOffset: 14 count: 2 baseSequence: 7 lastSequence: 8');
    expect(headers[1]).toContain('producerId: 42 producerEpoch: 1');
    expect(headers[1]).toContain(`position: ${batches[0]!.length} `);
    expect(headers[1]).toContain('compresscodec: gzip');
    expect(headers[2]).toContain(`LogAppendTime: ${T0 + 99}`);

    const records = lines.filter((l) => l.startsWith('| '));
    expect(records).toEqual([
      `| offset: 10 CreateTime: ${T0} key: k0 payload: hello headers: []`,
      `| offset: 11 CreateTime: ${T0 + 1} key: null payload: 0x00ff10 headers: []`,
      `| offset: 12 CreateTime: ${T0 + 2} key: k2 payload: null headers: [h=v]`,
      `| offset: 13 CreateTime: ${T0 + 3} key: a payload: ${'x'.repeat(100)} headers: []`,
      `| offset: 14 CreateTime: ${T0 + 4} key: b payload: y headers: []`,
      `| offset: 15 LogAppendTime: ${T0 + 99} key: c payload: z headers: []`,
    ]);
    expect(summary).toMatchObject({ batches: 3, records: 6, invalidBatches: 0 });
    expect(summary.stoppedBecause).toBeUndefined();
    expect(summary.validBytes).toBe(summary.fileBytes);
  });

  it('marks a batch whose CRC does not match as invalid and goes on to the next one', async () => {
    const batches = await threeBatches();
    const bytes = Buffer.concat(batches);
    bytes[batches[0]!.length - 1]! ^= 0x01; // last byte of the first batch: inside the CRC-covered range
    const file = join(dir, '00000000000000000010.log');
    writeFileSync(file, bytes);
    const { lines, summary } = await dump(file);
    const headers = lines.filter((l) => l.startsWith('baseOffset:'));
    expect(headers.map((h) => h.endsWith('isValid: true'))).toEqual([false, true, true]);
    expect(summary.invalidBatches).toBe(1);
    expect(summary.batches).toBe(3);
  });

  it('stops at a torn batch at the tail, says where and why, and keeps what came before', async () => {
    const batches = await threeBatches();
    const intact = batches[0]!.length + batches[1]!.length;
    const file = join(dir, '00000000000000000010.log');
    writeFileSync(file, Buffer.concat([batches[0]!, batches[1]!, batches[2]!.subarray(0, 30)]));
    const { lines, summary } = await dump(file);
    expect(lines.filter((l) => l.startsWith('baseOffset:'))).toHaveLength(2);
    expect(summary.validBytes).toBe(intact);
    expect(summary.stoppedBecause).toBe(
      `a torn batch at position ${intact}: its length says ${batches[2]!.length} bytes, only 30 remain in the file`,
    );
    expect(lines).toContain(`Stopped: ${summary.stoppedBecause}`);
  });

  it('stops at a partial header and at a batch length too small for a v2 header', async () => {
    const [first] = await threeBatches();
    const partial = join(dir, '00000000000000000000.log');
    writeFileSync(partial, Buffer.concat([first!, Buffer.alloc(5)]));
    expect((await dump(partial)).summary.stoppedBecause).toBe(
      `a partial batch header: 5 bytes at position ${first!.length}`,
    );

    const zeros = join(dir, '00000000000000000100.log');
    writeFileSync(zeros, Buffer.concat([first!, Buffer.alloc(100)]));
    expect((await dump(zeros)).summary.stoppedBecause).toBe(
      `a batch length of 0 at position ${first!.length}, too small for a record batch v2 header`,
    );
  });

  it('shows control batches as end-transaction markers', async () => {
    const marker = encodeEndTxnMarkerBatch({
      producerId: 9,
      producerEpoch: 2,
      coordinatorEpoch: 5,
      commit: true,
      baseOffset: 20,
      timestamp: T0,
    });
    const file = join(dir, '00000000000000000020.log');
    writeFileSync(file, marker);
    const { lines } = await dump(file, true);
    expect(lines.find((l) => l.startsWith('baseOffset:'))).toContain('isTransactional: true isControl: true');
    expect(lines.find((l) => l.startsWith('| '))).toContain('endTxnMarker: COMMIT');
  });

  it('walks the segments of a directory in offset order and ignores other files', async () => {
    const [first, second] = await threeBatches();
    writeFileSync(join(dir, '00000000000000000013.log'), second!);
    writeFileSync(join(dir, '00000000000000000010.log'), first!);
    writeFileSync(join(dir, '00000000000000000010.index'), Buffer.alloc(8));
    writeFileSync(join(dir, 'leader-epoch-checkpoint'), '0\n0\n');
    const starts: string[] = [];
    const summaries = await dumpLogDir(dir, { printRecords: false }, (l) => {
      if (l.startsWith('Log starting offset:')) starts.push(l);
    });
    expect(starts).toEqual(['Log starting offset: 10', 'Log starting offset: 13']);
    expect(summaries.map((s) => s.records)).toEqual([3, 2]);
  });

  it('prints bytes as UTF-8 when printable and as hex otherwise', () => {
    expect(show(Buffer.from('plain text ✓'))).toBe('plain text ✓');
    expect(show(Buffer.from([0x61, 0x00, 0x62]))).toBe('0x610062');
    expect(show(Buffer.from([0xc3, 0x28]))).toBe('0xc328');
    expect(show(null)).toBe('null');
  });
});
