import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { AppendResult, FetchDataInfo, PartitionLog } from '../log/partition-log.js';
import type { AppendOrigin } from '../log/producer-state.js';
import type { AbortedTxn } from '../log/transaction-index.js';
import { KafkaError } from '../protocol/errors/index.js';
import { committedIsr, type IsrState, pendingExpand, pendingShrink } from './isr-state.js';

export const NO_REPLICA = -1;

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

/** The leader's record of one follower: how far it has fetched, and since when it is caught up. */
interface FollowerState {
  logEndOffset: number;
  lastCaughtUpTimeMs: number;
  lastFetchTimeMs: number;
  /** Our LEO when the follower last fetched. */
  lastFetchLeaderEndOffset: number;
}

/** What the controller said about this partition: who leads, in which epoch, with which replicas and ISR. */
export interface PartitionState {
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

/** Proposes an ISR change to the controller; resolves with the new partition epoch, or rejects. */
export type AlterIsr = (
  partition: Partition,
  isr: readonly number[],
  leaderEpoch: number,
  partitionEpoch: number,
) => Promise<number>;

export interface ReadResult {
  readonly info: FetchDataInfo;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly abortedTransactions: AbortedTxn[] | undefined;
}

/**
 * One partition on one broker (Kafka's `Partition`): its log, and — while this broker leads it — the ISR state
 * machine and the followers' fetch positions from which the high watermark follows. As a follower it only
 * holds the log; the replica fetcher appends to it.
 *
 * The high watermark is the smallest LEO among the maximal ISR (see isr-state.ts), and only moves up. A
 * follower joins the ISR once it has fetched up to the HW in the current leader epoch; it leaves when it has
 * not caught up with the LEO for `replica.lag.time.max.ms`.
 *
 * Owned by the ReplicaManager, which serialises every call on the event loop; ISR proposals are asynchronous
 * and re-check the state they were made from when the controller answers.
 */
export class Partition {
  readonly key: string;
  private state: PartitionState;
  private isr: IsrState = committedIsr([]);
  private readonly followers = new Map<number, FollowerState>();
  /** Set while writes are frozen (a migration cutover): produce answers a retriable error. */
  writeFrozen = false;
  /** The client id a freeze lets through (`ferry.write.freeze.exempt.client.id`); '' lets nobody through. */
  writeFreezeExemptClientId = '';

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly log: PartitionLog,
    private readonly brokerId: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly alterIsr: AlterIsr,
    /** Whether a broker is registered and not fenced: only live brokers may join the ISR (KIP-841). */
    private readonly isBrokerAlive: (brokerId: number) => boolean = () => true,
    /** Told of every ISR change the controller committed at this leader's request (metrics). */
    private readonly onIsrChange: (kind: 'shrink' | 'expand') => void = () => {},
  ) {
    this.key = `${topic}-${partition}`;
    this.state = { leader: NO_REPLICA, leaderEpoch: -1, partitionEpoch: -1, replicas: [], isr: [] };
  }

  get isLeader(): boolean {
    return this.state.leader === this.brokerId;
  }

  get leaderId(): number {
    return this.state.leader;
  }

  get leaderEpoch(): number {
    return this.state.leaderEpoch;
  }

  get partitionEpoch(): number {
    return this.state.partitionEpoch;
  }

  get replicas(): readonly number[] {
    return this.state.replicas;
  }

  get isrState(): IsrState {
    return this.isr;
  }

  get inSyncReplicas(): readonly number[] {
    return this.isr.isr;
  }

  /** Takes over leadership (or a new leader epoch of it). Followers start as not caught up. */
  makeLeader(state: PartitionState): void {
    const wasLeader = this.isLeader && this.state.leaderEpoch === state.leaderEpoch;
    this.state = state;
    this.isr = committedIsr(state.isr);
    const now = this.clock.monotonicMs();
    if (wasLeader) {
      // Same epoch, new replica set (a reassignment): track joining replicas, forget departed ones.
      for (const id of [...this.followers.keys()])
        if (!state.replicas.includes(id)) this.followers.delete(id);
      for (const id of state.replicas) {
        if (id !== this.brokerId && !this.followers.has(id)) {
          this.followers.set(id, {
            logEndOffset: -1,
            lastCaughtUpTimeMs: now,
            lastFetchTimeMs: 0,
            lastFetchLeaderEndOffset: 0,
          });
        }
      }
      this.maybeIncrementHighWatermark();
      return;
    }
    this.followers.clear();
    for (const id of state.replicas) {
      if (id === this.brokerId) continue;
      this.followers.set(id, {
        logEndOffset: -1,
        lastCaughtUpTimeMs: now,
        lastFetchTimeMs: 0,
        lastFetchLeaderEndOffset: 0,
      });
    }
    // As Kafka does on election: the new epoch starts at our LEO, so that a follower asking where its epoch
    // ended (OffsetForLeaderEpoch) learns where our log diverges from its own.
    this.log.leaderEpochCache.assign(state.leaderEpoch, this.log.logEndOffset);
    this.maybeIncrementHighWatermark();
    this.logger.info(
      { leaderEpoch: state.leaderEpoch, isr: state.isr, logEndOffset: this.log.logEndOffset },
      'became leader',
    );
  }

  makeFollower(state: PartitionState): void {
    this.state = state;
    this.isr = committedIsr(state.isr);
    this.followers.clear();
  }

  /**
   * A follower's append of what it fetched from the leader (offsets as the leader assigned them), then its HW:
   * the leader's, capped at its own LEO; and the leader's log start offset where it moved past ours.
   */
  appendRecordsAsFollower(records: Buffer, leaderHighWatermark: number, leaderLogStartOffset: number): void {
    if (records.length > 0) this.log.appendAsFollower(records);
    const hw = Math.min(leaderHighWatermark, this.log.logEndOffset);
    if (hw > this.log.highWatermark) this.log.updateHighWatermark(hw);
    if (leaderLogStartOffset > this.log.logStartOffset && leaderLogStartOffset <= this.log.highWatermark) {
      this.log.deleteRecordsBefore(leaderLogStartOffset);
    }
  }

  /** The controller committed a new ISR (ours or its own decision). */
  onIsrCommitted(isr: readonly number[], partitionEpoch: number): void {
    this.state = { ...this.state, isr: [...isr], partitionEpoch };
    this.isr = committedIsr(isr);
    this.maybeIncrementHighWatermark();
  }

  /**
   * A producer's append on the leader. NOT_ENOUGH_REPLICAS for acks=all when the ISR is below
   * `minInsyncReplicas` before the append; the caller waits for the HW for acks=all. While writes are frozen,
   * a client's append is refused (retriable NOT_ENOUGH_REPLICAS) unless `clientId` — its request header's —
   * is the freeze's exemption.
   */
  appendRecordsToLeader(
    records: Buffer,
    origin: AppendOrigin,
    requiredAcks: number,
    minInsyncReplicas: number,
    clientId = '',
  ): AppendResult {
    if (!this.isLeader) {
      throw new KafkaError('NOT_LEADER_OR_FOLLOWER', `broker ${this.brokerId} does not lead ${this.key}`);
    }
    if (this.writeFrozen && origin === 'client' && !this.isFreezeExempt(clientId)) {
      throw new KafkaError('NOT_ENOUGH_REPLICAS', `writes to ${this.key} are frozen for a cutover`);
    }
    if (requiredAcks === -1 && this.isr.isr.length < minInsyncReplicas) {
      throw new KafkaError(
        'NOT_ENOUGH_REPLICAS',
        `ISR of ${this.key} is [${this.isr.isr.join(',')}], below min.insync.replicas=${minInsyncReplicas}`,
      );
    }
    const result = this.log.appendAsLeader(records, this.state.leaderEpoch, origin);
    this.maybeIncrementHighWatermark();
    return result;
  }

  /**
   * Whether an acks=all append that ended at `requiredOffset` (exclusive) is acknowledged: the HW passed it.
   * NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas meanwhile.
   */
  checkEnoughReplicasReachOffset(requiredOffset: number, minInsyncReplicas: number): 'done' | 'wait' {
    if (!this.isLeader) {
      throw new KafkaError('NOT_LEADER_OR_FOLLOWER', `broker ${this.brokerId} no longer leads ${this.key}`);
    }
    if (this.log.highWatermark >= requiredOffset) {
      if (this.isr.isr.length < minInsyncReplicas) {
        throw new KafkaError(
          'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
          `ISR of ${this.key} shrank to [${this.isr.isr.join(',')}] below min.insync.replicas=${minInsyncReplicas}`,
        );
      }
      return 'done';
    }
    return 'wait';
  }

  /**
   * A read for a consumer (up to the HW, or the LSO for read_committed) or a follower (replicaId >= 0, up to
   * the LEO, which also records the follower's position).
   */
  read(params: {
    fetchOffset: number;
    maxBytes: number;
    replicaId: number;
    isolation: IsolationLevel;
    currentLeaderEpoch: number;
    minOneMessage: boolean;
    fetchOnlyFromLeader: boolean;
  }): ReadResult {
    if (params.fetchOnlyFromLeader && !this.isLeader) {
      throw new KafkaError('NOT_LEADER_OR_FOLLOWER', `broker ${this.brokerId} does not lead ${this.key}`);
    }
    this.checkLeaderEpoch(params.currentLeaderEpoch);
    const log = this.log;
    const isFollower = params.replicaId >= 0;
    const maxOffset = isFollower
      ? log.logEndOffset
      : params.isolation === 'read_committed'
        ? log.lastStableOffset()
        : log.highWatermark;
    const info = log.read(params.fetchOffset, params.maxBytes, maxOffset, params.minOneMessage);
    let abortedTransactions: AbortedTxn[] | undefined;
    if (params.isolation === 'read_committed' && !isFollower && info.records.length > 0) {
      abortedTransactions = log.collectAbortedTransactions(params.fetchOffset, maxOffset);
    }
    return {
      info,
      highWatermark: log.highWatermark,
      lastStableOffset: log.lastStableOffset(),
      logStartOffset: log.logStartOffset,
      logEndOffset: log.logEndOffset,
      abortedTransactions,
    };
  }

  /** FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH for a client that knows another epoch (-1: not checked). */
  checkLeaderEpoch(currentLeaderEpoch: number): void {
    if (currentLeaderEpoch < 0 || currentLeaderEpoch === this.state.leaderEpoch) return;
    if (currentLeaderEpoch < this.state.leaderEpoch) {
      throw new KafkaError(
        'FENCED_LEADER_EPOCH',
        `epoch ${currentLeaderEpoch} is older than ${this.state.leaderEpoch} of ${this.key}`,
      );
    }
    throw new KafkaError(
      'UNKNOWN_LEADER_EPOCH',
      `epoch ${currentLeaderEpoch} is newer than ${this.state.leaderEpoch} of ${this.key}`,
    );
  }

  /**
   * A follower fetched from `fetchOffset`: everything below it is on the follower. Moves its LEO, marks it
   * caught up when it reached our LEO, and maybe expands the ISR and moves the HW. Returns whether the HW moved.
   */
  updateFollowerFetchState(replicaId: number, fetchOffset: number): boolean {
    const follower = this.followers.get(replicaId);
    if (!follower || !this.isLeader) return false;
    const now = this.clock.monotonicMs();
    const leaderEndOffset = this.log.logEndOffset;
    // Kafka's rule: caught up now if it reached our LEO; caught up as of its previous fetch if it reached the LEO
    // we had then — under a steady stream of appends a follower never equals the moving LEO, yet is in sync.
    if (fetchOffset >= leaderEndOffset) follower.lastCaughtUpTimeMs = now;
    else if (fetchOffset >= follower.lastFetchLeaderEndOffset) {
      follower.lastCaughtUpTimeMs = Math.max(follower.lastCaughtUpTimeMs, follower.lastFetchTimeMs);
    }
    follower.logEndOffset = fetchOffset;
    follower.lastFetchTimeMs = now;
    follower.lastFetchLeaderEndOffset = leaderEndOffset;
    this.maybeExpandIsr(replicaId, follower);
    return this.maybeIncrementHighWatermark();
  }

  /** Followers that have not caught up for `maxLagMs` leave the ISR. */
  maybeShrinkIsr(maxLagMs: number): void {
    if (!this.isLeader || this.isr.kind !== 'committed') return;
    const now = this.clock.monotonicMs();
    const leaving = this.isr.isr.filter((id) => {
      if (id === this.brokerId) return false;
      const follower = this.followers.get(id);
      return follower === undefined || now - follower.lastCaughtUpTimeMs > maxLagMs;
    });
    if (leaving.length === 0) return;
    this.propose(pendingShrink(this.isr, leaving));
  }

  /** On the leader: how far the slowest replica trails our LEO (0 without followers). */
  followerLag(): number {
    let lag = 0;
    for (const f of this.followers.values())
      lag = Math.max(lag, this.log.logEndOffset - Math.max(f.logEndOffset, 0));
    return lag;
  }

  /** HW = the smallest LEO among the maximal ISR; only moves up. Returns whether it moved. */
  maybeIncrementHighWatermark(): boolean {
    if (!this.isLeader) return false;
    let hw = this.log.logEndOffset;
    for (const id of this.isr.maximalIsr) {
      if (id === this.brokerId) continue;
      const follower = this.followers.get(id);
      hw = Math.min(hw, follower ? Math.max(follower.logEndOffset, 0) : 0);
    }
    if (hw <= this.log.highWatermark) return false;
    this.log.updateHighWatermark(hw);
    return true;
  }

  /** Exact match only, and an empty exemption matches nobody: a client sending no client id is not exempt. */
  private isFreezeExempt(clientId: string): boolean {
    return this.writeFreezeExemptClientId !== '' && clientId === this.writeFreezeExemptClientId;
  }

  private maybeExpandIsr(replicaId: number, follower: FollowerState): void {
    if (this.isr.kind !== 'committed' || this.isr.isr.includes(replicaId)) return;
    if (!this.state.replicas.includes(replicaId) || !this.isBrokerAlive(replicaId)) return;
    // Caught up to the HW, and with a record of the current epoch: it cannot hold a diverging suffix.
    const epochStart = this.log.leaderEpochCache.latestEntry()?.startOffset ?? 0;
    if (follower.logEndOffset >= this.log.highWatermark && follower.logEndOffset >= epochStart) {
      this.propose(pendingExpand(this.isr, replicaId));
    }
  }

  private propose(next: IsrState): void {
    const from = this.state;
    this.isr = next;
    const proposed = next.kind === 'pendingExpand' ? next.maximalIsr : next.isr;
    this.logger.info({ kind: next.kind, isr: proposed }, 'proposing ISR change');
    this.alterIsr(this, proposed, from.leaderEpoch, from.partitionEpoch).then(
      (partitionEpoch) => {
        if (this.isr !== next) return;
        this.onIsrCommitted(proposed, partitionEpoch);
        this.onIsrChange(next.kind === 'pendingExpand' ? 'expand' : 'shrink');
      },
      (err: unknown) => {
        if (this.isr !== next) return;
        // The controller refused (stale epoch, leadership moved): fall back to the last committed ISR; the
        // metadata update that made it stale brings the truth.
        this.isr = committedIsr(this.state.isr);
        this.logger.info({ err: (err as Error).message }, 'ISR change rejected');
      },
    );
  }
}
