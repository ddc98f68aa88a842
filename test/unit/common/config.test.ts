import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONFIG_KEYS,
  ConfigError,
  DEFAULT_CONFIG_FILE,
  envVarFor,
  loadConfig,
  logConfigFromBrokerConfig,
} from '../../../src/common/config/index.js';

describe('config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-config-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const writeJson = (value: unknown) => {
    const file = join(dir, 'ferry.json');
    writeFileSync(file, JSON.stringify(value));
    return file;
  };

  it('ships config/default.json with exactly the schema defaults', () => {
    const shipped = JSON.parse(readFileSync(DEFAULT_CONFIG_FILE, 'utf8')) as Record<string, unknown>;
    expect(shipped).toEqual(Object.fromEntries(CONFIG_KEYS.map((k) => [k.key, k.default])));
  });

  it('loads defaults and maps them to a LogConfig', () => {
    const log = logConfigFromBrokerConfig(loadConfig({ env: {} }));
    expect(log.segmentBytes).toBe(1073741824);
    expect(log.cleanupPolicy).toEqual({ delete: true, compact: false });
    expect(log.retentionBytes).toBe(-1);
  });

  it('takes Kafka-style flat keys and nested keys from --config FILE', () => {
    const flat = loadConfig({
      env: {},
      file: writeJson({ 'log.segment.bytes': 1048576, 'log.cleanup.policy': 'compact,delete' }),
    });
    expect(flat.get('log.segment.bytes')).toBe(1048576);
    expect(logConfigFromBrokerConfig(flat).cleanupPolicy).toEqual({ delete: true, compact: true });
    const nested = loadConfig({ env: {}, file: writeJson({ log: { retention: { ms: 1000 } } }) });
    expect(nested.get('log.retention.ms')).toBe(1000);
  });

  it('gives FERRY_* environment variables precedence over the file', () => {
    expect(envVarFor('log.segment.bytes')).toBe('FERRY_LOG_SEGMENT_BYTES');
    const config = loadConfig({
      env: { FERRY_LOG_SEGMENT_BYTES: '2048' },
      file: writeJson({ 'log.segment.bytes': 1048576 }),
    });
    expect(config.get('log.segment.bytes')).toBe(2048);
  });

  it('fails at start on an unknown key, naming it', () => {
    expect(() => loadConfig({ env: {}, file: writeJson({ 'log.segment.byte': 10 }) })).toThrow(
      /log\.segment\.byte.*not declared/,
    );
  });

  it('fails at start on a bad value with the key, the value and what was expected', () => {
    const file = writeJson({ 'log.segment.bytes': -5 });
    let error: unknown;
    try {
      loadConfig({ env: {}, file });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('log.segment.bytes');
    expect(message).toContain('-5');
    expect(message).toContain('must be a positive integer');
    expect(message).toContain(file);
  });

  it('rejects a bad enumerated value and a bad cleanup.policy', () => {
    expect(() => loadConfig({ env: { FERRY_LOG_MESSAGE_TIMESTAMP_TYPE: 'WallTime' } })).toThrow(
      /log\.message\.timestamp\.type.*WallTime/,
    );
    expect(() => loadConfig({ env: {}, file: writeJson({ 'log.cleanup.policy': 'erase' }) })).toThrow(
      /log\.cleanup\.policy.*'delete', 'compact' or 'compact,delete'/,
    );
  });

  it('names a missing file and a file that is not JSON', () => {
    expect(() => loadConfig({ env: {}, file: join(dir, 'absent.json') })).toThrow(
      /absent\.json does not exist/,
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    expect(() => loadConfig({ env: {}, file: bad })).toThrow(/bad\.json is not valid JSON/);
  });
});
