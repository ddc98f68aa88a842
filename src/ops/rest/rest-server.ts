import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { AggregatorRegistry } from 'prom-client';
import type { EmbeddedCluster } from '../../cluster/embedded-cluster.js';
import type { MetadataImage } from '../../cluster/metadata/metadata-image.js';
import type { Logger } from '../../common/logger.js';
import { BrokerDrills } from './broker-drills.js';
import { brokersView, topicNamesView, topicView } from './topic-view.js';

export interface RestServerOptions {
  readonly cluster: EmbeddedCluster;
  readonly host: string;
  /** 0 picks a free port; `RestServer.port` tells which. */
  readonly port: number;
  readonly logger: Logger;
}

/** The proxy's error body: `{"error_code": <HTTP-ish code>, "message": …}`. */
interface RestError {
  error_code: number;
  message: string;
}

/**
 * A read-only view of an embedded cluster shaped like the Kafka REST Proxy v2 (`GET /brokers`, `GET /topics`,
 * `GET /topics/{name}`), Prometheus metrics of every running broker (`GET /metrics`), plus the drill endpoints `POST /brokers/{id}/stop` (body `{"crash": true}` for a crash)
 * and `POST /brokers/{id}/start` that `ferry cluster broker stop|start` call.
 *
 * State is read from the controller's MetadataImage — the committed truth — falling back to any running
 * broker's image while no controller is active. Everything runs on the event loop that also runs the brokers,
 * so a response is one consistent snapshot; drills are serialised by BrokerDrills.
 */
export class RestServer {
  private constructor(
    private readonly app: FastifyInstance,
    readonly port: number,
  ) {}

  static async start(options: RestServerOptions): Promise<RestServer> {
    const { cluster } = options;
    const drills = new BrokerDrills(cluster, options.logger);
    // fastify's own request logging would interleave with the brokers' logs for every curl; errors are logged here.
    const app = Fastify({ logger: false });

    app.get('/brokers', async (_req, reply) => withImage(cluster, reply, (image) => brokersView(image)));
    // Prometheus: every running broker's registry, merged (each series carries its broker label).
    app.get('/metrics', async (_req, reply) => {
      const running = cluster.brokerIds.filter((id) => cluster.isRunning(id)).map((id) => cluster.broker(id));
      const merged = AggregatorRegistry.aggregate(
        await Promise.all(running.map((b) => b.metrics.registry.getMetricsAsJSON())),
      );
      return reply.type(merged.contentType).send(await merged.metrics());
    });
    app.get('/topics', async (_req, reply) => withImage(cluster, reply, (image) => topicNamesView(image)));
    app.get<{ Params: { name: string } }>('/topics/:name', async (req, reply) =>
      withImage(cluster, reply, (image) => {
        const topic = image.topic(req.params.name);
        if (topic === undefined) {
          return sendError(reply, 404, 40403, `Topic ${req.params.name} not found.`);
        }
        return topicView(topic);
      }),
    );

    app.post<{ Params: { id: string }; Body: { crash?: unknown } | null }>(
      '/brokers/:id/stop',
      async (req, reply) => {
        const id = parseBrokerId(req.params.id, cluster);
        if (id === undefined) return sendError(reply, 404, 40402, `Broker ${req.params.id} not found.`);
        const crash = req.body?.crash === true;
        return drills.stop(id, crash);
      },
    );
    app.post<{ Params: { id: string } }>('/brokers/:id/start', async (req, reply) => {
      const id = parseBrokerId(req.params.id, cluster);
      if (id === undefined) return sendError(reply, 404, 40402, `Broker ${req.params.id} not found.`);
      return drills.start(id);
    });

    app.setNotFoundHandler((req, reply) =>
      sendError(reply, 404, 404, `HTTP 404 Not Found: ${req.method} ${req.url}`),
    );
    app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
      const status = err.statusCode !== undefined && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) options.logger.error({ err, url: req.url }, 'REST request failed');
      return sendError(reply, status, status === 500 ? 50001 : status, err.message);
    });

    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    return new RestServer(app, port);
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

function controllerImage(cluster: EmbeddedCluster): MetadataImage | undefined {
  const controller = cluster.controllerId;
  if (controller >= 0 && cluster.isRunning(controller)) return cluster.broker(controller).metadata;
  const running = cluster.brokerIds.find((id) => cluster.isRunning(id));
  return running === undefined ? undefined : cluster.broker(running).metadata;
}

function withImage<T>(
  cluster: EmbeddedCluster,
  reply: FastifyReply,
  view: (image: MetadataImage) => T,
): T | FastifyReply {
  const image = controllerImage(cluster);
  if (image === undefined) return sendError(reply, 503, 50301, 'No broker of the cluster is running.');
  return view(image);
}

function parseBrokerId(raw: string, cluster: EmbeddedCluster): number | undefined {
  if (!/^\d+$/.test(raw)) return undefined;
  const id = Number(raw);
  return cluster.brokerIds.includes(id) ? id : undefined;
}

function sendError(reply: FastifyReply, status: number, errorCode: number, message: string): FastifyReply {
  const body: RestError = { error_code: errorCode, message };
  return reply.code(status).send(body);
}
