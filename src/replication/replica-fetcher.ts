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
import {
  REPLICA_FETCH_MAX_BYTES,
  REPLICA_FETCH_RESPONSE_MAX_BYTES,
  REPLICA_FETCH_WAIT_MAX_MS,
  ReplicaFetchRequest,
} from './replica-fetch-request.js';

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
  /** How long the leader may hold a fetch with no new data (`replica.fetch.wait.max.ms`). @defaultValue 500 */
  readonly maxWaitMs?: number;
  /** Per fetch response (`replica.fetch.response.max.bytes`). @defaultValue 10 MiB */
  readonly maxBytes?: number;
  /** Per partition (`replica.fetch.max.bytes`). @defaultValue 1 MiB */
  readonly partitionMaxBytes?: number;
  /** Called after a follower append, so the replica manager can wake waiting requests. */
  readonly onAppended?: (partition: Partition) => void;
}

const BACKOFF_MS = 100;
const EMPTY = Buffer.alloc(0);

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
 * One loop per leader, on the event loop: partitions are added and removed between fetches. The hot path is
 * one Fetch per round trip: the request object is reused (replica-fetch-request.ts), and the fetched batches go
 * to the log as the slice of the response frame the decoder handed over — never copied or decoded here; the
 * log's follower append checks each batch's CRC, as Kafka's does.
 */
export class ReplicaFetcher {
  private readonly partitions = new Map<string, FetchState>();
  /** Partitions still to truncate before they may fetch (KIP-101). */
  private untruncated = 0;
  private readonly request: ReplicaFetchRequest;
  private connection: BrokerConnection | undefined;
  private running = true;
  private wake: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(private readonly options: ReplicaFetcherOptions) {
    this.request = new ReplicaFetchRequest(options.brokerId, {
      maxWaitMs: options.maxWaitMs ?? REPLICA_FETCH_WAIT_MAX_MS,
      maxBytes: options.maxBytes ?? REPLICA_FETCH_RESPONSE_MAX_BYTES,
      partitionMaxBytes: options.partitionMaxBytes ?? REPLICA_FETCH_MAX_BYTES,
    });
    this.done = this.run();
  }

  get partitionCount(): number {
    return this.partitions.size;
  }

  addPartition(partition: Partition, leaderEpoch: number): void {
    this.removePartition(partition);
    this.partitions.set(partition.key, { partition, leaderEpoch, truncated: false });
    this.untruncated++;
    this.wake?.();
  }

  removePartition(partition: Partition): void {
    const state = this.partitions.get(partition.key);
    if (state === undefined) return;
    this.partitions.delete(partition.key);
    if (state.truncated) this.request.invalidate();
    else this.untruncated--;
  }

  /** The partition must find where its log agrees with the leader's again before it fetches. */
  private markUntruncated(state: FetchState): void {
    if (!state.truncated) return;
    state.truncated = false;
    this.untruncated++;
    this.request.invalidate();
  }

  private markTruncated(state: FetchState): void {
    if (state.truncated) return;
    state.truncated = true;
    this.untruncated--;
    this.request.invalidate();
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
    if (this.untruncated === 0) return;
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
        this.markTruncated(state);
      }
    }
  }

  private async fetchOnce(connection: BrokerConnection): Promise<void> {
    if (this.request.isStale) {
      const ready: FetchState[] = [];
      for (const state of this.partitions.values()) if (state.truncated) ready.push(state);
      this.request.rebuild(ready);
    }
    const ready = this.request.size;
    if (ready === 0) {
      await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS));
      return;
    }
    const response = await connection.send<FetchRequest, FetchResponse>(FETCH_API, this.request.refresh());
    let failed = 0;
    for (const topic of response.responses) {
      for (const data of topic.partitions) {
        const state = this.partitions.get(`${topic.topic}-${data.partitionIndex}`);
        // Gone, or sent back to truncation, while the fetch was out: what it brought is not ours to append.
        if (state === undefined || !state.truncated) continue;
        const partition = state.partition;
        if (data.errorCode !== 0) {
          failed++;
          this.onPartitionError(state, data.errorCode, data.logStartOffset ?? -1);
          continue;
        }
        // Whole batches only: a response may end with a partial batch, fetched again next time.
        const records = wholeBatches(data.records);
        try {
          partition.appendRecordsAsFollower(records, data.highWatermark, data.logStartOffset ?? -1);
        } catch (err) {
          // Our log and the leader's disagree (e.g. the leader truncated): find the common point again, for this
          // partition only, instead of failing the fetches of every partition from this leader.
          failed++;
          this.markUntruncated(state);
          this.options.logger.warn(
            { topic: partition.topic, partition: partition.partition, err: (err as Error).message },
            'follower append failed; truncating again',
          );
          continue;
        }
        if (records.length > 0) this.options.onAppended?.(partition);
      }
    }
    // Errors come back at once: do not spin while the metadata catches up.
    if (failed > 0 && failed === ready) await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS));
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
      this.markUntruncated(state);
      return;
    }
    // FENCED_LEADER_EPOCH, NOT_LEADER_OR_FOLLOWER, UNKNOWN_*: the metadata will move this partition; wait.
    this.options.logger.debug(
      { topic: state.partition.topic, partition: state.partition.partition, error: error.name },
      'follower fetch error',
    );
  }
}

/** The whole batches of a fetched record set, as a slice of it (a header walk; nothing is copied or decoded). */
function wholeBatches(records: Buffer | null): Buffer {
  if (records === null || records.length === 0) return EMPTY;
  const batches = new RecordSetIterator(records);
  while (batches.next()) {
    // to the end of the last whole batch
  }
  return batches.validBytes === records.length ? records : records.subarray(0, batches.validBytes);
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
