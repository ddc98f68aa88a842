import { BrokerConnection } from '../../client/index.js';
import { CliError } from './cli-error.js';
import { parseBootstrapServers } from './kafka-admin.js';

/**
 * Runs `work` on a raw connection (src/client) to the first reachable bootstrap server, and always closes it —
 * for the admin APIs kafkajs does not speak (ElectLeaders) or speaks without the fields an operator wants
 * (DescribeCluster's racks). Every Ferry broker answers these itself, so any bootstrap server will do.
 */
export async function withBrokerConnection<T>(
  bootstrapServer: string,
  work: (connection: BrokerConnection) => Promise<T>,
): Promise<T> {
  const failures: string[] = [];
  for (const server of parseBootstrapServers(bootstrapServer)) {
    const colon = server.lastIndexOf(':');
    let connection: BrokerConnection;
    try {
      connection = await BrokerConnection.connect({
        host: server.slice(0, colon),
        port: Number(server.slice(colon + 1)),
        clientId: 'ferry-cli',
        connectTimeoutMs: 5000,
      });
    } catch (err) {
      failures.push(`${server}: ${(err as Error).message}`);
      continue;
    }
    try {
      return await work(connection);
    } finally {
      connection.close();
    }
  }
  throw new CliError(`cannot connect to ${bootstrapServer}: ${failures.join('; ')}`);
}
