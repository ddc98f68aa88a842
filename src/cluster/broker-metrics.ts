import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Partition } from '../replication/partition.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { MetadataImage } from './metadata/metadata-image.js';
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
  private readonly isrShrinks: Counter;
  private readonly isrExpands: Counter;
  private source: { replicaManager: ReplicaManager; metadata: MetadataImage } | undefined;

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
    this.isrShrinks = new Counter({
      name: 'ferry_broker_isr_shrinks_total',
      help: 'ISR shrinks committed for partitions this broker leads',
      registers: [this.registry],
    });
    this.isrExpands = new Counter({
      name: 'ferry_broker_isr_expands_total',
      help: 'ISR expansions committed for partitions this broker leads',
      registers: [this.registry],
    });
    // Read at scrape time from the replica manager and the metadata image: nothing to keep up to date.
    const metrics = this;
    new Gauge({
      name: 'ferry_broker_under_replicated_partitions',
      help: 'Partitions led by this broker whose ISR is smaller than their replica set',
      registers: [this.registry],
      collect() {
        let n = 0;
        for (const p of metrics.source?.replicaManager.allPartitions() ?? []) {
          if (p.isLeader && p.inSyncReplicas.length < p.replicas.length) n++;
        }
        this.set(n);
      },
    });
    new Gauge({
      name: 'ferry_cluster_offline_partitions',
      help: 'Partitions without a leader, as this broker sees the cluster',
      registers: [this.registry],
      collect() {
        let n = 0;
        for (const t of metrics.source?.metadata.topicsByName.values() ?? []) {
          for (const p of t.partitions) if (p.leader < 0) n++;
        }
        this.set(n);
      },
    });
    const perPartition = (name: string, help: string, value: (p: Partition) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['topic', 'partition'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const p of metrics.source?.replicaManager.allPartitions() ?? []) {
            this.set({ topic: p.topic, partition: String(p.partition) }, value(p));
          }
        },
      });
    perPartition(
      'ferry_partition_log_end_offset',
      'Log end offset (LEO) of each hosted partition',
      (p) => p.log.logEndOffset,
    );
    perPartition(
      'ferry_partition_high_watermark',
      'High watermark of each hosted partition',
      (p) => p.log.highWatermark,
    );
    perPartition(
      'ferry_partition_follower_lag',
      'On the leader: LEO minus the slowest follower in the replica set',
      (p) => (p.isLeader ? p.followerLag() : 0),
    );
  }

  /** Where the scrape-time gauges read from; set once the broker's components exist. */
  bind(replicaManager: ReplicaManager, metadata: MetadataImage): void {
    this.source = { replicaManager, metadata };
  }

  isrChanged(kind: 'shrink' | 'expand'): void {
    (kind === 'shrink' ? this.isrShrinks : this.isrExpands).inc();
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
