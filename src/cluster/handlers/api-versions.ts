import { servedApiVersions } from '../../protocol/apis.js';
import type { ApiVersionsRequest, ApiVersionsResponse } from '../../protocol/messages/api-versions.js';
import type { ApiHandler } from '../request-processor.js';

/** ApiVersions v0–3: the served range of every API (an unserved ApiVersions version is answered upstream). */
export function apiVersionsHandler(): ApiHandler<ApiVersionsRequest, ApiVersionsResponse> {
  const apiKeys = servedApiVersions();
  return () => ({ errorCode: 0, apiKeys, throttleTimeMs: 0 });
}
