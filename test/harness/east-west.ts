import type { Admin } from 'kafkajs';
import { type ClusterHarness, startClusterHarness } from './cluster.js';

/** The mirror suites' two clusters, east (the source) and west (the target), each with a connected admin. */
export interface EastWest {
  readonly east: ClusterHarness;
  readonly west: ClusterHarness;
  readonly eastAdmin: Admin;
  readonly westAdmin: Admin;
  /** Disconnects the admins and closes both clusters; safe to call after a failed test. */
  close(): Promise<void>;
}

/**
 * Starts east and west (`brokers` each, default 1, both with `overrides`) side by side and connects a kafkajs
 * admin to each. When one of them fails to start, the other is closed before the error is thrown, so nothing is
 * left running.
 */
export async function startEastWest(
  options: { brokers?: number; overrides?: Record<string, unknown> } = {},
): Promise<EastWest> {
  const brokers = options.brokers ?? 1;
  const { overrides } = options;
  const started = await Promise.allSettled([
    startClusterHarness({ brokers, name: 'east', overrides }),
    startClusterHarness({ brokers, name: 'west', overrides }),
  ]);
  const [eastStart, westStart] = started;
  if (eastStart.status === 'rejected' || westStart.status === 'rejected') {
    await Promise.allSettled(started.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    throw eastStart.status === 'rejected' ? eastStart.reason : (westStart as PromiseRejectedResult).reason;
  }
  const east = eastStart.value;
  const west = westStart.value;
  const eastAdmin = east.kafka('admin').admin();
  const westAdmin = west.kafka('admin').admin();
  const close = async () => {
    await Promise.allSettled([eastAdmin.disconnect(), westAdmin.disconnect()]);
    await Promise.allSettled([east.close(), west.close()]);
  };
  try {
    await Promise.all([eastAdmin.connect(), westAdmin.connect()]);
  } catch (err) {
    await close();
    throw err;
  }
  return { east, west, eastAdmin, westAdmin, close };
}

/**
 * The raw mirror config (what a `--config` file holds) of one flow from east to west between these clusters;
 * `flow` holds the flow's own keys.
 */
export function eastToWest(
  clusters: { readonly east: ClusterHarness; readonly west: ClusterHarness },
  flow: Record<string, unknown>,
) {
  return {
    clusters: {
      east: { 'bootstrap.servers': clusters.east.cluster.bootstrap },
      west: { 'bootstrap.servers': clusters.west.cluster.bootstrap },
    },
    flows: [{ source: 'east', target: 'west', ...flow }],
  };
}
