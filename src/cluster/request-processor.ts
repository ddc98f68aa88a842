import type { Logger } from '../common/logger.js';
import { ApiKey } from '../protocol/api-keys.js';
import { servedApiVersions } from '../protocol/apis.js';
import { decodeRequest, encodeResponse, RequestFrameError } from '../protocol/frame.js';
import type { RequestHeader } from '../protocol/headers.js';
import { API_VERSIONS_API, type ApiVersionsResponse } from '../protocol/messages/api-versions.js';
import type { ConnectionContext, RequestProcessor } from './network/connection.js';

/** What a handler knows about the request besides its body. */
export interface RequestContext {
  readonly header: RequestHeader;
  readonly connection: ConnectionContext;
}

/**
 * Serves one API: takes the decoded request body, returns the response body (or a promise of it). `null`
 * means no response is owed (Produce with acks=0). A handler answers errors with Kafka error codes in the
 * response; throwing is for bugs and is answered by closing the connection.
 */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds handlers of every request/response type
export type ApiHandler<Req = any, Res = any> = (
  request: Req,
  context: RequestContext,
) => Res | null | Promise<Res | null>;

export interface RequestMetrics {
  observeRequest(api: string, seconds: number): void;
}

/**
 * The step between a connection and the handlers: decodes a request frame, routes it by API key, and encodes
 * the handler's response with the request's correlation id and version. An ApiVersions request in a version
 * Ferry does not serve is answered in v0 with UNSUPPORTED_VERSION and the served ranges (KIP-511); any other
 * undecodable or unserved request throws, and the connection closes with a log line.
 */
export class KafkaRequestProcessor implements RequestProcessor {
  private readonly handlers = new Map<number, ApiHandler>();

  constructor(
    private readonly logger: Logger,
    private readonly metrics: RequestMetrics,
  ) {}

  register(apiKey: ApiKey, handler: ApiHandler): this {
    this.handlers.set(apiKey, handler);
    return this;
  }

  /** Whether a handler serves `apiKey`: ApiVersions advertises only these, whatever the codec knows. */
  handles(apiKey: number): boolean {
    return this.handlers.has(apiKey);
  }

  process(frame: Buffer, connection: ConnectionContext): Buffer[] | null | Promise<Buffer[] | null> {
    const started = performance.now();
    let decoded: ReturnType<typeof decodeRequest>;
    try {
      decoded = decodeRequest(frame);
    } catch (err) {
      if (
        err instanceof RequestFrameError &&
        err.header?.apiKey === ApiKey.ApiVersions &&
        err.errorName === 'UNSUPPORTED_VERSION'
      ) {
        return unsupportedApiVersions(err.header.correlationId);
      }
      throw err;
    }
    const { header, api, body } = decoded;
    const handler = this.handlers.get(header.apiKey);
    if (handler === undefined) throw new Error(`no handler for ${api.name}`);
    const context: RequestContext = { header, connection };
    const finish = (response: unknown): Buffer[] | null => {
      this.metrics.observeRequest(api.name, (performance.now() - started) / 1000);
      if (response === null) return null;
      return encodeResponse(header.correlationId, api.response, header.apiVersion, response);
    };
    const result = handler(body, context);
    if (result instanceof Promise) {
      return result.then(finish, (err: unknown) => {
        this.logger.error({ err, api: api.name, clientId: header.clientId }, 'request handler failed');
        throw err;
      });
    }
    return finish(result);
  }
}

function unsupportedApiVersions(correlationId: number): Buffer[] {
  const body: ApiVersionsResponse = {
    errorCode: 35,
    apiKeys: servedApiVersions().filter((k) => k.apiKey === ApiKey.ApiVersions),
  };
  return encodeResponse(correlationId, API_VERSIONS_API.response, 0, body);
}
