import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import convict from 'convict';
import { registerConfigFormats } from './formats.js';
import { toConvictSchema } from './schema.js';

registerConfigFormats();

/** The shipped defaults, beside the package root: `config/default.json`. */
export const DEFAULT_CONFIG_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../config/default.json',
);

export interface LoadConfigOptions {
  /** An operator's config file (`--config FILE`), JSON; loaded over the defaults. */
  file?: string;
  /** Environment to read `FERRY_*` overrides from. @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
  /** Override values by key, applied last (CLI flags). */
  overrides?: Record<string, unknown>;
}

/** A config that failed to load or validate; the message names the key, the value and what was expected. */
export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

export type FerryConfig = convict.Config<Record<string, unknown>>;

/**
 * Loads Ferry's config: schema defaults, then `config/default.json`, then `--config FILE`, then `FERRY_*`
 * environment variables (convict gives env precedence over files), then explicit overrides. Unknown keys and
 * bad values fail here, at start, never later.
 */
export function loadConfig(options: LoadConfigOptions = {}): FerryConfig {
  const config = convict(toConvictSchema() as convict.Schema<Record<string, unknown>>, {
    env: options.env ?? process.env,
    args: [],
  });
  try {
    if (existsSync(DEFAULT_CONFIG_FILE)) config.load(readConfigFile(DEFAULT_CONFIG_FILE));
    if (options.file !== undefined) config.load(readConfigFile(options.file));
    for (const [key, value] of Object.entries(options.overrides ?? {})) config.set(key, value);
    config.validate({ allowed: 'strict' });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const where = options.file ? ` (config file ${options.file})` : '';
    throw new ConfigError(`invalid configuration${where}: ${(err as Error).message}`, { cause: err });
  }
  return config;
}

/**
 * Reads a JSON config file whose keys may be Kafka-style flat (`"log.segment.bytes": 1048576`) or nested
 * (`{"log": {"segment": {"bytes": 1048576}}}`); both become convict's nested shape.
 */
function readConfigFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new ConfigError(`config file ${file} does not exist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file} must hold a JSON object of config keys`);
  }
  return expandDottedKeys(parsed as Record<string, unknown>);
}

function expandDottedKeys(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const path = key.split('.');
    let node = out;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      node[part] = next !== null && typeof next === 'object' ? next : {};
      node = node[part] as Record<string, unknown>;
    }
    const leaf = path.at(-1)!;
    const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
    node[leaf] = isObject
      ? { ...(node[leaf] as object), ...expandDottedKeys(value as Record<string, unknown>) }
      : value;
  }
  return out;
}
