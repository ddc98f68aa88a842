import { connect, type Socket } from 'node:net';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { ApiKey } from '../protocol/api-keys.js';
import { decodeResponse, encodeRequest } from '../protocol/frame.js';
import type { ApiVersionsResponse } from '../protocol/messages/api-versions.js';
import { API_VERSIONS_API } from '../protocol/messages/api-versions.js';
import type { ApiSpec } from '../protocol/schema/types.js';
import { FrameReader } from './frame-reader.js';

export interface BrokerConnectionOptions {
  host: string;
  port: number;
  clientId?: string;
  /** @defaultValue 10000 */
  connectTimeoutMs?: number;
  /** A request without a response after this long fails and closes the connection. @defaultValue 30000 */
  requestTimeoutMs?: number;
  /** Largest response frame accepted. @defaultValue 256 MiB */
  maxResponseBytes?: number;
  logger?: Logger;
}

/** Bytes one socket read may bring (the receive buffer each connection reuses). */
const RECEIVE_BUFFER_BYTES = 256 * 1024;

/** The connection failed or was closed while requests were in flight; they all fail with this. */
export class ConnectionClosedError extends Error {
  constructor(
    readonly broker: string,
    reason: string,
  ) {
    super(`connection to ${broker} closed: ${reason}`);
    this.name = 'ConnectionClosedError';
  }
}

interface InFlight {
  correlationId: number;
  api: ApiSpec;
  version: number;
  deadline: number;
  resolve(body: unknown): void;
  reject(err: Error): void;
}

/**
 * One TCP connection to one broker, with pipelining: requests are written as soon as they are sent, and
 * responses — which a Kafka broker returns in request order on a connection — are matched to the oldest
 * request in flight by correlation id. ApiVersions is exchanged first, so `version(api)` gives the highest
 * version both sides speak.
 *
 * Used by followers (replica fetchers) and the mirror's hot path: record sets travel as the Buffers the
 * codec slices out of response frames, never decoded here. The socket reads where FrameReader says: straight
 * into a large response's own buffer, or into one reused receive buffer that small frames are copied out of —
 * one allocation per frame, and no copy of a Fetch response's bytes in JavaScript.
 */
export class BrokerConnection {
  private readonly inFlight: InFlight[] = [];
  private nextCorrelationId = 1;
  private closedReason: string | undefined;
  private readonly brokerVersions = new Map<number, { min: number; max: number }>();
  private timer: NodeJS.Timeout | undefined;
  readonly address: string;

  private constructor(
    private readonly socket: Socket,
    private readonly options: Required<Omit<BrokerConnectionOptions, 'logger'>> & { logger: Logger },
  ) {
    this.address = `${options.host}:${options.port}`;
    socket.setNoDelay(true);
    socket.on('error', (err) => this.close(err.message));
    socket.on('close', () => this.close('closed by peer'));
  }

  /** Connects and negotiates API versions. */
  static async connect(options: BrokerConnectionOptions): Promise<BrokerConnection> {
    const full = {
      clientId: 'ferry',
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxResponseBytes: 256 * 1024 * 1024,
      logger: silentLogger,
      ...options,
    };
    // The connection object exists only after the connect, so the read callback reaches it through this
    // variable; a broker speaks only when asked, so nothing can arrive before it is set.
    const reader = new FrameReader(full.maxResponseBytes, Buffer.allocUnsafe(RECEIVE_BUFFER_BYTES));
    let connection: BrokerConnection | undefined;
    const onread = {
      buffer: () => reader.nextReadTarget(),
      callback: (bytes: number, target: Uint8Array): boolean => {
        connection?.onRead(reader, bytes, target);
        return true;
      },
    };
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: full.host, port: full.port, onread });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new ConnectionClosedError(`${full.host}:${full.port}`, 'connect timed out'));
      }, full.connectTimeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(new ConnectionClosedError(`${full.host}:${full.port}`, err.message));
      });
    });
    const opened = new BrokerConnection(socket, full);
    connection = opened;
    await opened.negotiateVersions();
    return opened;
  }

  get isOpen(): boolean {
    return this.closedReason === undefined;
  }

  get inFlightCount(): number {
    return this.inFlight.length;
  }

  /** The highest version of `api` both this client and the broker speak; throws when there is none. */
  version(api: ApiSpec): number {
    const theirs = this.brokerVersions.get(api.apiKey);
    const max = Math.min(api.maxVersion, theirs?.max ?? -1);
    if (theirs === undefined || max < Math.max(api.minVersion, theirs.min)) {
      throw new Error(
        `broker ${this.address} does not speak ${api.name} v${api.minVersion}-${api.maxVersion}`,
      );
    }
    return max;
  }

  /** Sends a request and resolves with the decoded response body. */
  send<Req, Res>(api: ApiSpec, body: Req, version = this.version(api)): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      if (this.closedReason !== undefined) {
        reject(new ConnectionClosedError(this.address, this.closedReason));
        return;
      }
      const correlationId = this.nextCorrelationId;
      this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
      const chunks = encodeRequest(
        { apiKey: api.apiKey, apiVersion: version, correlationId, clientId: this.options.clientId },
        api.request,
        version,
        body,
      );
      this.inFlight.push({
        correlationId,
        api,
        version,
        deadline: Date.now() + this.options.requestTimeoutMs,
        resolve: resolve as (b: unknown) => void,
        reject,
      });
      this.armTimer();
      this.write(chunks);
    });
  }

  /** Sends a request the broker will not answer (Produce with acks=0). */
  sendOneWay<Req>(api: ApiSpec, body: Req, version = this.version(api)): void {
    if (this.closedReason !== undefined) throw new ConnectionClosedError(this.address, this.closedReason);
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
    this.write(
      encodeRequest(
        { apiKey: api.apiKey, apiVersion: version, correlationId, clientId: this.options.clientId },
        api.request,
        version,
        body,
      ),
    );
  }

  close(reason = 'closed by client'): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    if (this.timer) clearTimeout(this.timer);
    this.socket.destroy();
    const failed = this.inFlight.splice(0);
    for (const request of failed) request.reject(new ConnectionClosedError(this.address, reason));
  }

  private write(chunks: Buffer[]): void {
    if (chunks.length === 1) {
      this.socket.write(chunks[0]!);
      return;
    }
    this.socket.cork();
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
  }

  /** The socket read `bytes` into `target`, a buffer the reader chose (see FrameReader). */
  private onRead(reader: FrameReader, bytes: number, target: Uint8Array): void {
    if (this.closedReason !== undefined) return;
    let frames: Buffer[];
    try {
      frames = reader.onRead(bytes, target);
    } catch (err) {
      this.close(`bad response frame: ${(err as Error).message}`);
      return;
    }
    for (const frame of frames) this.onResponse(frame);
  }

  private onResponse(frame: Buffer): void {
    const request = this.inFlight.shift();
    if (request === undefined) {
      this.close('response without a request in flight');
      return;
    }
    const correlationId = frame.length >= 4 ? frame.readInt32BE(0) : -1;
    if (correlationId !== request.correlationId) {
      this.inFlight.unshift(request);
      this.close(`correlation id ${correlationId} does not match ${request.correlationId}`);
      return;
    }
    try {
      request.resolve(decodeResponse(frame, request.api.response, request.version).body);
    } catch (err) {
      // A broker older than our ApiVersions version answers in v0 (KIP-511).
      if (request.api.apiKey === ApiKey.ApiVersions && request.version > 0) {
        try {
          request.resolve(decodeResponse(frame, request.api.response, 0).body);
          return;
        } catch {
          // fall through: not v0 either
        }
      }
      request.reject(err as Error);
      this.close(`undecodable ${request.api.name} v${request.version} response`);
    }
  }

  private armTimer(): void {
    if (this.timer) return;
    const head = this.inFlight[0];
    if (!head) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const oldest = this.inFlight[0];
        if (oldest && oldest.deadline <= Date.now()) {
          this.close(`${oldest.api.name} request timed out after ${this.options.requestTimeoutMs} ms`);
        } else {
          this.armTimer();
        }
      },
      Math.max(1, head.deadline - Date.now()),
    );
    this.timer.unref();
  }

  /**
   * ApiVersions v3 first; a broker that does not speak it answers UNSUPPORTED_VERSION in v0 with its own
   * range (KIP-511), and we ask again in the highest version it named.
   */
  private async negotiateVersions(): Promise<void> {
    let response = await this.send<object, ApiVersionsResponse>(
      API_VERSIONS_API,
      { clientSoftwareName: 'ferry', clientSoftwareVersion: '0.1.0' },
      API_VERSIONS_API.maxVersion,
    );
    if (response.errorCode === 35) {
      const theirs = response.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions);
      const version = Math.min(theirs?.maxVersion ?? 0, API_VERSIONS_API.maxVersion);
      response = await this.send(API_VERSIONS_API, {}, version);
    }
    if (response.errorCode !== 0) {
      throw new Error(`ApiVersions to ${this.address} failed with error code ${response.errorCode}`);
    }
    for (const key of response.apiKeys) {
      this.brokerVersions.set(key.apiKey, { min: key.minVersion, max: key.maxVersion });
    }
  }
}
