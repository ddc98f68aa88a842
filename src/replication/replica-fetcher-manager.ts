import type { Logger } from '../common/logger.js';
import type { Partition } from './partition.js';
import { type LeaderEndpoint, ReplicaFetcher } from './replica-fetcher.js';

/**
 * The follower side of a broker: one ReplicaFetcher per leader broker, each fetching every partition this
 * broker follows from that leader. A partition moves between fetchers when its leader changes, and leaves them
 * when this broker leads it or it has no leader.
 */
export class ReplicaFetcherManager {
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  private readonly leaderOf = new Map<string, number>();

  constructor(
    private readonly brokerId: number,
    private readonly endpointOf: (brokerId: number) => LeaderEndpoint | undefined,
    private readonly logger: Logger,
    private readonly onAppended: (partition: Partition) => void,
  ) {}

  /** Follow `partition` from `leaderId` in `leaderEpoch` (restarting truncation, as after any leader change). */
  follow(partition: Partition, leaderId: number, leaderEpoch: number): void {
    this.unfollow(partition);
    let fetcher = this.fetchers.get(leaderId);
    if (!fetcher) {
      fetcher = new ReplicaFetcher({
        brokerId: this.brokerId,
        leaderId,
        endpoint: () => this.endpointOf(leaderId),
        logger: this.logger,
        onAppended: this.onAppended,
      });
      this.fetchers.set(leaderId, fetcher);
    }
    fetcher.addPartition(partition, leaderEpoch);
    this.leaderOf.set(partition.key, leaderId);
  }

  unfollow(partition: Partition): void {
    const leader = this.leaderOf.get(partition.key);
    if (leader === undefined) return;
    this.leaderOf.delete(partition.key);
    this.fetchers.get(leader)?.removePartition(partition);
  }

  async shutdown(): Promise<void> {
    const all = [...this.fetchers.values()];
    this.fetchers.clear();
    this.leaderOf.clear();
    await Promise.all(all.map((f) => f.shutdown()));
  }
}
