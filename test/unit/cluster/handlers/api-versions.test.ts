import { describe, expect, it } from 'vitest';
import { apiVersionsHandler } from '../../../../src/cluster/handlers/api-versions.js';
import type { RequestContext } from '../../../../src/cluster/request-processor.js';
import { ApiKey } from '../../../../src/protocol/api-keys.js';
import { servedApiVersions } from '../../../../src/protocol/apis.js';
import type { ApiVersionsRequest } from '../../../../src/protocol/messages/api-versions.js';

/** The handler ignores its request and context: ApiVersions answers the same to everyone. */
async function advertised(handles: (apiKey: number) => boolean) {
  const response = await apiVersionsHandler(handles)({} as ApiVersionsRequest, {} as RequestContext);
  if (response === null) throw new Error('ApiVersions answered nothing');
  return response.apiKeys;
}

describe('apiVersionsHandler', () => {
  it('advertises the served range of every handled API, and Produce from v0 (KAFKA-18659)', async () => {
    const served = servedApiVersions();
    const produce = served.find((k) => k.apiKey === ApiKey.Produce)!;
    expect(produce.minVersion).toBeGreaterThan(0);
    expect(await advertised(() => true)).toEqual(
      served.map((k) => (k.apiKey === ApiKey.Produce ? { ...k, minVersion: 0 } : k)),
    );
  });

  it('leaves out the APIs without a handler', async () => {
    expect((await advertised((k) => k === ApiKey.Metadata)).map((k) => k.apiKey)).toEqual([ApiKey.Metadata]);
  });
});
