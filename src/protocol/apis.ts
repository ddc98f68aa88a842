import { ApiKey } from './api-keys.js';
import type { ApiSpec } from './schema/types.js';

/**
 * The registry of the APIs Ferry speaks: for each API key, its request and response schemas and the
 * versions the broker serves and the client may send. The ApiVersions response, the choice of header
 * versions and request dispatch all read this one table.
 *
 * Registration is a plain list: each schema file under messages/ exports one `ApiSpec`, and gets one import
 * line and one entry in `REGISTERED_APIS` below. Two people append to it, each in their own marked block,
 * so that neither edits the other's lines.
 */

// ---- core APIs (engine/core-schema owner) -- imports ----
// ---- end core APIs -- imports ----

// ---- admin/transaction APIs (messages owner) -- imports ----
// ---- end admin/transaction APIs -- imports ----

const REGISTERED_APIS: readonly ApiSpec[] = [
  // ---- core APIs ----
  // ---- end core APIs ----
  // ---- admin/transaction APIs ----
  // ---- end admin/transaction APIs ----
];

function buildRegistry(apis: readonly ApiSpec[]): ReadonlyMap<ApiKey, ApiSpec> {
  const map = new Map<ApiKey, ApiSpec>();
  for (const api of apis) {
    if (map.has(api.apiKey)) throw new Error(`API key ${api.apiKey} (${api.name}) is registered twice`);
    if (api.request.apiKey !== api.apiKey || api.response.apiKey !== api.apiKey) {
      throw new Error(`${api.name}: request/response schemas carry another API key`);
    }
    if (api.minVersion > api.maxVersion) throw new Error(`${api.name}: minVersion > maxVersion`);
    map.set(api.apiKey, api);
  }
  return map;
}

export const API_SPECS: ReadonlyMap<ApiKey, ApiSpec> = buildRegistry(REGISTERED_APIS);

/** The API registered under `apiKey`, or undefined for an API Ferry does not speak. */
export function apiSpec(apiKey: number): ApiSpec | undefined {
  return API_SPECS.get(apiKey as ApiKey);
}

/** Whether Ferry serves `apiKey` at `apiVersion`. */
export function isVersionServed(apiKey: number, apiVersion: number): boolean {
  const api = API_SPECS.get(apiKey as ApiKey);
  return api !== undefined && apiVersion >= api.minVersion && apiVersion <= api.maxVersion;
}

/** The served ranges, by ascending API key: what an ApiVersions response lists. */
export function servedApiVersions(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
  return [...API_SPECS.values()]
    .sort((a, b) => a.apiKey - b.apiKey)
    .map((a) => ({ apiKey: a.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion }));
}

export { ApiKey };
