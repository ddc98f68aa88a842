import type { Command } from 'commander';
import { errorForCode } from '../../protocol/errors/index.js';
import {
  DESCRIBE_CLUSTER_API,
  type DescribeClusterRequest,
  type DescribeClusterResponse,
} from '../../protocol/messages/describe-cluster.js';
import { withBrokerConnection } from './broker-connection.js';
import { CliError } from './cli-error.js';
import { formatTable, println } from './output.js';

/**
 * `ferry brokers`: the live brokers of a cluster — id, listener, rack — with the controller marked, from
 * DescribeCluster (KIP-700). Through the raw client because kafkajs's describeCluster drops the racks.
 */
export function registerBrokersCommand(program: Command): void {
  program
    .command('brokers')
    .description('list the live brokers: id, host:port, rack and which is the controller')
    .requiredOption('--bootstrap-server <servers>', 'host:port[,host:port…] of the cluster')
    .action(async (flags: { bootstrapServer: string }) => {
      const response = await withBrokerConnection(flags.bootstrapServer, (connection) =>
        connection.send<DescribeClusterRequest, DescribeClusterResponse>(DESCRIBE_CLUSTER_API, {
          includeClusterAuthorizedOperations: false,
          endpointType: 1,
        }),
      );
      if (response.errorCode !== 0) {
        const error = errorForCode(response.errorCode);
        throw new CliError(
          `DescribeCluster failed: ${error.name}: ${response.errorMessage ?? error.message}`,
        );
      }
      println(`Cluster: ${response.clusterId}`);
      const rows = [...response.brokers]
        .sort((a, b) => a.brokerId - b.brokerId)
        .map((b) => [
          String(b.brokerId),
          `${b.host}:${b.port}`,
          b.rack ?? '-',
          b.brokerId === response.controllerId ? '*' : '',
        ]);
      for (const line of formatTable(['ID', 'HOST:PORT', 'RACK', 'CONTROLLER'], rows)) println(line);
    });
}
