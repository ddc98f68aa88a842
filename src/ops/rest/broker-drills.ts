import type { EmbeddedCluster } from '../../cluster/embedded-cluster.js';
import type { Logger } from '../../common/logger.js';

/** What a drill endpoint answers: the broker and whether it now runs. */
export interface DrillResult {
  broker: number;
  running: boolean;
  crash?: boolean;
}

/**
 * Stops and starts brokers of an embedded cluster on an operator's command — the `docker stop broker-2` of the
 * walkthrough. Drills run one at a time, in arrival order: a start racing a stop of the same broker would
 * otherwise open its data directory while the stop still closes it.
 */
export class BrokerDrills {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly cluster: EmbeddedCluster,
    private readonly logger: Logger,
  ) {}

  /** Controlled shutdown, or with `crash` a crash that drops connections and loses what was not fsynced. */
  stop(id: number, crash: boolean): Promise<DrillResult> {
    return this.serialised(async () => {
      this.logger.info({ broker: id, crash }, 'drill: stopping broker');
      await this.cluster.stopBroker(id, { crash });
      return { broker: id, running: this.cluster.isRunning(id), crash };
    });
  }

  start(id: number): Promise<DrillResult> {
    return this.serialised(async () => {
      this.logger.info({ broker: id }, 'drill: starting broker');
      await this.cluster.startBroker(id);
      return { broker: id, running: this.cluster.isRunning(id) };
    });
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
