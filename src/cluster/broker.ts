import { mkdirSync } from 'node:fs';
import { type Clock, systemClock } from '../common/clock.js';
import { type FerryConfig, logConfigFromBrokerConfig } from '../common/config/index.js';
import { componentLogger, type Logger } from '../common/logger.js';
import { LogCleaner } from '../log/log-cleaner.js';
import type { LogConfig } from '../log/log-config.js';
import { ReplicaManager, type TopicSettings } from '../replication/replica-manager.js';
import { BrokerMetrics } from './broker-metrics.js';
import { type BrokerServices, CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC } from './broker-services.js';
import { ClockScheduler, GroupCoordinator } from './group/index.js';
import { registerHandlers } from './handlers/index.js';
import { InternalTopicStore } from './internal-topic-store.js';
import type { Controller } from './metadata/controller.js';
import { ControllerQuorum } from './metadata/controller-quorum.js';
import { MetadataImage, type TopicImage } from './metadata/metadata-image.js';
import { MetadataLog } from './metadata/metadata-log.js';
import type { MetadataRecord } from './metadata/metadata-records.js';
import { SocketServer } from './network/socket-server.js';
import { KafkaRequestProcessor } from './request-processor.js';
import { isWriteFrozen, logConfigFor, writeFreezeExemptClientId } from './topic-configs.js';
import { BlockProducerIdManager, TransactionCoordinator } from './transaction/index.js';
import { ClusterMarkerWriter, LocalMarkerWriter } from './transaction-markers.js';

export interface BrokerOptions {
  readonly brokerId: number;
  readonly clusterId: string;
  /** This broker's own data directory (`<data.dir>/<cluster>/broker-<id>`). */
  readonly dataDir: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly rack: string | null;
  readonly config: FerryConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** The cluster's controller quorum; a broker started alone makes a quorum of its own. */
  readonly quorum?: ControllerQuorum;
}

const HW_CHECKPOINT_INTERVAL_MS = 5000;
/** Kafka's transaction.abort.timed.out.transaction.cleanup.interval.ms. */
const TRANSACTION_ABORT_CHECK_INTERVAL_MS = 10_000;
const INTERNAL_TOPIC_SEGMENT_BYTES = '104857600';

/**
 * One Kafka-compatible broker: a listener, the request handlers, the replica manager over this broker's
 * partitions, the group coordinator, and — for a single-broker cluster — the controller with its metadata log.
 *
 * Start-up replays the metadata log, registers the broker with the controller (which unfences it and elects it
 * leader where it may lead), opens the partitions assigned to it, and only then accepts clients; `stop` is a
 * controlled shutdown (leadership moves away, everything flushed), `crash` drops the connections and loses what
 * was not fsynced, as a power cut would.
 */
export class Broker implements BrokerServices {
  readonly brokerId: number;
  readonly clusterId: string;
  readonly config: FerryConfig;
  readonly logger: Logger;
  readonly metadata: MetadataImage;
  readonly replicaManager: ReplicaManager;
  readonly groupCoordinator: GroupCoordinator;
  readonly transactionCoordinator: TransactionCoordinator;
  readonly metrics: BrokerMetrics;
  readonly metadataLog: MetadataLog;
  readonly quorum: ControllerQuorum;
  private readonly socketServer: SocketServer;
  private readonly groupScheduler: ClockScheduler;
  private readonly clock: Clock;
  private readonly baseLogConfig: LogConfig;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly coordinatorLeadership = new Map<string, number>();
  private running = false;
  private cleaner: LogCleaner | undefined;
  private readonly markerRouter: ClusterMarkerWriter;
  private cleaning = false;

  private constructor(private readonly options: BrokerOptions) {
    this.brokerId = options.brokerId;
    this.clusterId = options.clusterId;
    this.config = options.config;
    this.clock = options.clock ?? systemClock;
    this.logger = componentLogger(options.logger, 'broker', { broker: options.brokerId });
    this.baseLogConfig = logConfigFromBrokerConfig(options.config);
    this.metrics = new BrokerMetrics(options.brokerId);
    mkdirSync(options.dataDir, { recursive: true });

    this.metadataLog = MetadataLog.open(
      options.dataDir,
      this.clock,
      componentLogger(options.logger, 'metadata-log', { broker: options.brokerId }),
    );
    this.metadata = new MetadataImage();
    for (const { offset, record } of this.metadataLog.replay()) this.metadata.apply(record, offset);
    this.quorum =
      options.quorum ??
      new ControllerQuorum(
        quorumOptions(options.config, this.clock, componentLogger(options.logger, 'controller')),
      );

    this.replicaManager = new ReplicaManager({
      brokerId: options.brokerId,
      dir: options.dataDir,
      clock: this.clock,
      logger: options.logger,
      topicSettings: (topic) => this.topicSettings(topic),
      alterIsr: async (p, isr, leaderEpoch, partitionEpoch) =>
        this.controller().alterPartitionIsr(
          p.topic,
          p.partition,
          this.brokerId,
          leaderEpoch,
          partitionEpoch,
          isr,
        ),
      replicaLagTimeMaxMs: options.config.get('replica.lag.time.max.ms') as number,
      isBrokerAlive: (id) => this.metadata.isLive(id),
      onIsrChange: (kind) => this.metrics.isrChanged(kind),
      endpointOf: (id) => {
        const b = this.metadata.brokers.get(id);
        return b && !b.fenced ? { host: b.host, port: b.port } : undefined;
      },
    });

    this.metrics.bind(this.replicaManager, this.metadata);
    this.groupScheduler = new ClockScheduler(this.clock);
    this.groupCoordinator = new GroupCoordinator({
      store: new InternalTopicStore(CONSUMER_OFFSETS_TOPIC, this.replicaManager, 30_000),
      clock: this.clock,
      scheduler: this.groupScheduler,
      config: {
        groupMinSessionTimeoutMs: options.config.get('group.min.session.timeout.ms') as number,
        groupMaxSessionTimeoutMs: options.config.get('group.max.session.timeout.ms') as number,
        groupInitialRebalanceDelayMs: options.config.get('group.initial.rebalance.delay.ms') as number,
        offsetMetadataMaxBytes: options.config.get('offset.metadata.max.bytes') as number,
        offsetsTopicNumPartitions: this.offsetsTopicPartitionCount(),
      },
      logger: componentLogger(options.logger, 'group-coordinator', { broker: options.brokerId }),
    });

    const markerWriter = new LocalMarkerWriter(
      this.replicaManager,
      this.clock,
      (topic, partition, producerId, committed) => {
        if (topic === CONSUMER_OFFSETS_TOPIC)
          this.groupCoordinator.completeTxn(producerId, committed, partition);
      },
    );
    this.markerRouter = new ClusterMarkerWriter(options.brokerId, this.metadata, markerWriter);
    this.transactionCoordinator = new TransactionCoordinator({
      store: new InternalTopicStore(TRANSACTION_STATE_TOPIC, this.replicaManager, 30_000),
      markerWriter: this.markerRouter,
      producerIds: new BlockProducerIdManager({
        allocateProducerIdBlock: async () => this.controller().allocateProducerIds(),
      }),
      partitionExists: (topic, partition) => this.metadata.partition(topic, partition) !== undefined,
      clock: this.clock,
      config: {
        transactionMaxTimeoutMs: options.config.get('transaction.max.timeout.ms') as number,
        transactionStateLogNumPartitions: options.config.get(
          'transaction.state.log.num.partitions',
        ) as number,
        offsetsTopicNumPartitions: this.offsetsTopicPartitionCount(),
      },
      logger: componentLogger(options.logger, 'transaction-coordinator', { broker: options.brokerId }),
    });

    const processor = new KafkaRequestProcessor(this.logger, this.metrics);
    registerHandlers(processor, this, markerWriter);
    this.socketServer = new SocketServer(
      {
        host: options.host,
        port: options.port,
        maxRequestBytes: options.config.get('socket.request.max.bytes') as number,
        maxIdleMs: options.config.get('connections.max.idle.ms') as number,
        clock: this.clock,
        logger: componentLogger(options.logger, 'network', { broker: options.brokerId }),
      },
      processor,
      this.metrics,
    );
  }

  static async start(options: BrokerOptions): Promise<Broker> {
    const broker = new Broker(options);
    await broker.startup();
    return broker;
  }

  /** Opens the broker's data (metadata log, configuration) without serving yet; `startup` serves. */
  static create(options: BrokerOptions): Broker {
    return new Broker(options);
  }

  get port(): number {
    return this.socketServer.port;
  }

  get host(): string {
    return this.options.host;
  }

  get isRunning(): boolean {
    return this.running;
  }

  controller(): Controller {
    return this.quorum.controller();
  }

  ensureInternalTopic(name: string): TopicImage | undefined {
    const existing = this.metadata.topic(name);
    if (existing) return existing;
    const isOffsets = name === CONSUMER_OFFSETS_TOPIC;
    if (!isOffsets && name !== TRANSACTION_STATE_TOPIC) return undefined;
    const partitions = isOffsets
      ? this.offsetsTopicPartitionCount()
      : (this.config.get('transaction.state.log.num.partitions') as number);
    const wantedRf = this.config.get(
      isOffsets ? 'offsets.topic.replication.factor' : 'transaction.state.log.replication.factor',
    ) as number;
    const rf = Math.max(1, Math.min(wantedRf, this.metadata.liveBrokers().length));
    const [result] = this.controller().createTopics(
      [
        {
          name,
          numPartitions: partitions,
          replicationFactor: rf,
          assignments: [],
          configs: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: INTERNAL_TOPIC_SEGMENT_BYTES },
          ],
        },
      ],
      false,
    );
    if (result?.error && result.error.errorName !== 'TOPIC_ALREADY_EXISTS') {
      this.logger.error({ topic: name, err: result.error.message }, 'could not create internal topic');
    }
    return this.metadata.topic(name);
  }

  /**
   * Controlled shutdown: the controller moves this broker's leaderships to other in-sync replicas while it still
   * serves (and hands the controller role over if it holds it); then waiting requests are answered, logs flushed
   * and closed.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.quorum.leave(this.brokerId);
    this.running = false;
    this.stopTimers();
    await this.socketServer.stop();
    this.groupCoordinator.shutdown();
    await this.transactionCoordinator.idle();
    this.markerRouter.close();
    await this.replicaManager.shutdown();
    this.metadataLog.close();
    if (this.options.quorum === undefined) this.quorum.close();
    this.logger.info('broker stopped');
  }

  /**
   * A crash: connections dropped at once, heartbeats stop, nothing flushed — what was not fsynced is lost. The
   * controller notices when the session times out.
   */
  async crash(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopTimers();
    await this.socketServer.stop();
    this.groupCoordinator.shutdown();
    this.markerRouter.close();
    await this.replicaManager.crash();
    this.metadataLog.crash();
    if (this.options.quorum === undefined) this.quorum.close();
    this.logger.warn('broker crashed (simulated)');
  }

  async startup(): Promise<void> {
    await this.socketServer.start();
    this.running = true;
    this.quorum.join({
      brokerId: this.brokerId,
      metadataLog: this.metadataLog,
      image: this.metadata,
      isAlive: () => this.running,
      onMetadata: (records) => this.onMetadataRecords(records),
    });
    // Registration unfences the broker and elects it where it may lead; the commit opens its partitions.
    this.controller().registerBroker(
      this.brokerId,
      this.options.host,
      this.socketServer.port,
      this.options.rack,
    );
    this.onMetadataRecords([]);
    this.startTimers();
    this.logger.info(
      { port: this.socketServer.port, partitions: [...this.replicaManager.allPartitions()].length },
      'broker started',
    );
  }

  private startTimers(): void {
    const every = (ms: number, task: () => void) => {
      const timer = setInterval(() => {
        try {
          task();
        } catch (err) {
          this.logger.error({ err }, 'scheduled task failed');
        }
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.config.get('log.flush.scheduler.interval.ms') as number, () =>
      this.replicaManager.runLogMaintenance('flush'),
    );
    every(this.config.get('log.retention.check.interval.ms') as number, () =>
      this.replicaManager.runLogMaintenance('retention'),
    );
    every(HW_CHECKPOINT_INTERVAL_MS, () => this.replicaManager.checkpointHighWatermarks());
    every(this.config.get('broker.heartbeat.interval.ms') as number, () =>
      this.quorum.heartbeat(this.brokerId),
    );
    if (this.config.get('log.cleaner.enable') as boolean) {
      every(this.config.get('log.cleaner.backoff.ms') as number, () => void this.runCompaction());
    }
    every(TRANSACTION_ABORT_CHECK_INTERVAL_MS, () => {
      this.transactionCoordinator.abortTimedOutTransactions().catch((err: unknown) => {
        this.logger.error({ err }, 'aborting timed-out transactions failed');
      });
    });
    every(Math.max(100, (this.config.get('replica.lag.time.max.ms') as number) / 2), () =>
      this.replicaManager.maybeShrinkIsr(),
    );
    this.groupScheduler.start(100);
  }

  /**
   * One compaction pass over the compacted partitions this broker hosts, one partition at a time (the cleaner's
   * key map is shared). The key map is allocated on the first pass that needs it.
   */
  private async runCompaction(): Promise<void> {
    if (this.cleaning) return;
    this.cleaning = true;
    try {
      const ratio = this.config.get('log.cleaner.min.cleanable.ratio') as number;
      for (const p of [...this.replicaManager.allPartitions()]) {
        if (!this.running) break;
        if (!p.log.config.cleanupPolicy.compact) continue;
        this.cleaner ??= new LogCleaner({
          clock: this.clock,
          dedupeBufferSize: this.config.get('log.cleaner.dedupe.buffer.size') as number,
          logger: componentLogger(this.options.logger, 'log-cleaner', { broker: this.brokerId }),
        });
        await p.log.maybeClean(this.cleaner, ratio);
      }
    } catch (err) {
      this.logger.error({ err }, 'compaction pass failed');
    } finally {
      this.cleaning = false;
    }
  }

  private stopTimers(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
    this.groupScheduler.stop();
  }

  private topicSettings(topic: string): TopicSettings {
    const overrides = this.metadata.topic(topic)?.configs ?? new Map<string, string>();
    const minIsr = overrides.get('min.insync.replicas');
    return {
      logConfig: logConfigFor(this.baseLogConfig, overrides),
      minInsyncReplicas:
        minIsr !== undefined ? Number(minIsr) : (this.config.get('min.insync.replicas') as number),
      writeFrozen: isWriteFrozen(overrides),
      writeFreezeExemptClientId: writeFreezeExemptClientId(overrides),
    };
  }

  private offsetsTopicPartitionCount(): number {
    return (
      this.metadata.topic(CONSUMER_OFFSETS_TOPIC)?.partitions.length ??
      (this.config.get('offsets.topic.num.partitions') as number)
    );
  }

  /**
   * Brings this broker's partitions in line with the metadata image after a commit: opens and leads or follows
   * what is assigned here, removes what is not any more (deleting a deleted topic's data), applies config
   * changes, and moves coordinator duties with the leadership of the internal topics' partitions.
   */
  private onMetadataRecords(records: readonly MetadataRecord[]): void {
    if (!this.running) return;
    for (const record of records) {
      if (record.type === 'Config' && record.resourceType === 'topic') {
        this.replicaManager.updateLogConfig(record.resourceName);
      }
    }
    const assigned = new Set<string>();
    for (const { topic, partition, image } of this.metadata.partitionsOf(this.brokerId)) {
      const key = `${topic}-${partition}`;
      assigned.add(key);
      const current = this.replicaManager.partition(topic, partition);
      if (
        current === undefined ||
        current.leaderEpoch !== image.leaderEpoch ||
        current.partitionEpoch !== image.partitionEpoch ||
        current.leaderId !== image.leader
      ) {
        try {
          this.replicaManager.applyPartitionState(topic, partition, {
            leader: image.leader,
            leaderEpoch: image.leaderEpoch,
            partitionEpoch: image.partitionEpoch,
            replicas: image.replicas,
            isr: image.isr,
          });
        } catch (err) {
          this.logger.error({ err, topic, partition }, 'could not apply partition state');
        }
      }
      this.maybeMoveCoordinator(topic, partition, image.leader === this.brokerId ? image.leaderEpoch : -1);
    }
    for (const p of [...this.replicaManager.allPartitions()]) {
      if (!assigned.has(p.key)) {
        this.maybeMoveCoordinator(p.topic, p.partition, -1);
        // Deleted topic or replica moved away: the data goes, as Kafka's StopReplica with delete does.
        this.replicaManager.removePartition(p.topic, p.partition, true);
      }
    }
  }

  /**
   * The group coordinator follows the leadership of `__consumer_offsets` partitions, the transaction coordinator
   * that of `__transaction_state` partitions (whose leader epoch is its coordinator epoch).
   */
  private maybeMoveCoordinator(topic: string, partition: number, leaderEpoch: number): void {
    if (topic !== CONSUMER_OFFSETS_TOPIC && topic !== TRANSACTION_STATE_TOPIC) return;
    const key = `${topic}-${partition}`;
    const was = this.coordinatorLeadership.get(key) ?? -1;
    if (was === leaderEpoch) return;
    const isGroups = topic === CONSUMER_OFFSETS_TOPIC;
    if (leaderEpoch >= 0) {
      this.coordinatorLeadership.set(key, leaderEpoch);
      const loading = isGroups
        ? this.groupCoordinator.onBecomeLeader(partition)
        : this.transactionCoordinator.onBecomeLeader(partition, leaderEpoch);
      loading.catch((err: unknown) => {
        this.logger.error({ err, topic, partition }, 'could not load coordinator state');
      });
    } else {
      this.coordinatorLeadership.delete(key);
      if (isGroups) this.groupCoordinator.onResign(partition);
      else this.transactionCoordinator.onResign(partition);
    }
  }
}

/** The quorum settings every broker of a cluster shares. */
export function quorumOptions(config: FerryConfig, clock: Clock, logger: Logger) {
  return {
    defaults: controllerDefaults(config),
    sessionTimeoutMs: config.get('broker.session.timeout.ms') as number,
    leaderRebalanceIntervalMs: (config.get('auto.leader.rebalance.enable') as boolean)
      ? (config.get('leader.imbalance.check.interval.seconds') as number) * 1000
      : 0,
    clock,
    logger,
  };
}

export function controllerDefaults(config: FerryConfig) {
  return {
    numPartitions: config.get('num.partitions') as number,
    defaultReplicationFactor: config.get('default.replication.factor') as number,
    uncleanLeaderElection: config.get('unclean.leader.election.enable') as boolean,
  };
}
