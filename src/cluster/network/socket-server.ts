import { createServer, type Server, type Socket } from 'node:net';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { Connection, type RequestProcessor } from './connection.js';

export interface SocketServerOptions {
  host: string;
  /** 0 picks a free port; `port` tells which one after `start`. */
  port: number;
  /** `socket.request.max.bytes`: a larger frame closes the connection. */
  maxRequestBytes: number;
  /** `connections.max.idle.ms`: connections silent this long are closed. */
  maxIdleMs: number;
  clock: Clock;
  logger: Logger;
}

export interface SocketServerMetrics {
  connectionOpened(): void;
  connectionClosed(): void;
  malformedRequest(): void;
}

/**
 * The broker's listener: accepts connections and hands each one a `Connection` that frames its requests and
 * passes them to the request processor. It also reaps idle connections and, on stop, drops every connection at
 * once — what a stopped broker looks like from the network.
 */
export class SocketServer {
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private nextConnectionId = 0;
  private reaper: NodeJS.Timeout | undefined;
  private boundPort = 0;

  constructor(
    private readonly options: SocketServerOptions,
    private readonly processor: RequestProcessor,
    private readonly metrics: SocketServerMetrics,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async start(): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.options.host, port: this.options.port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.boundPort = typeof address === 'object' && address !== null ? address.port : this.options.port;
    const interval = Math.max(100, Math.min(this.options.maxIdleMs / 2, 30_000));
    this.reaper = setInterval(() => this.reapIdle(), interval);
    this.reaper.unref();
    this.options.logger.info({ host: this.options.host, port: this.boundPort }, 'listening');
  }

  /** Stops accepting and destroys every open connection. */
  async stop(): Promise<void> {
    if (this.reaper) clearInterval(this.reaper);
    for (const connection of [...this.connections]) connection.close('broker stopping');
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const { logger, maxRequestBytes, clock } = this.options;
    const connection = new Connection(
      ++this.nextConnectionId,
      socket,
      this.processor,
      {
        onClose: (c, reason) => {
          if (this.connections.delete(c)) {
            this.metrics.connectionClosed();
            logger.debug({ connection: c.id, remote: c.remote, reason }, 'connection closed');
          }
        },
        onMalformed: () => this.metrics.malformedRequest(),
      },
      logger,
      maxRequestBytes,
      () => clock.monotonicMs(),
    );
    this.connections.add(connection);
    this.metrics.connectionOpened();
  }

  private reapIdle(): void {
    const cutoff = this.options.clock.monotonicMs() - this.options.maxIdleMs;
    for (const connection of this.connections) {
      if (connection.lastActiveMs < cutoff) connection.close('idle');
    }
  }
}
