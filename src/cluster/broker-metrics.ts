import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SocketServerMetrics } from './network/socket-server.js';
import type { RequestMetrics } from './request-processor.js';

/**
 * A broker's counters and gauges, in a prom-client registry of its own (several brokers share one process in
 * an embedded cluster), labelled with the broker id. The metrics endpoint merges the registries.
 */
export class BrokerMetrics implements SocketServerMetrics, RequestMetrics {
  readonly registry = new Registry();
  private readonly connections: Gauge;
  private readonly connectionsTotal: Counter;
  private readonly malformed: Counter;
  private readonly requestLatency: Histogram;

  constructor(readonly brokerId: number) {
    this.registry.setDefaultLabels({ broker: String(brokerId) });
    this.connections = new Gauge({
      name: 'ferry_broker_connections',
      help: 'Open client connections',
      registers: [this.registry],
    });
    this.connectionsTotal = new Counter({
      name: 'ferry_broker_connections_accepted_total',
      help: 'Connections accepted',
      registers: [this.registry],
    });
    this.malformed = new Counter({
      name: 'ferry_broker_malformed_requests_total',
      help: 'Connections closed because a request frame could not be understood',
      registers: [this.registry],
    });
    this.requestLatency = new Histogram({
      name: 'ferry_broker_request_latency_seconds',
      help: 'Time from a request frame to its response, per API',
      labelNames: ['api'],
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [this.registry],
    });
  }

  connectionOpened(): void {
    this.connections.inc();
    this.connectionsTotal.inc();
  }

  connectionClosed(): void {
    this.connections.dec();
  }

  malformedRequest(): void {
    this.malformed.inc();
  }

  observeRequest(api: string, seconds: number): void {
    this.requestLatency.observe({ api }, seconds);
  }
}
