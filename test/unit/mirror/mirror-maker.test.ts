import { describe, expect, it } from 'vitest';
import { parseMirrorConfig } from '../../../src/mirror/mirror-config.js';
import { MirrorMaker } from '../../../src/mirror/mirror-maker.js';

const clusters = {
  east: { 'bootstrap.servers': 'east:9092' },
  west: { 'bootstrap.servers': 'west:9092' },
  central: { 'bootstrap.servers': 'central:9092' },
};

describe('MirrorMaker', () => {
  it('runs the enabled flows and heartbeats on every other pair of their clusters, as MM2 does', () => {
    const mm = new MirrorMaker({
      config: parseMirrorConfig({
        clusters,
        flows: [
          { source: 'east', target: 'west' },
          { source: 'west', target: 'central' },
          { source: 'central', target: 'east', enabled: false },
          { source: 'central', target: 'west', enabled: false, 'emit.heartbeats.enabled': false },
        ],
      }),
    });
    expect(mm.flows.map((f) => f.name)).toEqual(['east->west', 'west->central']);
    expect(mm.flow('east->west')?.policy.formatRemoteTopic('east', 'orders')).toBe('east.orders');
    expect(mm.heartbeatPairs).toEqual(['central->east', 'east->central', 'west->east']);
  });

  it('names the flow internal topics as MM2 does', () => {
    const mm = new MirrorMaker({
      config: parseMirrorConfig({
        clusters,
        flows: [{ source: 'east', target: 'west', 'offset-syncs.topic.location': 'target' }],
      }),
    });
    const flow = mm.flow('east->west')!;
    expect(flow.offsetSyncsTopic).toEqual({ topic: 'mm2-offset-syncs.west.internal', cluster: 'west' });
    expect(flow.checkpointsTopic).toBe('east.checkpoints.internal');
    expect(mm.heartbeatPairs).toEqual(['west->east']);
  });
});
