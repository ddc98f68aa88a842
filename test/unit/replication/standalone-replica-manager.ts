import { rmSync } from 'node:fs';
import { ManualClock } from '../../../src/common/clock.js';
import { silentLogger } from '../../../src/common/logger.js';
import { logConfig } from '../../../src/log/log-config.js';
import type { AppendOrigin } from '../../../src/log/producer-state.js';
import {
  type ProducePartitionResult,
  ReplicaManager,
  type TopicSettings,
} from '../../../src/replication/replica-manager.js';

/**
 * A ReplicaManager with no cluster around it, for unit tests: a manual clock, a silent logger, no endpoints for
 * followers to fetch from, every broker alive, and ISR changes that never complete. Every topic gets the same
 * settings: immediate file deletion, `minInsyncReplicas`, and whatever `settings()` adds when it is called
 * (so a test can change them and call `updateLogConfig`).
 */
export function standaloneReplicaManager(
  dir: string,
  options: {
    brokerId?: number;
    minInsyncReplicas?: number;
    settings?: () => Omit<TopicSettings, 'logConfig' | 'minInsyncReplicas'>;
  } = {},
): ReplicaManager {
  return new ReplicaManager({
    brokerId: options.brokerId ?? 1,
    dir,
    clock: new ManualClock(),
    logger: silentLogger,
    topicSettings: () => ({
      logConfig: logConfig({ fileDeleteDelayMs: 0 }),
      minInsyncReplicas: options.minInsyncReplicas ?? 1,
      ...options.settings?.(),
    }),
    alterIsr: () => new Promise<number>(() => {}),
    replicaLagTimeMaxMs: 30_000,
    endpointOf: () => undefined,
    isBrokerAlive: () => true,
  });
}

/** An acks=1 append of one batch to `t-0` (or `partition`), which answers synchronously: its result. */
export function appendNow(
  manager: ReplicaManager,
  records: Buffer,
  options: { partition?: number; origin?: AppendOrigin; clientId?: string } = {},
): ProducePartitionResult {
  const results = manager.appendRecords(
    [{ topic: 't', partition: options.partition ?? 0, records }],
    1,
    1000,
    options.origin ?? 'client',
    options.clientId,
  );
  if (results instanceof Promise) throw new Error('acks=1 answered asynchronously');
  return results[0]!;
}

/** A suite's afterEach: shuts the manager down (its logs closed, checkpoints written), then removes its dir. */
export async function shutDownAndRemove(manager: ReplicaManager, dir: string): Promise<void> {
  try {
    await manager.shutdown();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
