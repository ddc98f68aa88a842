import { describe, expect, it } from 'vitest';
import {
  ConfigSource,
  configPropertyExclusions,
  targetTopicConfig,
} from '../../../src/mirror/config-sync.js';

const entry = (name: string, value: string | null, source: number, extra = {}) => ({
  name,
  value,
  source,
  isDefault: source === ConfigSource.DEFAULT_CONFIG,
  ...extra,
});

describe('targetTopicConfig', () => {
  const described = [
    entry('retention.ms', '3600000', ConfigSource.DYNAMIC_TOPIC_CONFIG),
    entry('cleanup.policy', 'compact', ConfigSource.DYNAMIC_TOPIC_CONFIG),
    entry('segment.bytes', '1073741824', ConfigSource.DEFAULT_CONFIG),
    entry('min.insync.replicas', '2', ConfigSource.DYNAMIC_TOPIC_CONFIG),
    entry('message.timestamp.type', 'LogAppendTime', ConfigSource.DYNAMIC_TOPIC_CONFIG),
    entry('message.timestamp.difference.max.ms', '1000', ConfigSource.DYNAMIC_TOPIC_CONFIG),
    entry('unclean.leader.election.enable', 'true', ConfigSource.DYNAMIC_TOPIC_CONFIG),
    entry('leader.replication.throttled.replicas', '0:1', ConfigSource.DYNAMIC_TOPIC_CONFIG),
    entry('follower.replication.throttled.replicas', '0:1', ConfigSource.DYNAMIC_TOPIC_CONFIG),
    entry('max.message.bytes', '2000000', ConfigSource.STATIC_BROKER_CONFIG),
    entry('compression.type', 'zstd', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG),
    entry('secret', 'x', ConfigSource.DYNAMIC_TOPIC_CONFIG, { sensitive: true }),
    entry('readonly.thing', 'x', ConfigSource.DYNAMIC_TOPIC_CONFIG, { readOnly: true }),
  ];

  it("syncs the source's overrides minus MM2's exclusions, and resets what is default on the source", () => {
    const { overrides, resets } = targetTopicConfig(described);
    expect(overrides).toEqual([
      { name: 'retention.ms', value: '3600000' },
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'compression.type', value: 'zstd' },
    ]);
    expect(resets).toEqual(['segment.bytes']);
  });
  it('takes a configured exclusion list', () => {
    const { overrides } = targetTopicConfig(described, configPropertyExclusions('retention\\..*'));
    expect(overrides.map((o) => o.name)).toContain('min.insync.replicas');
    expect(overrides.map((o) => o.name)).not.toContain('retention.ms');
  });
  it('uses isDefault when the source code is absent', () => {
    const { overrides, resets } = targetTopicConfig([
      { name: 'retention.ms', value: '1', isDefault: false },
      { name: 'segment.ms', value: '2', isDefault: true },
    ]);
    expect(overrides).toEqual([{ name: 'retention.ms', value: '1' }]);
    expect(resets).toEqual(['segment.ms']);
  });
});

describe("Ferry's own topic configs", () => {
  it('never syncs ferry.* configs, whatever the exclusion list says', () => {
    const { overrides, resets } = targetTopicConfig(
      [
        {
          name: 'ferry.write.freeze',
          value: 'true',
          source: ConfigSource.DYNAMIC_TOPIC_CONFIG,
          isDefault: false,
        },
        { name: 'retention.ms', value: '1000', source: ConfigSource.DYNAMIC_TOPIC_CONFIG, isDefault: false },
      ],
      configPropertyExclusions([]),
    );
    expect(overrides).toEqual([{ name: 'retention.ms', value: '1000' }]);
    expect(resets).not.toContain('ferry.write.freeze');
  });
});
