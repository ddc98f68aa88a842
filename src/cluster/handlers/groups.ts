import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../../protocol/messages/delete-groups.js';
import type {
  DescribeGroupsRequest,
  DescribeGroupsResponse,
} from '../../protocol/messages/describe-groups.js';
import type { HeartbeatRequest, HeartbeatResponse } from '../../protocol/messages/heartbeat.js';
import type { JoinGroupRequest, JoinGroupResponse } from '../../protocol/messages/join-group.js';
import type { LeaveGroupRequest, LeaveGroupResponse } from '../../protocol/messages/leave-group.js';
import type { ListGroupsRequest, ListGroupsResponse } from '../../protocol/messages/list-groups.js';
import type { OffsetCommitRequest, OffsetCommitResponse } from '../../protocol/messages/offset-commit.js';
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../../protocol/messages/offset-delete.js';
import type {
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponseTopic,
} from '../../protocol/messages/offset-fetch.js';
import type { BrokerServices } from '../broker-services.js';
import type { PartitionResult } from '../group/index.js';
import type { ApiHandler } from '../request-processor.js';

/**
 * The classic group protocol's requests, translated to the group coordinator (src/cluster/group/), which knows
 * nothing of versions. What differs by version here: JoinGroup v4+ requires a known member id (the
 * MEMBER_ID_REQUIRED round), v0 has no rebalance timeout (the session timeout stands in), LeaveGroup v0–2 name
 * one member and v3+ a batch.
 */
export function joinGroupHandler(broker: BrokerServices): ApiHandler<JoinGroupRequest, JoinGroupResponse> {
  return async (request, { header, connection }) => {
    const result = await broker.groupCoordinator.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      clientId: header.clientId ?? '',
      clientHost: `/${connection.remote.replace(/:\d+$/, '')}`,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs ?? request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols,
      requireKnownMemberId: header.apiVersion >= 4,
      reason: request.reason ?? null,
    });
    // protocolName becomes nullable only in v7; older clients expect an empty string before a protocol is chosen.
    return {
      throttleTimeMs: 0,
      ...result,
      protocolName: result.protocolName ?? (header.apiVersion >= 7 ? null : ''),
    };
  };
}

export function syncGroupHandler(
  broker: BrokerServices,
): ApiHandler<
  import('../../protocol/messages/sync-group.js').SyncGroupRequest,
  import('../../protocol/messages/sync-group.js').SyncGroupResponse
> {
  return async (request) => {
    const result = await broker.groupCoordinator.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      protocolType: request.protocolType ?? null,
      protocolName: request.protocolName ?? null,
      assignments: request.assignments,
    });
    return { throttleTimeMs: 0, ...result };
  };
}

export function heartbeatHandler(broker: BrokerServices): ApiHandler<HeartbeatRequest, HeartbeatResponse> {
  return (request) => ({
    throttleTimeMs: 0,
    errorCode: broker.groupCoordinator.heartbeat({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
    }),
  });
}

export function leaveGroupHandler(broker: BrokerServices): ApiHandler<LeaveGroupRequest, LeaveGroupResponse> {
  return (request, { header }) => {
    const members =
      header.apiVersion >= 3
        ? (request.members ?? [])
        : [{ memberId: request.memberId ?? '', groupInstanceId: null }];
    const result = broker.groupCoordinator.leaveGroup({ groupId: request.groupId, members });
    const errorCode =
      header.apiVersion >= 3 ? result.errorCode : result.errorCode || (result.members[0]?.errorCode ?? 0);
    return { throttleTimeMs: 0, errorCode, members: result.members };
  };
}

export function offsetCommitHandler(
  broker: BrokerServices,
): ApiHandler<OffsetCommitRequest, OffsetCommitResponse> {
  return async (request) => {
    const results = await broker.groupCoordinator.commitOffsets({
      groupId: request.groupId,
      generationId: request.generationIdOrMemberEpoch ?? -1,
      memberId: request.memberId ?? '',
      groupInstanceId: request.groupInstanceId ?? null,
      offsets: request.topics.flatMap((t) =>
        t.partitions.map((p) => ({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch ?? -1,
          metadata: p.committedMetadata,
        })),
      ),
    });
    return { throttleTimeMs: 0, topics: groupByTopic(results) };
  };
}

export function offsetFetchHandler(
  broker: BrokerServices,
): ApiHandler<OffsetFetchRequest, OffsetFetchResponse> {
  return (request) => {
    const result = broker.groupCoordinator.fetchOffsets({
      groupId: request.groupId ?? '',
      partitions:
        request.topics === null || request.topics === undefined
          ? null
          : request.topics.flatMap((t) =>
              t.partitionIndexes.map((partition) => ({ topic: t.name, partition })),
            ),
      requireStable: request.requireStable ?? false,
    });
    const topics: OffsetFetchResponseTopic[] = [];
    for (const p of result.partitions) {
      let topic = topics.at(-1);
      if (topic?.name !== p.topic) {
        topic = topics.find((t) => t.name === p.topic);
        if (!topic) {
          topic = { name: p.topic, partitions: [] };
          topics.push(topic);
        }
      }
      topic.partitions.push({
        partitionIndex: p.partition,
        committedOffset: p.offset,
        committedLeaderEpoch: p.leaderEpoch,
        metadata: p.metadata,
        errorCode: p.errorCode,
      });
    }
    return { throttleTimeMs: 0, topics, errorCode: result.errorCode };
  };
}

export function describeGroupsHandler(
  broker: BrokerServices,
): ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse> {
  return (request) => ({
    throttleTimeMs: 0,
    groups: broker.groupCoordinator.describeGroups(request.groups).map((g) => ({
      errorCode: g.errorCode,
      groupId: g.groupId,
      groupState: g.groupState,
      protocolType: g.protocolType,
      protocolData: g.protocolData,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: m.metadata,
        memberAssignment: m.assignment,
      })),
      authorizedOperations: -2147483648,
    })),
  });
}

export function listGroupsHandler(broker: BrokerServices): ApiHandler<ListGroupsRequest, ListGroupsResponse> {
  return (request) => {
    const result = broker.groupCoordinator.listGroups(
      request.statesFilter?.length ? request.statesFilter : null,
    );
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      groups: result.groups.map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        groupState: g.groupState,
      })),
    };
  };
}

export function deleteGroupsHandler(
  broker: BrokerServices,
): ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse> {
  return async (request) => ({
    throttleTimeMs: 0,
    results: await broker.groupCoordinator.deleteGroups(request.groupsNames),
  });
}

export function offsetDeleteHandler(
  broker: BrokerServices,
): ApiHandler<OffsetDeleteRequest, OffsetDeleteResponse> {
  return async (request) => {
    const result = await broker.groupCoordinator.deleteOffsets({
      groupId: request.groupId,
      partitions: request.topics.flatMap((t) =>
        t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })),
      ),
    });
    return { errorCode: result.errorCode, throttleTimeMs: 0, topics: groupByTopic(result.partitions) };
  };
}

function groupByTopic(results: readonly PartitionResult[]) {
  const topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> =
    [];
  for (const r of results) {
    let topic = topics.find((t) => t.name === r.topic);
    if (!topic) {
      topic = { name: r.topic, partitions: [] };
      topics.push(topic);
    }
    topic.partitions.push({ partitionIndex: r.partition, errorCode: r.errorCode });
  }
  return topics;
}
