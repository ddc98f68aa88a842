import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../common/config/index.js';
import { parseJavaProperties } from './java-properties.js';
import { type MirrorConfig, parseMirrorConfig, type RawMirrorConfig } from './mirror-config.js';
import { CLUSTER_KEYS, FLOW_KEYS, type MirrorConfigKey } from './mirror-config-keys.js';
import { splitList } from './pattern-list.js';
import type { ReplicationPolicyName } from './replication-policy.js';

/**
 * MirrorMaker 2's own `connect-mirror-maker.properties`, read into the same MirrorConfig as Ferry's JSON:
 *
 *   clusters = A, B                      the aliases
 *   A.bootstrap.servers = h:9092         `<alias>.<client key>`: that cluster's settings
 *   bootstrap.servers / client.id …      top-level client keys: every cluster's, unless it sets its own
 *   A->B.enabled = true                  `<source>-><target>.<flow key>`: that flow's settings (MM2: a flow is
 *   A->B.topics = orders.*               disabled unless `enabled` says true)
 *   replication.factor = 3               top-level flow keys: every flow's, unless it sets its own
 *   replication.policy.class = …         DefaultReplicationPolicy or IdentityReplicationPolicy (→ replication.policy)
 *
 * Every flow that any `A->B.` key mentions becomes a flow (enabled or not). Anything else — Connect worker
 * settings, `producer.`/`consumer.`/`admin.` overrides, ACL sync, SASL/SSL — Ferry does not do; those keys
 * come back in `unsupported`, in file order, so that the CLI reports them instead of silently ignoring them.
 */
export interface Mm2PropertiesResult {
  readonly config: MirrorConfig;
  /** Keys of the file Ferry does not act on, as written (e.g. `A->B.producer.override.linger.ms`). */
  readonly unsupported: readonly string[];
}

const POLICY_CLASSES: Record<string, ReplicationPolicyName> = {
  DefaultReplicationPolicy: 'default',
  IdentityReplicationPolicy: 'identity',
};
const POLICY_CLASS_KEY = 'replication.policy.class';
const PAIR = /^([^.]+?)->([^.]+)\.(.+)$/;

export function loadMm2Properties(file: string): Mm2PropertiesResult {
  if (!existsSync(file)) throw new ConfigError(`MM2 properties file ${file} does not exist`);
  return parseMm2Properties(readFileSync(file, 'utf8'), `MM2 properties file ${file}`);
}

export function parseMm2Properties(text: string, origin = 'MM2 properties'): Mm2PropertiesResult {
  const entries = parseJavaProperties(text);
  const clustersEntry = entries.get('clusters');
  if (clustersEntry === undefined) throw new ConfigError(`invalid ${origin}: 'clusters' is required`);
  const aliases = splitList(clustersEntry.value);
  // Longest first, so that alias `us` does not claim `us-east.bootstrap.servers`.
  const byLength = [...aliases].sort((a, b) => b.length - a.length);

  const clusters: Record<string, Record<string, unknown>> = Object.fromEntries(aliases.map((a) => [a, {}]));
  const clusterDefaults: Record<string, unknown> = {};
  const defaults: Record<string, unknown> = {};
  const flows = new Map<string, Record<string, unknown>>();
  const unsupported: string[] = [];

  for (const { key, value, line } of entries.values()) {
    if (key === 'clusters') continue;
    const where = `${origin} line ${line}: ${key}`;
    const pair = PAIR.exec(key);
    if (pair) {
      const [, source, target, rest] = pair as unknown as [string, string, string, string];
      const name = `${source}->${target}`;
      const flow = flows.get(name) ?? { source, target, enabled: false };
      flows.set(name, flow);
      if (!setFlowKey(flow, rest, value, where)) unsupported.push(key);
      continue;
    }
    const alias = byLength.find((a) => key.startsWith(`${a}.`));
    if (alias !== undefined) {
      const rest = key.slice(alias.length + 1);
      const k = CLUSTER_KEYS.find((c) => c.key === rest);
      if (k) clusters[alias]![rest] = coerce(k, value);
      else unsupported.push(key);
      continue;
    }
    const clusterKey = CLUSTER_KEYS.find((c) => c.key === key);
    if (clusterKey) clusterDefaults[key] = coerce(clusterKey, value);
    else if (!setFlowKey(defaults, key, value, where)) unsupported.push(key);
  }
  for (const alias of aliases) clusters[alias] = { ...clusterDefaults, ...clusters[alias] };

  const raw: RawMirrorConfig = { clusters, defaults, flows: [...flows.values()] };
  return { config: parseMirrorConfig(raw, origin), unsupported };
}

/** Puts an MM2 flow key into `into` (a flow or the defaults); false when Ferry has no such key. */
function setFlowKey(into: Record<string, unknown>, key: string, value: string, where: string): boolean {
  if (key === POLICY_CLASS_KEY) {
    const simpleName = value.trim().replace(/^org\.apache\.kafka\.connect\.mirror\./, '');
    const policy = POLICY_CLASSES[simpleName];
    if (policy === undefined) {
      throw new ConfigError(
        `${where}: replication policy class '${value}' is not supported (DefaultReplicationPolicy or IdentityReplicationPolicy)`,
      );
    }
    into['replication.policy'] = policy;
    return true;
  }
  // `replication.policy` is Ferry's spelling of the class key; source/target come from the `A->B` prefix.
  if (key === 'source' || key === 'target' || key === 'replication.policy') return false;
  const k = FLOW_KEYS.find((f) => f.key === key);
  if (k === undefined) return false;
  into[key] = coerce(k, value);
  return true;
}

/** Properties are text; give convict the type the key expects, or the text itself so its error shows it. */
function coerce(key: MirrorConfigKey, value: string): unknown {
  const v = value.trim();
  if (key.kind === 'boolean' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  if (key.kind === 'number' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return key.kind === 'string' ? v : value;
}
