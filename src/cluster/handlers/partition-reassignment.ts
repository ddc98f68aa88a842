import { KafkaError } from '../../protocol/errors/index.js';
import type {
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse,
} from '../../protocol/messages/alter-partition-reassignments.js';
import type { ElectLeadersRequest, ElectLeadersResponse } from '../../protocol/messages/elect-leaders.js';
import type {
  ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse,
  OngoingTopicReassignment,
} from '../../protocol/messages/list-partition-reassignments.js';
import type { BrokerServices } from '../broker-services.js';
import type { ApiHandler } from '../request-processor.js';

const PREFERRED = 0;

/** AlterPartitionReassignments v0: start or cancel (null replicas) moving partitions (KIP-455). */
export function alterPartitionReassignmentsHandler(
  broker: BrokerServices,
): ApiHandler<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse> {
  return (request) => ({
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    responses: request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) => {
        const err = broker.controller().alterPartitionReassignment(topic.name, p.partitionIndex, p.replicas);
        return {
          partitionIndex: p.partitionIndex,
          errorCode: err?.code ?? 0,
          errorMessage: err?.message ?? null,
        };
      }),
    })),
  });
}

/** ListPartitionReassignments v0: the partitions still moving, with their adding and removing replicas. */
export function listPartitionReassignmentsHandler(
  broker: BrokerServices,
): ApiHandler<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse> {
  return (request) => {
    const wanted =
      request.topics === null ? null : new Map(request.topics.map((t) => [t.name, t.partitionIndexes]));
    const topics: OngoingTopicReassignment[] = [];
    for (const { topic, partition } of broker.controller().ongoingReassignments()) {
      const only = wanted?.get(topic);
      if (wanted && !only?.includes(partition.partition)) continue;
      let entry = topics.find((t) => t.name === topic);
      if (!entry) {
        entry = { name: topic, partitions: [] };
        topics.push(entry);
      }
      entry.partitions.push({
        partitionIndex: partition.partition,
        replicas: [...partition.replicas],
        addingReplicas: [...partition.addingReplicas],
        removingReplicas: [...partition.removingReplicas],
      });
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics };
  };
}

/** ElectLeaders v0–2: preferred leader election (type 0); unclean election (type 1) is not offered. */
export function electLeadersHandler(
  broker: BrokerServices,
): ApiHandler<ElectLeadersRequest, ElectLeadersResponse> {
  return (request) => {
    const type = request.electionType ?? PREFERRED;
    const partitions =
      request.topicPartitions === null
        ? null
        : request.topicPartitions.flatMap((t) =>
            t.partitions.map((partition) => ({ topic: t.topic, partition })),
          );
    const results =
      type === PREFERRED
        ? broker.controller().electPreferredLeaders(partitions)
        : (partitions ?? []).map((p) => ({
            ...p,
            error: new KafkaError('INVALID_REQUEST', 'only preferred leader election (type 0) is supported'),
          }));
    const byTopic = new Map<string, ElectLeadersResponse['replicaElectionResults'][number]>();
    for (const r of results) {
      let entry = byTopic.get(r.topic);
      if (!entry) {
        entry = { topic: r.topic, partitionResult: [] };
        byTopic.set(r.topic, entry);
      }
      entry.partitionResult.push({
        partitionId: r.partition,
        errorCode: r.error?.code ?? 0,
        errorMessage: r.error?.message ?? null,
      });
    }
    return { throttleTimeMs: 0, errorCode: 0, replicaElectionResults: [...byTopic.values()] };
  };
}
