import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createRootLogger, type Logger } from '../../common/logger.js';
import {
  type Flow,
  loadMirrorConfig,
  loadMm2Properties,
  type MirrorConfig,
  MirrorMaker,
  parseJavaProperties,
} from '../../mirror/index.js';
import { type FlowTotals, flowTotals, formatFlowStatus } from '../mirror/flow-status.js';
import { MetricsServer } from '../mirror/metrics-server.js';
import { CliError } from './cli-error.js';
import { parseIntInRange } from './cli-options.js';
import { println } from './output.js';
import { ShutdownSignal } from './shutdown-signal.js';

interface MirrorFlags {
  config?: string;
  mm2Properties?: string;
  metricsPort?: number;
  metricsHost: string;
  statusInterval: number;
  quiet?: boolean;
  logLevel: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * `ferry mirror`: MirrorMaker 2's dedicated mode. Output on stdout, for operators and scripts:
 *
 *   flow east->west: …            one per enabled flow, once it runs
 *   metrics=http://HOST:PORT/metrics   with --metrics-port
 *   mirror running: …             the line scripts wait for
 *   status east->west: …          every --status-interval seconds unless --quiet
 *   mirror stopped                after SIGINT/SIGTERM, then exit 0
 *
 * Warnings (unsupported MM2 keys) and Ferry's logs (at --log-level, warn by default) go to stderr.
 */
export function registerMirrorCommand(program: Command): void {
  program
    .command('mirror')
    .description(
      "run MirrorMaker 2's flows between Kafka clusters in this process until SIGINT/SIGTERM, from Ferry's " +
        "JSON mirror config (--config) or MirrorMaker 2's connect-mirror-maker.properties (--mm2-properties)",
    )
    .option(
      '--config <file>',
      "Ferry's mirror config (JSON: clusters, defaults, flows; see config/mirror.example.json)",
    )
    .option('--mm2-properties <file>', "MirrorMaker 2's connect-mirror-maker.properties")
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics on GET /metrics at this port (0 picks a free port)',
      parseIntInRange(0, 65535),
    )
    .option('--metrics-host <host>', 'address the metrics endpoint listens on', '127.0.0.1')
    .option('--status-interval <seconds>', 'seconds between status lines', parseIntInRange(1, 3600), 5)
    .option('--quiet', 'no status lines')
    .option('--log-level <level>', `Ferry's log level on stderr (${LOG_LEVELS.join(', ')})`, 'warn')
    .action(async (flags: MirrorFlags) => {
      try {
        await runMirror(flags);
      } catch (err) {
        // Once clients exist, their reconnect timers may keep the process alive: leave with the error.
        process.stderr.write(`ferry: ${(err as Error).message}\n`);
        process.exit(1);
      }
    });
}

async function runMirror(flags: MirrorFlags): Promise<void> {
  if ((flags.config === undefined) === (flags.mm2Properties === undefined)) {
    throw new CliError('give exactly one of --config FILE or --mm2-properties FILE');
  }
  if (!LOG_LEVELS.includes(flags.logLevel)) {
    throw new CliError(`--log-level '${flags.logLevel}' is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const config = loadConfigOf(flags);
  if (!config.flows.some((f) => f.enabled)) {
    throw new CliError('no flow is enabled (MirrorMaker 2 properties: set `A->B.enabled = true`)');
  }
  const logger = createRootLogger({ level: flags.logLevel });
  const signal = new ShutdownSignal();
  const mirror = new MirrorMaker({ config, logger });
  let metrics: MetricsServer | undefined;
  let statusTimer: NodeJS.Timeout | undefined;
  try {
    // A signal during start is acted on once start settles: stopping half-started flows races their start.
    await mirror.start();
    if (signal.signal === undefined) {
      for (const flow of mirror.flows) println(describeFlow(flow));
      for (const pair of mirror.heartbeatPairs) println(`heartbeats ${pair}: emitted, no flow`);
      if (flags.metricsPort !== undefined) {
        metrics = await startMetrics(flags, mirror);
        println(`metrics=${metrics.url}`);
      }
      println(`mirror running: ${mirror.flows.length} flow(s); Ctrl-C or SIGTERM stops it cleanly`);
      if (flags.quiet !== true) statusTimer = startStatusLines(mirror, flags.statusInterval * 1000);
      await signal.signalled;
    }
  } finally {
    if (statusTimer) clearInterval(statusTimer);
    await metrics?.close();
    await stopMirror(mirror, logger);
    signal.dispose();
  }
  println('mirror stopped');
  logger.flush();
  // kafkajs and socket timers may outlive the flows by a reconnect backoff; nothing is left to wait for.
  process.exit(process.exitCode ?? 0);
}

function loadConfigOf(flags: MirrorFlags): MirrorConfig {
  if (flags.config !== undefined) return loadMirrorConfig(flags.config);
  const file = flags.mm2Properties!;
  const { config, unsupported } = loadMm2Properties(file);
  if (unsupported.length > 0) {
    const lines = parseJavaProperties(readFileSync(file, 'utf8'));
    for (const key of unsupported) {
      const line = lines.get(key)?.line;
      const at = line === undefined ? '' : ` (line ${line})`;
      process.stderr.write(`ferry: unsupported MirrorMaker 2 setting '${key}'${at} is ignored\n`);
    }
  }
  return config;
}

/** `flow east->west: 6 partitions in 2 tasks, topics [orders] -> east.<topic> on west, checkpoints every 60 s, …` */
function describeFlow(flow: Flow): string {
  const { config } = flow;
  const partitions = flow.partitions().length;
  const tasks = flow.tasks().length;
  const remote = flow.policy.formatRemoteTopic(config.source, '<topic>');
  const parts = [
    `${partitions} partitions in ${tasks} task(s)`,
    `topics [${config.topics.join(', ')}] -> ${remote} on ${config.target}`,
  ];
  if (config.emitCheckpointsEnabled) {
    parts.push(`checkpoints to ${flow.checkpointsTopic} every ${config.emitCheckpointsIntervalSeconds} s`);
    if (config.syncGroupOffsetsEnabled)
      parts.push(`group offsets synced every ${config.syncGroupOffsetsIntervalSeconds} s`);
  }
  return `flow ${flow.name}: ${parts.join(', ')}`;
}

async function startMetrics(flags: MirrorFlags, mirror: MirrorMaker): Promise<MetricsServer> {
  try {
    return await MetricsServer.start({
      host: flags.metricsHost,
      port: flags.metricsPort!,
      metrics: () => mirror.metrics(),
      contentType: mirror.mirrorMetrics.registry.contentType,
    });
  } catch (err) {
    throw new CliError(`--metrics-port ${flags.metricsPort}: ${(err as Error).message}`, { cause: err });
  }
}

function startStatusLines(mirror: MirrorMaker, intervalMs: number): NodeJS.Timeout {
  const previous = new Map<string, { totals: FlowTotals; atMs: number }>();
  const timer = setInterval(() => {
    const now = Date.now();
    for (const flow of mirror.flows) {
      const totals = flowTotals(flow.figures());
      const before = previous.get(flow.name);
      println(formatFlowStatus(flow.name, totals, before?.totals, before ? now - before.atMs : 0));
      previous.set(flow.name, { totals, atMs: now });
    }
  }, intervalMs);
  timer.unref();
  return timer;
}

async function stopMirror(mirror: MirrorMaker, logger: Logger): Promise<void> {
  try {
    await mirror.stop();
  } catch (err) {
    logger.error({ err }, 'mirror stop failed');
    process.exitCode = 1;
  }
}
