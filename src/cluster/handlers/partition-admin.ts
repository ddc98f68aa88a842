import { KafkaError, toKafkaError } from '../../protocol/errors/index.js';
import type { DeleteRecordsRequest, DeleteRecordsResponse } from '../../protocol/messages/delete-records.js';
import type {
  OffsetForLeaderEpochRequest,
  OffsetForLeaderEpochResponse,
} from '../../protocol/messages/offset-for-leader-epoch.js';
import type { BrokerServices } from '../broker-services.js';
import type { ApiHandler } from '../request-processor.js';

/** DeleteRecords v0–2 on the leader: the log start offset moves up to the given offset (-1: the high watermark). */
export function deleteRecordsHandler(
  broker: BrokerServices,
): ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse> {
  return (request) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) => {
        try {
          const partition = broker.replicaManager.partition(topic.name, p.partitionIndex);
          if (!partition?.isLeader) {
            throw new KafkaError(
              'NOT_LEADER_OR_FOLLOWER',
              `${topic.name}-${p.partitionIndex} is not led here`,
            );
          }
          const offset = p.offset === -1 ? partition.log.highWatermark : p.offset;
          const lowWatermark = partition.log.deleteRecordsBefore(offset);
          return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: 0 };
        } catch (err) {
          return {
            partitionIndex: p.partitionIndex,
            lowWatermark: -1,
            errorCode: toKafkaError(err).code,
          };
        }
      }),
    })),
  });
}

/**
 * OffsetForLeaderEpoch v0–4: where the requested epoch ended in the leader's log — the largest epoch at or below
 * it and the start offset of the next one (or the LEO for the current epoch). A returning follower truncates to
 * it so that logs never diverge after a failover (KIP-101).
 */
export function offsetForLeaderEpochHandler(
  broker: BrokerServices,
): ApiHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> {
  return (request) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((topic) => ({
      topic: topic.topic,
      partitions: topic.partitions.map((p) => {
        try {
          const partition = broker.replicaManager.partition(topic.topic, p.partition);
          if (!partition?.isLeader) {
            throw new KafkaError('NOT_LEADER_OR_FOLLOWER', `${topic.topic}-${p.partition} is not led here`);
          }
          partition.checkLeaderEpoch(p.currentLeaderEpoch ?? -1);
          const found = partition.log.leaderEpochCache.endOffsetFor(
            p.leaderEpoch,
            partition.log.logEndOffset,
          );
          return {
            errorCode: 0,
            partition: p.partition,
            leaderEpoch: found.epoch,
            endOffset: found.endOffset,
          };
        } catch (err) {
          return {
            errorCode: toKafkaError(err).code,
            partition: p.partition,
            leaderEpoch: -1,
            endOffset: -1,
          };
        }
      }),
    })),
  });
}
