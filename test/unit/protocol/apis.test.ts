import { describe, expect, it } from 'vitest';
import { ApiKey } from '../../../src/protocol/api-keys.js';
import { API_SPECS, apiSpec, isVersionServed, servedApiVersions } from '../../../src/protocol/apis.js';
import { inVersionRange } from '../../../src/protocol/schema/versions.js';

describe('API registry', () => {
  it('registers every API key Ferry lists', () => {
    const keys = Object.values(ApiKey).filter((v): v is number => typeof v === 'number');
    expect([...API_SPECS.keys()].sort((a, b) => a - b)).toEqual(keys.sort((a, b) => a - b));
  });

  it('serves only versions its schemas define, and both directions carry the API key', () => {
    for (const api of API_SPECS.values()) {
      expect(api.request.apiKey).toBe(api.apiKey);
      expect(api.response.apiKey).toBe(api.apiKey);
      expect(api.request.type).toBe('request');
      expect(api.response.type).toBe('response');
      for (let v = api.minVersion; v <= api.maxVersion; v++) {
        expect(inVersionRange(api.request.validVersions, v), `${api.name} request v${v}`).toBe(true);
        expect(inVersionRange(api.response.validVersions, v), `${api.name} response v${v}`).toBe(true);
      }
    }
  });

  it('serves the core ranges of the brief', () => {
    const ranges = Object.fromEntries(
      [...API_SPECS.values()].map((a) => [a.name, [a.minVersion, a.maxVersion]]),
    );
    expect(ranges).toMatchObject({
      ApiVersions: [0, 3],
      Metadata: [0, 12],
      Produce: [3, 9],
      Fetch: [4, 12],
      ListOffsets: [1, 7],
      FindCoordinator: [0, 4],
      JoinGroup: [0, 7],
      SyncGroup: [0, 5],
      Heartbeat: [0, 4],
      LeaveGroup: [0, 4],
      OffsetCommit: [2, 8],
      OffsetFetch: [1, 7],
      DescribeGroups: [0, 5],
      ListGroups: [0, 4],
    });
  });

  it('answers lookups', () => {
    expect(apiSpec(ApiKey.Fetch)?.name).toBe('Fetch');
    expect(apiSpec(9999)).toBeUndefined();
    expect(isVersionServed(ApiKey.Produce, 2)).toBe(false);
    expect(isVersionServed(ApiKey.Produce, 9)).toBe(true);
    const listed = servedApiVersions();
    expect(listed[0]).toEqual({ apiKey: 0, minVersion: 3, maxVersion: 9 });
    expect(listed.map((a) => a.apiKey)).toEqual([...listed.map((a) => a.apiKey)].sort((a, b) => a - b));
  });
});
