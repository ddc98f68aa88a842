import type { Logger } from '../../common/logger.js';
import { ERROR_CODES, errorForCode } from '../../protocol/errors/index.js';
import type { TopicPartition } from './transaction-metadata.js';

/** The key of a partition in a marker result: `${topic}-${partition}`, as Kafka prints a TopicPartition. */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

export interface TransactionMarkerRequest {
  producerId: number;
  /** The epoch the markers carry: the transaction's, or the bumped one when the coordinator fenced it. */
  producerEpoch: number;
  /** The leader epoch of the `__transaction_state` partition; written into each marker's value. */
  coordinatorEpoch: number;
  committed: boolean;
  partitions: readonly TopicPartition[];
}

/**
 * What the coordinator needs from the broker to end a transaction: append one end-txn control batch
 * (encodeEndTxnMarkerBatch: transactional + control flags, the producer id and epoch, one COMMIT or ABORT
 * record whose value holds `coordinatorEpoch`) to each partition, on that partition's leader — locally
 * through the replica manager, or as a WriteTxnMarkers request to the leading broker — with acks=all.
 *
 * The answer holds one error code per partition, keyed by `topicPartitionKey`: NONE once the marker is
 * durable; the partition leader's error otherwise (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS,
 * UNKNOWN_TOPIC_OR_PARTITION, INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED when the partition saw
 * a newer coordinator epoch, …). A partition missing from the map counts as not attempted. The writer need
 * not retry: `writeMarkersUntilDone` does. Writing the same marker twice must be harmless (the leader's
 * producer state accepts a marker of the current epoch; a second one for a transaction already ended only
 * adds an empty control batch), because a coordinator failover writes the markers again.
 *
 * For a partition of `__consumer_offsets` the broker must also call TransactionalOffsets.completeTxn on the
 * partition's leader once the marker is appended.
 */
export interface TransactionMarkerWriter {
  writeMarkers(request: TransactionMarkerRequest): Promise<Map<string, number>>;
}

export type MarkerOutcome = 'done' | 'cancelled' | 'fenced';

export interface MarkerRetryOptions {
  /** Whether the partition still exists; a partition deleted meanwhile needs no marker. */
  partitionExists(topic: string, partition: number): boolean;
  /** False once this coordinator no longer owns the transaction (resigned, or a newer leadership). */
  isCurrent(): boolean;
  retryBackoffMs: number;
  sleep(ms: number): Promise<void>;
  logger: Logger;
}

const E = ERROR_CODES;
/** The partition's leader knows a newer coordinator or a newer epoch: this coordinator is the zombie. */
const FENCING = new Set<number>([
  E.INVALID_PRODUCER_EPOCH.code,
  E.PRODUCER_FENCED.code,
  E.TRANSACTION_COORDINATOR_FENCED.code,
]);
/** The partition cannot hold a marker at all (old message format); Kafka logs and skips it. */
const SKIP = new Set<number>([E.UNSUPPORTED_FOR_MESSAGE_FORMAT.code, E.UNSUPPORTED_VERSION.code]);

/**
 * Writes the markers of one transaction until every partition has its marker, was deleted, or cannot take
 * one: retriable failures are retried (only the partitions still missing) after `retryBackoffMs`, for as
 * long as this coordinator still owns the transaction. Returns 'done' when the transaction may move to
 * CompleteCommit/CompleteAbort, 'cancelled' when ownership moved (the next coordinator writes the markers
 * again on load), 'fenced' when a partition leader reported a newer coordinator or epoch (the transaction
 * is then not completed here).
 */
export async function writeMarkersUntilDone(
  writer: TransactionMarkerWriter,
  request: TransactionMarkerRequest,
  options: MarkerRetryOptions,
): Promise<MarkerOutcome> {
  let remaining = request.partitions;
  for (let attempt = 0; ; attempt++) {
    if (!options.isCurrent()) return 'cancelled';
    if (remaining.length === 0) return 'done';
    if (attempt > 0) {
      await options.sleep(options.retryBackoffMs);
      if (!options.isCurrent()) return 'cancelled';
    }
    let results: Map<string, number>;
    try {
      results = await writer.writeMarkers({ ...request, partitions: remaining });
    } catch (err) {
      options.logger.warn(
        { err, producerId: request.producerId },
        'writing transaction markers failed; retrying',
      );
      continue;
    }
    const retry: TopicPartition[] = [];
    for (const tp of remaining) {
      const code = results.get(topicPartitionKey(tp.topic, tp.partition));
      if (code === E.NONE.code) continue;
      if (code !== undefined && FENCING.has(code)) {
        options.logger.warn(
          {
            producerId: request.producerId,
            topic: tp.topic,
            partition: tp.partition,
            error: errorForCode(code).name,
          },
          'transaction marker rejected by a newer coordinator or producer epoch; not completing the transaction',
        );
        return 'fenced';
      }
      if (code !== undefined && SKIP.has(code)) {
        options.logger.warn(
          {
            producerId: request.producerId,
            topic: tp.topic,
            partition: tp.partition,
            error: errorForCode(code).name,
          },
          'partition cannot take a transaction marker; skipping it',
        );
        continue;
      }
      if (!options.partitionExists(tp.topic, tp.partition)) continue;
      if (code !== undefined && !errorForCode(code).retriable) {
        // Kafka treats these as broker bugs; retrying keeps the transaction recoverable once fixed.
        options.logger.error(
          {
            producerId: request.producerId,
            topic: tp.topic,
            partition: tp.partition,
            error: errorForCode(code).name,
          },
          'transaction marker failed with a non-retriable error; retrying',
        );
      }
      retry.push(tp);
    }
    remaining = retry;
  }
}
