import Fastify, { type FastifyInstance } from 'fastify';

export interface MetricsServerOptions {
  readonly host: string;
  /** 0 picks a free port; `MetricsServer.port` tells which. */
  readonly port: number;
  /** The Prometheus text exposition, gathered at each scrape (MirrorMaker.metrics()). */
  readonly metrics: () => Promise<string>;
  /** The exposition's content type (the prom-client Registry's `contentType`). */
  readonly contentType: string;
}

/**
 * `GET /metrics` for Prometheus and nothing else — what `ferry mirror --metrics-port P` serves. Values are
 * gathered from the flows at scrape time, so serving costs nothing between scrapes. fastify's own request
 * log is off: a scrape every few seconds would drown the mirror's warnings.
 */
export class MetricsServer {
  private constructor(
    private readonly app: FastifyInstance,
    readonly host: string,
    readonly port: number,
  ) {}

  static async start(options: MetricsServerOptions): Promise<MetricsServer> {
    const app = Fastify({ logger: false });
    app.get('/metrics', async (_req, reply) => reply.type(options.contentType).send(await options.metrics()));
    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    return new MetricsServer(app, options.host, port);
  }

  get url(): string {
    return `http://${this.host}:${this.port}/metrics`;
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}
