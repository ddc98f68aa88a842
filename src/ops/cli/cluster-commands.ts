import type { Command } from 'commander';
import { EmbeddedCluster } from '../../cluster/embedded-cluster.js';
import { type FerryConfig, loadConfig } from '../../common/config/index.js';
import { componentLogger, createRootLogger, type Logger } from '../../common/logger.js';
import { RestServer } from '../rest/rest-server.js';
import { CliError } from './cli-error.js';
import { parseIntInRange } from './cli-options.js';
import { registerClusterBrokerCommands } from './cluster-broker-commands.js';
import { println } from './output.js';

interface ClusterStartFlags {
  brokers: number;
  port: number;
  dataDir?: string;
  name: string;
  config?: string;
  restPort?: number;
  rackList?: string;
}

/** What the CLI holds of a running cluster: where clients connect, and how to stop it cleanly. */
interface RunningCluster {
  readonly bootstrap: string;
  /** Base URL of the REST view, when --rest-port was given. */
  readonly rest: string | undefined;
  stop(): Promise<void>;
}

const CLUSTER_NAME = /^[A-Za-z0-9._-]+$/;

export function registerClusterCommands(program: Command): void {
  const cluster = program.command('cluster').description('run Ferry broker clusters');

  cluster
    .command('start')
    .description(
      'start a cluster of N brokers in this process; prints `bootstrap=HOST:PORT,…` once every broker accepts ' +
        'connections and runs until SIGINT/SIGTERM. Data lives in <data-dir>/<name>/broker-<id> and survives ' +
        'a restart.',
    )
    .option('--brokers <n>', 'number of brokers', parseIntInRange(1, 64), 1)
    .option(
      '--port <port>',
      'port of the first broker; broker i listens on port+i-1 (0 picks free ports)',
      parseIntInRange(0, 65535),
      9092,
    )
    .option('--data-dir <dir>', 'directory the cluster keeps its data under (default: config data.dir)')
    .option('--name <name>', 'cluster name; also its cluster id', 'ferry')
    .option('--config <file>', 'config file (JSON, Kafka-style flat keys or nested)')
    .option(
      '--rest-port <port>',
      'port of the read-only REST view shaped like the Kafka REST Proxy v2, with the broker drill ' +
        'endpoints (0 picks a free port; printed as `rest=http://HOST:PORT`)',
      parseIntInRange(0, 65535),
    )
    .option('--rack-list <racks>', 'broker.rack of each broker, comma-separated (r1,r2,r3)')
    .action(async (flags: ClusterStartFlags) => {
      await runClusterUntilSignalled(flags);
    });

  registerClusterBrokerCommands(cluster);
}

async function runClusterUntilSignalled(flags: ClusterStartFlags): Promise<void> {
  if (!CLUSTER_NAME.test(flags.name)) {
    throw new CliError(`--name '${flags.name}' may hold only letters, digits, '.', '_' and '-'`);
  }
  const config = loadConfig(flags.config !== undefined ? { file: flags.config } : {});
  const logger = createRootLogger({
    level: config.get('logging.level') as string,
    pretty: config.get('logging.pretty') as boolean,
  });
  const running = await startCluster(flags, config, logger);
  // `bootstrap=` is the line scripts wait for, so the REST address comes before it.
  if (running.rest !== undefined) println(`rest=${running.rest}`);
  println(`bootstrap=${running.bootstrap}`);
  println(`cluster ${flags.name} is up: ${flags.brokers} broker(s); Ctrl-C or SIGTERM stops it cleanly`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second signal while the controlled shutdown runs: the operator insists, so do as a crash would.
        process.stderr.write(`ferry: ${signal} again, exiting without waiting for shutdown\n`);
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      running.stop().then(resolve, (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exitCode = 1;
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  println(`cluster ${flags.name} stopped`);
  // pino writes to stderr asynchronously; flush it and leave without waiting for stray timers.
  logger.flush();
  process.exit(process.exitCode ?? 0);
}

async function startCluster(
  flags: ClusterStartFlags,
  config: FerryConfig,
  logger: Logger,
): Promise<RunningCluster> {
  const host = config.get('listener.host') as string;
  if (flags.port > 0 && flags.port + flags.brokers - 1 > 65535) {
    throw new CliError(`--port ${flags.port} leaves no room for ${flags.brokers} brokers below port 65535`);
  }
  const cluster = await EmbeddedCluster.start({
    name: flags.name,
    brokers: flags.brokers,
    basePort: flags.port,
    dataDir: flags.dataDir ?? (config.get('data.dir') as string),
    host,
    racks: racksOf(flags, config),
    config,
    logger,
  });
  let rest: RestServer | undefined;
  if (flags.restPort !== undefined) {
    try {
      rest = await RestServer.start({
        cluster,
        host,
        port: flags.restPort,
        logger: componentLogger(logger, 'rest', { cluster: flags.name }),
      });
    } catch (err) {
      await cluster.stop();
      throw new CliError(`--rest-port ${flags.restPort}: ${(err as Error).message}`, { cause: err });
    }
  }
  return {
    bootstrap: cluster.bootstrap,
    rest: rest === undefined ? undefined : `http://${host}:${rest.port}`,
    stop: async () => {
      await rest?.close();
      await cluster.stop();
    },
  };
}

/** One rack per broker from --rack-list, else every broker in the config's `broker.rack` (none when empty). */
function racksOf(flags: ClusterStartFlags, config: FerryConfig): (string | null)[] {
  if (flags.rackList !== undefined) {
    const racks = flags.rackList.split(',').map((r) => r.trim());
    if (racks.length !== flags.brokers || racks.some((r) => r === '')) {
      throw new CliError(
        `--rack-list '${flags.rackList}' must name one rack per broker (${flags.brokers}), comma-separated`,
      );
    }
    return racks;
  }
  const rack = config.get('broker.rack') as string;
  return Array.from({ length: flags.brokers }, () => (rack === '' ? null : rack));
}
