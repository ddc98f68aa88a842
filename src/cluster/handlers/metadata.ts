import type {
  MetadataRequest,
  MetadataResponse,
  MetadataResponsePartition,
  MetadataResponseTopic,
} from '../../protocol/messages/metadata.js';
import { type BrokerServices, isInternalTopic } from '../broker-services.js';
import type { TopicImage } from '../metadata/metadata-image.js';
import { NO_LEADER } from '../metadata/metadata-records.js';
import type { ApiHandler } from '../request-processor.js';

const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const LEADER_NOT_AVAILABLE = 5;
const INVALID_TOPIC_EXCEPTION = 17;

/**
 * Metadata v0–12: live brokers, the controller, and the requested topics (all topics for a null list, or an
 * empty one in v0). A missing topic is created when both the request (v4+) and `auto.create.topics.enable`
 * allow it, as Kafka does; a partition without a leader answers LEADER_NOT_AVAILABLE, and replicas on fenced
 * brokers are listed as offline.
 */
export function metadataHandler(broker: BrokerServices): ApiHandler<MetadataRequest, MetadataResponse> {
  return (request, { header }) => {
    const image = broker.metadata;
    const v = header.apiVersion;
    const all = request.topics === null || (v === 0 && request.topics.length === 0);
    const topics: MetadataResponseTopic[] = [];
    if (all) {
      for (const topic of image.topicsByName.values()) topics.push(describeTopic(broker, topic));
    } else {
      const autoCreate =
        (request.allowAutoTopicCreation ?? true) &&
        (broker.config.get('auto.create.topics.enable') as boolean);
      for (const requested of request.topics ?? []) {
        const name =
          requested.name ?? [...image.topicsById.values()].find((t) => t.topicId === requested.topicId)?.name;
        if (name === undefined || name === null) {
          topics.push(errorTopic(null, UNKNOWN_TOPIC_OR_PARTITION, requested.topicId));
          continue;
        }
        let topic = image.topic(name);
        if (topic === undefined && autoCreate && !isInternalTopic(name)) {
          const [result] = broker
            .controller()
            .createTopics(
              [{ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }],
              false,
            );
          if (result?.error) {
            topics.push(
              errorTopic(
                name,
                result.error.errorName === 'INVALID_TOPIC_EXCEPTION'
                  ? INVALID_TOPIC_EXCEPTION
                  : LEADER_NOT_AVAILABLE,
              ),
            );
            continue;
          }
          topic = image.topic(name);
        } else if (topic === undefined && isInternalTopic(name)) {
          topic = broker.ensureInternalTopic(name);
        }
        topics.push(topic ? describeTopic(broker, topic) : errorTopic(name, UNKNOWN_TOPIC_OR_PARTITION));
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: image
        .liveBrokers()
        .map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack })),
      clusterId: broker.clusterId,
      controllerId: broker.controller().brokerId,
      topics,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
  };
}

function describeTopic(broker: BrokerServices, topic: TopicImage): MetadataResponseTopic {
  const image = broker.metadata;
  const partitions: MetadataResponsePartition[] = topic.partitions.map((p) => ({
    errorCode: p.leader === NO_LEADER ? LEADER_NOT_AVAILABLE : 0,
    partitionIndex: p.partition,
    leaderId: p.leader,
    leaderEpoch: p.leaderEpoch,
    replicaNodes: [...p.replicas],
    isrNodes: [...p.isr],
    offlineReplicas: p.replicas.filter((id) => !image.isLive(id)),
  }));
  return {
    errorCode: 0,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: isInternalTopic(topic.name),
    partitions,
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function errorTopic(name: string | null, errorCode: number, topicId?: string): MetadataResponseTopic {
  return {
    errorCode,
    name,
    ...(topicId !== undefined ? { topicId } : {}),
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}
