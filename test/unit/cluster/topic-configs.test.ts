import { describe, expect, it } from 'vitest';
import {
  effectiveTopicConfig,
  FERRY_WRITE_FREEZE_EXEMPT_CLIENT_ID,
  validateTopicConfig,
  writeFreezeExemptClientId,
} from '../../../src/cluster/topic-configs.js';
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

describe('ferry.write.freeze.exempt.client.id', () => {
  const broker = loadConfig({ env: {} });
  const KEY = FERRY_WRITE_FREEZE_EXEMPT_CLIENT_ID;

  it('accepts any string and defaults to empty: nobody exempt', () => {
    expect(KEY).toBe('ferry.write.freeze.exempt.client.id');
    for (const value of ['', 'ferry-reverse-flow-B->A', 'a b,c=d'])
      expect(() => validateTopicConfig(KEY, value)).not.toThrow();
    expect(effectiveTopicConfig(KEY, new Map(), broker)).toEqual({ value: '', source: 'default' });
    expect(writeFreezeExemptClientId(new Map())).toBe('');
    expect(writeFreezeExemptClientId(new Map([[KEY, 'x']]))).toBe('x');
  });
});
