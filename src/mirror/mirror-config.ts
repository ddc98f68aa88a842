import { existsSync, readFileSync } from 'node:fs';
import convict from 'convict';
import { registerConfigFormats } from '../common/config/formats.js';
import { ConfigError } from '../common/config/index.js';
import { CLUSTER_KEYS, convictName, FLOW_KEYS, type MirrorConfigKey } from './mirror-config-keys.js';
import { PatternList, splitList } from './pattern-list.js';
import type { ReplicationPolicyName } from './replication-policy.js';

/**
 * Ferry's mirror configuration: a JSON file
 *
 *   {
 *     "clusters": { "<alias>": { "bootstrap.servers": "h:p,h:p", …client keys } },
 *     "defaults": { …flow keys applying to every flow (MM2's top-level keys) },
 *     "flows":    [ { "source": "<alias>", "target": "<alias>", …flow keys (MM2's `A->B.*` keys) } ]
 *   }
 *
 * Keys are MirrorMaker 2's, with its defaults (mirror-config-keys.ts), written dotted as in MM2
 * (`"topics.exclude"`); nested objects are flattened to the same names. Each cluster and flow is validated by
 * convict against its table; on top of that: every flow names known clusters, no flow goes from a cluster
 * to itself, no flow appears twice, every regex compiles. Everything fails here, at load, with a message
 * naming the flow and the key.
 */

export interface MirrorClusterConfig {
  readonly alias: string;
  readonly bootstrapServers: readonly string[];
  readonly clientId: string;
  readonly securityProtocol: 'PLAINTEXT';
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly reconnectBackoffMs: number;
  readonly reconnectBackoffMaxMs: number;
  readonly retryBackoffMs: number;
}

/** One flow; field names are the camel-cased MM2 keys (see FLOW_KEYS for docs and defaults). */
export interface MirrorFlowConfig {
  /** `<source>-><target>`, MM2's name for the pair. */
  readonly name: string;
  readonly source: string;
  readonly target: string;
  readonly enabled: boolean;
  readonly topics: readonly string[];
  readonly topicsExclude: readonly string[];
  readonly groups: readonly string[];
  readonly groupsExclude: readonly string[];
  readonly configPropertiesExclude: readonly string[];
  readonly replicationPolicy: ReplicationPolicyName;
  readonly replicationPolicySeparator: string;
  readonly replicationPolicyInternalTopicSeparatorEnabled: boolean;
  readonly syncTopicConfigsEnabled: boolean;
  readonly syncTopicConfigsIntervalSeconds: number;
  readonly refreshTopicsEnabled: boolean;
  readonly refreshTopicsIntervalSeconds: number;
  readonly refreshGroupsEnabled: boolean;
  readonly refreshGroupsIntervalSeconds: number;
  readonly emitCheckpointsEnabled: boolean;
  readonly emitCheckpointsIntervalSeconds: number;
  readonly syncGroupOffsetsEnabled: boolean;
  readonly syncGroupOffsetsIntervalSeconds: number;
  readonly emitHeartbeatsEnabled: boolean;
  readonly emitHeartbeatsIntervalSeconds: number;
  readonly heartbeatsReplicationEnabled: boolean;
  readonly emitOffsetSyncsEnabled: boolean;
  readonly replicationFactor: number;
  readonly offsetSyncsTopicReplicationFactor: number;
  readonly checkpointsTopicReplicationFactor: number;
  readonly heartbeatsTopicReplicationFactor: number;
  readonly offsetSyncsTopicLocation: 'source' | 'target';
  readonly offsetLagMax: number;
  readonly tasksMax: number;
}

export interface MirrorConfig {
  readonly clusters: ReadonlyMap<string, MirrorClusterConfig>;
  readonly flows: readonly MirrorFlowConfig[];
}

/** The raw shape parseMirrorConfig takes (a parsed JSON file, or what mm2-properties builds). */
export interface RawMirrorConfig {
  clusters?: Record<string, Record<string, unknown>>;
  defaults?: Record<string, unknown>;
  flows?: Record<string, unknown>[];
}

const ALIAS = /^[A-Za-z0-9_-]+$/;

let formatsRegistered = false;
function registerMirrorFormats(): void {
  if (formatsRegistered) return;
  formatsRegistered = true;
  registerConfigFormats();
  convict.addFormats({
    'mirror-alias': {
      validate(value: unknown) {
        if (value !== null && (typeof value !== 'string' || !ALIAS.test(value))) {
          throw new Error('must be a cluster alias (letters, digits, _ and -)');
        }
      },
    },
    'mirror-regex-list': {
      validate(value: unknown) {
        if (
          typeof value !== 'string' &&
          !(Array.isArray(value) && value.every((v) => typeof v === 'string'))
        ) {
          throw new Error('must be a comma-separated list of regexes or an array of regexes');
        }
        // Each pattern alone, so that the error names the one that is wrong.
        for (const pattern of typeof value === 'string' ? splitList(value) : value)
          PatternList.compile([pattern]);
        PatternList.compile(value);
      },
    },
    // convict's own Boolean turns any string but 'false' into true; a typo must fail instead.
    'mirror-boolean': {
      validate(value: unknown) {
        if (typeof value !== 'boolean') throw new Error('must be true or false');
      },
    },
    'mirror-separator': {
      validate(value: unknown) {
        if (typeof value !== 'string' || value.length === 0) throw new Error('must be a non-empty string');
      },
    },
    'mirror-seconds': {
      validate(value: unknown) {
        if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
          throw new Error('must be a number of seconds > 0');
        }
      },
    },
    'mirror-replication-factor': {
      validate(value: unknown) {
        if (
          !Number.isInteger(value) ||
          ((value as number) < 1 && value !== -1) ||
          (value as number) > 32767
        ) {
          throw new Error('must be an integer from 1 to 32767, or -1 for the broker default');
        }
      },
    },
    'mirror-bootstrap-servers': {
      validate(value: unknown) {
        if (value === null) return; // required-ness is checked after, with a better message
        const list = typeof value === 'string' ? splitList(value) : value;
        if (!Array.isArray(list) || list.length === 0) throw new Error('must list at least one host:port');
        for (const server of list) {
          if (typeof server !== 'string' || !/^\S+:\d{1,5}$/.test(server)) {
            throw new Error(`'${String(server)}' is not host:port`);
          }
        }
      },
    },
  });
}

/** Reads and validates a mirror config file (JSON). */
export function loadMirrorConfig(file: string): MirrorConfig {
  if (!existsSync(file)) throw new ConfigError(`mirror config file ${file} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`mirror config file ${file} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseMirrorConfig(raw, `mirror config file ${file}`);
}

/** Validates a raw config object; `origin` prefixes every error message. */
export function parseMirrorConfig(raw: unknown, origin = 'mirror config'): MirrorConfig {
  registerMirrorFormats();
  const fail = (message: string): never => {
    throw new ConfigError(`invalid ${origin}: ${message}`);
  };
  if (!isPlainObject(raw)) return fail('must be a JSON object with clusters and flows');
  for (const key of Object.keys(raw)) {
    if (!['clusters', 'defaults', 'flows'].includes(key)) {
      fail(`unknown key '${key}' (expected clusters, defaults, flows)`);
    }
  }
  const rawClusters = raw.clusters ?? {};
  if (!isPlainObject(rawClusters) || Object.keys(rawClusters).length === 0) {
    fail('clusters: must map at least one cluster alias to its settings');
  }
  const clusters = new Map<string, MirrorClusterConfig>();
  for (const [alias, settings] of Object.entries(rawClusters as Record<string, unknown>)) {
    const where = `cluster ${alias}`;
    if (!ALIAS.test(alias)) fail(`${where}: an alias is letters, digits, _ and - only`);
    if (!isPlainObject(settings)) fail(`${where}: must be an object of client settings`);
    const values = validateSection(
      CLUSTER_KEYS,
      flattenKeys(settings as Record<string, unknown>),
      where,
      fail,
    );
    if (values.bootstrapServers === null) fail(`${where}: bootstrap.servers is required`);
    const servers = values.bootstrapServers as string | string[];
    values.bootstrapServers = typeof servers === 'string' ? splitList(servers) : servers;
    clusters.set(alias, { alias, ...values } as unknown as MirrorClusterConfig);
  }

  const defaults = raw.defaults ?? {};
  if (!isPlainObject(defaults)) fail('defaults: must be an object of flow keys');
  const flatDefaults = flattenKeys(defaults as Record<string, unknown>);
  for (const key of ['source', 'target']) {
    if (key in flatDefaults) fail(`defaults: '${key}' belongs in each flow`);
  }
  validateSection(FLOW_KEYS, flatDefaults, 'defaults', fail);

  if (!Array.isArray(raw.flows) || raw.flows.length === 0) fail('flows: must list at least one flow');
  const flows: MirrorFlowConfig[] = [];
  const seen = new Map<string, number>();
  (raw.flows as unknown[]).forEach((rawFlow, index) => {
    if (!isPlainObject(rawFlow)) fail(`flows[${index}]: must be an object`);
    const flat = flattenKeys(rawFlow as Record<string, unknown>);
    const name = `${String(flat.source ?? '?')}->${String(flat.target ?? '?')}`;
    const where = `flow ${name} (flows[${index}])`;
    const values = validateSection(FLOW_KEYS, { ...flatDefaults, ...flat }, where, fail);
    const { source, target } = values as { source: string | null; target: string | null };
    if (source === null) fail(`${where}: source is required`);
    if (target === null) fail(`${where}: target is required`);
    const known = [...clusters.keys()].join(', ');
    if (!clusters.has(source!))
      fail(`${where}: source '${source}' is not a cluster alias (clusters: ${known})`);
    if (!clusters.has(target!))
      fail(`${where}: target '${target}' is not a cluster alias (clusters: ${known})`);
    if (source === target) fail(`${where}: a flow from cluster ${source} to itself`);
    const first = seen.get(name);
    if (first !== undefined) fail(`${where}: flow ${name} is already defined by flows[${first}]`);
    seen.set(name, index);
    for (const key of FLOW_KEYS) {
      if (key.kind === 'list') values[key.prop] = asList(values[key.prop] as string | string[]);
    }
    flows.push({ name, ...values } as unknown as MirrorFlowConfig);
  });
  return { clusters, flows };
}

/** Validates one cluster, flow or defaults section with convict; returns the values by typed property name. */
function validateSection(
  keys: readonly MirrorConfigKey[],
  flat: Record<string, unknown>,
  where: string,
  fail: (message: string) => never,
): Record<string, unknown> {
  const byKey = new Map(keys.map((k) => [k.key, k]));
  for (const key of Object.keys(flat)) {
    if (!byKey.has(key)) fail(`${where}: unknown key '${key}'${suggestion(key, keys)}`);
  }
  const schema: Record<string, { doc: string; format: unknown; default: unknown }> = {};
  for (const k of keys) {
    schema[convictName(k.key)] = {
      doc: k.doc,
      format: Array.isArray(k.format) ? [...k.format] : k.format,
      default: k.default,
    };
  }
  const config = convict(schema as convict.Schema<Record<string, unknown>>, { env: {}, args: [] });
  try {
    for (const [key, value] of Object.entries(flat)) config.set(convictName(key), value);
    config.validate({ allowed: 'strict' });
  } catch (err) {
    fail(`${where}: ${unconvict((err as Error).message, keys)}`);
  }
  const values: Record<string, unknown> = {};
  for (const k of keys) values[k.prop] = config.get(convictName(k.key));
  return values;
}

/** convict names keys by their '_' spelling; put MM2's dotted names back into its messages. */
function unconvict(message: string, keys: readonly MirrorConfigKey[]): string {
  return message
    .split('\n')
    .map((line) => {
      const k = keys.find((key) => line.startsWith(`${convictName(key.key)}: `));
      return k ? `${k.key}: ${line.slice(convictName(k.key).length + 2)}` : line;
    })
    .join('; ');
}

function suggestion(key: string, keys: readonly MirrorConfigKey[]): string {
  const close = keys.find((k) => editDistance(k.key, key) <= 2);
  return close ? ` (did you mean '${close.key}'?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

function asList(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? splitList(value) : value.map((v) => v.trim()).filter((v) => v);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `{"emit": {"heartbeats": {"enabled": false}}}` → `{"emit.heartbeats.enabled": false}`; arrays are values. */
function flattenKeys(obj: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value)) Object.assign(out, flattenKeys(value, path));
    else out[path] = value;
  }
  return out;
}
