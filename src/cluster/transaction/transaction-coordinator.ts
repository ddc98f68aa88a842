import type { Clock } from '../../common/clock.js';
import { type Logger, silentLogger } from '../../common/logger.js';
import { ERROR_CODES, isKafkaError } from '../../protocol/errors/index.js';
import { coordinatorPartitionFor } from './coordinator-partition.js';
import type { ProducerIdManager } from './producer-id-manager.js';
import { type TransactionCoordinatorConfig, transactionCoordinatorConfig } from './transaction-config.js';
import { type TransactionMarkerWriter, writeMarkersUntilDone } from './transaction-marker-writer.js';
import {
  MAX_PRODUCER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  type TopicPartition,
  TransactionMetadata,
  type TxnTransition,
} from './transaction-metadata.js';
import { TransactionState } from './transaction-state.js';
import {
  replayTransactionLog,
  transactionLogRecord,
  transactionLogTombstone,
} from './transaction-state-log.js';
import type { TransactionStateStore } from './transaction-state-store.js';
import type {
  AddOffsetsToTxnParams,
  AddPartitionsToTxnParams,
  AddPartitionsToTxnTopicResult,
  EndTxnParams,
  InitProducerIdParams,
  InitProducerIdResult,
  TransactionDescription,
} from './transaction-types.js';

const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';

const E = {
  NONE: ERROR_CODES.NONE.code,
  UNKNOWN_SERVER_ERROR: ERROR_CODES.UNKNOWN_SERVER_ERROR.code,
  UNKNOWN_TOPIC_OR_PARTITION: ERROR_CODES.UNKNOWN_TOPIC_OR_PARTITION.code,
  COORDINATOR_LOAD_IN_PROGRESS: ERROR_CODES.COORDINATOR_LOAD_IN_PROGRESS.code,
  COORDINATOR_NOT_AVAILABLE: ERROR_CODES.COORDINATOR_NOT_AVAILABLE.code,
  NOT_COORDINATOR: ERROR_CODES.NOT_COORDINATOR.code,
  INVALID_REQUEST: ERROR_CODES.INVALID_REQUEST.code,
  INVALID_TXN_STATE: ERROR_CODES.INVALID_TXN_STATE.code,
  INVALID_PRODUCER_ID_MAPPING: ERROR_CODES.INVALID_PRODUCER_ID_MAPPING.code,
  INVALID_TRANSACTION_TIMEOUT: ERROR_CODES.INVALID_TRANSACTION_TIMEOUT.code,
  CONCURRENT_TRANSACTIONS: ERROR_CODES.CONCURRENT_TRANSACTIONS.code,
  PRODUCER_FENCED: ERROR_CODES.PRODUCER_FENCED.code,
  OPERATION_NOT_ATTEMPTED: ERROR_CODES.OPERATION_NOT_ATTEMPTED.code,
} as const;

/** How Kafka's coordinator answers a failed `__transaction_state` append (by the append's error). */
const APPEND_ERROR_ANSWER: Readonly<Record<string, number>> = {
  UNKNOWN_TOPIC_OR_PARTITION: E.COORDINATOR_NOT_AVAILABLE,
  NOT_ENOUGH_REPLICAS: E.COORDINATOR_NOT_AVAILABLE,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: E.COORDINATOR_NOT_AVAILABLE,
  REQUEST_TIMED_OUT: E.COORDINATOR_NOT_AVAILABLE,
  NOT_LEADER_OR_FOLLOWER: E.NOT_COORDINATOR,
  KAFKA_STORAGE_ERROR: E.NOT_COORDINATOR,
};

export interface TransactionCoordinatorOptions {
  store: TransactionStateStore;
  markerWriter: TransactionMarkerWriter;
  producerIds: ProducerIdManager;
  /** Whether a topic partition exists (the broker's metadata); AddPartitionsToTxn refuses unknown ones. */
  partitionExists(topic: string, partition: number): boolean;
  clock: Clock;
  config?: Partial<TransactionCoordinatorConfig>;
  logger?: Logger;
  /**
   * Waits between retries of marker writes and `__transaction_state` appends. @defaultValue a timer; tests
   * pass one that resolves at once.
   */
  sleep?: (ms: number) => Promise<void>;
}

/** One `__transaction_state` partition this broker leads; replaced (never reused) on a new leadership. */
interface OwnedPartition {
  readonly partition: number;
  readonly coordinatorEpoch: number;
  loading: boolean;
  readonly txns: Map<string, TransactionMetadata>;
}

type Lookup = { error: number } | { error: null; owned: OwnedPartition };

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/**
 * Kafka's transaction coordinator, free of the wire protocol: InitProducerId, AddPartitionsToTxn,
 * AddOffsetsToTxn and EndTxn as calls that answer error codes, the transaction timeout, the
 * transactional-id expiration, and the load/unload of `__transaction_state` partitions.
 *
 * A transactional id lives on partition abs(hashCode(id)) % transaction.state.log.num.partitions; this
 * coordinator answers for the ids of the partitions it leads (`onBecomeLeader`), NOT_COORDINATOR for the
 * others and COORDINATOR_LOAD_IN_PROGRESS while a partition replays. The coordinator epoch is the
 * partition's leader epoch; it goes into every marker, so partition leaders can refuse a deposed
 * coordinator's markers.
 *
 * Invariants:
 * - a state change is durable in `__transaction_state` before it is applied or answered; at most one
 *   change per id is in flight (TransactionMetadata.pendingState), others answer CONCURRENT_TRANSACTIONS;
 * - EndTxn answers once PrepareCommit/PrepareAbort is durable; markers are then written in the background
 *   and CompleteCommit/CompleteAbort written after the last one, as Kafka does. Until then requests for the
 *   id answer CONCURRENT_TRANSACTIONS, so the producer's next transaction waits for the markers;
 * - a PrepareCommit/PrepareAbort found on load is completed by writing the markers again (idempotent).
 *
 * Runs on the event loop; request calls, timers and loads interleave only at awaits, and every await is
 * followed by a check that the partition is still owned under the same leadership.
 */
export class TransactionCoordinator {
  private readonly config: TransactionCoordinatorConfig;
  private readonly logger: Logger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly owned = new Map<number, OwnedPartition>();
  private readonly completions = new Set<Promise<void>>();

  constructor(private readonly options: TransactionCoordinatorOptions) {
    this.config = transactionCoordinatorConfig(options.config);
    this.logger = options.logger ?? silentLogger;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** The `__transaction_state` partition of a transactional id (FindCoordinator with key type 1). */
  partitionFor(transactionalId: string): number {
    return coordinatorPartitionFor(transactionalId, this.config.transactionStateLogNumPartitions);
  }

  // ---- InitProducerId ----

  async initProducerId(params: InitProducerIdParams): Promise<InitProducerIdResult> {
    const { transactionalId, transactionTimeoutMs } = params;
    if (transactionalId === null) {
      // An idempotent producer: any broker hands out an id, with no state kept here.
      try {
        return {
          errorCode: E.NONE,
          producerId: await this.options.producerIds.generateProducerId(),
          producerEpoch: 0,
        };
      } catch (err) {
        return initError(this.allocationError(err));
      }
    }
    if (transactionalId === '') return initError(E.INVALID_REQUEST);
    if (
      !Number.isInteger(transactionTimeoutMs) ||
      transactionTimeoutMs <= 0 ||
      transactionTimeoutMs > this.config.transactionMaxTimeoutMs
    ) {
      return initError(E.INVALID_TRANSACTION_TIMEOUT);
    }

    let found = this.lookup(transactionalId);
    if (found.error !== null) return initError(found.error);
    let meta = found.owned.txns.get(transactionalId);
    if (!meta) {
      let producerId: number;
      try {
        producerId = await this.options.producerIds.generateProducerId();
      } catch (err) {
        return initError(this.allocationError(err));
      }
      found = this.lookup(transactionalId);
      if (found.error !== null) return initError(found.error);
      // A concurrent InitProducerId may have created it meanwhile; the id allocated here is then unused.
      meta = found.owned.txns.get(transactionalId);
      if (!meta) {
        meta = new TransactionMetadata(transactionalId, {
          state: TransactionState.Empty,
          producerId,
          producerEpoch: NO_PRODUCER_EPOCH,
          txnTimeoutMs: transactionTimeoutMs,
          partitions: new Map(),
          txnStartTimestamp: -1,
          txnLastUpdateTimestamp: this.options.clock.nowMs(),
        });
        found.owned.txns.set(transactionalId, meta);
      }
    }
    return this.initExisting(found.owned, meta, params);
  }

  private async initExisting(
    owned: OwnedPartition,
    meta: TransactionMetadata,
    params: InitProducerIdParams,
  ): Promise<InitProducerIdResult> {
    const expectedProducerId = params.producerId ?? NO_PRODUCER_ID;
    const expectedEpoch = params.producerEpoch ?? NO_PRODUCER_EPOCH;
    const expecting = expectedProducerId !== NO_PRODUCER_ID;
    if (meta.pendingState !== null) return initError(E.CONCURRENT_TRANSACTIONS);

    // KIP-360: a producer that names its current id must still own the transactional id.
    if (
      expecting &&
      meta.producerEpoch !== NO_PRODUCER_EPOCH &&
      expectedProducerId !== meta.producerId &&
      !(expectedProducerId === meta.lastProducerId && expectedEpoch >= MAX_PRODUCER_EPOCH - 1)
    ) {
      return initError(E.PRODUCER_FENCED);
    }

    switch (meta.state) {
      case TransactionState.PrepareCommit:
      case TransactionState.PrepareAbort:
      case TransactionState.PrepareEpochFence:
      case TransactionState.Dead:
        return initError(E.CONCURRENT_TRANSACTIONS);
      case TransactionState.Ongoing: {
        // Fence the previous instance and abort its transaction; the producer retries on
        // CONCURRENT_TRANSACTIONS and gets a further bumped epoch once the abort is complete.
        const code = await this.fenceAndAbort(owned, meta);
        return initError(code === E.NONE ? E.CONCURRENT_TRANSACTIONS : code);
      }
      case TransactionState.Empty:
      case TransactionState.CompleteCommit:
      case TransactionState.CompleteAbort:
        break;
    }

    if (expecting && meta.producerEpoch !== NO_PRODUCER_EPOCH) {
      const retryOfBump =
        expectedProducerId === meta.producerId &&
        expectedEpoch !== meta.producerEpoch &&
        expectedEpoch === meta.lastProducerEpoch;
      const retryOfRotation =
        expectedProducerId === meta.lastProducerId && expectedProducerId !== meta.producerId;
      // The answer to an earlier InitProducerId was lost: answer it again instead of bumping once more.
      if (retryOfBump || retryOfRotation) {
        return { errorCode: E.NONE, producerId: meta.producerId, producerEpoch: meta.producerEpoch };
      }
      if (expectedEpoch !== meta.producerEpoch) return initError(E.PRODUCER_FENCED);
    }

    const nowMs = this.options.clock.nowMs();
    let transition: TxnTransition;
    if (meta.isProducerEpochExhausted) {
      let newProducerId: number;
      try {
        newProducerId = await this.options.producerIds.generateProducerId();
      } catch (err) {
        return initError(this.allocationError(err));
      }
      // The allocation awaited: the id may have moved on meanwhile (a transaction started, another init).
      if (
        !this.isCurrent(owned) ||
        owned.txns.get(meta.transactionalId) !== meta ||
        meta.pendingState !== null ||
        !hasNoOpenTransaction(meta)
      ) {
        return initError(E.CONCURRENT_TRANSACTIONS);
      }
      transition = meta.prepareProducerIdRotation(newProducerId, params.transactionTimeoutMs, nowMs);
    } else {
      transition = meta.prepareIncrementProducerEpoch(params.transactionTimeoutMs, nowMs);
    }
    const code = await this.persist(owned, meta, transition);
    if (code !== E.NONE) return initError(code);
    return { errorCode: E.NONE, producerId: transition.producerId, producerEpoch: transition.producerEpoch };
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn ----

  async addPartitionsToTxn(params: AddPartitionsToTxnParams): Promise<AddPartitionsToTxnTopicResult[]> {
    const wanted: TopicPartition[] = [];
    let anyUnknown = false;
    for (const t of params.topics) {
      for (const partition of t.partitions) {
        if (!this.options.partitionExists(t.name, partition)) anyUnknown = true;
        wanted.push({ topic: t.name, partition });
      }
    }
    if (anyUnknown) {
      // As Kafka: nothing is added; the unknown partitions say why, the others were not attempted.
      return params.topics.map((t) => ({
        name: t.name,
        resultsByPartition: t.partitions.map((p) => ({
          partitionIndex: p,
          partitionErrorCode: this.options.partitionExists(t.name, p)
            ? E.OPERATION_NOT_ATTEMPTED
            : E.UNKNOWN_TOPIC_OR_PARTITION,
        })),
      }));
    }
    const code = await this.addToTransaction(
      params.transactionalId,
      params.producerId,
      params.producerEpoch,
      wanted,
    );
    return params.topics.map((t) => ({
      name: t.name,
      resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: code })),
    }));
  }

  /** Adds the group's `__consumer_offsets` partition, where TxnOffsetCommit will write, to the transaction. */
  addOffsetsToTxn(params: AddOffsetsToTxnParams): Promise<number> {
    const partition = coordinatorPartitionFor(params.groupId, this.config.offsetsTopicNumPartitions);
    return this.addToTransaction(params.transactionalId, params.producerId, params.producerEpoch, [
      { topic: CONSUMER_OFFSETS_TOPIC, partition },
    ]);
  }

  private async addToTransaction(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    partitions: readonly TopicPartition[],
  ): Promise<number> {
    const found = this.lookup(transactionalId);
    if (found.error !== null) return found.error;
    const meta = found.owned.txns.get(transactionalId);
    const check = this.checkProducer(meta, producerId, producerEpoch);
    if (check !== E.NONE || !meta) return check;
    switch (meta.state) {
      case TransactionState.Empty:
      case TransactionState.CompleteCommit:
      case TransactionState.CompleteAbort:
        break;
      case TransactionState.Ongoing:
        if (partitions.every((tp) => meta.hasPartition(tp.topic, tp.partition))) return E.NONE;
        break;
      default:
        return E.CONCURRENT_TRANSACTIONS;
    }
    return this.persist(found.owned, meta, meta.prepareAddPartitions(partitions, this.options.clock.nowMs()));
  }

  // ---- EndTxn ----

  /**
   * Commits or aborts the open transaction. Answers once PrepareCommit/PrepareAbort is durable; the markers
   * and the Complete state follow in the background (`idle` waits for them).
   */
  async endTxn(params: EndTxnParams): Promise<number> {
    const found = this.lookup(params.transactionalId);
    if (found.error !== null) return found.error;
    const meta = found.owned.txns.get(params.transactionalId);
    const check = this.checkProducer(meta, params.producerId, params.producerEpoch);
    if (check !== E.NONE || !meta) return check;
    const { committed } = params;
    switch (meta.state) {
      case TransactionState.Ongoing: {
        const code = await this.persist(
          found.owned,
          meta,
          meta.prepareEndTransaction(committed, this.options.clock.nowMs()),
        );
        if (code === E.NONE) this.startCompletion(found.owned, meta);
        return code;
      }
      case TransactionState.PrepareCommit:
        return committed ? E.CONCURRENT_TRANSACTIONS : E.INVALID_TXN_STATE;
      case TransactionState.PrepareAbort:
        return committed ? E.INVALID_TXN_STATE : E.CONCURRENT_TRANSACTIONS;
      case TransactionState.CompleteCommit:
        // A retry of an EndTxn whose answer was lost.
        return committed ? E.NONE : E.INVALID_TXN_STATE;
      case TransactionState.CompleteAbort:
        return committed ? E.INVALID_TXN_STATE : E.NONE;
      default:
        return E.INVALID_TXN_STATE;
    }
  }

  // ---- timers the broker drives ----

  /**
   * Aborts every transaction open for longer than its timeout, bumping the epoch so that the producer, if
   * still alive, is fenced. The broker calls it periodically (Kafka: every
   * transaction.abort.timed.out.transaction.cleanup.interval.ms, 10 s). Resolves with the ids whose abort
   * was started (PrepareAbort durable); their markers complete in the background.
   */
  async abortTimedOutTransactions(nowMs = this.options.clock.nowMs()): Promise<string[]> {
    const due: [OwnedPartition, TransactionMetadata][] = [];
    for (const owned of this.owned.values()) {
      if (owned.loading) continue;
      for (const meta of owned.txns.values()) {
        if (
          meta.state === TransactionState.Ongoing &&
          meta.pendingState === null &&
          meta.txnStartTimestamp + meta.txnTimeoutMs < nowMs
        ) {
          due.push([owned, meta]);
        }
      }
    }
    const aborted: string[] = [];
    await Promise.all(
      due.map(async ([owned, meta]) => {
        this.logger.info(
          {
            transactionalId: meta.transactionalId,
            producerId: meta.producerId,
            producerEpoch: meta.producerEpoch,
          },
          'aborting a transaction that exceeded its timeout',
        );
        if ((await this.fenceAndAbort(owned, meta)) === E.NONE) aborted.push(meta.transactionalId);
      }),
    );
    return aborted;
  }

  /**
   * Removes the ids idle for longer than transactional.id.expiration.ms (no transaction open), writing a
   * tombstone for each. Resolves with the ids removed.
   */
  async expireTransactionalIds(nowMs = this.options.clock.nowMs()): Promise<string[]> {
    const due: [OwnedPartition, TransactionMetadata][] = [];
    for (const owned of this.owned.values()) {
      if (owned.loading) continue;
      for (const meta of owned.txns.values()) {
        if (
          hasNoOpenTransaction(meta) &&
          meta.pendingState === null &&
          meta.txnLastUpdateTimestamp + this.config.transactionalIdExpirationMs <= nowMs
        ) {
          due.push([owned, meta]);
        }
      }
    }
    const expired: string[] = [];
    await Promise.all(
      due.map(async ([owned, meta]) => {
        if ((await this.persist(owned, meta, meta.prepareDead(nowMs))) === E.NONE) {
          owned.txns.delete(meta.transactionalId);
          expired.push(meta.transactionalId);
        }
      }),
    );
    return expired;
  }

  // ---- leadership of __transaction_state partitions ----

  /**
   * This broker became the leader of `__transaction_state` partition `partition` at leader epoch
   * `coordinatorEpoch`: replay it, then finish every transaction found between prepare and complete.
   * Requests for its ids answer COORDINATOR_LOAD_IN_PROGRESS until the replay is done. A call for an epoch
   * not newer than the one already owned is ignored.
   */
  async onBecomeLeader(partition: number, coordinatorEpoch: number): Promise<void> {
    const current = this.owned.get(partition);
    if (current && current.coordinatorEpoch >= coordinatorEpoch) return;
    const owned: OwnedPartition = { partition, coordinatorEpoch, loading: true, txns: new Map() };
    this.owned.set(partition, owned);
    let loaded: Awaited<ReturnType<typeof replayTransactionLog>>;
    try {
      loaded = await replayTransactionLog(this.options.store, partition, () => !this.isCurrent(owned));
    } catch (err) {
      if (this.isCurrent(owned)) this.owned.delete(partition);
      throw err;
    }
    if (loaded === null) return;
    for (const [transactionalId, value] of loaded) {
      owned.txns.set(transactionalId, new TransactionMetadata(transactionalId, value));
    }
    owned.loading = false;
    this.logger.info(
      { partition, coordinatorEpoch, transactionalIds: owned.txns.size },
      'loaded __transaction_state',
    );
    for (const meta of owned.txns.values()) {
      if (meta.state === TransactionState.PrepareCommit || meta.state === TransactionState.PrepareAbort) {
        this.startCompletion(owned, meta);
      }
    }
  }

  /**
   * This broker no longer leads the partition: forget its ids. Marker writes in flight stop at their next
   * step; the new leader writes them again. An epoch older than the owned one (a stale notice) is ignored.
   */
  onResign(partition: number, coordinatorEpoch?: number): void {
    const current = this.owned.get(partition);
    if (!current) return;
    if (coordinatorEpoch !== undefined && coordinatorEpoch < current.coordinatorEpoch) return;
    this.owned.delete(partition);
  }

  /** Resolves once every marker write and completion started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.completions.size > 0) await Promise.allSettled([...this.completions]);
  }

  /** The state of a transactional id, or null when this coordinator does not hold it. */
  describeTransaction(transactionalId: string): TransactionDescription | null {
    const found = this.lookup(transactionalId);
    if (found.error !== null) return null;
    const meta = found.owned.txns.get(transactionalId);
    if (!meta) return null;
    return {
      transactionalId,
      state: meta.state,
      producerId: meta.producerId,
      producerEpoch: meta.producerEpoch,
      txnTimeoutMs: meta.txnTimeoutMs,
      txnStartTimestamp: meta.txnStartTimestamp,
      txnLastUpdateTimestamp: meta.txnLastUpdateTimestamp,
      topics: [...meta.partitions].map(([topic, ps]) => ({
        topic,
        partitions: [...ps].sort((a, b) => a - b),
      })),
    };
  }

  // ---- internals ----

  private lookup(transactionalId: string): Lookup {
    const owned = this.owned.get(this.partitionFor(transactionalId));
    if (!owned) return { error: E.NOT_COORDINATOR };
    if (owned.loading) return { error: E.COORDINATOR_LOAD_IN_PROGRESS };
    return { error: null, owned };
  }

  private isCurrent(owned: OwnedPartition): boolean {
    return this.owned.get(owned.partition) === owned;
  }

  /** The checks every producer request shares, in Kafka's order. */
  private checkProducer(
    meta: TransactionMetadata | undefined,
    producerId: number,
    producerEpoch: number,
  ): number {
    if (!meta || meta.producerId !== producerId) return E.INVALID_PRODUCER_ID_MAPPING;
    if (meta.producerEpoch !== producerEpoch) return E.PRODUCER_FENCED;
    if (meta.pendingState !== null) return E.CONCURRENT_TRANSACTIONS;
    return E.NONE;
  }

  private async fenceAndAbort(owned: OwnedPartition, meta: TransactionMetadata): Promise<number> {
    const code = await this.persist(owned, meta, meta.prepareFenceAndAbort(this.options.clock.nowMs()));
    if (code === E.NONE) this.startCompletion(owned, meta);
    return code;
  }

  /**
   * Writes a prepared transition (a tombstone for Dead) to the id's partition and applies it once durable.
   * Answers with the code Kafka's coordinator gives for the append's failure.
   */
  private async persist(owned: OwnedPartition, meta: TransactionMetadata, t: TxnTransition): Promise<number> {
    const record =
      t.state === TransactionState.Dead
        ? transactionLogTombstone(meta.transactionalId)
        : transactionLogRecord(meta.transactionalId, t);
    try {
      await this.options.store.append(owned.partition, [record]);
    } catch (err) {
      meta.abortTransition();
      const code = isKafkaError(err)
        ? (APPEND_ERROR_ANSWER[err.errorName] ?? E.UNKNOWN_SERVER_ERROR)
        : E.UNKNOWN_SERVER_ERROR;
      this.logger.warn(
        { err, transactionalId: meta.transactionalId, partition: owned.partition },
        'appending to __transaction_state failed',
      );
      return code;
    }
    if (!this.isCurrent(owned)) {
      meta.abortTransition();
      return E.NOT_COORDINATOR;
    }
    meta.completeTransition(t);
    return E.NONE;
  }

  private startCompletion(owned: OwnedPartition, meta: TransactionMetadata): void {
    const p: Promise<void> = this.completeTransaction(owned, meta)
      .catch((err: unknown) => {
        this.logger.error({ err, transactionalId: meta.transactionalId }, 'completing a transaction failed');
      })
      .finally(() => {
        this.completions.delete(p);
      });
    this.completions.add(p);
  }

  /** Writes the markers of a PrepareCommit/PrepareAbort transaction, then its Complete state. */
  private async completeTransaction(owned: OwnedPartition, meta: TransactionMetadata): Promise<void> {
    const committed = meta.state === TransactionState.PrepareCommit;
    const outcome = await writeMarkersUntilDone(
      this.options.markerWriter,
      {
        producerId: meta.producerId,
        producerEpoch: meta.producerEpoch,
        coordinatorEpoch: owned.coordinatorEpoch,
        committed,
        partitions: meta.partitionList(),
      },
      {
        partitionExists: this.options.partitionExists,
        isCurrent: () => this.isCurrent(owned),
        retryBackoffMs: this.config.retryBackoffMs,
        sleep: this.sleep,
        logger: this.logger,
      },
    );
    if (outcome !== 'done') return;
    for (;;) {
      if (!this.isCurrent(owned)) return;
      const code = await this.persist(owned, meta, meta.prepareComplete(this.options.clock.nowMs()));
      if (code === E.NONE || code === E.NOT_COORDINATOR) return;
      // The markers are written; only the Complete record is missing. Retry it while this broker leads.
      await this.sleep(this.config.retryBackoffMs);
    }
  }

  private allocationError(err: unknown): number {
    this.logger.warn({ err }, 'allocating a producer id failed');
    return isKafkaError(err) ? err.code : E.UNKNOWN_SERVER_ERROR;
  }
}

function hasNoOpenTransaction(meta: TransactionMetadata): boolean {
  return (
    meta.state === TransactionState.Empty ||
    meta.state === TransactionState.CompleteCommit ||
    meta.state === TransactionState.CompleteAbort
  );
}

function initError(errorCode: number): InitProducerIdResult {
  return { errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH };
}
