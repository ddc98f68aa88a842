import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { KafkaError } from '../protocol/errors/index.js';
import { FETCH_API, type FetchRequest, type FetchResponse } from '../protocol/messages/fetch.js';
import {
  INIT_PRODUCER_ID_API,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '../protocol/messages/init-producer-id.js';
import {
  LIST_OFFSETS_API,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
} from '../protocol/messages/list-offsets.js';
import { METADATA_API, type MetadataRequest, type MetadataResponse } from '../protocol/messages/metadata.js';
import {
  OFFSET_FOR_LEADER_EPOCH_API,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
} from '../protocol/messages/offset-for-leader-epoch.js';
import { PRODUCE_API, type ProduceRequest, type ProduceResponse } from '../protocol/messages/produce.js';
import { asKafkaError, isStaleMetadataError, kafkaErrorForCode } from './client-errors.js';
import {
  EMPTY_RECORDS,
  type EpochEndOffset,
  type FetchOptions,
  type FetchPartitionRequest,
  type FetchPartitionResult,
  fetchPartitionFailure,
  IsolationLevel,
  type ListOffsetsResult,
  missingFromResponse,
  type OffsetSpec,
  type ProduceOptions,
  type ProducePartitionRequest,
  type ProducePartitionResult,
  type ProduceResult,
  type ProducerIdAndEpoch,
  producePartitionFailure,
} from './client-requests.js';
import {
  type Connection,
  type ConnectionLane,
  ConnectionPool,
  type ConnectionPoolOptions,
  defaultDelay,
} from './connection-pool.js';
import { type BrokerMetadata, type LeaderAndEpoch, MetadataCache } from './metadata-cache.js';

export interface ClusterClientOptions extends ConnectionPoolOptions {
  /** `host:port` strings, as Kafka's `bootstrap.servers` (a comma-separated string is accepted too). */
  bootstrapServers: string | readonly string[];
  /** Whether Metadata may create a topic it is asked about. @defaultValue false */
  allowAutoTopicCreation?: boolean;
  /** Further attempts after a retriable error that provably did not apply the request. @defaultValue 3 */
  retries?: number;
  /** Wait between those attempts. @defaultValue 100 */
  retryBackoffMs?: number;
  logger?: Logger;
}

const DEFAULT_FETCH_MAX_BYTES = 50 * 1024 * 1024;

/**
 * The raw-batch Kafka client: a metadata cache, one pipelined connection per broker (and lane), and the
 * leader-only requests the two byte-preserving paths need — Produce, Fetch, ListOffsets and
 * OffsetForLeaderEpoch — with record sets as Buffers end to end.
 *
 * Routing: requests go to the partition leader in the cache. A miss refreshes metadata for the topic; a
 * stale-metadata answer (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION,
 * FENCED_LEADER_EPOCH, a dropped connection, …) forgets the topic so the next request refreshes first.
 * Produce retries only answers that prove the batch was not appended; a connection lost with a produce in
 * flight is reported (NETWORK_EXCEPTION), never resent, because it may have been appended. Fetch reports
 * errors per partition and never retries: its callers own the fetch loop.
 *
 * Hot path: when the leader is cached and its connection open, `produce`, `produceMany` and `fetch` write
 * their request before their first await, so N calls in one tick are N requests in flight on the wire.
 * Single-threaded (the event loop); one instance may be shared by any number of concurrent callers.
 */
export class ClusterClient {
  readonly metadata = new MetadataCache();
  private readonly pool: ConnectionPool;
  private readonly bootstrap: Array<{ host: string; port: number }>;
  private readonly wantedTopics = new Set<string>();
  private refreshing: Promise<void> | undefined;
  private closed = false;
  private readonly allowAutoTopicCreation: boolean;
  private readonly retries: number;
  private readonly retryBackoffMs: number;
  private readonly delay: (ms: number) => Promise<void>;
  private readonly logger: Logger;

  constructor(options: ClusterClientOptions) {
    const servers =
      typeof options.bootstrapServers === 'string'
        ? options.bootstrapServers.split(',')
        : options.bootstrapServers;
    this.bootstrap = servers.map((s) => parseHostPort(s.trim()));
    if (this.bootstrap.length === 0) throw new Error('bootstrapServers is empty');
    this.pool = new ConnectionPool(options);
    this.allowAutoTopicCreation = options.allowAutoTopicCreation ?? false;
    this.retries = options.retries ?? 3;
    this.retryBackoffMs = options.retryBackoffMs ?? 100;
    this.delay = options.delay ?? defaultDelay;
    this.logger = options.logger ?? silentLogger;
  }

  /** A client with the cluster's brokers already known; fails if no bootstrap server answers. */
  static async connect(options: ClusterClientOptions): Promise<ClusterClient> {
    const client = new ClusterClient(options);
    try {
      await client.refreshMetadata();
    } catch (err) {
      client.close();
      throw err;
    }
    return client;
  }

  /**
   * Asks the cluster for the brokers and for `topics` plus every topic in use. A refresh already under way
   * that covers the topics is shared; otherwise a new one follows it.
   */
  refreshMetadata(topics: readonly string[] = []): Promise<void> {
    let covered = true;
    for (const t of topics) {
      if (!this.wantedTopics.has(t)) {
        covered = false;
        this.wantedTopics.add(t);
      }
    }
    if (this.refreshing && covered) return this.refreshing;
    const previous = this.refreshing ?? Promise.resolve();
    const next = previous.then(
      () => this.fetchMetadata(),
      () => this.fetchMetadata(),
    );
    this.refreshing = next;
    const clear = () => {
      if (this.refreshing === next) this.refreshing = undefined;
    };
    next.then(clear, clear);
    return next;
  }

  /** The partition's leader and leader epoch, asking the cluster when the cache does not know. */
  async leaderFor(topic: string, partition: number): Promise<LeaderAndEpoch> {
    const cached = this.metadata.leader(topic, partition);
    if (cached) return cached;
    await this.refreshMetadata([topic]);
    const leader = this.metadata.leader(topic, partition);
    if (leader === undefined) throw this.routingError(topic, partition);
    return leader;
  }

  /** The default-lane connection to a broker, for callers that send their own requests. */
  async brokerConnection(brokerId: number, lane: ConnectionLane = 'default'): Promise<Connection> {
    let broker = this.metadata.broker(brokerId);
    if (broker === undefined) {
      await this.refreshMetadata();
      broker = this.metadata.broker(brokerId);
    }
    if (broker === undefined)
      throw new KafkaError('BROKER_NOT_AVAILABLE', `no broker ${brokerId} in metadata`);
    return this.pool.get(broker.host, broker.port, lane);
  }

  /** Appends record batches to one partition; rejects with a KafkaError carrying the broker's code. */
  async produce(
    topic: string,
    partition: number,
    records: Buffer,
    options: ProduceOptions,
  ): Promise<ProduceResult> {
    const [result] = await this.produceMany([{ topic, partition, records }], options);
    if (result === undefined) throw new Error('produceMany returned no result');
    if (result.error) throw result.error;
    return result;
  }

  /**
   * Appends to several partitions: one Produce request per leader, all in flight at once. Results are in the
   * order of `entries`, each with its own error; the promise rejects only for a client fault.
   */
  async produceMany(
    entries: readonly ProducePartitionRequest[],
    options: ProduceOptions,
  ): Promise<ProducePartitionResult[]> {
    const results = new Array<ProducePartitionResult>(entries.length);
    let pending = entries.map((_, i) => i);
    for (let attempt = 0; ; attempt++) {
      const retry: number[] = [];
      const fail = (i: number, err: KafkaError) => {
        if (isStaleMetadataError(err.code)) this.metadata.invalidate(entries[i]!.topic);
        if (err.retriable && attempt < this.retries) retry.push(i);
        else results[i] = producePartitionFailure(entries[i]!, err);
      };
      const byConnection = new Map<Connection, number[]>();
      const unrouted = this.groupByReadyLeader(entries, pending, 'default', byConnection);
      if (unrouted.length > 0) await this.routeUnrouted(entries, unrouted, 'default', byConnection, fail);
      const sends: Promise<void>[] = [];
      for (const [connection, indexes] of byConnection) {
        sends.push(this.sendProduce(connection, entries, indexes, options, results, fail));
      }
      await Promise.all(sends);
      if (retry.length === 0) return results;
      await this.delay(this.retryBackoffMs);
      pending = retry;
    }
  }

  /**
   * One Fetch per leader broker, all in flight at once on the brokers' fetch connections. Results are in the
   * order of `requests`; errors are per partition (a stale-metadata error has already made the client forget
   * the topic, so the caller's next fetch is routed afresh).
   */
  async fetch(
    requests: readonly FetchPartitionRequest[],
    options: FetchOptions,
  ): Promise<FetchPartitionResult[]> {
    const results = new Array<FetchPartitionResult>(requests.length);
    const byConnection = new Map<Connection, number[]>();
    const unrouted = this.groupByReadyLeader(requests, allIndexes(requests.length), 'fetch', byConnection);
    if (unrouted.length > 0) {
      await this.routeUnrouted(requests, unrouted, 'fetch', byConnection, (i, error) => {
        if (isStaleMetadataError(error.code)) this.metadata.invalidate(requests[i]!.topic);
        results[i] = fetchPartitionFailure(requests[i]!, error);
      });
    }
    const sends: Promise<void>[] = [];
    for (const [connection, indexes] of byConnection) {
      sends.push(this.sendFetch(connection, requests, indexes, options, results));
    }
    await Promise.all(sends);
    return results;
  }

  /** The offset for a timestamp, or the earliest or latest offset, from the partition leader. */
  listOffsets(
    topic: string,
    partition: number,
    spec: OffsetSpec,
    isolationLevel: IsolationLevel = IsolationLevel.ReadUncommitted,
  ): Promise<ListOffsetsResult> {
    const timestamp = spec === 'earliest' ? -2 : spec === 'latest' ? -1 : spec;
    return this.leaderRequest(topic, partition, async (connection, leader) => {
      const request: ListOffsetsRequest = {
        replicaId: -1,
        isolationLevel,
        topics: [
          {
            name: topic,
            partitions: [{ partitionIndex: partition, currentLeaderEpoch: leader.leaderEpoch, timestamp }],
          },
        ],
      };
      const response = await connection.send<ListOffsetsRequest, ListOffsetsResponse>(
        LIST_OFFSETS_API,
        request,
      );
      const p = response.topics
        .find((t) => t.name === topic)
        ?.partitions.find((x) => x.partitionIndex === partition);
      if (p === undefined) return missingFromResponse('ListOffsets', topic, partition);
      if (p.errorCode !== 0) return kafkaErrorForCode(p.errorCode, `ListOffsets ${topic}-${partition}`);
      return { offset: p.offset ?? -1, timestamp: p.timestamp ?? -1, leaderEpoch: p.leaderEpoch ?? -1 };
    });
  }

  /** Where `leaderEpoch` ends in the leader's log (KIP-101/320): to find a divergence before truncating. */
  offsetForLeaderEpoch(
    topic: string,
    partition: number,
    leaderEpoch: number,
    options: { replicaId?: number } = {},
  ): Promise<EpochEndOffset> {
    return this.leaderRequest(topic, partition, async (connection, leader) => {
      const request: OffsetForLeaderEpochRequest = {
        replicaId: options.replicaId ?? -2,
        topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: leader.leaderEpoch, leaderEpoch }] }],
      };
      const response = await connection.send<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(
        OFFSET_FOR_LEADER_EPOCH_API,
        request,
      );
      const p = response.topics
        .find((t) => t.topic === topic)
        ?.partitions.find((x) => x.partition === partition);
      if (p === undefined) return missingFromResponse('OffsetForLeaderEpoch', topic, partition);
      if (p.errorCode !== 0)
        return kafkaErrorForCode(p.errorCode, `OffsetForLeaderEpoch ${topic}-${partition}`);
      return { leaderEpoch: p.leaderEpoch ?? -1, endOffset: p.endOffset };
    });
  }

  /**
   * A new idempotent producer id and epoch (InitProducerId without a transactional id, which any broker
   * answers), retried like the other single requests on retriable errors.
   */
  async initProducerId(): Promise<ProducerIdAndEpoch> {
    for (let attempt = 0; ; attempt++) {
      let error: KafkaError;
      try {
        if (this.metadata.brokers().length === 0) await this.refreshMetadata();
        const brokers = this.metadata.brokers();
        const broker = brokers[attempt % Math.max(1, brokers.length)];
        if (broker === undefined) throw new KafkaError('BROKER_NOT_AVAILABLE', 'no broker in metadata');
        const connection = await this.pool.get(broker.host, broker.port);
        const response = await connection.send<InitProducerIdRequest, InitProducerIdResponse>(
          INIT_PRODUCER_ID_API,
          { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 },
        );
        if (response.errorCode === 0) {
          return { producerId: response.producerId, producerEpoch: response.producerEpoch };
        }
        error = kafkaErrorForCode(response.errorCode, 'InitProducerId');
      } catch (err) {
        error = asKafkaError(err);
      }
      if (!error.retriable || attempt >= this.retries || this.closed) throw error;
      await this.delay(this.retryBackoffMs);
    }
  }

  /** Closes every connection; requests in flight fail with NETWORK_EXCEPTION. */
  close(): void {
    this.closed = true;
    this.pool.close();
  }

  /**
   * Groups partitions whose leader is cached and connected by that connection, without awaiting anything (so
   * the hot path writes its request in the caller's tick); returns the rest.
   */
  private groupByReadyLeader(
    items: readonly { topic: string; partition: number }[],
    indexes: readonly number[],
    lane: ConnectionLane,
    groups: Map<Connection, number[]>,
  ): number[] {
    const unrouted: number[] = [];
    for (const i of indexes) {
      const item = items[i]!;
      const connection = this.readyLeaderConnection(item.topic, item.partition, lane);
      if (connection === undefined) unrouted.push(i);
      else addToGroup(groups, connection, i);
    }
    return unrouted;
  }

  /** Routes the rest after one metadata refresh shared by all their topics; failures go to `fail`. */
  private async routeUnrouted(
    items: readonly { topic: string; partition: number }[],
    indexes: readonly number[],
    lane: ConnectionLane,
    groups: Map<Connection, number[]>,
    fail: (i: number, error: KafkaError) => void,
  ): Promise<void> {
    const stale = indexes.filter(
      (i) => this.metadata.leader(items[i]!.topic, items[i]!.partition) === undefined,
    );
    if (stale.length > 0) {
      try {
        await this.refreshMetadata([...new Set(stale.map((i) => items[i]!.topic))]);
      } catch (err) {
        const error = asKafkaError(err);
        for (const i of indexes) fail(i, error);
        return;
      }
    }
    await Promise.all(
      indexes.map(async (i) => {
        const { topic, partition } = items[i]!;
        const leader = this.metadata.leader(topic, partition);
        if (leader === undefined) {
          fail(i, this.routingError(topic, partition));
          return;
        }
        const broker = this.metadata.broker(leader.brokerId) as BrokerMetadata;
        try {
          addToGroup(groups, await this.pool.get(broker.host, broker.port, lane), i);
        } catch (err) {
          fail(i, asKafkaError(err));
        }
      }),
    );
  }

  private readyLeaderConnection(
    topic: string,
    partition: number,
    lane: ConnectionLane,
  ): Connection | undefined {
    const leader = this.metadata.leader(topic, partition);
    if (leader === undefined) return undefined;
    const broker = this.metadata.broker(leader.brokerId) as BrokerMetadata;
    return this.pool.getIfOpen(broker.host, broker.port, lane);
  }

  /** A single-partition read with the retry policy: stale metadata is forgotten and the request routed anew. */
  private async leaderRequest<T>(
    topic: string,
    partition: number,
    call: (connection: Connection, leader: LeaderAndEpoch) => Promise<T | KafkaError>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let error: KafkaError;
      try {
        const leader = await this.leaderFor(topic, partition);
        const broker = this.metadata.broker(leader.brokerId) as BrokerMetadata;
        const result = await call(await this.pool.get(broker.host, broker.port), leader);
        if (!(result instanceof KafkaError)) return result;
        error = result;
      } catch (err) {
        error = asKafkaError(err);
      }
      if (isStaleMetadataError(error.code)) this.metadata.invalidate(topic);
      if (!error.retriable || attempt >= this.retries || this.closed) throw error;
      await this.delay(this.retryBackoffMs);
    }
  }

  private async sendProduce(
    connection: Connection,
    entries: readonly ProducePartitionRequest[],
    indexes: readonly number[],
    options: ProduceOptions,
    results: ProducePartitionResult[],
    fail: (i: number, err: KafkaError) => void,
  ): Promise<void> {
    const request: ProduceRequest = {
      transactionalId: options.transactionalId ?? null,
      acks: options.acks,
      timeoutMs: options.timeoutMs,
      topicData: groupByTopic(entries, indexes, (e) => ({ index: e.partition, records: e.records })).map(
        ([name, partitionData]) => ({ name, partitionData }),
      ),
    };
    if (options.acks === 0) {
      try {
        connection.sendOneWay(PRODUCE_API, request);
      } catch (err) {
        for (const i of indexes) fail(i, asKafkaError(err));
        return;
      }
      for (const i of indexes) {
        const e = entries[i]!;
        results[i] = {
          topic: e.topic,
          partition: e.partition,
          error: null,
          baseOffset: -1,
          logAppendTimeMs: -1,
          logStartOffset: -1,
        };
      }
      return;
    }
    let response: ProduceResponse;
    try {
      response = await connection.send<ProduceRequest, ProduceResponse>(PRODUCE_API, request);
    } catch (err) {
      const error = asKafkaError(err);
      // The batches may have been appended before the connection went: never resend them blindly.
      for (const i of indexes) {
        this.metadata.invalidate(entries[i]!.topic);
        results[i] = producePartitionFailure(entries[i]!, error);
      }
      return;
    }
    for (const i of indexes) {
      const e = entries[i]!;
      const p = response.responses
        .find((t) => t.name === e.topic)
        ?.partitionResponses.find((x) => x.index === e.partition);
      if (p === undefined) {
        results[i] = producePartitionFailure(e, missingFromResponse('Produce', e.topic, e.partition));
      } else if (p.errorCode !== 0) {
        const detail = p.errorMessage ? `: ${p.errorMessage}` : '';
        fail(i, kafkaErrorForCode(p.errorCode, `Produce to ${e.topic}-${e.partition}${detail}`));
      } else {
        results[i] = {
          topic: e.topic,
          partition: e.partition,
          error: null,
          baseOffset: p.baseOffset,
          logAppendTimeMs: p.logAppendTimeMs ?? -1,
          logStartOffset: p.logStartOffset ?? -1,
        };
      }
    }
  }

  private async sendFetch(
    connection: Connection,
    requests: readonly FetchPartitionRequest[],
    indexes: readonly number[],
    options: FetchOptions,
    results: FetchPartitionResult[],
  ): Promise<void> {
    const request: FetchRequest = {
      replicaId: options.replicaId ?? -1,
      maxWaitMs: options.maxWaitMs,
      minBytes: options.minBytes,
      maxBytes: options.maxBytes ?? DEFAULT_FETCH_MAX_BYTES,
      isolationLevel: options.isolationLevel ?? IsolationLevel.ReadUncommitted,
      sessionId: 0,
      sessionEpoch: -1,
      topics: groupByTopic(requests, indexes, (r) => ({
        partition: r.partition,
        currentLeaderEpoch: r.currentLeaderEpoch ?? -1,
        fetchOffset: r.fetchOffset,
        lastFetchedEpoch: -1,
        logStartOffset: r.logStartOffset ?? -1,
        partitionMaxBytes: r.maxBytes,
      })).map(([topic, partitions]) => ({ topic, partitions })),
      forgottenTopicsData: [],
      rackId: '',
    };
    let response: FetchResponse;
    try {
      response = await connection.send<FetchRequest, FetchResponse>(FETCH_API, request);
    } catch (err) {
      const error = asKafkaError(err);
      for (const i of indexes) {
        this.metadata.invalidate(requests[i]!.topic);
        results[i] = fetchPartitionFailure(requests[i]!, error);
      }
      return;
    }
    const topLevel = response.errorCode ?? 0;
    for (const i of indexes) {
      const r = requests[i]!;
      const p = response.responses
        .find((t) => t.topic === r.topic)
        ?.partitions.find((x) => x.partitionIndex === r.partition);
      if (p === undefined || topLevel !== 0) {
        const error =
          topLevel !== 0
            ? kafkaErrorForCode(topLevel, `Fetch ${r.topic}-${r.partition}`)
            : missingFromResponse('Fetch', r.topic, r.partition);
        results[i] = fetchPartitionFailure(r, error);
        continue;
      }
      let error: KafkaError | null = null;
      if (p.errorCode !== 0) {
        error = kafkaErrorForCode(p.errorCode, `Fetch ${r.topic}-${r.partition} at offset ${r.fetchOffset}`);
        if (isStaleMetadataError(p.errorCode)) this.metadata.invalidate(r.topic);
      }
      results[i] = {
        topic: r.topic,
        partition: r.partition,
        fetchOffset: r.fetchOffset,
        error,
        highWatermark: p.highWatermark,
        lastStableOffset: p.lastStableOffset ?? -1,
        logStartOffset: p.logStartOffset ?? -1,
        abortedTransactions: p.abortedTransactions ?? null,
        preferredReadReplica: p.preferredReadReplica ?? -1,
        records: p.records ?? EMPTY_RECORDS,
      };
    }
  }

  private async fetchMetadata(): Promise<void> {
    const request: MetadataRequest = {
      topics: [...this.wantedTopics].map((name) => ({ name })),
      allowAutoTopicCreation: this.allowAutoTopicCreation,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    };
    // Known brokers first (their connections are usually open), then the bootstrap list.
    const candidates = [...this.metadata.brokers(), ...this.bootstrap];
    let lastError: unknown;
    for (const { host, port } of candidates) {
      if (this.closed) break;
      try {
        const connection = await this.pool.get(host, port);
        const response = await connection.send<MetadataRequest, MetadataResponse>(METADATA_API, request);
        this.metadata.update(response);
        for (const t of response.topics) {
          // A topic the cluster does not have is remembered as such but not asked about forever.
          if (t.name !== null && t.errorCode === 3) this.wantedTopics.delete(t.name);
        }
        return;
      } catch (err) {
        lastError = err;
        this.logger.debug(
          { broker: `${host}:${port}`, err: (err as Error).message },
          'metadata request failed',
        );
      }
    }
    const tried = candidates.map((c) => `${c.host}:${c.port}`).join(', ');
    throw new KafkaError('NETWORK_EXCEPTION', `no broker answered Metadata (tried ${tried})`, {
      cause: lastError,
    });
  }

  private routingError(topic: string, partition: number): KafkaError {
    const t = this.metadata.topic(topic);
    if (t === undefined)
      return new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${topic}" is not in metadata`);
    if (t.errorCode === 3) {
      return new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${topic}" does not exist on the cluster`);
    }
    if (t.errorCode !== 0) return kafkaErrorForCode(t.errorCode, `metadata for topic "${topic}"`);
    const p = t.partitions[partition];
    if (p === undefined) {
      return new KafkaError(
        'UNKNOWN_TOPIC_OR_PARTITION',
        `topic "${topic}" has ${t.partitions.length} partitions; there is no partition ${partition}`,
      );
    }
    if (p.errorCode !== 0 && p.errorCode !== 5)
      return kafkaErrorForCode(p.errorCode, `${topic}-${partition}`);
    return new KafkaError(
      'LEADER_NOT_AVAILABLE',
      `${topic}-${partition} has no live leader (leader id ${p.leaderId})`,
    );
  }
}

function parseHostPort(s: string): { host: string; port: number } {
  const colon = s.lastIndexOf(':');
  const port = Number(s.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`bootstrap server "${s}" is not host:port`);
  }
  const host = s.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

/** Groups the chosen entries by topic, keeping the order in which topics and partitions first appear. */
function groupByTopic<E extends { topic: string }, P>(
  entries: readonly E[],
  indexes: readonly number[],
  partitionOf: (e: E) => P,
): Array<[string, P[]]> {
  const byTopic = new Map<string, P[]>();
  for (const i of indexes) {
    const e = entries[i]!;
    const list = byTopic.get(e.topic);
    if (list) list.push(partitionOf(e));
    else byTopic.set(e.topic, [partitionOf(e)]);
  }
  return [...byTopic];
}

function addToGroup(groups: Map<Connection, number[]>, connection: Connection, i: number): void {
  const group = groups.get(connection);
  if (group) group.push(i);
  else groups.set(connection, [i]);
}

function allIndexes(n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
