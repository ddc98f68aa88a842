import { ApiKey } from '../../protocol/api-keys.js';
import { servedApiVersions } from '../../protocol/apis.js';
import type { ApiVersionsRequest, ApiVersionsResponse } from '../../protocol/messages/api-versions.js';
import type { ApiHandler } from '../request-processor.js';

/**
 * ApiVersions v0–3: the served range of every API that has a handler (an unserved ApiVersions version is
 * answered upstream). The codec knows more APIs than the broker serves (SaslHandshake, DescribeLogDirs, …);
 * advertising those would make clients send requests the broker can only answer by disconnecting. The list is
 * built on the first request, once every handler is registered.
 *
 * One deliberate exception, as in Apache Kafka 4.0 (KAFKA-18659): Produce is advertised from v0 although only
 * v3+ is served. librdkafka (2.0.2 in Debian; its issue #4956) enables snappy and lz4 only when the broker's
 * Produce range contains v0, and otherwise sends every batch uncompressed without telling the application. No
 * client that speaks record batch v2 picks Produce v0–2, and one that did would be refused like any unserved
 * version.
 */
export function apiVersionsHandler(
  handles: (apiKey: number) => boolean,
): ApiHandler<ApiVersionsRequest, ApiVersionsResponse> {
  let apiKeys: ApiVersionsResponse['apiKeys'] | undefined;
  return () => {
    apiKeys ??= servedApiVersions()
      .filter((k) => handles(k.apiKey))
      .map((k) => (k.apiKey === ApiKey.Produce ? { ...k, minVersion: 0 } : k));
    return { errorCode: 0, apiKeys, throttleTimeMs: 0 };
  };
}
