import type {
  FetchableTopicResponse,
  FetchPartitionData,
  FetchRequest,
  FetchResponse,
} from '../../protocol/messages/fetch.js';
import type { FetchPartitionRequest, FetchPartitionResult } from '../../replication/replica-manager.js';
import type { BrokerServices } from '../broker-services.js';
import type { ApiHandler } from '../request-processor.js';

const FETCH_SESSION_ID_NOT_FOUND = 70;
const READ_COMMITTED = 1;

/**
 * Fetch v4–12, for consumers and followers: record batches go out as the log's bytes (the response encoder
 * appends them by reference). Long polling through the replica manager's delayed fetch: the answer comes as
 * soon as min_bytes is there, or at max_wait_ms. Ferry keeps no fetch sessions (KIP-227): every answer carries
 * session id 0, which tells clients to send full fetches; an incremental fetch of an unknown session is
 * answered FETCH_SESSION_ID_NOT_FOUND, as Kafka answers a session it has evicted.
 */
export function fetchHandler(broker: BrokerServices): ApiHandler<FetchRequest, FetchResponse> {
  return (request) => {
    if ((request.sessionId ?? 0) !== 0 && (request.sessionEpoch ?? -1) > 0) {
      return { throttleTimeMs: 0, errorCode: FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    }
    const partitions: FetchPartitionRequest[] = [];
    for (const topic of request.topics) {
      const name = topic.topic ?? broker.metadata.topicsById.get(topic.topicId ?? '')?.name ?? '';
      for (const p of topic.partitions) {
        partitions.push({
          topic: name,
          partition: p.partition,
          fetchOffset: p.fetchOffset,
          partitionMaxBytes: p.partitionMaxBytes,
          currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
        });
      }
    }
    const results = broker.replicaManager.fetchMessages({
      replicaId: request.replicaId ?? -1,
      maxWaitMs: request.maxWaitMs,
      minBytes: request.minBytes,
      maxBytes: request.maxBytes ?? 0x7fffffff,
      isolation: request.isolationLevel === READ_COMMITTED ? 'read_committed' : 'read_uncommitted',
      partitions,
    });
    return results instanceof Promise ? results.then(toResponse) : toResponse(results);
  };
}

function toResponse(results: readonly FetchPartitionResult[]): FetchResponse {
  const responses: FetchableTopicResponse[] = [];
  let current: FetchableTopicResponse | undefined;
  for (const r of results) {
    if (current?.topic !== r.topic) {
      current = { topic: r.topic, partitions: [] };
      responses.push(current);
    }
    const data: FetchPartitionData = {
      partitionIndex: r.partition,
      errorCode: r.error?.code ?? 0,
      highWatermark: r.highWatermark,
      lastStableOffset: r.lastStableOffset,
      logStartOffset: r.logStartOffset,
      abortedTransactions:
        r.abortedTransactions?.map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset })) ?? null,
      preferredReadReplica: -1,
      records: r.records ?? Buffer.alloc(0),
    };
    current.partitions.push(data);
  }
  return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses };
}
