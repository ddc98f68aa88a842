import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../src/cluster/broker.js';
import { loadConfig } from '../../src/common/config/index.js';
import { silentLogger } from '../../src/common/logger.js';

/**
 * One real single-node Ferry broker for interop and integration suites: a fresh temp data dir, a free port on
 * 127.0.0.1, a silent logger, and settings that keep group and coordinator start-up fast. `restart` stops the
 * broker (controlled shutdown) and starts a new one on the same data dir, on the same port when it can be bound
 * again. `close` stops whatever runs and removes the data dir; call it from afterAll so it runs even on failure.
 */
export interface BrokerHarness {
  readonly broker: Broker;
  readonly dataDir: string;
  /** `127.0.0.1:<port>` of the running broker. */
  readonly bootstrap: string;
  restart(): Promise<Broker>;
  close(): Promise<void>;
}

const FAST_DEFAULTS: Record<string, unknown> = {
  'group.initial.rebalance.delay.ms': 0,
  'offsets.topic.num.partitions': 5,
  'transaction.state.log.num.partitions': 3,
};

export async function startBrokerHarness(overrides: Record<string, unknown> = {}): Promise<BrokerHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ferry-it-'));
  const config = loadConfig({ env: {}, overrides: { ...FAST_DEFAULTS, ...overrides } });
  const start = (port: number) =>
    Broker.start({
      brokerId: 1,
      clusterId: 'ferry-test',
      dataDir,
      host: '127.0.0.1',
      port,
      rack: null,
      config,
      logger: silentLogger,
    });
  let broker: Broker;
  try {
    broker = await start(0);
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const harness: BrokerHarness = {
    get broker() {
      return broker;
    },
    dataDir,
    get bootstrap() {
      return `127.0.0.1:${broker.port}`;
    },
    async restart() {
      const port = broker.port;
      await broker.stop();
      try {
        broker = await start(port);
      } catch {
        // Someone else took the port in between: a new one, and the caller reconnects to `bootstrap`.
        broker = await start(0);
      }
      return broker;
    },
    async close() {
      try {
        await broker.stop();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
  return harness;
}

/** Polls `condition` until it holds or `timeoutMs` passes; throws with `what` on timeout. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
