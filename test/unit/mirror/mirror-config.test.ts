import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/common/config/index.js';
import { loadMirrorConfig, parseMirrorConfig } from '../../../src/mirror/mirror-config.js';
import { FLOW_KEYS } from '../../../src/mirror/mirror-config-keys.js';

const clusters = {
  east: { 'bootstrap.servers': 'e1:9092,e2:9092' },
  west: { 'bootstrap.servers': ['w1:9092'] },
};
const parse = (raw: unknown) => parseMirrorConfig(raw);
const flow = (extra: Record<string, unknown> = {}) => ({
  clusters,
  flows: [{ source: 'east', target: 'west', ...extra }],
});

describe('parseMirrorConfig', () => {
  it("gives MM2's defaults", () => {
    const config = parse(flow());
    expect(config.clusters.get('east')).toMatchObject({
      bootstrapServers: ['e1:9092', 'e2:9092'],
      requestTimeoutMs: 30000,
    });
    expect(config.clusters.get('west')!.bootstrapServers).toEqual(['w1:9092']);
    expect(config.flows[0]).toMatchObject({
      name: 'east->west',
      enabled: true,
      topics: ['.*'],
      topicsExclude: ['.*[\\-\\.]internal', '.*\\.replica', '__.*'],
      groups: ['.*'],
      groupsExclude: ['console-consumer-.*', 'connect-.*', '__.*'],
      replicationPolicy: 'default',
      replicationPolicySeparator: '.',
      syncTopicConfigsEnabled: true,
      refreshTopicsIntervalSeconds: 600,
      refreshGroupsIntervalSeconds: 600,
      emitCheckpointsEnabled: true,
      emitCheckpointsIntervalSeconds: 60,
      syncGroupOffsetsEnabled: false,
      syncGroupOffsetsIntervalSeconds: 60,
      emitHeartbeatsEnabled: true,
      emitHeartbeatsIntervalSeconds: 1,
      replicationFactor: 2,
      offsetSyncsTopicLocation: 'source',
      offsetLagMax: 100,
      tasksMax: 1,
    });
  });
  it('fills every typed field from the key table', () => {
    const f = parse(flow()).flows[0] as unknown as Record<string, unknown>;
    for (const k of FLOW_KEYS) expect(f[k.prop], k.key).not.toBeUndefined();
  });
  it('applies defaults to every flow, dotted or nested, and lets a flow override them', () => {
    const config = parse({
      clusters,
      defaults: { 'replication.factor': 3, refresh: { topics: { interval: { seconds: 0.5 } } } },
      flows: [
        { source: 'east', target: 'west', topics: ['orders.*'], 'replication.policy': 'identity' },
        { source: 'west', target: 'east', 'replication.factor': -1, 'topics.exclude': '' },
      ],
    });
    expect(config.flows[0]).toMatchObject({
      replicationFactor: 3,
      refreshTopicsIntervalSeconds: 0.5,
      topics: ['orders.*'],
      replicationPolicy: 'identity',
    });
    expect(config.flows[1]).toMatchObject({ name: 'west->east', replicationFactor: -1, topicsExclude: [] });
  });

  const rejects: [string, unknown, RegExp][] = [
    [
      'an unknown cluster alias',
      { clusters, flows: [{ source: 'east', target: 'north' }] },
      /flow east->north \(flows\[0\]\): target 'north' is not a cluster alias \(clusters: east, west\)/,
    ],
    [
      'a flow to itself',
      { clusters, flows: [{ source: 'east', target: 'east' }] },
      /flow east->east.*from cluster east to itself/,
    ],
    [
      'a duplicate flow',
      {
        clusters,
        flows: [
          { source: 'east', target: 'west' },
          { source: 'east', target: 'west' },
        ],
      },
      /flows\[1\].*already defined by flows\[0\]/,
    ],
    [
      'an invalid regex',
      flow({ 'topics.exclude': 'ok, bad[' }),
      /flow east->west.*topics\.exclude: invalid regex 'bad\['.*/,
    ],
    [
      'an unknown flow key',
      flow({ 'topics.exlude': 'x' }),
      /unknown key 'topics\.exlude' \(did you mean 'topics\.exclude'\?\)/,
    ],
    [
      'an unknown cluster key',
      { clusters: { ...clusters, east: { 'bootstrap.servers': 'e:1', linger: 1 } }, flows: [] },
      /cluster east: unknown key 'linger'/,
    ],
    ['an unknown top-level key', { ...flow(), mirrors: [] }, /unknown key 'mirrors'/],
    ['a missing source', { clusters, flows: [{ target: 'west' }] }, /source is required/],
    [
      'a missing bootstrap.servers',
      { clusters: { east: {} }, flows: [] },
      /cluster east: bootstrap.servers is required/,
    ],
    [
      'a bad policy',
      flow({ 'replication.policy': 'rename' }),
      /replication\.policy: must be one of the possible values/,
    ],
    [
      'a bad replication factor',
      flow({ 'replication.factor': 0 }),
      /replication\.factor: must be an integer from 1.*-1/,
    ],
    ['a bad location', flow({ 'offset-syncs.topic.location': 'both' }), /offset-syncs\.topic\.location/],
    [
      'a zero interval',
      flow({ 'emit.heartbeats.interval.seconds': 0 }),
      /emit\.heartbeats\.interval\.seconds: must be a number of seconds > 0/,
    ],
    ['a boolean written as text', flow({ enabled: 'no' }), /enabled: must be true or false/],
    ['no flows', { clusters, flows: [] }, /at least one flow/],
  ];
  for (const [what, raw, message] of rejects) {
    it(`fails on ${what}, naming the key`, () => {
      expect(() => parse(raw)).toThrow(ConfigError);
      expect(() => parse(raw)).toThrow(message);
    });
  }
});

describe('loadMirrorConfig', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  it('loads the shipped example', () => {
    const config = loadMirrorConfig(join(import.meta.dirname, '../../../config/mirror.example.json'));
    expect(config.flows.map((f) => f.name)).toEqual(['east->west', 'west->east']);
  });
  it('names the file in its errors', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ferry-mirror-config-'));
    dir = tmp;
    const file = join(tmp, 'm.json');
    writeFileSync(file, '{"clusters": ');
    expect(() => loadMirrorConfig(file)).toThrow(/m\.json is not valid JSON/);
    expect(() => loadMirrorConfig(join(tmp, 'none.json'))).toThrow(/does not exist/);
  });
});
