import { describe, expect, it } from 'vitest';
import { type FlowFigures, MirrorMetrics } from '../../../src/mirror/mirror-metrics.js';

describe('MirrorMetrics', () => {
  it('exposes per-partition figures under MM2-style names, rates over the scrape interval, and group bounds', async () => {
    let now = 0;
    const figures: FlowFigures & {
      partitions: Array<{
        topic: string;
        partition: number;
        records: number;
        bytes: number;
        recordAgeMs: number;
        replicationLatencyMs: number;
        offsetLag: number;
      }>;
    } = {
      partitions: [
        {
          topic: 'east.orders',
          partition: 0,
          records: 100,
          bytes: 10_000,
          recordAgeMs: 12,
          replicationLatencyMs: 3,
          offsetLag: 5,
        },
      ],
      checkpoints: [{ group: 'billing', topic: 'east.orders', partition: 0, latencyMs: 8 }],
      translationErrorBounds: new Map([['billing', 0]]),
      heartbeats: 4,
    };
    const metrics = new MirrorMetrics(undefined, () => now);
    metrics.addFlow('east->west', () => figures);
    const first = await metrics.metrics();
    const labels = '{flow="east->west",topic="east.orders",partition="0"}';
    expect(first).toContain(`ferry_mirror_record_count${labels} 100`);
    expect(first).toContain(`ferry_mirror_byte_count${labels} 10000`);
    expect(first).toContain(`ferry_mirror_record_age_ms${labels} 12`);
    expect(first).toContain(`ferry_mirror_replication_latency_ms${labels} 3`);
    expect(first).toContain(`ferry_mirror_offset_lag${labels} 5`);
    expect(first).toContain(`ferry_mirror_record_rate${labels} 0`);
    expect(first).toContain(
      'ferry_mirror_checkpoint_latency_ms{flow="east->west",group="billing",topic="east.orders",partition="0"} 8',
    );
    expect(first).toContain('ferry_mirror_translation_error_bound{flow="east->west",group="billing"} 0');
    expect(first).toContain('ferry_mirror_heartbeat_count{flow="east->west"} 4');

    now = 2_000;
    figures.partitions[0] = { ...figures.partitions[0]!, records: 300, bytes: 30_000 };
    const second = await metrics.metrics();
    expect(second).toContain(`ferry_mirror_record_rate${labels} 100`);
    expect(second).toContain(`ferry_mirror_byte_rate${labels} 10000`);

    metrics.removeFlow('east->west');
    expect(await metrics.metrics()).not.toContain('east->west');
  });
});
