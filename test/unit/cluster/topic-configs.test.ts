import { describe, expect, it } from 'vitest';
import { effectiveTopicConfig } from '../../../src/cluster/topic-configs.js';
import { loadConfig } from '../../../src/common/config/index.js';

describe('effectiveTopicConfig', () => {
  const broker = loadConfig({ env: {}, overrides: { 'log.retention.ms': 3_600_000 } });

  it('takes the topic override first, then the broker setting', () => {
    expect(effectiveTopicConfig('retention.ms', new Map([['retention.ms', '1000']]), broker)).toEqual({
      value: '1000',
      source: 'topic',
    });
    expect(effectiveTopicConfig('retention.ms', new Map(), broker)).toEqual({
      value: '3600000',
      source: 'default',
    });
  });

  it("shows Ferry's never-flush default as Kafka's Long.MAX_VALUE", () => {
    for (const name of ['flush.ms', 'flush.messages']) {
      expect(effectiveTopicConfig(name, new Map(), broker).value).toBe('9223372036854775807');
    }
    expect(effectiveTopicConfig('flush.ms', new Map([['flush.ms', '1000']]), broker).value).toBe('1000');
  });
});
