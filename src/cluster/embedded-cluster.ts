import { join } from 'node:path';
import { type Clock, systemClock } from '../common/clock.js';
import type { FerryConfig } from '../common/config/index.js';
import { componentLogger, type Logger } from '../common/logger.js';
import { Broker, quorumOptions } from './broker.js';
import { ControllerQuorum } from './metadata/controller-quorum.js';

export interface EmbeddedClusterOptions {
  /** The cluster's name: its id for clients and its folder under the data directory. */
  readonly name: string;
  readonly brokers: number;
  /** Broker i listens on basePort + i - 1; 0 picks free ports (kept across a broker's restarts). */
  readonly basePort: number;
  /** `<dataDir>/<name>/broker-<id>` holds each broker's data. */
  readonly dataDir: string;
  readonly config: FerryConfig;
  readonly logger: Logger;
  readonly host?: string;
  /** `broker.rack` per broker, by index; none when absent. */
  readonly racks?: readonly (string | null)[];
  readonly clock?: Clock;
}

/**
 * N brokers of one cluster in one process, each with its own listener and data directory, sharing a controller
 * quorum — what `ferry cluster start` runs, and what tests and the mirror's demos stand on. A broker can be
 * stopped (controlled shutdown), crashed (connections dropped, unfsynced data lost) and started again on its
 * data, as an operator's drill does with `docker stop broker-2`.
 */
export class EmbeddedCluster {
  private readonly brokers = new Map<number, Broker>();
  private readonly ports = new Map<number, number>();
  readonly quorum: ControllerQuorum;
  private readonly logger: Logger;
  private readonly clock: Clock;

  private constructor(private readonly options: EmbeddedClusterOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = componentLogger(options.logger, 'cluster', { cluster: options.name });
    this.quorum = new ControllerQuorum(
      quorumOptions(
        options.config,
        this.clock,
        componentLogger(options.logger, 'controller', { cluster: options.name }),
      ),
    );
  }

  static async start(options: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
    const cluster = new EmbeddedCluster(options);
    const created = [];
    for (let id = 1; id <= options.brokers; id++) created.push(cluster.createBroker(id));
    // The broker with the longest metadata log starts first and becomes controller; the others catch up to it.
    created.sort((a, b) => b.metadataLog.endOffset - a.metadataLog.endOffset || a.brokerId - b.brokerId);
    try {
      for (const broker of created) {
        await broker.startup();
        cluster.ports.set(broker.brokerId, broker.port);
      }
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    cluster.logger.info({ bootstrap: cluster.bootstrap }, 'cluster started');
    return cluster;
  }

  get name(): string {
    return this.options.name;
  }

  /** `host:port,host:port,…` of every broker, running or not, in id order. */
  get bootstrap(): string {
    return [...this.ports.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, port]) => `${this.options.host ?? '127.0.0.1'}:${port}`)
      .join(',');
  }

  get brokerIds(): number[] {
    return [...this.brokers.keys()].sort((a, b) => a - b);
  }

  broker(id: number): Broker {
    const broker = this.brokers.get(id);
    if (!broker) throw new Error(`cluster ${this.options.name} has no broker ${id}`);
    return broker;
  }

  /** The broker currently holding the controller role. */
  get controllerId(): number {
    return this.quorum.controllerId;
  }

  isRunning(id: number): boolean {
    return this.brokers.get(id)?.isRunning ?? false;
  }

  /** Stops one broker: a controlled shutdown, or with `crash` a crash that loses what was not fsynced. */
  async stopBroker(id: number, options: { crash?: boolean } = {}): Promise<void> {
    const broker = this.broker(id);
    if (options.crash) await broker.crash();
    else await broker.stop();
    this.logger.info({ broker: id, crash: options.crash === true }, 'broker stopped');
  }

  /** Starts a stopped broker again on its data directory and port. */
  async startBroker(id: number): Promise<Broker> {
    const current = this.brokers.get(id);
    if (current?.isRunning) return current;
    const broker = this.createBroker(id);
    await broker.startup();
    this.ports.set(id, broker.port);
    this.logger.info({ broker: id }, 'broker started');
    return broker;
  }

  async stop(): Promise<void> {
    // Controlled shutdown of all but the last moves leadership around for nothing; stop them all the same way
    // Kafka's clean shutdown does, one at a time.
    for (const id of this.brokerIds.reverse()) {
      const broker = this.brokers.get(id);
      if (broker?.isRunning) await broker.stop();
    }
    this.quorum.close();
  }

  private createBroker(id: number): Broker {
    const broker = Broker.create({
      brokerId: id,
      clusterId: this.options.name,
      dataDir: join(this.options.dataDir, this.options.name, `broker-${id}`),
      host: this.options.host ?? '127.0.0.1',
      port: this.ports.get(id) ?? (this.options.basePort > 0 ? this.options.basePort + id - 1 : 0),
      rack: this.options.racks?.[id - 1] ?? null,
      config: this.options.config,
      logger: this.options.logger,
      clock: this.clock,
      quorum: this.quorum,
    });
    this.brokers.set(id, broker);
    return broker;
  }
}
