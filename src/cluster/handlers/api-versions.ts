import { servedApiVersions } from '../../protocol/apis.js';
import type { ApiVersionsRequest, ApiVersionsResponse } from '../../protocol/messages/api-versions.js';
import type { ApiHandler } from '../request-processor.js';

/**
 * ApiVersions v0–3: the served range of every API that has a handler (an unserved ApiVersions version is
 * answered upstream). The codec knows more APIs than the broker serves (SaslHandshake, DescribeLogDirs, …);
 * advertising those would make clients send requests the broker can only answer by disconnecting. The list is
 * built on the first request, once every handler is registered.
 */
export function apiVersionsHandler(
  handles: (apiKey: number) => boolean,
): ApiHandler<ApiVersionsRequest, ApiVersionsResponse> {
  let apiKeys: ApiVersionsResponse['apiKeys'] | undefined;
  return () => {
    apiKeys ??= servedApiVersions().filter((k) => handles(k.apiKey));
    return { errorCode: 0, apiKeys, throttleTimeMs: 0 };
  };
}
