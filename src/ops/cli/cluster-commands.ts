import { join } from 'node:path';
import type { Command } from 'commander';
import { Broker } from '../../cluster/broker.js';
import { type FerryConfig, loadConfig } from '../../common/config/index.js';
import { createRootLogger, type Logger } from '../../common/logger.js';
import { CliError } from './cli-error.js';
import { parseIntInRange } from './cli-options.js';
import { println } from './output.js';

interface ClusterStartFlags {
  brokers: number;
  port: number;
  dataDir?: string;
  name: string;
  config?: string;
  restPort?: number;
}

/** What the CLI holds of a running cluster: where clients connect, and how to stop it cleanly. */
interface RunningCluster {
  readonly bootstrap: string;
  stop(): Promise<void>;
}

const CLUSTER_NAME = /^[A-Za-z0-9._-]+$/;

export function registerClusterCommands(program: Command): void {
  const cluster = program.command('cluster').description('run Ferry broker clusters');

  cluster
    .command('start')
    .description(
      'start a cluster in this process; prints `bootstrap=HOST:PORT` once it accepts connections and runs ' +
        'until SIGINT/SIGTERM. Data lives in <data-dir>/<name>/broker-<id> and survives a restart.',
    )
    .option('--brokers <n>', 'number of brokers', parseIntInRange(1, 64), 1)
    .option(
      '--port <port>',
      'port of the first broker (0 picks a free port)',
      parseIntInRange(0, 65535),
      9092,
    )
    .option('--data-dir <dir>', 'directory the cluster keeps its data under (default: config data.dir)')
    .option('--name <name>', 'cluster name; also its cluster id', 'ferry')
    .option('--config <file>', 'config file (JSON, Kafka-style flat keys or nested)')
    .option(
      '--rest-port <port>',
      'port of the REST admin API (not yet implemented)',
      parseIntInRange(0, 65535),
    )
    .action(async (flags: ClusterStartFlags) => {
      await runClusterUntilSignalled(flags);
    });
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
  if (flags.restPort !== undefined) {
    process.stderr.write(
      'ferry: --rest-port: the REST admin API is not yet implemented; starting without it\n',
    );
  }
  const running = await startCluster(flags, config, logger);
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
  if (flags.brokers > 1) {
    // The embedded multi-broker cluster (controller, ISR replication) comes with the replication issue; this
    // is where `EmbeddedCluster.start({brokers, basePort, dataDir, name, config, logger})` will be called.
    throw new CliError(
      `--brokers ${flags.brokers}: multi-broker clusters are not available yet (they come with ISR replication ` +
        'and the controller); use --brokers 1',
    );
  }
  const dataRoot = flags.dataDir ?? (config.get('data.dir') as string);
  const host = config.get('listener.host') as string;
  const rack = config.get('broker.rack') as string;
  const brokerId = 1;
  const broker = await Broker.start({
    brokerId,
    clusterId: flags.name,
    dataDir: join(dataRoot, flags.name, `broker-${brokerId}`),
    host,
    port: flags.port,
    rack: rack === '' ? null : rack,
    config,
    logger: logger.child({ cluster: flags.name }),
  });
  return { bootstrap: `${host}:${broker.port}`, stop: () => broker.stop() };
}
