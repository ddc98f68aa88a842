import { BrokerConnection } from '../client/broker-connection.js';
import type { Logger } from '../common/logger.js';
import { errorForCode } from '../protocol/errors/index.js';
import { FETCH_API, type FetchRequest, type FetchResponse } from '../protocol/messages/fetch.js';
import {
  OFFSET_FOR_LEADER_EPOCH_API,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
} from '../protocol/messages/offset-for-leader-epoch.js';
import { RecordSetIterator } from '../protocol/records/record-set.js';
import type { Partition } from './partition.js';

export interface LeaderEndpoint {
  readonly host: string;
  readonly port: number;
}

interface FetchState {
  readonly partition: Partition;
  /** The leader epoch this broker follows in; the leader fences a fetch from another one. */
  readonly leaderEpoch: number;
  /** Until the follower knows where its log agrees with the leader's, it does not fetch (KIP-101). */
  truncated: boolean;
}

export interface ReplicaFetcherOptions {
  readonly brokerId: number;
  readonly leaderId: number;
  readonly endpoint: () => LeaderEndpoint | undefined;
  readonly logger: Logger;
  /** How long the leader may hold a fetch with no new data. @defaultValue 500 */
  readonly maxWaitMs?: number;
  readonly maxBytes?: number;
  readonly partitionMaxBytes?: number;
  /** Called after a follower append, so the replica manager can wake waiting requests. */
  readonly onAppended?: (partition: Partition) => void;
}

const BACKOFF_MS = 100;

/**
 * Follower replication from one leader broker (Kafka's ReplicaFetcherThread), over the Kafka protocol through
 * the raw-batch client — a stopped leader is gone from the network, not merely unreachable by function call.
 *
 * For each partition it follows from this leader it first finds where its log agrees with the leader's: it asks
 * the leader, with OffsetForLeaderEpoch, where its own latest epoch ended there, and truncates to that (KIP-101,
 * so logs never diverge after a failover). Then it fetches from its LEO with `replica_id` set, appends the
 * leader's batches byte for byte (offsets and epochs as the leader wrote them), and takes the leader's high
 * watermark. Each fetch tells the leader how far this follower has come, which is what moves the leader's HW.
 *
 * One loop per leader, on the event loop: partitions are added and removed between fetches.
 */
export class ReplicaFetcher {
  private readonly partitions = new Map<string, FetchState>();
  private connection: BrokerConnection | undefined;
  private running = true;
  private wake: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(private readonly options: ReplicaFetcherOptions) {
    this.done = this.run();
  }

  get partitionCount(): number {
    return this.partitions.size;
  }

  addPartition(partition: Partition, leaderEpoch: number): void {
    this.partitions.set(partition.key, { partition, leaderEpoch, truncated: false });
    this.wake?.();
  }

  removePartition(partition: Partition): void {
    this.partitions.delete(partition.key);
  }

  async shutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    this.connection?.close('fetcher stopping');
    await this.done;
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.partitions.size === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      try {
        const connection = await this.connect();
        await this.truncatePending(connection);
        await this.fetchOnce(connection);
      } catch (err) {
        if (!this.running) break;
        this.options.logger.debug(
          { leader: this.options.leaderId, err: (err as Error).message },
          'fetch failed',
        );
        this.connection?.close('fetch failed');
        this.connection = undefined;
        await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS));
      }
    }
  }

  private async connect(): Promise<BrokerConnection> {
    if (this.connection?.isOpen) return this.connection;
    const endpoint = this.options.endpoint();
    if (!endpoint) throw new Error(`leader ${this.options.leaderId} has no endpoint`);
    this.connection = await BrokerConnection.connect({
      host: endpoint.host,
      port: endpoint.port,
      clientId: `replica-fetcher-${this.options.brokerId}`,
      connectTimeoutMs: 2000,
      requestTimeoutMs: 10_000,
    });
    return this.connection;
  }

  /**
   * KIP-101 truncation: the leader's answer for our latest epoch is (epoch', endOffset). When epoch' is ours,
   * we keep up to endOffset; when the leader never had our epoch, we keep up to the end of epoch' in our own log,
   * and at most endOffset. An unknown epoch on either side falls back to the high watermark, which is committed.
   */
  private async truncatePending(connection: BrokerConnection): Promise<void> {
    const pending = [...this.partitions.values()].filter((s) => !s.truncated);
    if (pending.length === 0) return;
    const request: OffsetForLeaderEpochRequest = {
      replicaId: this.options.brokerId,
      topics: groupByTopic(pending, (s) => ({
        partition: s.partition.partition,
        currentLeaderEpoch: s.leaderEpoch,
        leaderEpoch: s.partition.log.leaderEpochCache.latestEpoch(),
      })),
    };
    const response = await connection.send<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(
      OFFSET_FOR_LEADER_EPOCH_API,
      request,
    );
    for (const topic of response.topics) {
      for (const result of topic.partitions) {
        const state = this.partitions.get(`${topic.topic}-${result.partition}`);
        if (!state || state.truncated) continue;
        if (result.errorCode !== 0) continue; // retried on the next round, once the leader knows its epoch
        const log = state.partition.log;
        let target: number;
        const leaderEpoch = result.leaderEpoch ?? -1;
        if (leaderEpoch < 0 || result.endOffset < 0) {
          target = log.highWatermark;
        } else {
          const ours = log.leaderEpochCache.endOffsetFor(leaderEpoch, log.logEndOffset);
          target = ours.epoch === leaderEpoch ? Math.min(ours.endOffset, result.endOffset) : result.endOffset;
          target = Math.min(target, log.logEndOffset);
        }
        if (target < log.logEndOffset) {
          this.options.logger.info(
            { topic: topic.topic, partition: result.partition, from: log.logEndOffset, to: target },
            'truncating follower log to where it agrees with the leader',
          );
          log.truncateTo(target);
        }
        state.truncated = true;
      }
    }
  }

  private async fetchOnce(connection: BrokerConnection): Promise<void> {
    const ready = [...this.partitions.values()].filter((s) => s.truncated);
    if (ready.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS));
      return;
    }
    const request: FetchRequest = {
      replicaId: this.options.brokerId,
      maxWaitMs: this.options.maxWaitMs ?? 500,
      minBytes: 1,
      maxBytes: this.options.maxBytes ?? 16 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: groupByTopic(ready, (s) => ({
        partition: s.partition.partition,
        currentLeaderEpoch: s.leaderEpoch,
        fetchOffset: s.partition.log.logEndOffset,
        lastFetchedEpoch: s.partition.log.leaderEpochCache.latestEpoch(),
        logStartOffset: s.partition.log.logStartOffset,
        partitionMaxBytes: this.options.partitionMaxBytes ?? 1024 * 1024,
      })),
      forgottenTopicsData: [],
      rackId: '',
    };
    const response = await connection.send<FetchRequest, FetchResponse>(FETCH_API, request);
    let failed = 0;
    for (const topic of response.responses) {
      for (const data of topic.partitions) {
        const state = this.partitions.get(`${topic.topic}-${data.partitionIndex}`);
        if (!state) continue;
        const partition = state.partition;
        if (data.errorCode !== 0) {
          failed++;
          this.onPartitionError(state, data.errorCode, data.logStartOffset ?? -1);
          continue;
        }
        const records = data.records ?? Buffer.alloc(0);
        const batches = new RecordSetIterator(records);
        while (batches.next()) {
          // walk to the end of the whole batches; a trailing partial batch is fetched again next time
        }
        try {
          partition.appendRecordsAsFollower(
            records.subarray(0, batches.validBytes),
            data.highWatermark,
            data.logStartOffset ?? -1,
          );
        } catch (err) {
          // Our log and the leader's disagree (e.g. the leader truncated): find the common point again, for this
          // partition only, instead of failing the fetches of every partition from this leader.
          failed++;
          state.truncated = false;
          this.options.logger.warn(
            { topic: partition.topic, partition: partition.partition, err: (err as Error).message },
            'follower append failed; truncating again',
          );
          continue;
        }
        if (batches.validBytes > 0) this.options.onAppended?.(partition);
      }
    }
    // Errors come back at once: do not spin while the metadata catches up.
    if (failed > 0 && failed === ready.length)
      await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS));
  }

  private onPartitionError(state: FetchState, errorCode: number, leaderLogStartOffset: number): void {
    const error = errorForCode(errorCode);
    const log = state.partition.log;
    if (error.name === 'OFFSET_OUT_OF_RANGE' && leaderLogStartOffset > log.logEndOffset) {
      // The leader deleted what we still need: start over at its log start.
      log.truncateFullyAndStartAt(leaderLogStartOffset);
      return;
    }
    if (error.name === 'OFFSET_OUT_OF_RANGE') {
      state.truncated = false;
      return;
    }
    // FENCED_LEADER_EPOCH, NOT_LEADER_OR_FOLLOWER, UNKNOWN_*: the metadata will move this partition; wait.
    this.options.logger.debug(
      { topic: state.partition.topic, partition: state.partition.partition, error: error.name },
      'follower fetch error',
    );
  }
}

function groupByTopic<T>(
  states: readonly FetchState[],
  entry: (s: FetchState) => T,
): Array<{ topic: string; partitions: T[] }> {
  const byTopic = new Map<string, T[]>();
  for (const s of states) {
    const list = byTopic.get(s.partition.topic) ?? [];
    list.push(entry(s));
    byTopic.set(s.partition.topic, list);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
