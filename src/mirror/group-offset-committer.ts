import { type ClusterClient, kafkaErrorForCode } from '../client/index.js';
import { KafkaError } from '../protocol/errors/index.js';
import {
  FIND_COORDINATOR_API,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
} from '../protocol/messages/find-coordinator.js';
import {
  OFFSET_COMMIT_API,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
} from '../protocol/messages/offset-commit.js';

/** One offset to commit. */
export interface GroupOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** @defaultValue '' */
  readonly metadata?: string;
}

/** Commits offsets into a consumer group of one cluster, as an administrator does. */
export interface GroupOffsetCommitter {
  commit(groupId: string, offsets: readonly GroupOffset[]): Promise<void>;
}

const GROUP_KEY_TYPE = 0;

/**
 * Offsets committed the way Kafka's AdminClient.alterConsumerGroupOffsets does: FindCoordinator for the group,
 * then one OffsetCommit to the coordinator with generation -1 and no member id — a commit from outside the
 * group, which the coordinator accepts only while the group has no members (an active group answers with an
 * error: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION or REBALANCE_IN_PROGRESS), so a race with consumers that joined
 * meanwhile cannot overwrite their offsets. One round trip per group, where kafkajs' admin setOffsets joins
 * the group with a consumer and waits out a fetch for every (group, topic).
 *
 * Any partition error rejects with that KafkaError (the first one); a coordinator that moved is looked up
 * afresh on the next call. Uses the given ClusterClient's connections; single-threaded.
 */
export class RawGroupOffsetCommitter implements GroupOffsetCommitter {
  constructor(private readonly client: ClusterClient) {}

  async commit(groupId: string, offsets: readonly GroupOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const coordinator = await this.findCoordinator(groupId);
    const byTopic = new Map<string, GroupOffset[]>();
    for (const o of offsets) {
      const list = byTopic.get(o.topic);
      if (list) list.push(o);
      else byTopic.set(o.topic, [o]);
    }
    const connection = await this.client.brokerConnection(coordinator);
    const response = await connection.send<OffsetCommitRequest, OffsetCommitResponse>(OFFSET_COMMIT_API, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [...byTopic].map(([name, list]) => ({
        name,
        partitions: list.map((o) => ({
          partitionIndex: o.partition,
          committedOffset: o.offset,
          committedLeaderEpoch: -1,
          commitTimestamp: -1,
          committedMetadata: o.metadata ?? '',
        })),
      })),
    });
    for (const topic of response.topics) {
      for (const p of topic.partitions) {
        if (p.errorCode !== 0) {
          throw kafkaErrorForCode(p.errorCode, `OffsetCommit ${groupId} ${topic.name}-${p.partitionIndex}`);
        }
      }
    }
  }

  private async findCoordinator(groupId: string): Promise<number> {
    await this.client.refreshMetadata();
    const broker = this.client.metadata.brokers()[0];
    if (broker === undefined) throw new KafkaError('BROKER_NOT_AVAILABLE', 'no broker in metadata');
    const connection = await this.client.brokerConnection(broker.nodeId);
    // v4 (KIP-699) batches keys; older versions take one key.
    const version = connection.version(FIND_COORDINATOR_API);
    const request: FindCoordinatorRequest =
      version >= 4
        ? { keyType: GROUP_KEY_TYPE, coordinatorKeys: [groupId] }
        : { key: groupId, keyType: GROUP_KEY_TYPE };
    const response = await connection.send<FindCoordinatorRequest, FindCoordinatorResponse>(
      FIND_COORDINATOR_API,
      request,
      version,
    );
    const entry = response.coordinators?.[0];
    const errorCode = entry ? entry.errorCode : (response.errorCode ?? 0);
    if (errorCode !== 0) throw kafkaErrorForCode(errorCode, `FindCoordinator ${groupId}`);
    const nodeId = entry ? entry.nodeId : response.nodeId;
    if (nodeId === undefined || nodeId < 0)
      throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `FindCoordinator ${groupId}: no coordinator`);
    return nodeId;
  }
}
