import type {
  DescribeClusterRequest,
  DescribeClusterResponse,
} from '../../protocol/messages/describe-cluster.js';
import type { BrokerServices } from '../broker-services.js';
import type { ApiHandler } from '../request-processor.js';

/** DescribeCluster v0: the cluster id, the controller and the live brokers (what admin clients show). */
export function describeClusterHandler(
  broker: BrokerServices,
): ApiHandler<DescribeClusterRequest, DescribeClusterResponse> {
  return () => ({
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    clusterId: broker.clusterId,
    controllerId: broker.controller().brokerId,
    brokers: broker.metadata
      .liveBrokers()
      .map((b) => ({ brokerId: b.brokerId, host: b.host, port: b.port, rack: b.rack })),
    clusterAuthorizedOperations: -2147483648,
  });
}
