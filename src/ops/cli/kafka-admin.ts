import kafkajs, { type Admin } from 'kafkajs';
import { CliError } from './cli-error.js';

const { Kafka, logLevel } = kafkajs;

/** The flags every admin command shares, spelled as Kafka's shell tools spell them. */
export interface AdminFlags {
  bootstrapServer: string;
  verbose?: boolean;
}

/** `host:port[,host:port…]`; Kafka's tools accept the same list. */
export function parseBootstrapServers(value: string): string[] {
  const servers = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (servers.length === 0) throw new CliError('--bootstrap-server needs at least one host:port');
  for (const server of servers) {
    if (!/^[^:\s]+:\d+$/.test(server)) throw new CliError(`--bootstrap-server: '${server}' is not host:port`);
  }
  return servers;
}

/**
 * Runs `work` with a connected kafkajs admin client (the control-plane client of the design) and always
 * disconnects, so that the process exits when the command is done. kafkajs logs nothing unless --verbose:
 * its retry chatter would bury the tool's own output. Retries are few so that an unreachable cluster fails
 * within seconds, as an operator at a shell expects.
 */
export async function withAdmin<T>(flags: AdminFlags, work: (admin: Admin) => Promise<T>): Promise<T> {
  const kafka = new Kafka({
    clientId: 'ferry-cli',
    brokers: parseBootstrapServers(flags.bootstrapServer),
    logLevel: flags.verbose ? logLevel.INFO : logLevel.NOTHING,
    connectionTimeout: 5000,
    requestTimeout: 30_000,
    retry: { retries: 2, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (err) {
    throw new CliError(`cannot connect to ${flags.bootstrapServer}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
