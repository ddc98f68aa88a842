import type {
  FindCoordinatorCoordinator,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
} from '../../protocol/messages/find-coordinator.js';
import { type BrokerServices, CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC } from '../broker-services.js';
import { partitionForGroup } from '../group/index.js';
import { NO_LEADER } from '../metadata/metadata-records.js';
import type { ApiHandler } from '../request-processor.js';

const KEY_TYPE_TRANSACTION = 1;
const COORDINATOR_NOT_AVAILABLE = 15;

/**
 * FindCoordinator v0–4: the coordinator of a group (or transactional id) is the leader of its partition of
 * `__consumer_offsets` (or `__transaction_state`), which is created on first use. v4 answers a batch of keys.
 */
export function findCoordinatorHandler(
  broker: BrokerServices,
): ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse> {
  return (request, { header }) => {
    const keyType = request.keyType ?? 0;
    const find = (key: string): FindCoordinatorCoordinator => {
      const topicName = keyType === KEY_TYPE_TRANSACTION ? TRANSACTION_STATE_TOPIC : CONSUMER_OFFSETS_TOPIC;
      const topic = broker.ensureInternalTopic(topicName);
      const partitions = topic?.partitions.length ?? 0;
      const leader =
        topic && partitions > 0 ? topic.partitions[partitionForGroup(key, partitions)]?.leader : NO_LEADER;
      const node =
        leader === undefined || leader === NO_LEADER ? undefined : broker.metadata.brokers.get(leader);
      if (!node || node.fenced) {
        return {
          key,
          nodeId: -1,
          host: '',
          port: -1,
          errorCode: COORDINATOR_NOT_AVAILABLE,
          errorMessage: 'The coordinator is not available.',
        };
      }
      return {
        key,
        nodeId: node.brokerId,
        host: node.host,
        port: node.port,
        errorCode: 0,
        errorMessage: null,
      };
    };
    if (header.apiVersion >= 4) {
      return { throttleTimeMs: 0, coordinators: (request.coordinatorKeys ?? []).map(find) };
    }
    const c = find(request.key ?? '');
    return {
      throttleTimeMs: 0,
      errorCode: c.errorCode,
      errorMessage: c.errorMessage,
      nodeId: c.nodeId,
      host: c.host,
      port: c.port,
    };
  };
}
