import { KafkaError, toKafkaError } from '../../protocol/errors/index.js';
import type {
  ListOffsetsPartitionResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
} from '../../protocol/messages/list-offsets.js';
import type { BrokerServices } from '../broker-services.js';
import type { ApiHandler } from '../request-processor.js';

const LATEST = -1;
const EARLIEST = -2;
const READ_COMMITTED = 1;

/**
 * ListOffsets v1–7: earliest (the log start offset), latest (the high watermark, or the last stable offset for
 * read_committed — never the LEO, which a consumer cannot read yet), max timestamp (-3), and by timestamp (the
 * first offset whose timestamp is at or after it, below the high watermark; -1 when there is none).
 */
export function listOffsetsHandler(
  broker: BrokerServices,
): ApiHandler<ListOffsetsRequest, ListOffsetsResponse> {
  return (request) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p): ListOffsetsPartitionResponse => {
        try {
          const partition = broker.replicaManager.partition(topic.name, p.partitionIndex);
          if (!partition) {
            throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `${topic.name}-${p.partitionIndex}`);
          }
          if (!partition.isLeader && request.replicaId < 0) {
            throw new KafkaError('NOT_LEADER_OR_FOLLOWER', `${topic.name}-${p.partitionIndex}`);
          }
          partition.checkLeaderEpoch(p.currentLeaderEpoch ?? -1);
          const log = partition.log;
          const upper =
            request.isolationLevel === READ_COMMITTED ? log.lastStableOffset() : log.highWatermark;
          let offset: number;
          let timestamp = -1;
          if (p.timestamp === LATEST) offset = upper;
          else if (p.timestamp === EARLIEST) offset = log.logStartOffset;
          else {
            const found = log.fetchOffsetByTimestamp(p.timestamp);
            if (found === undefined || found.offset >= upper) offset = -1;
            else {
              offset = found.offset;
              timestamp = found.timestamp;
            }
          }
          return {
            partitionIndex: p.partitionIndex,
            errorCode: 0,
            timestamp,
            offset,
            leaderEpoch: partition.leaderEpoch,
            oldStyleOffsets: offset >= 0 ? [offset] : [],
          };
        } catch (err) {
          return {
            partitionIndex: p.partitionIndex,
            errorCode: toKafkaError(err).code,
            timestamp: -1,
            offset: -1,
            leaderEpoch: -1,
            oldStyleOffsets: [],
          };
        }
      }),
    })),
  });
}
